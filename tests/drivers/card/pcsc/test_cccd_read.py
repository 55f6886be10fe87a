"""A whole CCCD read with PACE through the real PC/SC path: pyscard -> pcscd -> vpcd -> chip."""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("smartcard", reason="pyscard is not installed")

from drivers.card.active_auth import ActiveAuthStatus
from drivers.card.cccd_reader import (
    CccdReader,
    ChipReadResult,
    ClonedChipError,
    ReadOptions,
    expected_apdus,
)
from drivers.card.errors import CardError, CardProblem
from drivers.card.passive_auth import PassiveAuthStatus
from drivers.card.reader import PcscTransport
from drivers.card.virtual_chip import ChipFault, extended_length_info
from drivers.card.vpcd_card import Fault, FaultKind, VirtualCard
from tests.drivers.card.cccd_card import CITIZEN_ID, CccdCard, aa_key, make_card

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
    assert result.verification.verified and result.citizen.holder.citizen_id == CITIZEN_ID
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


def read_through_pcscd(
    slot: VpcdSlot, card: CccdCard, options: ReadOptions | None = None
) -> tuple[ChipReadResult, VirtualCard, bool | None]:
    """One read through pcscd; also what the reader driver says about extended length."""
    virtual = VirtualCard(card.chip, port=slot.port)
    with virtual:
        wait_for_card(slot.reader)
        with PcscTransport(slot.reader) as transport:
            reader_says = transport.extended_length_support()
            result = CccdReader(card.store, options=options).read(
                transport, card.keys, today=date(2026, 11, 23)
            )
    wait_for_card(slot.reader, present=False)
    return result, virtual, reader_says


def test_extended_length_read_through_pcscd(slots: list[VpcdSlot]) -> None:
    # Debian's vpcd (3.3) carries extended APDUs (its framing takes 65535 bytes each way)
    # but its driver does not report it (IFDHControl answers no PC/SC part 10 feature), so
    # the configuration says the reader takes them; the card says so in EF.ATR/INFO.
    card = make_card(max_le=65536, atr_info=extended_length_info())
    options = ReadOptions(reader_extended_length=True)
    result, virtual, reader_says = read_through_pcscd(slots[0], card, options)
    assert reader_says in (None, True)
    assert result.extended_length and result.verification.verified
    # EF.ATR/INFO, EF.CardAccess, PACE, SELECT, then one READ BINARY per file.
    assert result.apdu_count == virtual.apdus == 1 + 7 + len(card.sizes)


def test_extended_length_is_not_tried_when_the_reader_is_not_known_to_take_it(
    slots: list[VpcdSlot],
) -> None:
    card = make_card(max_le=65536, atr_info=extended_length_info())
    result, virtual, _ = read_through_pcscd(slots[0], card)
    assert not result.extended_length
    assert result.apdu_count == virtual.apdus == expected_apdus(card.sizes, 223)


@pytest.mark.parametrize("kind", ["rsa-2048", "ec-p256"])
def test_active_authentication_through_pcscd(slots: list[VpcdSlot], kind: str) -> None:
    # RSA-2048: the protected answer (291 bytes) is longer than a short response APDU.
    card = make_card(aa=aa_key(kind), aa_rsa_hash="sha256")
    result, _virtual, _ = read_through_pcscd(slots[0], card)
    assert result.active_auth is ActiveAuthStatus.PASSED
    assert result.verification.verified


def test_cloned_chip_through_pcscd_is_forged(slots: list[VpcdSlot]) -> None:
    card = make_card(aa=aa_key("ec-p256"), faults=frozenset({ChipFault.WRONG_AA_SIGNATURE}))
    with pytest.raises(ClonedChipError) as caught:
        read_through_pcscd(slots[0], card)
    wait_for_card(slots[0].reader, present=False)  # before the next test puts a card down
    assert caught.value.problem is CardProblem.FORGED
