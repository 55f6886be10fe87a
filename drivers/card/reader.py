"""PC/SC card readers through pcscd (pyscard): a watch for readers and cards, and a transport.

`ReaderWatch` runs its own thread, blocked in SCardGetStatusChange, and reports readers
plugged in and out and cards put down and taken away to one listener, from that thread
(a GUI marshals to its own thread). Only readers whose name matches the configured
pattern are watched. `PcscTransport` is `drivers.card.apdu.Transport` over one reader:
T=1, every APDU bounded in time, and a card that left the reader is CardError(REMOVED).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from enum import Enum

from smartcard import scard

from drivers.card.errors import CardError, CardProblem

logger = logging.getLogger(__name__)

# pcsc-lite's pseudo reader whose state changes when a reader is plugged in or out.
PNP_NOTIFICATION = "\\\\?PnP?\\Notification"
_NO_READERS = (scard.SCARD_E_NO_READERS_AVAILABLE, scard.SCARD_E_READER_UNAVAILABLE)
_SERVICE_GONE = (scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED)
_CARD_GONE = (scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD)
_READER_GONE = (scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE)


class ReaderEventKind(Enum):
    READER_ADDED = "reader_added"
    READER_REMOVED = "reader_removed"
    CARD_INSERTED = "card_inserted"
    CARD_REMOVED = "card_removed"


@dataclass(frozen=True, slots=True)
class ReaderEvent:
    kind: ReaderEventKind
    reader: str
    atr: bytes = b""  # the card's ATR, for CARD_INSERTED


ReaderListener = Callable[[ReaderEvent], None]


def matches(name: str, pattern: str) -> bool:
    """A reader name against the configured pattern: a case-insensitive regular expression
    searched anywhere in the name ("" matches every reader)."""
    return re.search(pattern, name, re.IGNORECASE) is not None


def _error_text(code: int) -> str:
    return f"{scard.SCardGetErrorMessage(code)} ({code & 0xFFFFFFFF:08X})"


def _establish_context() -> int:
    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        raise CardError(CardProblem.UNREADABLE, f"PC/SC not available: {_error_text(result)}")
    return int(context)  # pyscard is untyped: its handle is an int


def _list_readers(context: int) -> list[str]:
    result, names = scard.SCardListReaders(context, [])
    if result in _NO_READERS:
        return []
    if result != scard.SCARD_S_SUCCESS:
        raise CardError(CardProblem.UNREADABLE, f"cannot list readers: {_error_text(result)}")
    return list(names)


class ReaderWatch:
    """Reports readers and cards to `listener` from a background thread.

    Start with `start()` (or `with`); `stop()` wakes the thread with SCardCancel and joins
    it, reporting nothing more. If pcscd goes away the watch reports every reader (and
    card) removed and reconnects; readers already there at start are reported as added.
    """

    def __init__(
        self,
        listener: ReaderListener,
        *,
        name_pattern: str = "",
        wait_seconds: float = 1.0,
        reconnect_seconds: float = 1.0,
    ) -> None:
        self._listener = listener
        self._pattern = name_pattern
        self._wait_ms = int(wait_seconds * 1000)
        self._reconnect_seconds = reconnect_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._context: int | None = None
        # reader -> last event state pcscd reported (UNAWARE until the first answer)
        self._states: dict[str, int] = {}
        self._cards: dict[str, bytes] = {}  # readers holding a card -> its ATR

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the reader watch is already running")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="pcsc-reader-watch", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        thread = self._thread
        if thread is None:
            return
        self._stopping.set()
        with self._lock:
            if self._context is not None:
                scard.SCardCancel(self._context)
        thread.join(timeout)
        if thread.is_alive():
            raise RuntimeError("the reader watch did not stop")
        self._thread = None

    def __enter__(self) -> ReaderWatch:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def readers(self) -> list[str]:
        """The matching readers currently known, in pcscd's order."""
        with self._lock:
            return list(self._states)

    @property
    def cards(self) -> dict[str, bytes]:
        """Readers that hold a card, with the card's ATR."""
        with self._lock:
            return dict(self._cards)

    # -- the watch thread ----------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                context = _establish_context()
            except CardError as error:
                logger.warning("%s; retrying", error)
                self._stopping.wait(self._reconnect_seconds)
                continue
            with self._lock:
                self._context = context
            try:
                self._watch(context)
            except CardError as error:
                logger.warning("reader watch interrupted: %s", error)
            finally:
                with self._lock:
                    self._context = None
                scard.SCardReleaseContext(context)
                self._forget_all(report=not self._stopping.is_set())
            self._stopping.wait(self._reconnect_seconds)

    def _watch(self, context: int) -> None:
        pnp_state = scard.SCARD_STATE_UNAWARE
        while not self._stopping.is_set():
            self._sync_readers(_list_readers(context))
            with self._lock:
                watched = list(self._states.items())
            result, answers = scard.SCardGetStatusChange(
                context, self._wait_ms, [*watched, (PNP_NOTIFICATION, pnp_state)]
            )
            if result in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
                continue
            if result in _SERVICE_GONE:
                raise CardError(CardProblem.UNREADABLE, f"pcscd gone: {_error_text(result)}")
            if result in _READER_GONE:
                continue  # a reader vanished between listing and waiting: list again
            if result != scard.SCARD_S_SUCCESS:
                raise CardError(CardProblem.UNREADABLE, f"status change: {_error_text(result)}")
            for name, event_state, atr in answers:
                if name == PNP_NOTIFICATION:
                    pnp_state = event_state & ~scard.SCARD_STATE_CHANGED
                else:
                    self._update_card(name, event_state, bytes(atr))

    def _sync_readers(self, names: list[str]) -> None:
        wanted = [name for name in names if matches(name, self._pattern)]
        with self._lock:
            added = [name for name in wanted if name not in self._states]
            gone = [name for name in self._states if name not in wanted]
            for name in added:
                self._states[name] = scard.SCARD_STATE_UNAWARE
            for name in gone:
                del self._states[name]
            lost_cards = [name for name in gone if self._cards.pop(name, None) is not None]
        for name in lost_cards:
            self._emit(ReaderEvent(ReaderEventKind.CARD_REMOVED, name))
        for name in gone:
            self._emit(ReaderEvent(ReaderEventKind.READER_REMOVED, name))
        for name in added:
            self._emit(ReaderEvent(ReaderEventKind.READER_ADDED, name))

    def _update_card(self, name: str, event_state: int, atr: bytes) -> None:
        present = bool(event_state & scard.SCARD_STATE_PRESENT) and not (
            event_state & scard.SCARD_STATE_MUTE
        )
        with self._lock:
            if name not in self._states:
                return
            self._states[name] = event_state & ~scard.SCARD_STATE_CHANGED
            had_card = name in self._cards
            if present and not had_card:
                self._cards[name] = atr
            elif had_card and not present:
                del self._cards[name]
        if present and not had_card:
            self._emit(ReaderEvent(ReaderEventKind.CARD_INSERTED, name, atr))
        elif had_card and not present:
            self._emit(ReaderEvent(ReaderEventKind.CARD_REMOVED, name))

    def _forget_all(self, *, report: bool) -> None:
        """Drop every reader: reported as removed when pcscd went away, silently on stop()."""
        if report:
            self._sync_readers([])
            return
        with self._lock:
            self._states.clear()
            self._cards.clear()

    def _emit(self, event: ReaderEvent) -> None:
        try:
            self._listener(event)
        except Exception:  # a faulty listener must not end the watch for every later card
            logger.exception("reader listener failed on %s", event.kind.value)


