"""The eMRTD stack through the real PC/SC path: pyscard -> pcscd -> vpcd -> virtual chip."""

from __future__ import annotations

import queue
import statistics
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("smartcard", reason="pyscard is not installed")

from drivers.card.apdu import ApduError
from drivers.card.errors import CardError, CardProblem, EmrtdError, MacError, SecureMessagingError
from drivers.card.reader import PcscTransport, ReaderEvent, ReaderEventKind, ReaderWatch
from drivers.card.virtual_chip import DEFAULT_ATR, EF_COM, Chip
from drivers.card.vpcd_card import Fault, FaultKind, VirtualCard

from .pcscd import PcscDaemon, VpcdSlot, wait_for_card
from .steps import CAN, EF_COM_APDUS, PACE_APDUS, SELECT_EMRTD, open_with_pace, read_ef_com

pytestmark = pytest.mark.timeout(30)

EVENT_SECONDS = 3.0  # pcscd polls vpcd presence every 0.4 s


class Events:
    """A ReaderWatch listener that tests can wait on."""

    def __init__(self) -> None:
        self.received: queue.Queue[ReaderEvent] = queue.Queue()

    def __call__(self, event: ReaderEvent) -> None:
        self.received.put(event)

    def next(self, kind: ReaderEventKind, reader: str | None = None) -> ReaderEvent:
        deadline = time.monotonic() + EVENT_SECONDS
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                event = self.received.get(timeout=remaining)
            except queue.Empty:
                break
            if event.kind is kind and reader in (None, event.reader):
                return event
        pytest.fail(f"no {kind.value} event for {reader or 'any reader'} in {EVENT_SECONDS} s")


@pytest.fixture
def slot(slots: list[VpcdSlot]) -> VpcdSlot:
    return slots[0]


@pytest.fixture
def card_in(slot: VpcdSlot, request: pytest.FixtureRequest) -> Iterator[VirtualCard]:
    """A virtual chip in the first slot; `@pytest.mark.fault(kind, at_apdu)` breaks it."""
    marker = request.node.get_closest_marker("fault")
    fault = Fault(*marker.args) if marker else None
    card = VirtualCard(Chip(can=CAN), port=slot.port, fault=fault)
    card.insert()
    try:
        wait_for_card(slot.reader)
        yield card
    finally:
        card.remove()
        wait_for_card(slot.reader, present=False)


def test_vpcd_readers_are_watched_and_chosen_by_name(slots: list[VpcdSlot]) -> None:
    events = Events()
    with ReaderWatch(events, name_pattern=r"virtual\s+pcd"):
        added = {events.next(ReaderEventKind.READER_ADDED).reader for _ in slots}
    assert added == {slot.reader for slot in slots}
    assert len(slots) >= 2, "vpcd offers two slots: the several-readers tests need both"

    others = Events()
    with ReaderWatch(others, name_pattern="ACR1252") as watch:
        time.sleep(0.3)
        assert watch.readers == []
    assert others.received.empty()


def test_card_put_down_and_taken_away_are_reported(slot: VpcdSlot) -> None:
    events = Events()
    with ReaderWatch(events, name_pattern=slot.reader) as watch:
        events.next(ReaderEventKind.READER_ADDED, slot.reader)
        with VirtualCard(Chip(), port=slot.port):
            inserted = events.next(ReaderEventKind.CARD_INSERTED, slot.reader)
            assert inserted.atr == DEFAULT_ATR
            assert watch.cards == {slot.reader: DEFAULT_ATR}
        events.next(ReaderEventKind.CARD_REMOVED, slot.reader)
        assert watch.cards == {}


def test_cards_in_several_readers_are_told_apart(slots: list[VpcdSlot]) -> None:
    first, second = slots[:2]
    events = Events()
    with ReaderWatch(events, name_pattern="virtual pcd"):
        with VirtualCard(Chip(), port=second.port):
            events.next(ReaderEventKind.CARD_INSERTED, second.reader)
            with VirtualCard(Chip(), port=first.port):
                events.next(ReaderEventKind.CARD_INSERTED, first.reader)
            events.next(ReaderEventKind.CARD_REMOVED, first.reader)
        events.next(ReaderEventKind.CARD_REMOVED, second.reader)


def test_pace_with_the_can_then_ef_com_under_secure_messaging(
    slot: VpcdSlot, card_in: VirtualCard
) -> None:
    with PcscTransport(slot.reader, apdu_timeout=2.0) as transport:
        assert transport.atr == DEFAULT_ATR
        channel = open_with_pace(transport)
        assert read_ef_com(channel) == EF_COM
    assert card_in.apdus == PACE_APDUS + EF_COM_APDUS


def test_apdu_round_trip_through_pcscd_is_fast(slot: VpcdSlot, card_in: VirtualCard) -> None:
    # Guards the vpcd quick-ACK: without it every APDU waits 40 ms for a delayed ACK.
    with PcscTransport(slot.reader) as transport:
        times = []
        for _ in range(20):
            started = time.perf_counter()
            assert transport.transmit(SELECT_EMRTD) == b"\x90\x00"
            times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.02


def test_wrong_can_is_access_denied(slot: VpcdSlot, card_in: VirtualCard) -> None:
    with PcscTransport(slot.reader) as transport, pytest.raises(EmrtdError) as denied:
        open_with_pace(transport, can="000000")
    assert denied.value.problem is CardProblem.ACCESS_DENIED


