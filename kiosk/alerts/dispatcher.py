"""The way staff alerts go out: raise, clear and call staff from any thread; a sender thread
delivers what the store holds, in order per channel, retrying with jittered capped backoff.

Callers never wait for the network: `raise_` writes the incident and its message to disk and
wakes the sender. `on_accepted` listeners hear (on the sender thread) when a channel that
reaches people took an incident's "firing" message: only then may a patient be told that staff
know.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kiosk.alerts.alert import KINDS, KioskIdentity
from kiosk.alerts.store import AlertStore, ChannelState, OpenIncident, new_message_id
from kiosk.alerts.webhook import DeliveryFailed
from kiosk.core.backoff import backoff_seconds

log = logging.getLogger(__name__)


class Channel(Protocol):
    name: str
    tells_people: bool

    def send(self, message_id: str, body: str) -> None: ...  # raises DeliveryFailed


@dataclass(frozen=True)
class Limits:
    resolve_after: float = 30.0  # a condition must stay clear this long to be "resolved"
    per_hour: int = 4  # faults of one kind sent per hour (a flapping printer); more are listed
    events_per_hour: int = 20  # one-off events of one kind (calls for staff from many patients)
    event_window: float = 120.0  # the same event (or call from one screen) again joins it
    retry_first: float = 1.0  # seconds before the first retry, doubling...
    retry_cap: float = 30.0  # ...up to this: a bridge back after an outage hears within 30 s


@dataclass(frozen=True)
class DeliveryState:
    """For the staff status page and `kiosk doctor`."""

    channels: list[ChannelState]
    incidents: list[OpenIncident]


class AlertDispatcher:
    def __init__(
        self,
        path: Path,
        kiosk: KioskIdentity,
        channels: Sequence[Channel],
        limits: Limits | None = None,
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self._channels = list(channels)
        self._limits = limits or Limits()
        self._clock = clock
        self._rng = rng or random.Random()
        names = [channel.name for channel in self._channels]
        self.store = AlertStore(path, kiosk, names, new_id=new_message_id)
        self._listeners: list[Callable[[str], None]] = []
        self._wake = threading.Condition()
        self._stopping = False
        self._poked = False  # something changed while the sender was busy: look again
        self._thread: threading.Thread | None = None

    @property
    def tells_people(self) -> bool:
        """Whether any configured channel reaches a person (a webhook); False: none."""
        return any(channel.tells_people for channel in self._channels)

    def on_accepted(self, listener: Callable[[str], None]) -> None:
        """`listener(incident_id)` when a people channel takes an incident's firing message."""
        self._listeners.append(listener)

    # --- the sources' side (any thread) -------------------------------------------------

    def raise_(self, kind: str, detail: str = "") -> str:
        """Open (or join) the incident of `kind`; its id. `detail`: a screen or problem name."""
        limits = self._limits
        raised = self.store.raise_(
            KINDS[kind],
            detail,
            self._clock(),
            event_window=limits.event_window,
            per_hour=limits.per_hour if KINDS[kind].condition else limits.events_per_hour,
        )
        if raised.new:
            log.warning("staff alert: %s %s", kind, detail)
            self._poke()
        return raised.incident_id

    def clear(self, kind: str) -> None:
        self.store.clear(kind, self._clock())
        self._poke()

    def call_staff(self, screen: str) -> str:
        """A patient pressed "call staff" on `screen`; the incident's id."""
        return self.raise_("staff_called", screen)

    def accepted(self, incident_id: str) -> bool:
        return self.store.accepted(incident_id)

    def state(self) -> DeliveryState:
        return DeliveryState(self.store.channel_states(), self.store.open_incidents())

    # --- the sender ---------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="staff-alerts", daemon=True)
        self._thread.start()

    def close(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self.store.close()

    def _poke(self) -> None:
        with self._wake:
            self._poked = True
            self._wake.notify_all()

    def _run(self) -> None:
        while True:
            with self._wake:
                self._poked = False
            wait = self._step()
            with self._wake:
                if not self._poked and not self._stopping:
                    self._wake.wait(wait)
                if self._stopping:
                    return

    def _step(self) -> float | None:
        """Resolve what stayed clear, send what is due; how long until something else is."""
        now = self._clock()
        waits = []
        due = self.store.close_cleared(now, self._limits.resolve_after)
        if due is not None:
            waits.append(due - now)
        for channel in self._channels:
            wait = self._drain(channel)
            if wait is not None:
                waits.append(wait)
        return max(min(waits), 0.0) if waits else None

    def _drain(self, channel: Channel) -> float | None:
        """Send `channel`'s messages in order until one fails or is not due yet."""
        while not self._stopping:
            pending = self.store.next_pending(channel.name)
            if pending is None:
                return None
            now = self._clock()
            if pending.next_at > now:
                return pending.next_at - now
            try:
                channel.send(pending.message_id, pending.body)
            except DeliveryFailed as error:
                limits = self._limits
                wait = backoff_seconds(
                    pending.attempts + 1, limits.retry_first, limits.retry_cap, self._rng
                )
                log.warning("staff alert not delivered to %s: %s", channel.name, error)
                self.store.failed(channel.name, pending.seq, now, str(error), now + wait)
                return wait
            self.store.delivered(channel.name, pending.seq, self._clock())
            if channel.tells_people:
                self._tell_listeners(pending.message_id)
        return None

    def _tell_listeners(self, message_id: str) -> None:
        incident_id = self.store.incident_of(message_id, status="firing")
        if incident_id is None:
            return
        for listener in self._listeners:
            try:
                listener(incident_id)
            except Exception:  # a broken listener must not stop delivery
                log.exception("staff alert listener failed")
