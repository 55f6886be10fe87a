"""The CCCD reading strategy against the in-process virtual chip holding signed CCCD files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from drivers.card.apdu import CommandApdu, ResponseApdu, StatusWord
from drivers.card.cccd_reader import (
    NO_EXPIRY,
    AnotherCardError,
    CardKeys,
    CccdReader,
    ForgedChipError,
    KeyMemory,
    ReadDeadlineError,
    ReadOptions,
    chunk_reads,
    expected_apdus,
    expiry_candidates,
    header_first_reads,
)
from drivers.card.errors import CardError, CardProblem, SecureMessagingError
from drivers.card.holder import PartialDate, Sex
from drivers.card.lds import data_group_file_id
from drivers.card.passive_auth import CscaStore, PassiveAuthStatus
from drivers.card.virtual_chip import Chip

from .cccd_card import CITIZEN_ID, CccdCard, make_card

TODAY = date(2026, 11, 23)
DG13 = data_group_file_id(13)


class Wiretap:
    """Passes APDUs to the chip; `at` maps a 1-based APDU number to what happens instead."""

    def __init__(self, chip: Chip, at: dict[int, Callable[[bytes], bytes]] | None = None) -> None:
        self.chip = chip
        self.at = at or {}
        self.sent: list[CommandApdu] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(CommandApdu.from_bytes(apdu))
        action = self.at.get(len(self.sent))
        return action(apdu) if action else self.chip.transmit(apdu)


def read(card: CccdCard, transport: object | None = None, **options: object) -> object:
    reader = CccdReader(card.store, options=ReadOptions(**options))  # type: ignore[arg-type]
    return reader.read(transport or card.chip, card.keys, today=TODAY)  # type: ignore[arg-type]


def test_verified_read_with_pace_in_the_fewest_apdus() -> None:
    card = make_card()
    result = CccdReader(card.store).read(card.chip, card.keys, today=TODAY)
    holder = result.citizen.holder
    assert result.verification.status is PassiveAuthStatus.VERIFIED
    assert holder.citizen_id == CITIZEN_ID
    assert holder.full_name == "Nguyễn Văn An" and holder.sex is Sex.MALE
    assert holder.birth == PartialDate(1990, 5, 17)
    assert result.mrz.citizen_id == CITIZEN_ID
    # EF.CardAccess 1 + PACE 5 + SELECT 1, then each file in pieces of 223 bytes.
    assert result.apdu_count == card.chip.commands == expected_apdus(card.sizes, 223)
    assert result.face is None
    assert CITIZEN_ID not in repr(result) and "Nguy" not in repr(result)


class StrictChip(Chip):
    """Refuses to read past a file's end (6700), as some cards do."""

    def _file_command(self, command: CommandApdu) -> ResponseApdu:
        answer = super()._file_command(command)
        short = command.le is not None and len(answer.data) < command.le
        if command.ins == 0xB0 and answer.status.is_success and short:
            return ResponseApdu(b"", StatusWord(0x6700))
        return answer


def test_apdu_count_is_the_lower_bound() -> None:
    card = make_card()
    result = read(card)
    # No reader can do with fewer: the chip must be opened (EF.CardAccess, PACE, SELECT) and
    # every byte must come through READ BINARYs of at most 223 bytes.
    assert result.apdu_count == 7 + sum(chunk_reads(size, 223) for size in card.sizes)
    assert chunk_reads(223, 223) == 1 and chunk_reads(224, 223) == 2


def test_chip_refusing_reads_past_the_end_gets_headers_first() -> None:
    card = make_card(chip_type=StrictChip)
    result = read(card)
    assert result.verification.verified
    # EF.COM's first read is refused once (+1); from then on every file goes header first.
    assert result.apdu_count == expected_apdus(card.sizes, 223, over_read=False) + 1
    assert header_first_reads(4, 223) == 1 and header_first_reads(228, 223) == 3


