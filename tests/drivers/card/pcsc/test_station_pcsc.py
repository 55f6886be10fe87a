"""The kiosk's chip station on the real PC/SC stack: ReaderWatch -> ChipStation -> PcscTransport
-> pcscd -> vpcd -> the virtual chip, as the kiosk runs it with a real reader."""

from __future__ import annotations

import pytest

pytest.importorskip("smartcard", reason="pyscard is not installed")

from drivers.card.cccd_reader import CccdReader
from drivers.card.errors import CardProblem
from drivers.card.reader import PcscTransport, ReaderWatch
from drivers.card.station import ChipStation
from drivers.card.vpcd_card import VirtualCard
from tests.drivers.card.cccd_card import CITIZEN_ID, make_card
from tests.drivers.card.test_station import Heard

from .pcscd import VpcdSlot, wait_for_card

pytestmark = pytest.mark.timeout(60)


def test_a_card_placed_after_the_code_is_read_and_verified(slots: list[VpcdSlot]) -> None:
    slot = slots[0]
    card = make_card()
    station = ChipStation(CccdReader(card.store), PcscTransport)
    heard = Heard()
    station.set_listener(heard)
    watch = ReaderWatch(station.on_reader_event, name_pattern=slot.reader)
    with watch:
        station.arm(5, card.keys)
        assert heard.quiet()
        with VirtualCard(card.chip, port=slot.port):
            heard.next("placed")
            token, result = heard.next("read")
            assert token == 5 and result.citizen.holder.citizen_id == CITIZEN_ID
            assert result.verification.verified
        heard.next("taken")
        wait_for_card(slot.reader, present=False)
    station.close()


def test_the_wrong_keys_fail_cleanly_and_the_card_can_come_back(slots: list[VpcdSlot]) -> None:
    slot = slots[0]
    card = make_card()
    other = make_card(citizen_id="079190054321")  # another person's ID: another CAN
    station = ChipStation(CccdReader(card.store), PcscTransport)
    heard = Heard()
    station.set_listener(heard)
    with ReaderWatch(station.on_reader_event, name_pattern=slot.reader):
        with VirtualCard(card.chip, port=slot.port):
            heard.next("placed")
            station.arm(1, other.keys)
            heard.next("placed")
            _, error = heard.next("failed")
            assert error.problem is CardProblem.ACCESS_DENIED
        heard.next("taken")
        wait_for_card(slot.reader, present=False)
        station.arm(2, card.keys)
        with VirtualCard(card.chip, port=slot.port):
            heard.next("placed")
            token, result = heard.next("read")
            assert token == 2 and result.verification.verified
        heard.next("taken")
    station.close()
