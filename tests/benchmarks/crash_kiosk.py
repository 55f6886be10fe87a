"""The kiosk the crash campaign kills (tests/benchmarks/crash_campaign.py): the real Qt kiosk
(KioskApp, its flow, effect runner, offline store and sync, offscreen), with no chip reader
(no pcscd), the simulated scanner and printer, and a hurried patient who checks in again and
again by typing ID numbers of the hospital's own patients.

    python tests/benchmarks/crash_kiosk.py HOSPITAL_URL DATA_DIR IDS_FILE [--list]

(--list: start, record what is registered but not printed, and stop.)

Two journals in DATA_DIR, each line written and fsynced: `printed.jsonl`, one line per
ticket the printer took (after it took it), and `restarts.jsonl`, one line per start with the
keys of the check-ins the kiosk found registered but not printed. Prints READY when up.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QApplication  # noqa: E402

from kiosk.app.controller import KioskApp  # noqa: E402
from kiosk.app.ticket_paper import PaperTicketPrinter  # noqa: E402
from kiosk.config import (  # noqa: E402
    CameraSection,
    CardSection,
    Config,
    HospitalSection,
    KioskSection,
    PrinterSection,
)
from kiosk.core.domain import Ticket  # noqa: E402
from kiosk.core.flow import FlowState, KeypadSubmitted, Pressed, Screen  # noqa: E402

# What the hurried patient presses, first one shown wins (paid service: no insurance check).
PREFERRED = (
    "btn_continue", "btn_appointment_confirm", "btn_service_paid", "btn_department_NOI",
    "btn_department_NHI", "btn_priority_none", "btn_confirm", "btn_done",
)  # fmt: skip


def _append(path: Path, record: dict[str, object]) -> None:
    with path.open("a", encoding="utf-8") as journal:
        journal.write(json.dumps(record) + "\n")
        journal.flush()
        os.fsync(journal.fileno())


def _journal_prints(journal: Path) -> None:
    """Every ticket the printer took, as soon as it took it."""
    original = PaperTicketPrinter.print_ticket

    def journaled(self: PaperTicketPrinter, ticket: Ticket) -> None:
        original(self, ticket)
        if isinstance(ticket, Ticket):
            _append(journal, {"label": ticket.queue_label, "visit_id": ticket.visit_id,
                              "provisional": ticket.provisional})  # fmt: skip

    PaperTicketPrinter.print_ticket = journaled  # type: ignore[method-assign]


class HurriedPatients:
    def __init__(self, kiosk: KioskApp, ids: list[str]) -> None:
        self.kiosk = kiosk
        self.ids = list(ids)
        random.Random().shuffle(self.ids)  # each start its own order: few come back soon
        self.turn = 0
        self.stuck = QTimer()
        self.stuck.setSingleShot(True)
        self.stuck.timeout.connect(self._unstick)
        kiosk.controller.state_changed.connect(self._on_state)

    def next_patient(self) -> None:
        self.kiosk.controller.send(Pressed.KEYPAD)
        self.kiosk.controller.send(KeypadSubmitted(self.ids[self.turn % len(self.ids)]))
        self.turn += 1

    def _on_state(self, state: FlowState) -> None:
        self.stuck.start(6_000)  # a screen the patient does not know: cancel, start again
        if state.screen is Screen.WELCOME:
            QTimer.singleShot(50, self.next_patient)
            return
        QTimer.singleShot(20, self._press)

    def _press(self) -> None:
        for name in PREFERRED:
            for button in self.kiosk.window.findChildren(QAbstractButton, name):
                if button.isVisible() and button.isEnabled():
                    button.click()
                    return

    def _unstick(self) -> None:
        self.kiosk.controller.send(Pressed.CANCEL)
        self.kiosk.controller.send(Pressed.DONE)
        if self.kiosk.controller.state.screen is Screen.WELCOME:
            self.next_patient()


def main(hospital_url: str, data_dir: Path, ids_file: Path, list_only: bool) -> int:
    app = QApplication.instance() or QApplication([])
    config = Config(
        kiosk=KioskSection(id="KIOSK-CRASH"),
        hospital=HospitalSection(url=hospital_url, deadline=2.0, read_timeout=1.0),
        card=CardSection(reader="none"),  # no chip reader: no pcscd
        camera=CameraSection(source="none"),
        printer=PrinterSection(kind="simulated", output_dir=str(data_dir / "paper")),
    )
    _journal_prints(data_dir / "printed.jsonl")
    kiosk = KioskApp(config, demo=False, data_dir=data_dir)
    kiosk.wait_until_ready()
    offline = kiosk.backends.offline if kiosk.backends else None
    assert offline is not None
    _append(data_dir / "restarts.jsonl",
            {"unprinted": [visit.key for visit in offline.unprinted_at_start]})  # fmt: skip
    if list_only:  # the campaign's last start: what would staff see now?
        kiosk.close()
        return 0
    kiosk.window.resize(1080, 1920)
    kiosk.window.show()
    patients = HurriedPatients(kiosk, json.loads(ids_file.read_text()))
    QTimer.singleShot(0, patients.next_patient)
    print("READY", flush=True)
    status = app.exec()
    kiosk.close()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), "--list" in sys.argv[4:]))
