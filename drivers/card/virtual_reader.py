"""A card reader without PC/SC for the demo: virtual chips put down and taken away in-process.

It reports cards to a listener as `ReaderWatch` does, and `connect()` gives the same kind of
transport as `PcscTransport`, so the demo runs the real eMRTD code (PACE, secure messaging,
passive authentication) against `drivers.card.virtual_chip.Chip`. A card taken away during a
read fails the next APDU with CardError(REMOVED), as a real reader does.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from drivers.card.errors import CardError, CardProblem
from drivers.card.reader import ReaderEvent, ReaderEventKind, ReaderListener

READER_NAME = "Virtual CCCD Reader 00 00"


class VirtualCard(Protocol):
    def transmit(self, apdu: bytes) -> bytes: ...

    def reset(self) -> None: ...


class VirtualReader:
    def __init__(self, *, apdu_latency: float = 0.0) -> None:
        self.name = READER_NAME
        self.apdu_latency = apdu_latency  # seconds per APDU, as a contactless link costs
        self._lock = threading.Lock()
        self._listener: ReaderListener | None = None
        self._card: VirtualCard | None = None
        self._placement = 0  # which card lies there: a transport serves one placement

    def set_listener(self, listener: ReaderListener) -> None:
        with self._lock:
            self._listener = listener

    def insert(self, card: VirtualCard) -> None:
        """Put `card` down (taking away the one already there, if any)."""
        self.remove()
        card.reset()  # powered up by the field: no session survives from an earlier read
        with self._lock:
            self._card = card
            self._placement += 1
        self._emit(ReaderEventKind.CARD_INSERTED)

    def remove(self) -> None:
        with self._lock:
            if self._card is None:
                return
            self._card = None
            self._placement += 1
        self._emit(ReaderEventKind.CARD_REMOVED)

    def connect(self, reader: str) -> _VirtualTransport:
        with self._lock:
            if reader != self.name or self._card is None:
                raise CardError(CardProblem.REMOVED, "no card on the reader")
            return _VirtualTransport(self, self._card, self._placement)

    def holds(self, card: VirtualCard, placement: int) -> bool:
        """Whether `card` still lies there since that placement."""
        with self._lock:
            return self._card is card and self._placement == placement

    def _emit(self, kind: ReaderEventKind) -> None:
        with self._lock:
            listener = self._listener
        if listener is not None:
            listener(ReaderEvent(kind, self.name))


class _VirtualTransport:
    """`drivers.card.apdu.Transport` to one placement of one card."""

    def __init__(self, reader: VirtualReader, card: VirtualCard, placement: int) -> None:
        self._reader = reader
        self._card = card
        self._placement = placement

    def __enter__(self) -> _VirtualTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def transmit(self, apdu: bytes) -> bytes:
        if self._reader.apdu_latency:
            time.sleep(self._reader.apdu_latency)
        if not self._reader.holds(self._card, self._placement):
            raise CardError(CardProblem.REMOVED, "the card left the reader")
        return self._card.transmit(apdu)