def test_signer_not_trusted_gives_the_data_unverified() -> None:
    card = make_card()
    result = CccdReader(CscaStore()).read(card.chip, card.keys, today=TODAY)
    assert result.verification.status is PassiveAuthStatus.INTACT_SIGNER_NOT_TRUSTED
    assert not result.verification.verified
    assert result.citizen.holder.citizen_id == CITIZEN_ID


def test_tampered_dg13_is_forged() -> None:
    card = make_card()
    dg13 = card.files[DG13]
    name = "Nguyễn Văn An".encode()
    card.chip.files[DG13] = dg13.replace(name, "Nguyễn Văn Ân".encode()[: len(name)])
    assert card.chip.files[DG13] != dg13
    with pytest.raises(ForgedChipError) as caught:
        read(card)
    assert caught.value.problem is CardProblem.FORGED


def test_wrong_can_is_access_denied() -> None:
    card = make_card(can="999999")
    card.keys = CardKeys(CITIZEN_ID)  # no birth date: nothing to try after PACE
    with pytest.raises(CardError) as caught:
        read(card)
    assert caught.value.problem is CardProblem.ACCESS_DENIED


def test_another_card_opened_by_the_same_can_is_refused() -> None:
    card = make_card(citizen_id="079188012345")  # same last 6 digits, another person
    card.keys = CardKeys(CITIZEN_ID)
    with pytest.raises(AnotherCardError, match="another card") as caught:
        read(card)
    assert caught.value.problem is CardProblem.WRONG_CARD


def no_card_access(card: CccdCard) -> Wiretap:
    """A BAC-only chip: EF.CardAccess does not exist."""
    tap = Wiretap(card.chip)
    original = tap.transmit

    def transmit(apdu: bytes) -> bytes:
        if apdu[:4] == bytes.fromhex("00B09C00"):
            tap.sent.append(CommandApdu.from_bytes(apdu))
            return bytes.fromhex("6A82")
        return original(apdu)

    tap.transmit = transmit  # type: ignore[method-assign]
    return tap


@pytest.mark.parametrize(
    ("birth", "issue", "expiry", "keys_tried"),
    [
        (date(1990, 5, 17), date(2021, 3, 1), date(2030, 5, 17), 1),  # next age (40) first
        (date(1990, 5, 17), date(2029, 1, 1), date(2050, 5, 17), 1),  # issued < 2 years before
        (date(1990, 5, 17), date(2029, 1, 1), date(2030, 5, 17), 2),  # ... or not applied
        (date(1950, 2, 3), date(2015, 6, 1), None, 1),  # issued after 60: no expiry
    ],
)
def test_bac_only_chip_is_opened_with_the_expiry_candidates(
    birth: date, issue: date, expiry: date | None, keys_tried: int
) -> None:
    card = make_card(birth=birth, issue=issue, expiry=expiry)
    memory = KeyMemory()
    reader = CccdReader(card.store, memory=memory)
    result = reader.read(no_card_access(card), card.keys, today=TODAY)
    assert result.verification.verified
    # BAC sessions use 3DES: 231 bytes per READ BINARY.
    assert result.apdu_count == expected_apdus(card.sizes, 231, bac_keys_tried=keys_tried)

    card.chip.reset()
    again = reader.read(no_card_access(card), card.keys, today=TODAY)
    # Remembered: no EF.CardAccess, one key.
    assert again.apdu_count == expected_apdus(card.sizes, 231, bac_keys_tried=1) - 1
    memory.forget()
    assert memory.recall(CITIZEN_ID) is None


def test_expiry_candidates() -> None:
    assert expiry_candidates(date(1990, 5, 17), date(2021, 3, 1), TODAY) == [
        "300517",
        "500517",
        NO_EXPIRY,
    ]
    # 2023-law cards renew at 14 too; a 29 February birthday falls on 1 March.
    assert expiry_candidates(date(2016, 2, 29), date(2025, 1, 2), TODAY)[:2] == [
        "300301",
        "410301",
    ]
    # Issue date unknown: every birthday still to come, nearest first.
    assert expiry_candidates(date(1990, 5, 17), None, TODAY) == ["300517", "500517", NO_EXPIRY]
    assert CardKeys(CITIZEN_ID).bac_keys(TODAY) == []


