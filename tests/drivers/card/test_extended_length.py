"""Extended length: what the card says (ATR, EF.ATR/INFO), what the reader says, the reads."""

from __future__ import annotations

import math

import pytest

from drivers.card import tlv
from drivers.card.active_auth import ActiveAuthStatus
from drivers.card.cccd_reader import CccdReader, ReadOptions, expected_apdus
from drivers.card.errors import LdsError
from drivers.card.extended_length import (
    CardCapabilities,
    CardSays,
    ExtendedLengthInfo,
    card_capabilities,
    card_says,
    historical_bytes,
    max_plaintext,
    parse_atr_info,
)
from drivers.card.virtual_chip import DEFAULT_ATR, Chip, contactless_atr, extended_length_info

from .cccd_card import CccdCard, aa_key, make_card
from .test_cccd_reader import TODAY

# Historical bytes: category 80, then card capabilities (tag 7, 3 bytes): third byte b7
# "extended Lc and Le", b6 "extended length information in EF.ATR/INFO".
ATR_EXTENDED = contactless_atr(bytes.fromhex("8073000040"))
ATR_EXTENDED_SEE_ATR_INFO = contactless_atr(bytes.fromhex("8073000060"))
ATR_SHORT_ONLY = contactless_atr(bytes.fromhex("8073000000"))
OPENING = 7  # EF.CardAccess, MSE:Set AT, 4 GENERAL AUTHENTICATE, SELECT


def read(card: CccdCard, transport: object | None = None, **options: object):  # type: ignore[no-untyped-def]
    reader = CccdReader(card.store, options=ReadOptions(**options))  # type: ignore[arg-type]
    return reader.read(transport or card.chip, card.keys, today=TODAY)  # type: ignore[arg-type]


def test_historical_bytes_and_card_capabilities() -> None:
    assert historical_bytes(DEFAULT_ATR) == b"VIRTCCCD"
    assert card_capabilities(DEFAULT_ATR) is None  # proprietary historical bytes
    assert card_capabilities(ATR_EXTENDED) == CardCapabilities(True, False)
    assert card_capabilities(ATR_EXTENDED_SEE_ATR_INFO) == CardCapabilities(True, True)
    # Category 00: compact-TLV objects, then a 3-byte status indicator.
    with_status = contactless_atr(bytes.fromhex("00 31 C0 73 00 00 40 00 90 00"))
    assert card_capabilities(with_status) == CardCapabilities(True, False)
    assert card_says(DEFAULT_ATR) is CardSays.ASK_EF_ATR_INFO
    assert card_says(ATR_EXTENDED) is CardSays.YES
    assert card_says(ATR_EXTENDED_SEE_ATR_INFO) is CardSays.ASK_EF_ATR_INFO
    assert card_says(ATR_SHORT_ONLY) is CardSays.NO


@pytest.mark.parametrize(
    "atr", [b"", b"\x3b", b"\x3b\xff", bytes.fromhex("3b8f80"), b"\x3b\x8f\x80\x01"]
)
def test_malformed_atrs_settle_nothing(atr: bytes) -> None:
    assert card_capabilities(atr) is None
    assert card_says(atr) is CardSays.ASK_EF_ATR_INFO


def test_ef_atr_info() -> None:
    assert parse_atr_info(extended_length_info(1000, 2000)) == ExtendedLengthInfo(1000, 2000)
    assert parse_atr_info(tlv.encode(0x5F52, b"\x01")) is None  # other objects only
    with pytest.raises(LdsError):
        parse_atr_info(tlv.encode(0x7F66, tlv.encode(0x02, b"\x10")))
    with pytest.raises(LdsError):
        parse_atr_info(b"\x7f\x66\x05\x02")


