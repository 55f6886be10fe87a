"""Every cell of the behaviour matrix read in-process: verified with the right data, never a
hang, a crash or wrong data; and the figures the Le strategy is built for."""

from __future__ import annotations

import math
from datetime import date

import pytest

from drivers.card.apdu import CommandApdu, ResponseApdu, StatusWord
from drivers.card.cccd_reader import (
    CardKeys,
    CccdReader,
    KeyMemory,
    ReadDeadlineError,
    ReadOptions,
    expected_apdus,
)
from drivers.card.errors import CardError, CardProblem, LdsError
from drivers.card.virtual_chip import Chip, ChipBehaviour, EndOfFile, TooLargeLe, card_access

from .cccd_card import CITIZEN_ID, make_card
from .matrix import Cell, check_outcome, matrix

TODAY = date(2026, 11, 23)

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("cell", matrix(), ids=lambda cell: cell.label)
def test_every_cell_of_the_matrix_reads_verified(cell: Cell) -> None:
    card = cell.card()
    reader = CccdReader(card.store, options=cell.options())
    result = reader.read(card.chip, card.keys, today=TODAY)
    check_outcome(cell, card, result)
    card.chip.reset()
    again = reader.read(card.chip, card.keys, today=TODAY)  # what was learnt is remembered
    check_outcome(cell, card, again)
    assert again.apdu_count <= result.apdu_count - 1


def test_pace_chip_answering_6282_at_end_of_file_is_read_with_pace_in_the_minimum() -> None:
    card = make_card(behaviour=ChipBehaviour(EndOfFile.WARNING_6282))
    keys = CardKeys(CITIZEN_ID)  # the ID alone: no birth date, so BAC is impossible
    result = CccdReader(card.store).read(card.chip, keys, today=TODAY)
    assert result.verification.verified
    assert result.apdu_count == expected_apdus(card.sizes, 223) == 16


def test_bac_chip_capped_at_0xdf_costs_one_refusal_and_remembers_the_cap() -> None:
    card = make_card(max_le=0xDF, bac_only=True)
    reader = CccdReader(card.store)
    result = reader.read(card.chip, card.keys, today=TODAY)
    assert result.verification.verified
    # EF.CardAccess (absent), SELECT, BAC (2); EF.COM at 0xE7 refused, 0xDF taken: the cap,
    # and whole chunks of 0xDF from then on.
    files = sum(math.ceil(size / 0xDF) for size in card.sizes)
    assert result.apdu_count == 1 + 1 + 2 + 1 + files == 14
    card.chip.reset()
    again = reader.read(card.chip, card.keys, today=TODAY)
    assert again.apdu_count == 1 + 2 + files == 12  # no EF.CardAccess, no refusal


def test_a_cap_named_by_6cxx_is_taken_at_once() -> None:
    behaviour = ChipBehaviour(too_large_le=TooLargeLe.EXACT_LE_6CXX)
    card = make_card(max_le=0xC0, behaviour=behaviour)
    result = CccdReader(card.store).read(card.chip, CardKeys(CITIZEN_ID), today=TODAY)
    assert result.verification.verified
    # 6CC0 to EF.CardAccess's Le 256 (+1): the cap, kept under secure messaging.
    assert result.apdu_count == expected_apdus(card.sizes, 0xC0) + 1


class PaddedChip(Chip):
    """Files padded past their TLV with bytes no hash covers, as allocated EFs may be."""

    def _read_binary(self, content: bytes, offset: int, le: int) -> ResponseApdu:
        return super()._read_binary(content + b"\xff" * 300, offset, le)


def test_bytes_past_a_files_tlv_are_not_taken_into_it() -> None:
    card = make_card(chip_type=PaddedChip)
    result = CccdReader(card.store).read(card.chip, card.keys, today=TODAY)
    assert result.verification.verified


class LyingChip(Chip):
    """Answers a READ BINARY of DG13 with the status word `answer` gives: one byte with it
    at offset 0, no data after (6282, 6B00), or more bytes than asked, or 6Cxx naming the
    Le it just refused."""

    answer: int = 0x6282
    extra: bytes = b""

    def _read_binary(self, content: bytes, offset: int, le: int) -> ResponseApdu:
        plain = super()._read_binary(content, offset, le)
        if content is not self.files.get(0x010D):
            return plain
        if self.answer == 0x6C00:
            return ResponseApdu(b"", StatusWord(0x6C00 | le % 256))  # the same Le again
        data = plain.data[:1] + self.extra if offset == 0 else b""
        return ResponseApdu(data, StatusWord(self.answer))