def test_remembered_pace_skips_ef_card_access() -> None:
    card = make_card()
    reader = CccdReader(card.store)
    first = reader.read(card.chip, card.keys, today=TODAY)
    card.chip.reset()
    second = reader.read(card.chip, card.keys, today=TODAY)
    assert second.apdu_count == first.apdu_count - 1
    assert CITIZEN_ID[-6:] not in repr(reader.memory.recall(CITIZEN_ID))


def test_a_card_left_on_the_reader_is_read_again_with_pace_and_the_id_alone() -> None:
    """The chip still holds the first read's secure messaging (no reset between the reads):
    it answers the plain EF.CardAccess read with an SM error and leaves secure messaging, so
    the second read reads it again instead of giving up on PACE (which the ID alone needs)."""
    card = make_card()
    assert CardKeys(CITIZEN_ID).bac_keys(TODAY) == [] and card.keys.citizen_id == CITIZEN_ID
    CccdReader(card.store).read(card.chip, CardKeys(CITIZEN_ID), today=TODAY)
    tap = Wiretap(card.chip)
    again = CccdReader(card.store).read(tap, CardKeys(CITIZEN_ID), today=TODAY)  # type: ignore[arg-type]
    assert again.verification.verified
    assert [c.ins for c in tap.sent[:2]] == [0xB0, 0xB0]  # EF.CardAccess, refused, then again


def test_chip_with_max_le_128_falls_back_and_keeps_the_smaller_le() -> None:
    card = make_card(max_le=128)
    reader = CccdReader(card.store)
    result = reader.read(card.chip, card.keys, today=TODAY)
    assert result.verification.verified
    # EF.CardAccess with Le 256, 231 and 223 is refused (+3): taken for a refused over-read,
    # it comes header first (+1), and so do EF.COM and DG1 (+1, +1); DG13's header (+1) and
    # 223, 192, 160 refused within the file (+3) show a cap: whole chunks again.
    assert result.apdu_count == expected_apdus(card.sizes, 128) + 10
    card.chip.reset()
    again = reader.read(card.chip, card.keys, today=TODAY)
    # Remembered: PACE parameters (no EF.CardAccess) and Le 128.
    assert again.apdu_count == expected_apdus(card.sizes, 128) - 1


class PlainErrorChip(Chip):
    """Refuses a too large Le with a plain 6700, leaving secure messaging, as some chips do."""

    refused = False

    def _file_command(self, command: CommandApdu) -> ResponseApdu:
        answer = super()._file_command(command)
        self.refused = answer.status.value == 0x6700
        return answer

    def _protected(self, apdu: bytes) -> bytes:
        self.refused = False
        answer = super()._protected(apdu)
        if self.refused:
            self.session = None
            return bytes.fromhex("6700")
        return answer


def test_le_refused_outside_secure_messaging_lowers_le_and_reopens() -> None:
    card = make_card(max_le=128, chip_type=PlainErrorChip)
    result = read(card)
    assert result.verification.status is PassiveAuthStatus.VERIFIED
    # In the clear as in test_chip_with_max_le_128...: EF.CardAccess +4, EF.COM, DG1 and
    # DG13 headers +3. Under SM 223, 192 and 160 refused: three new sessions (probe, PACE,
    # SELECT) besides the reads.
    assert result.apdu_count == expected_apdus(card.sizes, 128) + 7 + 3 * (1 + 7)


def test_extended_length_reads_each_file_in_one_apdu() -> None:
    card = make_card(max_le=65536)
    result = read(card, extended_length=True)
    assert result.verification.verified
    assert result.apdu_count == 7 + len(card.sizes)


