"""What the staff screens can do, as blocking calls the UI runs on a worker thread.

Pure Python: the PIN gate, the device status, test print and reprint, the offline follow-up
list. The composition root (kiosk/app/controller.py) builds it with the backends once they are
ready; the staff screens (ui/admin/) only call it and render what it returns, so the UI never talks
to a device itself. Every staff action is written to the audit log, without personal data.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.domain import Department, PrinterError, Ticket
from kiosk.staff.lockout import LockoutFile
from kiosk.staff.pin import DEMO_PIN, PinAnswer, PinGate, hash_pin

if TYPE_CHECKING:  # the status is first needed when staff ask, not at start
    from kiosk.staff.status import AdminStatus, BackendsView

audit = logging.getLogger("kiosk.audit.admin")

# How the kiosk process ends from the staff screens. kiosk.service restarts the kiosk on any
# failure status but 2 (Restart=on-failure): 3 asks for a restart; 0 leaves it stopped, which
# is the way out to the desktop (or the console) for maintenance.
EXIT_RESTART = 3
EXIT_TO_DESKTOP = 0

RECENT_TICKETS = 10


class RecentTickets:
    """The last tickets printed, for a reprint: they hold only what is on the paper already
    (masked name, birth year), and only in memory. Thread-safe."""

    def __init__(self, keep: int = RECENT_TICKETS) -> None:
        self._lock = threading.Lock()
        self._tickets: deque[Ticket] = deque(maxlen=keep)

    def remember(self, ticket: Ticket) -> None:
        with self._lock:
            if self._tickets and self._tickets[-1] == ticket:
                return  # the same ticket screen rendered again
            self._tickets.append(ticket)

    def newest_first(self) -> list[Ticket]:
        with self._lock:
            return list(reversed(self._tickets))

    def clear(self) -> None:
        with self._lock:
            self._tickets.clear()


class FollowUpKind(Enum):
    REFUSED = "refused"  # the hospital refused it after an offline ticket: call the number
    QUARANTINED = "quarantined"  # the sync gave up for now: retry or drop it (issue 14)
    UNPRINTED = "unprinted"  # registered, but its ticket never printed (a crash): reprint


@dataclass(frozen=True)
class FollowUpView:
    """One check-in staff should look at (no personal data)."""

    key: str
    ticket_label: str | None
    department_code: str
    reason: str  # REFUSED: the hospital's code; QUARANTINED: its last answer
    created_at: datetime
    kind: FollowUpKind = FollowUpKind.REFUSED


class AdminService:
    """The staff screens' operations. Blocking: call from a worker thread."""

    def __init__(
        self,
        *,
        pin_hash: str,
        demo: bool,
        recent: RecentTickets,
        sample_ticket: Callable[[], Ticket],
        clock: Callable[[], float] | None = None,
        lockout_file: Path | None = None,
    ) -> None:
        self._pin_hash = pin_hash
        self._demo = demo
        self._clock = clock
        self._lockout_file = lockout_file  # the PIN's lockout across restarts; None: in memory
        self._gate: PinGate | None = None
        self._gate_lock = threading.Lock()
        self._backends: BackendsView | None = None  # set by attach()
        self._camera_state: Callable[[], str | None] = lambda: None
        self.recent = recent
        self._sample_ticket = sample_ticket
        if not pin_hash:
            if demo:
                audit.info("staff mode: demo PIN in use (admin.pin_hash is not set)")
            else:
                audit.warning("staff mode cannot be opened: admin.pin_hash is not set")

    @property
    def available(self) -> bool:
        """Whether a PIN can open staff mode at all."""
        return bool(self._pin_hash) or self._demo

    def attach(self, backends: BackendsView, camera_state: Callable[[], str | None]) -> None:
        """The backends are ready (until then status and printing report "not ready")."""
        self._backends = backends
        self._camera_state = camera_state

    # --- the PIN ----------------------------------------------------------------------

    def check_pin(self, pin: str) -> PinAnswer:
        return self._pin_gate().try_pin(pin)

    def locked_seconds(self) -> float:
        return self._pin_gate().locked_seconds()

    def _pin_gate(self) -> PinGate:
        with self._gate_lock:
            if self._gate is None:
                stored = self._pin_hash or (hash_pin(DEMO_PIN) if self._demo else None)
                extra: dict[str, Any] = {} if self._clock is None else {"clock": self._clock}
                if self._lockout_file is not None:
                    extra["state_file"] = LockoutFile(self._lockout_file)
                self._gate = PinGate(stored, **extra)
            return self._gate

    # --- what staff see and do --------------------------------------------------------

    def status(self) -> AdminStatus:
        from kiosk.staff.status import gather_status  # ~10 ms: loads when staff first ask

        backends = self._ready()
        hospital = getattr(backends, "hospital", None)
        return gather_status(
            backends,
            camera_state=self._camera_state(),
            hospital_health=hospital.health if hospital is not None else None,
        )

    def departments(self) -> list[Department]:
        """Every department the hospital lists, for staff to choose the ones patients see."""
        return self._ready().hospital.departments()

    def test_print(self) -> None:
        """Print the sample ticket; raises PrinterError saying why not."""
        audit.warning("staff test print")
        self._print(self._sample_ticket())

    def reprint(self, ticket: Ticket) -> None:
        """Print one of the recent tickets again; raises PrinterError saying why not."""
        audit.warning("staff reprint of ticket %s", ticket.queue_label)
        self._print(ticket)

    def follow_ups(self) -> list[FollowUpView]:
        """Refused, quarantined and registered-but-unprinted check-ins, in that order."""
        offline = self._ready().offline
        if offline is None:
            return []
        outbox = offline.outbox
        refused = [
            FollowUpView(f.key, f.provisional_label, f.department_code, f.reason, f.created_at)
            for f in outbox.follow_ups()
        ]
        quarantined = [
            FollowUpView(q.key, q.provisional_label, q.department_code, q.last_error,
                         q.created_at, FollowUpKind.QUARANTINED)
            for q in outbox.quarantined()
        ]  # fmt: skip
        unprinted = [
            FollowUpView(v.key, v.visit.queue_label or None, v.visit.department_code, v.state,
                         v.visit.registered_at, FollowUpKind.UNPRINTED)
            for v in offline.unprinted()
            if v.state != "quarantined"  # listed above, with its own buttons
        ]  # fmt: skip
        return refused + quarantined + unprinted

    def retry_quarantined(self, key: str) -> None:
        """Send a quarantined check-in again (same key, same body)."""
        offline = self._offline()
        if not offline.outbox.release(key):
            raise RuntimeError("this check-in is no longer quarantined")
        offline.worker.wake()
        audit.warning("staff retried a quarantined check-in")

    def drop_quarantined(self, key: str) -> None:
        """Give up sending a quarantined check-in (the patient is seen at the counter)."""
        if not self._offline().outbox.drop(key):
            raise RuntimeError("this check-in is no longer quarantined")
        audit.warning("staff dropped a quarantined check-in")

    def reprint_unprinted(self, key: str) -> None:
        """Print the ticket of a check-in registered before a crash that never printed it;
        raises PrinterError saying why not."""
        offline = self._offline()
        found = [v for v in offline.unprinted() if v.key == key]
        if not found:
            raise RuntimeError("this ticket has been printed meanwhile")
        ticket = offline.reprint_ticket(found[0], self._sample_ticket())
        audit.warning("staff reprint of an unprinted ticket %s", ticket.queue_label)
        self._print(ticket)
        offline.visits.mark_printed(key, datetime.now().astimezone())

    def resolve_follow_up(self, key: str) -> None:
        outbox = self._outbox()
        if outbox is None:
            raise RuntimeError("this kiosk keeps no offline store")
        outbox.resolve_follow_up(key)
        audit.warning("staff resolved a follow-up")

    def _print(self, ticket: Ticket) -> None:
        try:
            self._ready().ticket_printer.print_ticket(ticket)
        except PrinterError as error:
            audit.warning("staff print failed: %s", error.problem.value)
            raise

    def _outbox(self) -> Any:
        offline = self._ready().offline
        return None if offline is None else offline.outbox

    def _offline(self) -> Any:
        offline = self._ready().offline
        if offline is None:
            raise RuntimeError("this kiosk keeps no offline store")
        return offline

    def _ready(self) -> BackendsView:
        if self._backends is None:
            raise RuntimeError("the kiosk's devices are not ready yet")
        return self._backends
