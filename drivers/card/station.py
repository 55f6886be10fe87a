"""ChipStation: reads the chip of the card on the reader once its keys are known.

A CCCD chip opens only with keys derived from the holder's ID number, so a card put down
before the patient showed a code or typed their number can only be noticed, not read. The
station follows the readers' events (from `ReaderWatch` or the demo's `VirtualReader`),
and reads when both a card and keys are there, in either order, on its own thread. It
stays armed after a card was taken away too soon, so putting it down again reads again;
`release()` disarms it and forgets every key.

Listener callbacks come from the reader's or the station's thread; a GUI marshals them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from drivers.card.apdu import Transport
from drivers.card.cccd_reader import CardKeys, CccdReader, ChipReadResult
from drivers.card.errors import CardError, CardProblem
from drivers.card.reader import ReaderEvent, ReaderEventKind

logger = logging.getLogger(__name__)

Connector = Callable[[str], AbstractContextManager[Transport]]


class StationListener(Protocol):
    def card_placed(self) -> None: ...

    def card_taken(self) -> None: ...

    def chip_read(self, token: int, result: ChipReadResult) -> None: ...

    def chip_failed(self, token: int, error: CardError) -> None: ...


class _Unheard:
    """Until a listener is set: the station is never armed then, so nothing is read."""

    def card_placed(self) -> None:
        pass

    def card_taken(self) -> None:
        pass

    def chip_read(self, token: int, result: ChipReadResult) -> None:
        pass

    def chip_failed(self, token: int, error: CardError) -> None:
        pass


@dataclass(frozen=True)
class _Armed:
    token: int  # the caller's session: answers carry it back
    keys: CardKeys


class ChipStation:
    def __init__(
        self,
        reader: CccdReader,
        connect: Connector,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._reader = reader
        self._connect = connect
        self._listener: StationListener = _Unheard()
        self._today = today
        self._lock = threading.Lock()
        self._card: str | None = None  # the reader a card lies on
        self._placements = 0  # cards put down so far: tells a new placement from the last one
        self._read_placement: int | None = None  # the placement being read, while a read runs
        self._armed: _Armed | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chip-read")

    def set_listener(self, listener: StationListener) -> None:
        """Before the reader events start flowing."""
        self._listener = listener

    @property
    def has_card(self) -> bool:
        with self._lock:
            return self._card is not None

    def on_reader_event(self, event: ReaderEvent) -> None:
        """Feed from the reader watch's thread."""
        kind = event.kind
        if kind is ReaderEventKind.CARD_INSERTED:
            with self._lock:
                self._card = event.reader
                self._placements += 1
                start = self._start_locked()
            self._listener.card_placed()
            if start is not None:
                self._submit(*start)
        elif kind in (ReaderEventKind.CARD_REMOVED, ReaderEventKind.READER_REMOVED):
            with self._lock:
                if event.reader != self._card:
                    return
                self._card = None
            self._listener.card_taken()

    def arm(self, token: int, keys: CardKeys) -> None:
        """Read the card with `keys`: the one on the reader now, or the next one put down."""
        with self._lock:
            self._armed = _Armed(token, keys)
            start = self._start_locked()
        if start is not None:
            self._listener.card_placed()  # the card was already there: the read begins now
            self._submit(*start)

    def release(self) -> None:
        """Stop reading for this patient and forget their keys (and what opened their card)."""
        with self._lock:
            self._armed = None
        self._reader.memory.forget()

    def close(self) -> None:
        self.release()
        self._worker.shutdown(wait=True, cancel_futures=True)

    # -- reading, on the worker thread ------------------------------------------------------

    def _start_locked(self) -> tuple[_Armed, str, int] | None:
        """What to read, if a card and keys are both there and no read is running."""
        if self._armed is None or self._card is None or self._read_placement is not None:
            return None
        self._read_placement = self._placements
        return self._armed, self._card, self._placements

    def _submit(self, armed: _Armed, reader: str, placement: int) -> None:
        self._worker.submit(self._read, armed, reader, placement)

    def _read(self, armed: _Armed, reader: str, placement: int) -> None:
        outcome: ChipReadResult | CardError
        try:
            with self._connect(reader) as transport:
                outcome = self._reader.read(transport, armed.keys, today=self._today())
        except CardError as error:
            outcome = error
        except Exception:  # a bug must not leave the patient waiting on a read that never ends
            logger.exception("chip read crashed")
            outcome = CardError(CardProblem.UNREADABLE, "internal error")
        with self._lock:
            self._read_placement = None
            current = self._armed is armed
            # A card put down again while this read was failing gets its own read.
            again = self._start_locked() if current and self._placements != placement else None
        if not current:
            self._reader.memory.forget()  # released meanwhile: keep nothing this read learned
            return
        if isinstance(outcome, CardError):
            logger.info("chip read failed: %s", outcome.problem.value)
            self._listener.chip_failed(armed.token, outcome)
        else:
            self._listener.chip_read(armed.token, outcome)
        if again is not None:
            self._listener.card_placed()
            self._submit(*again)
