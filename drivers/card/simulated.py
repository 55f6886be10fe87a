"""A card reader without hardware: the demo panel and the tests decide what the chip says."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kiosk.domain import CardError, CardProblem, Identity, IdentitySource

IdentityListener = Callable[[Identity], None]
ErrorListener = Callable[[CardError], None]


@dataclass(eq=False)
class _PendingRead:
    """A read still in progress; setting `cancelled` wakes its thread early."""

    cancelled: threading.Event = field(default_factory=threading.Event)


class SimulatedCardReader:
    """Reports each presented card as a real reader would, once, to the listeners.

    With a latency the result comes from a background thread, as from the real reader's
    watcher; listeners must marshal to their own thread. Taking the card away (or putting
    another one down) during a read reports CardProblem.REMOVED instead.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._on_identity: IdentityListener | None = None
        self._on_error: ErrorListener | None = None
        self._pending: _PendingRead | None = None
        self._closed = False

    def set_listener(self, on_identity: IdentityListener, on_error: ErrorListener) -> None:
        with self._lock:
            self._on_identity = on_identity
            self._on_error = on_error

    def present(self, identity: Identity, *, latency: float = 0.0) -> None:
        """Put down a CCCD card holding `identity`; the listener gets the chip-verified copy."""
        if identity.citizen_id is None:
            raise ValueError("a CCCD chip always holds the 12-digit personal ID number")
        # The chip carries no insurance number, and what it says is signed by the issuer.
        chip_data = replace(
            identity, source=IdentitySource.CHIP, chip_verified=True, insurance_number=None
        )
        self._read(chip_data, latency)

    def present_faulty(self, problem: CardProblem, *, latency: float = 0.0) -> None:
        """Put down a card whose read fails with `problem`."""
        self._read(CardError(problem, "simulated card"), latency)

    def remove(self) -> None:
        """Take the card away; a read still in progress fails with REMOVED."""
        with self._lock:
            interrupted = self._take_pending()
        if interrupted:
            self._deliver(CardError(CardProblem.REMOVED, "removed during the read"))

    def close(self) -> None:
        """Stop: a read in progress is dropped silently and no card can be presented."""
        with self._lock:
            self._closed = True
            self._take_pending()

    def _read(self, outcome: Identity | CardError, latency: float) -> None:
        pending = _PendingRead() if latency > 0 else None
        with self._lock:
            if self._closed:
                raise RuntimeError("the card reader is closed")
            if self._on_identity is None:
                raise RuntimeError("no listener set: call set_listener first")
            interrupted = self._take_pending()
            self._pending = pending
        if interrupted:  # the new card displaced one still being read
            self._deliver(CardError(CardProblem.REMOVED, "replaced during the read"))
        if pending is None:
            self._deliver(outcome)
            return
        threading.Thread(
            target=self._finish_later,
            args=(pending, outcome, latency),
            name="simulated-card-read",
            daemon=True,
        ).start()

    def _finish_later(
        self, pending: _PendingRead, outcome: Identity | CardError, latency: float
    ) -> None:
        if pending.cancelled.wait(latency):
            return  # remove() or close() has already reported (or silenced) this read
        with self._lock:
            if self._pending is not pending:
                return  # cancelled between the wait timing out and taking the lock
            self._pending = None
        self._deliver(outcome)

    def _take_pending(self) -> bool:
        """Cancel the read in progress, if any; the caller holds the lock."""
        pending, self._pending = self._pending, None
        if pending is None:
            return False
        pending.cancelled.set()
        return True

    def _deliver(self, outcome: Identity | CardError) -> None:
        # Listeners run outside the lock so they may call back into the reader.
        with self._lock:
            on_identity, on_error = self._on_identity, self._on_error
        if on_identity is None or on_error is None:
            raise RuntimeError("no listener set: call set_listener first")
        if isinstance(outcome, CardError):
            on_error(outcome)
        else:
            on_identity(outcome)
