"""The behaviour matrix: chips that answer reads in the ways ISO/IEC 7816-4 permits, and the
outcome a read must have on each (verified, right data, APDUs near the minimum).

Shared by the in-process tests, the tests through pcscd and the `chip` benchmark.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from datetime import date

from drivers.card.cccd_reader import (
    BAC_KEY_APDUS,
    BAC_SELECT_APDUS,
    CARD_ACCESS_APDUS,
    MAX_LE_AES,
    MAX_LE_TDES,
    PACE_APDUS,
    CardKeys,
    ChipReadResult,
    ReadOptions,
)
from drivers.card.lds_builder import CAN_CUOC_2024_TEST_FIELDS, CCCD_FIELDS
from drivers.card.virtual_chip import (
    PLAIN_CHIP,
    ChipBehaviour,
    EndOfFile,
    TooLargeLe,
    extended_length_info,
)
from tests.drivers.card.cccd_card import CITIZEN_ID, CccdCard, make_card

EXTENDED = 65536
SHORT_ANSWER = 100  # bytes per answer of a chip that answers less than asked


@dataclass(frozen=True)
class Cell:
    behaviour: ChipBehaviour = PLAIN_CHIP
    max_le: int = 256
    bac: bool = False  # a BAC-only chip (else PACE, opened with the ID alone)
    can_cuoc_2024: bool = False

    @property
    def label(self) -> str:
        cap = "extended" if self.max_le == EXTENDED else f"cap {self.max_le:#04x}"
        refusal = self.behaviour.too_large_le.value if self.max_le < 256 else ""
        return "-".join(
            part
            for part in (
                "bac" if self.bac else "pace",
                "cancuoc2024" if self.can_cuoc_2024 else "cccd",
                f"eof{self.behaviour.end_of_file.value}",
                cap.replace(" ", ""),
                refusal and f"over{refusal}",
                f"answers{self.behaviour.answer_size}" if self.behaviour.answer_size else "",
                f"{self.behaviour.seconds_per_apdu * 1000:.0f}ms"
                if self.behaviour.seconds_per_apdu
                else "",
            )
            if part
        )

    @property
    def extended(self) -> bool:
        return self.max_le == EXTENDED

    def card(self) -> CccdCard:
        card = make_card(
            max_le=self.max_le,
            behaviour=self.behaviour,
            bac_only=self.bac,
            atr_info=extended_length_info() if self.extended else None,
            dg13_layout=CAN_CUOC_2024_TEST_FIELDS if self.can_cuoc_2024 else CCCD_FIELDS,
            old_id="012345678",
        )
        # PACE needs only the ID (the CAN): the birth date is given only to BAC chips.
        return card if self.bac else replace(card, keys=CardKeys(CITIZEN_ID))

    def options(self) -> ReadOptions:
        return ReadOptions(reader_extended_length=self.extended)

    def minimum_apdus(self, sizes: list[int]) -> int:
        """Opening, then each file in reads of the largest Le the chip and cipher allow, as a
        reader that knew the chip beforehand would do (EF.ATR/INFO's read included)."""
        if self.bac:
            opening = CARD_ACCESS_APDUS + BAC_SELECT_APDUS + BAC_KEY_APDUS
        else:
            opening = CARD_ACCESS_APDUS + PACE_APDUS
        le = min(self.max_le, MAX_LE_TDES if self.bac else MAX_LE_AES)
        if self.extended:
            opening += 1  # EF.ATR/INFO
            le = self.max_le
        if self.behaviour.answer_size:
            le = min(le, self.behaviour.answer_size)
        return opening + sum(math.ceil(size / le) for size in sizes)


def matrix() -> list[Cell]:
    """Every end-of-file answer x every cap (and how it is refused) x PACE/BAC x full or
    short answers x CCCD / Căn cước 2024."""
    caps = [(cap, refusal) for cap in (0xDF, 0xE7) for refusal in TooLargeLe]
    caps += [(256, TooLargeLe.REFUSED_6700), (EXTENDED, TooLargeLe.REFUSED_6700)]
    return [
        Cell(ChipBehaviour(eof, refusal, answer_size), cap, bac, can_cuoc)
        for eof, (cap, refusal), bac, answer_size, can_cuoc in itertools.product(
            EndOfFile, caps, (False, True), (None, SHORT_ANSWER), (False, True)
        )
    ]


def pcscd_matrix() -> list[Cell]:
    """The cells run through pcscd: every end-of-file answer x four caps x PACE/BAC."""
    caps = [
        (0xDF, TooLargeLe.REFUSED_6700),
        (0xE7, TooLargeLe.EXACT_LE_6CXX),
        (256, TooLargeLe.REFUSED_6700),
        (EXTENDED, TooLargeLe.REFUSED_6700),
    ]
    return [
        Cell(ChipBehaviour(eof, refusal), cap, bac, can_cuoc_2024=bac)
        for eof, (cap, refusal), bac in itertools.product(EndOfFile, caps, (False, True))
    ]


# The worst a cell may cost above its minimum (a strict chip claiming extended length): Le
# 256, 0xE7, 0xDF refused and a header for EF.CardAccess, extended Le refused once, then
# short reads with a header first per file instead of one extended read each.
MAX_APDUS_ABOVE_MINIMUM = 13


def check_outcome(cell: Cell, card: CccdCard, result: ChipReadResult) -> None:
    """A verified read of the right person, by DG13 or (Căn cước 2024) by DG1."""
    holder = result.citizen.holder
    assert result.verification.verified, cell.label
    assert holder.citizen_id == CITIZEN_ID
    assert holder.birth is not None and holder.birth.as_date() == date(1990, 5, 17)
    if cell.can_cuoc_2024:
        assert result.citizen.layout is None  # not a layout the kiosk knows: DG1
        assert holder.full_name == "NGUYEN VAN AN" and holder.residence is None
    else:
        assert result.citizen.layout == "CCCD"
        assert holder.full_name == "Nguyễn Văn An" and holder.residence
    assert result.apdu_count <= cell.minimum_apdus(card.sizes) + MAX_APDUS_ABOVE_MINIMUM