# PC/SC v2 part 10: the reader's features, and among its TLV properties the largest APDU
# data size it carries (0: short APDUs only).
_GET_FEATURE_REQUEST = scard.SCARD_CTL_CODE(3400)
_FEATURE_GET_TLV_PROPERTIES = 0x12
_PROPERTY_MAX_APDU_DATA_SIZE = 0x0A
_SHORT_MAX_DATA = 255


def _feature_ioctl(features: bytes, feature: int) -> int | None:
    """The control code of `feature` in a GET_FEATURE_REQUEST answer (tag, 4, code BE)."""
    position = 0
    while position + 2 <= len(features):
        tag, length = features[position], features[position + 1]
        value = features[position + 2 : position + 2 + length]
        if tag == feature and length == 4 and len(value) == 4:
            return int.from_bytes(value, "big")
        position += 2 + length
    return None


def _tlv_property(properties: bytes, wanted: int) -> int | None:
    """An integer TLV property (tag, length, value little-endian), None if absent."""
    position = 0
    while position + 2 <= len(properties):
        tag, length = properties[position], properties[position + 1]
        value = properties[position + 2 : position + 2 + length]
        if len(value) != length:
            return None
        if tag == wanted and 1 <= length <= 4:
            return int.from_bytes(value, "little")
        position += 2 + length
    return None


