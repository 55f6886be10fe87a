"""The sync worker: drains the outbox to the hospital, oldest first, one request at a time.

Every item is sent under its own idempotency key, unchanged across retries, restarts and
crashes, so the hospital registers it exactly once. Exactly one thread sends and it holds
one item at a time; rows the front path is sending (ONLINE) are never picked up, so no key
is ever in flight twice. A failure backs the row off exponentially with jitter, capped; rows
behind it that are due go first (issue 14: one poison registration must not hold the queue),
and after `max_attempts` the row is quarantined for staff. The sync reports nothing to the
health monitor (one row's 500 says nothing about the hospital; the monitor's own probe and
the patients' calls do); it only pauses while the monitor says offline, and the monitor's
return to online cuts the waits short. A refusal closes the item and opens a staff
follow-up. The loop survives anything (a damaged row is quarantined, any other error is
logged by type and waited out). Logs carry the outbox sequence number, the outcome, error
types and codes: never a name or a number of the patient.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from kiosk.core.backoff import backoff_seconds
from kiosk.core.ports import HospitalOutboxApi
from offline_cache.errors import StoreError
from offline_cache.health import Connectivity, HealthMonitor, HealthSnapshot
from offline_cache.outbox import Outbox, OutboxItem, UnreadableRow
from offline_cache.policy import RETRYABLE_CODES, ErrorPolicy, Verdict

logger = logging.getLogger(__name__)


class Result(Enum):
    SYNCED = "synced"
    REJECTED = "rejected"
    RETRY = "retry"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class SyncOutcome:
    seq: int
    key: str
    result: Result
    provisional_label: str | None
    hospital_number: int | None = None  # SYNCED: the number that counts from now on
    reason: str | None = None  # REJECTED: the hospital's code; RETRY: the error


class _Refused(Exception):
    """A refusal decided locally (the patient cannot be found and cannot be created)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class SyncWorker:
    def __init__(
        self,
        outbox: Outbox,
        hospital: HospitalOutboxApi,
        policy: ErrorPolicy,
        *,
        monitor: HealthMonitor | None = None,
        backoff_first: float = 1.0,
        backoff_cap: float = 60.0,
        max_attempts: int = 8,
        idle_poll: float = 5.0,
        when_idle: Callable[[], object] | None = None,
        when_idle_every: float = 60.0,
        on_outcome: Callable[[SyncOutcome], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._outbox = outbox
        self._hospital = hospital
        self._policy = policy
        self._monitor = monitor
        self._backoff_first = backoff_first
        self._backoff_cap = backoff_cap
        self._max_attempts = max_attempts
        self._idle_poll = idle_poll
        self._when_idle = when_idle
        self._when_idle_every = when_idle_every
        self._last_idle_run = float("-inf")
        self._on_outcome = on_outcome
        self._rng = rng or random.Random()
        self._wake = threading.Event()
        # Held from picking an item to recording its outcome: even sync_one() called from
        # another thread while the worker runs cannot put one key in flight twice.
        self._sending = threading.Lock()
        self._skip_backoff = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        if monitor is not None:
            monitor.add_listener(self._on_health)

    # --- control -------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the sync worker is already running")
        self._outbox.recover_after_restart()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="outbox-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the item in hand (a request in flight is finished, not cut)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """Something was queued (OfflineDesk's on_queued): look at the outbox now."""
        self._wake.set()

    def sync_one(self, *, ignore_backoff: bool = False) -> SyncOutcome | None:
        """Send the oldest pending item if it is due; None if there is nothing to send now."""
        with self._sending:
            item = self._head(None if ignore_backoff else time.time())
            if item is None:
                return None
            return self._attempt(item)

    # --- the loop ------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping:
            try:
                wait = self._step()
            except StoreError as error:  # the local disk: retry later, the rows are intact
                logger.error("outbox sync paused: %s", error)
                wait = self._backoff_cap
            except Exception as error:  # noqa: BLE001 - a bug must not end the sync for good
                logger.error("outbox sync step failed (%s): retrying", type(error).__name__)
                wait = self._backoff_first
            if wait > 0 and not self._stopping:
                self._wake.wait(wait)
                self._wake.clear()

    def _step(self) -> float:
        """Do one thing; return how long to wait before the next."""
        if self._monitor is not None and not self._monitor.online:
            return self._idle_poll  # the monitor's listener wakes us when it is back
        with self._sending:
            skip, self._skip_backoff = self._skip_backoff, False
            item = self._head(None if skip else time.time())
            if item is not None:
                self._attempt(item)
                return 0.0
            due = self._outbox.next_due()
        if due is not None:
            return max(0.01, min(due - time.time(), self._idle_poll))
        self._run_when_idle()
        return self._idle_poll

    def _head(self, due_by: float | None) -> OutboxItem | None:
        """The next row to send; damaged rows met on the way are quarantined."""
        while True:
            try:
                return self._outbox.head(due_by=due_by)
            except UnreadableRow as damaged:
                self._outbox.quarantine(damaged.key, "unreadable_row")
                logger.error("outbox #%d cannot be read: quarantined", damaged.seq)

    def _attempt(self, item: OutboxItem) -> SyncOutcome:
        try:
            if not item.checkin.patient_id:
                item = self._resolve_patient(item)
            leased = item.provisional_number if item.leased else None
            registration = self._hospital.register_visit(item.checkin, leased_number=leased)
        except Exception as error:  # noqa: BLE001 - sorted by the policy; the item is kept
            outcome = self._failed(item, error)
        else:
            self._outbox.synced(item.key, registration)
            outcome = SyncOutcome(
                item.seq, item.key, Result.SYNCED, item.provisional_label,
                hospital_number=registration.queue_number,
            )  # fmt: skip
            logger.info(
                "outbox #%d synced after %d retries: %s -> hospital number %d",
                item.seq, item.attempts, item.provisional_label, registration.queue_number,
            )  # fmt: skip
        if self._on_outcome is not None:
            self._on_outcome(outcome)
        return outcome

    def _resolve_patient(self, item: OutboxItem) -> OutboxItem:
        """Find (or, if the identity allows, create) the patient queued by identity alone."""
        identity = item.identity
        if identity is None:
            raise _Refused("patient_not_found")
        patient = self._hospital.find_patient(identity)
        if patient is None:
            if not identity.can_register_new_patient:
                raise _Refused("patient_not_found")
            # A key derived from the check-in's: a retry creates no second record.
            patient = self._hospital.create_patient(identity, f"{item.key}:patient")
        return self._outbox.patient_found(item, patient.patient_id)

    def _failed(self, item: OutboxItem, error: Exception) -> SyncOutcome:
        verdict = Verdict.REJECTED if isinstance(error, _Refused) else self._policy.classify(error)
        code = self._policy.code(error)
        if verdict is Verdict.REJECTED and code not in RETRYABLE_CODES:
            self._outbox.rejected(item.key, code)
            logger.warning("outbox #%d refused by the hospital (%s): staff follow-up",
                           item.seq, code)  # fmt: skip
            return SyncOutcome(item.seq, item.key, Result.REJECTED, item.provisional_label,
                               reason=code)  # fmt: skip
        if verdict in (Verdict.FAILED, Verdict.UNAVAILABLE):
            # The hospital's own words for staff: its clients' messages carry none of the
            # patient's data (a status, a path template, a member path).
            code = f"{code}: {error}"[:200]
        attempt = item.attempts + 1
        delay = backoff_seconds(attempt, self._backoff_first, self._backoff_cap, self._rng)
        self._outbox.retry_later(item.key, code, time.time() + delay)
        # No answer at all says the hospital is away, not that this row is poison.
        if attempt >= self._max_attempts and verdict is not Verdict.UNAVAILABLE:
            self._outbox.quarantine(item.key, code)
            logger.error("outbox #%d failed %d times (%s): quarantined for staff",
                         item.seq, attempt, code)  # fmt: skip
            return SyncOutcome(item.seq, item.key, Result.QUARANTINED, item.provisional_label,
                               reason=code)  # fmt: skip
        log = logger.error if verdict is Verdict.UNKNOWN else logger.warning
        log("outbox #%d not synced (%s, attempt %d): retry in %.1f s",
            item.seq, code, attempt, delay)  # fmt: skip
        return SyncOutcome(item.seq, item.key, Result.RETRY, item.provisional_label, reason=code)

    def _run_when_idle(self) -> None:
        if self._when_idle is None:
            return
        now = time.monotonic()
        if now - self._last_idle_run < self._when_idle_every:
            return
        self._last_idle_run = now
        try:
            self._when_idle()
        except Exception as error:  # noqa: BLE001 - e.g. a lease top-up failed: next time
            logger.warning("idle task failed: %s", self._policy.code(error))

    def _on_health(self, snapshot: HealthSnapshot) -> None:
        if snapshot.state is Connectivity.ONLINE:
            # Back online: the backoff guessed at an outage that is over; go now.
            self._skip_backoff = True
            self._wake.set()
