"""Online or offline: decided from the outcome of every hospital call, plus a background probe.

- A call that fails as unavailable (per the ErrorPolicy) turns the kiosk offline at once.
- A call still unanswered after `call_timeout` turns it offline too, without waiting for
  the client's own (longer) deadline: a hospital that stops answering is offline in
  `call_timeout` plus at most one idle probe interval.
- Any answer, including a refusal or a server error for one request (Verdict.FAILED: one
  poison registration must not turn the whole kiosk offline), means the hospital is there:
  online.
- While offline, the probe runs every `offline_probe_interval`; its first success brings
  the kiosk back online by itself. While online and idle, it runs every
  `online_probe_interval`, so an outage is noticed before the next patient arrives.

Listeners are plain callables, run on the thread that saw the change (the monitor's own or
a caller's); the Qt side marshals them to the GUI thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from offline_cache.policy import ErrorPolicy, Verdict

logger = logging.getLogger(__name__)


class Connectivity(Enum):
    ONLINE = "online"
    OFFLINE = "offline"


@dataclass(frozen=True)
class HealthSnapshot:
    state: Connectivity
    since: datetime
    outbox_size: int
    last_sync: datetime | None


Listener = Callable[[HealthSnapshot], None]


class HealthMonitor:
    def __init__(
        self,
        probe: Callable[[], bool],
        policy: ErrorPolicy,
        *,
        outbox_size: Callable[[], int] = lambda: 0,
        last_sync: Callable[[], datetime | None] = lambda: None,
        call_timeout: float = 1.5,
        online_probe_interval: float | None = 1.0,
        offline_probe_interval: float = 1.0,
    ) -> None:
        if call_timeout <= 0 or offline_probe_interval <= 0:
            raise ValueError("call_timeout and offline_probe_interval must be positive")
        self._probe = probe
        self._policy = policy
        self._outbox_size = outbox_size
        self._last_sync = last_sync
        self._call_timeout = call_timeout
        self._online_interval = online_probe_interval
        self._offline_interval = offline_probe_interval
        self._cond = threading.Condition()
        self._state = Connectivity.ONLINE  # optimistic; the first probe runs at once
        self._since = datetime.now(UTC)
        self._in_flight: dict[int, float] = {}  # call id -> monotonic start
        self._next_call_id = 0
        self._last_answer = float("-inf")  # monotonic time of the last answer
        self._probing = False
        self._stopping = False
        self._listeners: list[Listener] = []
        self._thread: threading.Thread | None = None

    # --- what others see ---------------------------------------------------------------

    @property
    def state(self) -> Connectivity:
        with self._cond:
            return self._state

    @property
    def online(self) -> bool:
        return self.state is Connectivity.ONLINE

    def snapshot(self) -> HealthSnapshot:
        with self._cond:
            state, since = self._state, self._since
        return HealthSnapshot(state, since, self._outbox_size(), self._last_sync())

    def add_listener(self, listener: Listener) -> None:
        with self._cond:
            self._listeners.append(listener)

    def wait_for(self, state: Connectivity, timeout: float) -> bool:
        """Block until the state is `state` (True) or `timeout` passes (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._state is state, timeout)

    # --- what callers report -------------------------------------------------------------

    @contextmanager
    def watch(self) -> Iterator[None]:
        """Wrap one hospital call (or one exchange of a few): its outcome sets the state."""
        with self._cond:
            call_id = self._next_call_id
            self._next_call_id += 1
            self._in_flight[call_id] = time.monotonic()
            self._cond.notify_all()  # the watchdog must learn this call's deadline
        try:
            yield
        except BaseException as error:
            verdict = self._policy.classify(error)
            if verdict is Verdict.UNAVAILABLE:
                self._change(Connectivity.OFFLINE, type(error).__name__)
            elif verdict in (Verdict.REJECTED, Verdict.FAILED):
                self._answered()
            raise
        else:
            self._answered()
        finally:
            with self._cond:
                del self._in_flight[call_id]

    # --- the background thread ---------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the health monitor is already running")
        self._thread = threading.Thread(target=self._run, name="hospital-health", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        next_probe = time.monotonic()
        while True:
            with self._cond:
                if self._stopping:
                    return
                now = time.monotonic()
                overdue = [c for c, s in self._in_flight.items() if now - s >= self._call_timeout]
                for call_id in overdue:
                    # Counted once: a call hanging on must not undo each later probe's success.
                    self._in_flight[call_id] = float("inf")
                interval = self._interval()
                if interval is not None and self._state is Connectivity.ONLINE:
                    # Online: probe only when no answer came in for a whole interval.
                    next_probe = max(next_probe, self._last_answer + interval)
                start_probe = interval is not None and not self._probing and now >= next_probe
                if start_probe:
                    self._probing = True
                    next_probe = now + (interval or 0.0)
                if not overdue and not start_probe:
                    # Decided and waited under one lock hold: no change can slip in between.
                    self._cond.wait(self._until_next(now, next_probe if interval else None))
                    continue
            if overdue:
                self._change(Connectivity.OFFLINE, "no answer in time")
            if start_probe:
                threading.Thread(target=self._run_probe, name="hospital-probe", daemon=True).start()

    def _until_next(self, now: float, next_probe: float | None) -> float | None:
        """Seconds to the next call deadline or probe; None: nothing is scheduled."""
        moments = [s + self._call_timeout for s in self._in_flight.values() if s != float("inf")]
        if next_probe is not None:
            moments.append(next_probe)
        return max(0.01, min(moments) - now) if moments else None

    def _interval(self) -> float | None:
        if self._state is Connectivity.OFFLINE:
            return self._offline_interval
        return self._online_interval

    def _run_probe(self) -> None:
        try:
            with self.watch():
                if not self._probe():
                    raise _ProbeFailed
        except _ProbeFailed:
            self._change(Connectivity.OFFLINE, "probe failed")
        except Exception as error:  # noqa: BLE001 - a plain callable: any failure is "not ok"
            logger.warning("hospital probe raised %s", type(error).__name__)
            self._change(Connectivity.OFFLINE, "probe raised")
        finally:
            with self._cond:
                self._probing = False
                self._cond.notify_all()

    # --- state changes -------------------------------------------------------------------

    def _answered(self) -> None:
        with self._cond:
            self._last_answer = time.monotonic()
        self._change(Connectivity.ONLINE, "answer")

    def _change(self, state: Connectivity, reason: str) -> None:
        with self._cond:
            # Once stopped, a probe still in flight (its client and the store may be closed)
            # tells nobody: its listeners belong to a kiosk that is shutting down.
            if self._stopping or self._state is state:
                return
            self._state = state
            self._since = datetime.now(UTC)
            listeners = list(self._listeners)
            self._cond.notify_all()
        logger.warning("hospital is %s (%s)", state.value, reason)
        snapshot = self.snapshot()
        for listener in listeners:
            try:
                listener(snapshot)
            except Exception:  # one broken listener must not silence the others
                logger.exception("health listener failed")


class _ProbeFailed(Exception):
    """The probe answered False."""
