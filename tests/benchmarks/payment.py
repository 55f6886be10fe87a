"""VietQR payment benchmark: `bench_payment(data_dir)`, registered in run.py as `payment`.

A demo kiosk (real UI offscreen, the demo hospital on loopback, simulated printer), a paid
walk-in to TMH each round:

- confirm -> QR on screen: "Confirm" tapped until the PAYING page is shown and painted (the
  registration over HTTP, the VietQR payload written and checked, the code drawn). Baseline in
  the same run: the bare register_visit call of a paid visit on the same hospital.
- bank confirms -> paid ticket's first byte: the demo bank's confirmation until the paid
  ticket's ESC/POS job is rendered and handed to the printer (its first byte can go out),
  polling at 0.25 s, then x1.5 up to 0.75 s. Baseline: the render of that ticket alone.
- phone view: the narrowest downscale of the 1080x1920 screenshot (blurred 0.8 px, as a phone
  at arm's length sees it) from which zxing-cpp still reads the code.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Results = dict[str, object]


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def bench_payment(data_dir: Path, rounds: int = 15) -> Results:
    import uuid

    from PIL import Image, ImageFilter
    from PySide6.QtWidgets import QApplication

    import drivers.printer.simulated as simulated
    from kiosk.app.walkthrough import FIRST_SCREENS, Driver, _new_visit, _present
    from kiosk.config import Config
    from kiosk.core.domain import CheckIn, PriorityGroup, ServiceType
    from kiosk.core.flow import Screen
    from kiosk.core.payment.request import poll_delay
    from kiosk.hospital.rest import RestHospitalClient
    from tests.demo_kiosk import running_demo_kiosk
    from tests.ui.screens.test_payment_screen import read_codes, screenshot

    QApplication.instance() or QApplication([])
    rendered: list[tuple[float, float]] = []  # (started, handed over) of each ESC/POS job
    original_job = simulated.ticket_job

    def timed_job(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        data = original_job(*args, **kwargs)
        rendered.append((started, time.perf_counter()))
        return data

    simulated.ticket_job = timed_job
    to_code: list[float] = []
    to_ticket: list[float] = []
    renders: list[float] = []
    bare: list[float] = []
    rng = random.Random(19)
    try:
        with running_demo_kiosk(Config(), data_dir / "kiosk") as kiosk:
            d = Driver(kiosk)
            persona = kiosk.demo_devices.personas["walk_in_paid"]
            patient = kiosk.hospital.find_patient(persona.identity)
            assert patient is not None
            with RestHospitalClient(kiosk.demo_devices.hospital.url) as client:
                for _ in range(rounds):
                    checkin = CheckIn(str(uuid.uuid4()), "BENCH", patient.patient_id, "TMH",
                                      ServiceType.PAID, PriorityGroup.NONE)  # fmt: skip
                    started = time.perf_counter()
                    client.register_visit(checkin)
                    bare.append(time.perf_counter() - started)
            phone: dict[str, bool] = {}
            for round_ in range(rounds):
                _present(d, d.devices.show_cccd_qr, "walk_in_paid", Screen.PLACE_CARD)
                d.step("btn_skip_card", *FIRST_SCREENS)
                _new_visit(d)
                d.click_department("TMH")
                d.wait_for(Screen.CONFIRM)
                button = d.button("btn_confirm")
                started = time.perf_counter()
                button.click()
                while d.state.screen is not Screen.PAYING:
                    QApplication.processEvents()
                QApplication.processEvents()  # the page's paint
                to_code.append(time.perf_counter() - started)
                if round_ == 0:
                    shot = screenshot(kiosk.window)
                    assert read_codes(shot) == [d.state.payment_code]
                    for width in (540, 360, 270, 216, 192, 160, 144, 128):
                        view = shot.resize((width, round(1920 * width / 1080)),
                                           Image.Resampling.BILINEAR)  # fmt: skip
                        view = view.filter(ImageFilter.GaussianBlur(0.8))
                        phone[str(width)] = read_codes(view) == [d.state.payment_code]
                # The patient takes a few seconds to pay: the poll interval has reached its cap.
                pause = time.monotonic() + rng.uniform(2.0, 4.0)
                while time.monotonic() < pause:
                    QApplication.processEvents()
                    time.sleep(0.005)
                jobs = len(rendered)
                confirmed = time.perf_counter()
                d.devices.bank_confirms()
                while len(rendered) == jobs:
                    QApplication.processEvents()
                    time.sleep(0.001)
                job_started, handed = rendered[jobs]
                to_ticket.append(handed - confirmed)
                renders.append(handed - job_started)
                d.wait_for(Screen.TICKET)
                ticket = d.state.ticket
                assert ticket is not None and ticket.paid_reference is not None
                d.step("btn_done", Screen.WELCOME)
    finally:
        simulated.ticket_job = original_job
    return {
        "rounds": rounds,
        "confirm_to_qr_on_screen": _ms(to_code),
        "baseline_register_visit_call": _ms(bare),
        "bank_confirms_to_paid_ticket_first_byte": _ms(to_ticket),
        "baseline_paid_ticket_render": _ms(renders),
        "poll_interval_s": {"first": poll_delay(0), "cap": poll_delay(100)},
        "phone_view_width_px_decodes": phone,
    }


if __name__ == "__main__":
    import json
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(bench_payment(Path(folder)), indent=2))