def test_max_plaintext_fits_the_protected_answer() -> None:
    for limit in (300, 1000, 4096, 65538):
        for block in (8, 16):
            plain = max_plaintext(limit, block)
            cryptogram = (plain // block + 1) * block
            answer = len(tlv.encode(0x87, bytes(cryptogram + 1))) + 4 + 10 + 2
            assert answer <= limit
            bigger = ((plain + 1) // block + 1) * block
            assert len(tlv.encode(0x87, bytes(bigger + 1))) + 16 > limit


def extended_card(**kwargs: object) -> CccdCard:
    return make_card(max_le=65536, **kwargs)  # type: ignore[arg-type]


def test_reader_and_ef_atr_info_agree_each_file_in_one_read() -> None:
    card = extended_card(atr_info=extended_length_info())
    result = read(card, reader_extended_length=True)
    assert result.extended_length and result.verification.verified
    assert result.apdu_count == 1 + OPENING + len(card.sizes)  # EF.ATR/INFO costs one


def test_atr_saying_extended_costs_no_apdu() -> None:
    card = extended_card(atr=ATR_EXTENDED)
    result = read(card, reader_extended_length=True)
    assert result.extended_length
    assert result.apdu_count == OPENING + len(card.sizes)


def test_atr_saying_short_only_costs_no_apdu() -> None:
    card = extended_card(atr=ATR_SHORT_ONLY, atr_info=extended_length_info())
    result = read(card, reader_extended_length=True)
    assert not result.extended_length
    assert result.apdu_count == expected_apdus(card.sizes, 223)


def test_card_without_ef_atr_info_reads_short() -> None:
    card = extended_card()
    result = read(card, reader_extended_length=True)
    assert not result.extended_length
    assert result.apdu_count == 1 + expected_apdus(card.sizes, 223)


@pytest.mark.parametrize("reader_extended_length", [None, False])
def test_reader_not_known_to_take_extended_length_asks_nothing(
    reader_extended_length: bool | None,
) -> None:
    card = extended_card(atr=ATR_EXTENDED, atr_info=extended_length_info())
    result = read(card, reader_extended_length=reader_extended_length)
    assert not result.extended_length
    assert result.apdu_count == expected_apdus(card.sizes, 223)


class Reader:
    """A transport whose driver reports its APDU size, as PcscTransport does."""

    def __init__(self, chip: Chip, takes_extended: bool | None) -> None:
        self.chip = chip
        self.atr = chip.atr
        self.takes_extended = takes_extended

    def transmit(self, apdu: bytes) -> bytes:
        return self.chip.transmit(apdu)

    def extended_length_support(self) -> bool | None:
        return self.takes_extended


@pytest.mark.parametrize(
    ("reported", "configured", "extended"),
    [(True, None, True), (False, True, False), (None, True, True), (None, None, False)],
)
def test_what_the_reader_reports_beats_the_configuration(
    reported: bool | None, configured: bool | None, extended: bool
) -> None:
    card = extended_card(atr=ATR_EXTENDED)
    result = read(card, Reader(card.chip, reported), reader_extended_length=configured)
    assert result.extended_length is extended


def test_card_limit_from_ef_atr_info_sets_the_read_size() -> None:
    card = extended_card(atr_info=extended_length_info(1000, 1000))
    result = read(card, reader_extended_length=True)
    piece = max_plaintext(1000, 16)
    assert result.extended_length and piece > 223
    reads = sum(math.ceil(size / piece) for size in card.sizes)
    assert result.apdu_count == 1 + OPENING + reads


def test_card_limit_too_small_to_gain_anything_reads_short() -> None:
    card = extended_card(atr_info=extended_length_info(261, 258))
    result = read(card, reader_extended_length=True)
    assert not result.extended_length
    assert result.apdu_count == 1 + expected_apdus(card.sizes, 223)


def test_card_claiming_extended_but_refusing_it_falls_back_once() -> None:
    card = make_card(atr=ATR_EXTENDED)  # takes at most 256 bytes per read
    result = read(card, reader_extended_length=True)
    assert not result.extended_length
    assert result.apdu_count == expected_apdus(card.sizes, 223) + 1


def test_active_authentication_with_extended_length() -> None:
    card = extended_card(atr=ATR_EXTENDED, aa=aa_key("rsa-2048"), aa_rsa_hash="sha256")
    result = read(card, reader_extended_length=True)
    assert result.extended_length
    assert result.active_auth is ActiveAuthStatus.PASSED
    # COM, DG1, DG13, SOD, DG15 in one read each, then the challenge.
    assert result.apdu_count == OPENING + 5 + 1


def test_what_was_found_out_is_remembered_for_the_next_read() -> None:
    card = extended_card(atr_info=extended_length_info())
    reader = CccdReader(card.store, options=ReadOptions(reader_extended_length=True))
    first = reader.read(card.chip, card.keys, today=TODAY)
    card.chip.reset()
    again = reader.read(card.chip, card.keys, today=TODAY)
    # Neither EF.ATR/INFO nor EF.CardAccess again.
    assert again.extended_length and again.apdu_count == first.apdu_count - 2
