"""A whole CCCD read with PACE through the real PC/SC path: pyscard -> pcscd -> vpcd -> chip."""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("smartcard", reason="pyscard is not installed")

from drivers.card.cccd_reader import CccdReader, expected_apdus
from drivers.card.passive_auth import PassiveAuthStatus
from drivers.card.reader import PcscTransport
from drivers.card.vpcd_card import Fault, FaultKind, VirtualCard
from kiosk.domain import CardError, CardProblem
from tests.card.cccd_card import CITIZEN_ID, make_card

from .pcscd import VpcdSlot, wait_for_card

pytestmark = pytest.mark.timeout(30)


def test_full_cccd_read_with_pace_through_pcscd(slots: list[VpcdSlot]) -> None:
    slot = slots[0]
    card = make_card()
    virtual = VirtualCard(card.chip, port=slot.port)
    with virtual:
        wait_for_card(slot.reader)
        with PcscTransport(slot.reader) as transport:
            result = CccdReader(card.store).read(transport, card.keys, today=date(2026, 11, 23))
    wait_for_card(slot.reader, present=False)
    assert result.verification.status is PassiveAuthStatus.VERIFIED
    assert result.identity.chip_verified and result.identity.citizen_id == CITIZEN_ID
    assert result.apdu_count == virtual.apdus == expected_apdus(card.sizes, 223)


def test_card_taken_away_mid_read_through_pcscd_is_removed(slots: list[VpcdSlot]) -> None:
    slot = slots[0]
    card = make_card()
    virtual = VirtualCard(card.chip, port=slot.port, fault=Fault(FaultKind.REMOVE, at_apdu=12))
    with virtual:
        wait_for_card(slot.reader)
        with PcscTransport(slot.reader) as transport, pytest.raises(CardError) as caught:
            CccdReader(card.store).read(transport, card.keys, today=date(2026, 11, 23))
    wait_for_card(slot.reader, present=False)
    assert caught.value.problem is CardProblem.REMOVED