@pytest.mark.parametrize(
    ("answer", "extra", "problem"),
    [
        (0x6282, b"", "ends before"),  # 6282 with one byte, then nothing: the file is cut
        (0x9000, b"\x00" * 300, "bytes answered"),  # more than Le
        (0x6C00, b"", "wrong Le"),  # 6Cxx naming the very Le it refused
        (0x6B00, b"", "ends before"),  # one byte, then the offset is outside the file
    ],
)
def test_a_chip_breaking_the_rules_is_a_typed_error(
    answer: int, extra: bytes, problem: str
) -> None:
    card = make_card(chip_type=LyingChip)
    chip = card.chip
    assert isinstance(chip, LyingChip)
    chip.answer, chip.extra = answer, extra
    with pytest.raises(CardError) as caught:
        CccdReader(card.store).read(chip, card.keys, today=TODAY)
    assert caught.value.problem is CardProblem.UNREADABLE
    assert problem in str(caught.value)


class ShortCardAccessChip(Chip):
    """Answers the first read of EF.CardAccess 3 bytes short, with 9000."""

    def _clear_file_command(self, command: CommandApdu) -> ResponseApdu:
        answer = super()._clear_file_command(command)
        if command.ins == 0xB0 and command.p1 == 0x9C and command.p2 == 0:
            return ResponseApdu(answer.data[:-3], answer.status)
        return answer


class TruncatedCardAccessChip(Chip):
    """EF.CardAccess whose TLV claims 3 bytes more than the file holds."""

    def _clear_file_command(self, command: CommandApdu) -> ResponseApdu:
        if command.ins == 0xB0 and command.p1 == 0x9C:
            return self._serve(command, {0x011C: card_access(self.info)[:-3]}, unknown=0x6A82)
        return super()._clear_file_command(command)


def test_a_short_answer_from_card_access_is_completed_by_its_tlv_length() -> None:
    card = make_card(chip_type=ShortCardAccessChip)
    result = CccdReader(card.store).read(card.chip, CardKeys(CITIZEN_ID), today=TODAY)
    assert result.verification.verified  # with PACE: BAC was impossible
    assert result.apdu_count == expected_apdus(card.sizes, 223) + 1


def test_truncated_card_access_is_reported_or_bac_is_tried_in_the_open() -> None:
    card = make_card(chip_type=TruncatedCardAccessChip)
    with pytest.raises(LdsError, match=r"EF\.CardAccess"):
        CccdReader(card.store).read(card.chip, CardKeys(CITIZEN_ID), today=TODAY)
    card.chip.reset()
    # With a birth date BAC can open it: tried, with a warning in the log.
    result = CccdReader(card.store).read(card.chip, card.keys, today=TODAY)
    assert result.verification.verified


def test_card_access_answered_in_pieces_is_read_whole() -> None:
    card = make_card(behaviour=ChipBehaviour(answer_size=7))
    result = CccdReader(card.store).read(card.chip, CardKeys(CITIZEN_ID), today=TODAY)
    assert result.verification.verified  # PACE: the file was read to its TLV length


def test_a_slow_chip_is_read_and_a_too_slow_one_is_bounded() -> None:
    slow = make_card(behaviour=ChipBehaviour(seconds_per_apdu=0.02))
    result = CccdReader(slow.store).read(slow.chip, slow.keys, today=TODAY)
    assert result.verification.verified and result.elapsed >= 16 * 0.02
    too_slow = make_card(behaviour=ChipBehaviour(seconds_per_apdu=0.2))
    options = ReadOptions(deadline_seconds=1.0)
    with pytest.raises(ReadDeadlineError) as caught:
        CccdReader(too_slow.store, options=options).read(too_slow.chip, too_slow.keys)
    assert caught.value.problem is CardProblem.UNREADABLE


def test_the_cap_and_the_over_read_answer_are_remembered_per_card() -> None:
    card = make_card(max_le=0xDF, behaviour=ChipBehaviour(EndOfFile.REFUSED_6700))
    memory = KeyMemory()
    reader = CccdReader(card.store, memory=memory)
    reader.read(card.chip, CardKeys(CITIZEN_ID), today=TODAY)
    profile = memory.recall(CITIZEN_ID)
    assert profile is not None and profile.max_le == 0xDF and not profile.over_read


def test_ef_atr_info_answered_with_6282_still_says_extended_length() -> None:
    cell = Cell(ChipBehaviour(EndOfFile.WARNING_6282), max_le=65536)
    card = cell.card()
    result = CccdReader(card.store, options=cell.options()).read(card.chip, card.keys)
    assert result.extended_length and result.apdu_count == cell.minimum_apdus(card.sizes) == 12


@pytest.mark.parametrize("size", [1, 3])
def test_answers_shorter_than_a_tlv_header_are_pieced_together(size: int) -> None:
    card = make_card(behaviour=ChipBehaviour(answer_size=size))
    reader = CccdReader(card.store, options=ReadOptions(deadline_seconds=60))
    result = reader.read(card.chip, CardKeys(CITIZEN_ID), today=TODAY)
    assert result.verification.verified and result.citizen.holder.citizen_id == CITIZEN_ID
    # Every byte in its own answer (or three to an answer), plus opening (PACE).
    files = sum(math.ceil(file / size) for file in card.sizes)
    assert result.apdu_count > files