@pytest.mark.fault(FaultKind.REMOVE, PACE_APDUS + 2)
def test_card_removed_mid_read_is_removed(slot: VpcdSlot, card_in: VirtualCard) -> None:
    with PcscTransport(slot.reader) as transport:
        channel = open_with_pace(transport)
        started = time.monotonic()
        with pytest.raises(CardError) as removed:
            read_ef_com(channel)
    assert removed.value.problem is CardProblem.REMOVED
    assert time.monotonic() - started < 2.0


def test_card_removed_between_commands_is_removed(slot: VpcdSlot, card_in: VirtualCard) -> None:
    with PcscTransport(slot.reader) as transport:
        channel = open_with_pace(transport)
        card_in.remove()
        wait_for_card(slot.reader, present=False)
        with pytest.raises(CardError) as removed:
            read_ef_com(channel)
    assert removed.value.problem is CardProblem.REMOVED


@pytest.mark.fault(FaultKind.GARBAGE, PACE_APDUS + 1)
def test_garbage_answer_is_a_typed_error(slot: VpcdSlot, card_in: VirtualCard) -> None:
    with PcscTransport(slot.reader) as transport:
        channel = open_with_pace(transport)
        with pytest.raises(SecureMessagingError) as garbled:
            read_ef_com(channel)
    assert garbled.value.problem is CardProblem.UNREADABLE


@pytest.mark.fault(FaultKind.TRUNCATE, PACE_APDUS + 2)
def test_truncated_answer_is_a_typed_error(slot: VpcdSlot, card_in: VirtualCard) -> None:
    with PcscTransport(slot.reader) as transport:
        channel = open_with_pace(transport)
        with pytest.raises(ApduError):
            read_ef_com(channel)


@pytest.mark.fault(FaultKind.BAD_MAC, PACE_APDUS + 1)
def test_wrong_mac_is_a_mac_error(slot: VpcdSlot, card_in: VirtualCard) -> None:
    with PcscTransport(slot.reader) as transport:
        channel = open_with_pace(transport)
        with pytest.raises(MacError):
            read_ef_com(channel)


def test_silent_card_is_bounded_in_time(slots: list[VpcdSlot]) -> None:
    # The second slot: pcscd's vpcd slot stays busy until the mute card leaves.
    slot = slots[1]
    card = VirtualCard(Chip(), port=slot.port, fault=Fault(FaultKind.SILENCE, 1, 2.0))
    with card:
        wait_for_card(slot.reader)
        transport = PcscTransport(slot.reader, apdu_timeout=0.5).connect()
        started = time.monotonic()
        with pytest.raises(CardError) as mute:
            transport.transmit(SELECT_EMRTD)
        elapsed = time.monotonic() - started
        transport.close()
    assert mute.value.problem is CardProblem.UNREADABLE
    assert 0.5 <= elapsed < 1.0
    wait_for_card(slot.reader, present=False)


def test_pcscd_going_away_removes_the_readers_and_they_come_back(
    pcscd: PcscDaemon, slots: list[VpcdSlot]
) -> None:
    if not pcscd.owned:
        pytest.skip("pcscd was already running: the tests do not restart someone else's")
    events = Events()
    with ReaderWatch(events, name_pattern="virtual pcd", reconnect_seconds=0.2):
        for _ in slots:
            events.next(ReaderEventKind.READER_ADDED)
        pcscd.stop()
        gone = {events.next(ReaderEventKind.READER_REMOVED).reader for _ in slots}
        assert gone == {slot.reader for slot in slots}
        pcscd.start()
        back = {events.next(ReaderEventKind.READER_ADDED).reader for _ in slots}
        assert back == gone


def test_connecting_to_an_empty_reader_is_removed(slot: VpcdSlot) -> None:
    wait_for_card(slot.reader, present=False)
    with pytest.raises(CardError) as empty:
        PcscTransport(slot.reader).connect()
    assert empty.value.problem is CardProblem.REMOVED


def test_connecting_to_an_unknown_reader_is_a_card_error(pcscd: PcscDaemon) -> None:
    with pytest.raises(CardError):
        PcscTransport("No Such Reader 00 00").connect()


def test_the_same_card_put_down_again_opens_again(slot: VpcdSlot) -> None:
    chip = Chip(can=CAN)
    card = VirtualCard(chip, port=slot.port)
    for _ in range(2):
        with card:
            wait_for_card(slot.reader)
            with PcscTransport(slot.reader) as transport:
                assert read_ef_com(open_with_pace(transport)) == EF_COM
        assert not card.inserted
        wait_for_card(slot.reader, present=False)
    assert chip.session is None  # the reader reset the card when it let go of it


def test_a_failing_listener_does_not_stop_the_watch(
    slot: VpcdSlot, caplog: pytest.LogCaptureFixture
) -> None:
    events = Events()

    def listener(event: ReaderEvent) -> None:
        events(event)
        if event.kind is ReaderEventKind.READER_ADDED:
            raise ValueError("listener bug")

    with ReaderWatch(listener, name_pattern=slot.reader), VirtualCard(Chip(), port=slot.port):
        events.next(ReaderEventKind.CARD_INSERTED, slot.reader)
    assert "reader listener failed" in caplog.text
    wait_for_card(slot.reader, present=False)