def test_extended_length_refused_falls_back_to_short() -> None:
    card = make_card()  # takes at most 256 bytes per read
    result = read(card, extended_length=True)
    assert result.verification.verified
    assert result.apdu_count == expected_apdus(card.sizes, 223) + 1


def sod_apdu(card: CccdCard, offset_past: int) -> int:
    """The number of the SOD's READ BINARY that starts beyond `offset_past`."""
    return expected_apdus(card.sizes[:3], 223) + 1 + offset_past // 223


def corrupt_mac(chip: Chip) -> Callable[[bytes], bytes]:
    def answer(apdu: bytes) -> bytes:
        raw = bytearray(chip.transmit(apdu))
        raw[-3] ^= 0x01
        return bytes(raw)

    return answer


def chip_drops_session(chip: Chip) -> Callable[[bytes], bytes]:
    def answer(_apdu: bytes) -> bytes:
        chip.session = None
        return bytes.fromhex("6988")

    return answer


@pytest.mark.parametrize("fault", [corrupt_mac, chip_drops_session])
def test_lost_session_is_reopened_and_the_file_resumed_at_its_offset(
    fault: Callable[[Chip], Callable[[bytes], bytes]],
) -> None:
    card = make_card()
    number = sod_apdu(card, 500)  # past 255: resuming needs a SELECT
    tap = Wiretap(card.chip, {number: fault(card.chip)})
    result = read(card, tap)
    assert result.verification.status is PassiveAuthStatus.VERIFIED
    lost = tap.sent[number - 1]
    reads = [c for c in tap.sent[number:] if c.ins == 0xB0 and not c.p1 & 0x80]
    assert (reads[0].p1, reads[0].p2) == (lost.p1, lost.p2)  # resumed where it was lost
    # The chip that still holds its session first drops it (6988), hence one probe more.
    probes = 2 if fault is corrupt_mac else 1
    reopening = probes + 5 + 1 + 1  # probe(s), PACE, SELECT application, SELECT EF.SOD
    assert result.apdu_count == expected_apdus(card.sizes, 223) + 1 + reopening


def test_a_session_lost_twice_is_unreadable() -> None:
    card = make_card()
    first = sod_apdu(card, 500)
    tap = Wiretap(card.chip)
    tap.at = {first: corrupt_mac(card.chip), first + 11: corrupt_mac(card.chip)}
    with pytest.raises(SecureMessagingError) as caught:
        read(card, tap)
    assert caught.value.problem is CardProblem.UNREADABLE


def test_removal_mid_read_is_removed() -> None:
    card = make_card()

    def removed(_apdu: bytes) -> bytes:
        raise CardError(CardProblem.REMOVED, "card left the reader")

    with pytest.raises(CardError) as caught:
        read(card, Wiretap(card.chip, {12: removed}))
    assert caught.value.problem is CardProblem.REMOVED


def test_every_read_is_bounded_by_one_deadline() -> None:
    card = make_card()
    ticks = iter(range(10_000))
    reader = CccdReader(
        card.store, options=ReadOptions(deadline_seconds=9.0), clock=lambda: next(ticks)
    )
    with pytest.raises(ReadDeadlineError) as caught:
        reader.read(card.chip, card.keys, today=TODAY)
    assert caught.value.problem is CardProblem.UNREADABLE
    assert card.chip.commands == 9


def test_garbage_once_is_survived_and_garbage_always_is_unreadable() -> None:
    card = make_card()
    garbage = bytes.fromhex("0102039000")
    assert read(card, Wiretap(card.chip, {9: lambda _apdu: garbage})).verification.verified
    card.chip.reset()
    always = {number: lambda _apdu: garbage for number in range(9, 40)}
    with pytest.raises(CardError) as caught:
        read(card, Wiretap(card.chip, always))
    assert caught.value.problem is CardProblem.UNREADABLE
