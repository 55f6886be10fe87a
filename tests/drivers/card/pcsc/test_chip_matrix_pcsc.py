"""The behaviour matrix through the real PC/SC stack (pyscard -> pcscd -> vpcd -> chip):
every end-of-file answer x four caps x PACE (ID only) / BAC, and a slow chip."""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("smartcard", reason="pyscard is not installed")

from drivers.card.cccd_reader import CccdReader
from drivers.card.reader import PcscTransport
from drivers.card.virtual_chip import ChipBehaviour, EndOfFile
from drivers.card.vpcd_card import VirtualCard
from tests.drivers.card.matrix import Cell, check_outcome, pcscd_matrix

from .pcscd import VpcdSlot, wait_for_card

pytestmark = pytest.mark.timeout(30)


@pytest.mark.parametrize(
    "cell",
    [*pcscd_matrix(), Cell(ChipBehaviour(EndOfFile.WARNING_6282, seconds_per_apdu=0.05), 0xDF)],
    ids=lambda cell: cell.label,
)
def test_matrix_cell_through_pcscd(slots: list[VpcdSlot], cell: Cell) -> None:
    slot = slots[0]
    card = cell.card()
    wait_for_card(slot.reader, present=False)  # pcscd has seen the last test's card go
    virtual = VirtualCard(card.chip, port=slot.port)
    with virtual:
        wait_for_card(slot.reader)
        with PcscTransport(slot.reader) as transport:
            reader = CccdReader(card.store, options=cell.options())
            result = reader.read(transport, card.keys, today=date(2026, 11, 23))
    wait_for_card(slot.reader, present=False)
    check_outcome(cell, card, result)
    assert result.apdu_count == virtual.apdus