class PcscTransport:
    """`Transport` over one PC/SC reader: T=1, exclusive, every APDU bounded in time.

    A card taken away (or a reader unplugged) during a command raises CardError(REMOVED);
    no answer within `apdu_timeout` raises CardError(UNREADABLE) and the transport is
    unusable afterwards (pcscd may still be waiting on the card). After a failed or empty
    answer the reader's state is checked for up to `removal_grace` seconds, because a
    reader notices a card leaving the field a little after the exchange failed.
    """

    def __init__(
        self, reader: str, *, apdu_timeout: float = 3.0, removal_grace: float = 1.0
    ) -> None:
        self.reader = reader
        self.apdu_timeout = apdu_timeout
        self.removal_grace = removal_grace
        self.atr = b""
        self._context: int | None = None
        self._card: int | None = None
        self._broken = False
        self._worker: ThreadPoolExecutor | None = None
        self._max_apdu_data_size: int | None = None
        self._asked_max_apdu_data_size = False

    def connect(self) -> PcscTransport:
        if self._worker is not None:
            raise RuntimeError("already connected: a transport serves one card once")
        context = _establish_context()
        result, card, _protocol = scard.SCardConnect(
            context, self.reader, scard.SCARD_SHARE_EXCLUSIVE, scard.SCARD_PROTOCOL_T1
        )
        if result != scard.SCARD_S_SUCCESS:
            scard.SCardReleaseContext(context)
            raise self._error_for(result, "connect", wait_for_removal=False)
        self._context, self._card = context, card
        # One worker per card: SCardTransmit blocks, the caller waits with a deadline.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pcsc-transmit")
        result, _name, _state, _protocol, atr = scard.SCardStatus(card)
        self.atr = bytes(atr) if result == scard.SCARD_S_SUCCESS else b""
        return self

    def close(self) -> None:
        """Release the card; never waits on a transmit that is still stuck in pcscd."""
        context, card, worker = self._context, self._card, self._worker
        self._context = self._card = None
        if worker is None or context is None:
            return
        worker.submit(_release, context, card)
        worker.shutdown(wait=not self._broken)

    def __enter__(self) -> PcscTransport:
        return self.connect()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def max_apdu_data_size(self) -> int | None:
        """The reader driver's dwMaxAPDUDataSize (PC/SC v2 part 10 TLV properties): 0 for
        short APDUs only; None when the driver does not tell (e.g. Debian's vpcd 3.3)."""
        if not self._asked_max_apdu_data_size:
            self._max_apdu_data_size = self._ask_max_apdu_data_size()
            self._asked_max_apdu_data_size = True
        return self._max_apdu_data_size

    def extended_length_support(self) -> bool | None:
        """Whether the reader carries extended length APDUs; None when it does not say."""
        size = self.max_apdu_data_size()
        return None if size is None else size > _SHORT_MAX_DATA

    def _ask_max_apdu_data_size(self) -> int | None:
        features = self._control(_GET_FEATURE_REQUEST)
        ioctl = _feature_ioctl(features, _FEATURE_GET_TLV_PROPERTIES) if features else None
        if ioctl is None:
            return None
        properties = self._control(ioctl)
        return _tlv_property(properties, _PROPERTY_MAX_APDU_DATA_SIZE) if properties else None

    def _control(self, code: int) -> bytes | None:
        """SCardControl without input; None when the driver does not support the code."""
        card, worker = self._card, self._worker
        if card is None or worker is None or self._broken:
            return None
        future = worker.submit(scard.SCardControl, card, code, [])
        try:
            result, answer = future.result(timeout=self.apdu_timeout)
        except FutureTimeout:
            self._broken = True
            detail = f"the reader did not answer within {self.apdu_timeout:.1f} s"
            raise CardError(CardProblem.UNREADABLE, detail) from None
        if result != scard.SCARD_S_SUCCESS:
            logger.debug("reader control %08X: %s", code, _error_text(result))
            return None
        return bytes(answer)

    def transmit(self, apdu: bytes) -> bytes:
        card, worker = self._card, self._worker
        if card is None or worker is None:
            raise CardError(CardProblem.UNREADABLE, "not connected to the card")
        if self._broken:
            raise CardError(CardProblem.UNREADABLE, "the card stopped answering earlier")
        future = worker.submit(scard.SCardTransmit, card, scard.SCARD_PCI_T1, list(apdu))
        try:
            result, answer = future.result(timeout=self.apdu_timeout)
        except FutureTimeout:
            self._broken = True
            raise CardError(
                CardProblem.UNREADABLE, f"no answer within {self.apdu_timeout:.1f} s"
            ) from None
        if result == scard.SCARD_S_SUCCESS and answer:
            return bytes(answer)
        # Failed or empty: a card leaving the field looks like this before pcscd knows it.
        raise self._error_for(result, "transmit")

    def _error_for(self, result: int, action: str, *, wait_for_removal: bool = True) -> CardError:
        gone = result in _CARD_GONE or result in _READER_GONE
        if gone or (wait_for_removal and self._card_left()):
            return CardError(CardProblem.REMOVED, f"{action}: card left the reader")
        if result == scard.SCARD_S_SUCCESS:
            return CardError(CardProblem.UNREADABLE, f"{action}: empty answer")
        return CardError(CardProblem.UNREADABLE, f"{action}: {_error_text(result)}")

    def _card_left(self) -> bool:
        """Whether the card is gone, waiting up to `removal_grace` for pcscd to notice."""
        context = _establish_context()
        try:
            deadline = time.monotonic() + self.removal_grace
            result, answers = scard.SCardGetStatusChange(
                context, 0, [(self.reader, scard.SCARD_STATE_UNAWARE)]
            )
            while True:
                if result in _READER_GONE:
                    return True
                if result not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_TIMEOUT):
                    return False
                [(_name, event_state, _atr)] = answers
                if event_state & (scard.SCARD_STATE_EMPTY | scard.SCARD_STATE_UNAVAILABLE):
                    return True
                remaining_ms = int((deadline - time.monotonic()) * 1000)
                if remaining_ms <= 0:
                    return False
                known = event_state & ~scard.SCARD_STATE_CHANGED
                result, answers = scard.SCardGetStatusChange(
                    context, remaining_ms, [(self.reader, known)]
                )
        finally:
            scard.SCardReleaseContext(context)


def _release(context: int, card: int | None) -> None:
    if card is not None:
        scard.SCardDisconnect(card, scard.SCARD_RESET_CARD)
    scard.SCardReleaseContext(context)
