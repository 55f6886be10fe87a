"""The kiosk's alert sources wired to the staff alert dispatcher (kiosk/alerts).

Part of the composition root. `StaffAlerts` turns what the kiosk already notices — the flow's
AlertStaff effects, the real printer's status, the camera and scanner, the hospital link, the
outbox's refused check-ins — into incidents: raised when the fault appears, cleared when it
goes. It is made on the GUI thread without touching the disk and opened on the backends'
thread (SQLite loads there anyway); what happens before that is kept and replayed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import AlertsSection, KioskSection
from kiosk.core.flow import (
    AlertStaff,
    ChipFailed,
    ChipRead,
    PrinterChanged,
    PrintFailed,
    Problem,
    TicketPrinted,
)

if TYPE_CHECKING:
    from kiosk.alerts import AlertDispatcher, DeliveryState
    from kiosk.core.flow import Effect, Event, FlowState

log = logging.getLogger(__name__)

STORE_NAME = "alerts.sqlite"  # in the kiosk's data folder

PRINTER_KINDS = (
    "printer_out_of_paper",
    "printer_cover_open",
    "printer_offline",
    "printer_write_failed",
)
CHIP_FAILURES_IN_A_ROW = 3  # one unread chip is a patient lifting the card early; three, not
OUTBOX_CHECK_SECONDS = 15.0
_KEPT_BEFORE_OPEN = 100
Told = Callable[[], None]


class StaffAlerts:
    def __init__(self, kiosk: KioskSection, section: AlertsSection, data_dir: Path) -> None:
        self._kiosk = kiosk
        self._section = section
        self._path = data_dir / STORE_NAME
        self._lock = threading.Lock()
        self._dispatcher: AlertDispatcher | None = None
        self._before_open: list[Callable[[AlertDispatcher], None]] = []
        self._waiting: dict[str, list[Told]] = {}  # incident -> who hears it was accepted
        self._chip_failures = 0
        self._follow_ups = 0
        self._outbox_watch: threading.Thread | None = None
        self._stop = threading.Event()
        # Called with the session whose printer-fault alert a channel that reaches people took
        # (the patient's screen may then say so); set by the app.
        self.fault_told: Callable[[int], None] = lambda _session: None

    @property
    def webhook(self) -> bool:
        """Whether a channel that reaches people is configured."""
        return bool(self._section.webhook_url)

    def open(self) -> None:
        """Build and start the dispatcher (off the GUI thread), then replay what came first."""
        from kiosk.alerts import AlertDispatcher, KioskIdentity, Limits, WebhookChannel

        section = self._section
        channels = []
        if section.webhook_url:
            channels.append(WebhookChannel(section.webhook_url, section.webhook_secret))
        dispatcher = AlertDispatcher(
            self._path,
            KioskIdentity(self._kiosk.id, self._kiosk.name, section.location),
            channels,
            Limits(resolve_after=section.resolve_after, per_hour=section.per_hour),
        )
        dispatcher.on_accepted(self._accepted)
        dispatcher.start()
        with self._lock:
            self._dispatcher = dispatcher
            replay, self._before_open = self._before_open, []
        for call in replay:
            call(dispatcher)

    def close(self) -> None:
        self._stop.set()
        if self._outbox_watch is not None:
            self._outbox_watch.join(5)
        with self._lock:
            dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None:
            dispatcher.close()

    def state(self) -> DeliveryState | None:
        with self._lock:
            dispatcher = self._dispatcher
        return dispatcher.state() if dispatcher is not None else None

    # --- raising and clearing (any thread) ----------------------------------------------

    def raise_(self, kind: str, detail: str = "", told: Told | None = None) -> None:
        """Raise `kind`; `told()` runs (on the sender's thread) once a channel that reaches
        people has taken it, at once if one already has; never if none does."""

        def call(dispatcher: AlertDispatcher) -> None:
            incident = dispatcher.raise_(kind, detail)
            if told is None:
                return
            with self._lock:
                accepted = dispatcher.accepted(incident)
                if not accepted:
                    self._waiting.setdefault(incident, []).append(told)
            if accepted:
                told()

        self._with_dispatcher(call)

    def clear(self, *kinds: str) -> None:
        def call(dispatcher: AlertDispatcher) -> None:
            for kind in kinds:
                dispatcher.clear(kind)

        self._with_dispatcher(call)

    def call_staff(self, screen: str, told: Told) -> None:
        self.raise_("staff_called", screen, told)

    def _with_dispatcher(self, call: Callable[[AlertDispatcher], None]) -> None:
        with self._lock:
            dispatcher = self._dispatcher
            if dispatcher is None:
                self._before_open.append(call)
                # If opening failed, this is all there will be: the latest are what matter.
                del self._before_open[:-_KEPT_BEFORE_OPEN]
                return
        call(dispatcher)

    def _accepted(self, incident: str) -> None:
        with self._lock:
            told = self._waiting.pop(incident, [])
        for tell in told:
            tell()

    # --- the sources --------------------------------------------------------------------

    def flow_step(self, event: Event, effects: list[Effect], state: FlowState) -> None:
        """A flow observer: its AlertStaff effects and the events that end a fault."""
        for effect in effects:
            if isinstance(effect, AlertStaff):
                self._flow_alert(effect, state)
        if isinstance(event, ChipRead):
            self._chip_failures = 0
            self.clear("chip_read_failing")
        elif isinstance(event, ChipFailed):
            self._chip_failures += 1
            if self._chip_failures >= CHIP_FAILURES_IN_A_ROW:
                self.raise_("chip_read_failing", event.problem.value)
        elif isinstance(event, TicketPrinted):
            self.clear(*PRINTER_KINDS)  # a ticket came out: the printer works
        elif isinstance(event, PrintFailed):
            session = state.session
            told = lambda: self.fault_told(session)  # noqa: E731 - named for the reader
            self.raise_(f"printer_{event.problem.value}", "printing", told)
        elif isinstance(event, PrinterChanged):  # the demo's printer, and real ones' polls
            if event.problem is None:
                self.clear(*PRINTER_KINDS)
            else:
                self.raise_(f"printer_{event.problem.value}", "status")

    def _flow_alert(self, alert: AlertStaff, state: FlowState) -> None:
        screen = state.screen.name.lower()
        if alert.problem is Problem.CARD_FORGED:
            self.raise_("card_forged", screen)
        elif alert.problem is Problem.HOSPITAL_ERROR:
            self.raise_("hospital_error", screen)
        # A printer fault comes with its PrintFailed (above); a chip not read with its
        # ChipFailed; the hospital not answering from the health monitor (`hospital_online`).

    def printer_status(self, word: str) -> None:
        """The real printer's status word (kiosk.app.backends.printer_alert without "printer: ")."""
        if word == "ready":
            self.clear(*PRINTER_KINDS, "printer_paper_near_end")
            return
        if word == "paper_near_end":
            self.clear(*PRINTER_KINDS)
        else:
            self.clear(*(kind for kind in PRINTER_KINDS if kind != f"printer_{word}"))
        self.raise_(f"printer_{word}", "status")

    def camera_status(self, word: str, missing: bool) -> None:
        if missing:
            self.raise_("camera_missing", word)
        elif word == "active":
            self.clear("camera_missing")

    def hospital_online(self, online: bool) -> None:
        if online:
            self.clear("hospital_offline")
        else:
            self.raise_("hospital_offline", "health")

    def watch_outbox(
        self, follow_ups: Callable[[], int], seen: Callable[[int], None] | None = None
    ) -> None:
        """Every OUTBOX_CHECK_SECONDS: a check-in the hospital newly refused is an alert;
        `seen(count)` hears the count of refused check-ins staff have not dealt with."""
        self._follow_ups = follow_ups()

        def watch() -> None:
            while not self._stop.wait(OUTBOX_CHECK_SECONDS):
                try:
                    count = follow_ups()
                except Exception:  # the store closing under us at shutdown
                    log.debug("outbox check failed", exc_info=True)
                    continue
                if count > self._follow_ups:
                    self.raise_("outbox_rejected", "sync")
                self._follow_ups = count
                if seen is not None:
                    seen(count)

        self._outbox_watch = threading.Thread(target=watch, name="outbox-watch", daemon=True)
        self._outbox_watch.start()
