from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from kiosk.core.domain import BirthDate, Identity, IdentitySource, Sex
from kiosk.core.identity import (
    CccdQr,
    IdentityProblem,
    InvalidIdReason,
)

from .payload_helpers import error_of, read_as, with_field

ADDRESS = "Số 12 Ngõ 34 Láng Hạ, Phường Láng Hạ, Đống Đa, Hà Nội"
SEVEN = f"001090012345|123456789|Nguyễn Văn An|01021990|Nam|{ADDRESS}|15082021"
SIX = f"079301001234|Trần Thị Bích Ngọc|05/11/2001|Nữ|{ADDRESS}|20/03/2022"


def read_cccd(raw: str) -> CccdQr:
    return read_as(raw, CccdQr)


def test_seven_field_card_qr():
    qr = read_cccd(SEVEN)
    # Every field: no insurance number, not chip-verified.
    assert qr.identity == Identity(
        source=IdentitySource.CCCD_QR,
        citizen_id="001090012345",
        full_name="Nguyễn Văn An",
        birth=BirthDate(1990, 2, 1),
        sex=Sex.MALE,
        address=ADDRESS,
    )
    assert qr.identity.can_register_new_patient
    assert qr.issue_date == date(2021, 8, 15)
    assert qr.old_id == "123456789"


def test_seven_fields_without_old_id():
    qr = read_cccd(with_field(SEVEN, 1, ""))
    assert qr.old_id is None
    assert qr.identity.citizen_id == "001090012345"


def test_twelve_digit_old_id_is_kept():
    assert read_cccd(with_field(SEVEN, 1, "001090099999")).old_id == "001090099999"


def test_six_field_variant_with_slashed_dates():
    qr = read_cccd(SIX)
    assert qr.identity.citizen_id == "079301001234"
    assert qr.identity.full_name == "Trần Thị Bích Ngọc"
    assert qr.identity.birth == BirthDate(2001, 11, 5)
    assert qr.identity.sex is Sex.FEMALE
    assert qr.issue_date == date(2022, 3, 20)
    assert qr.old_id is None


def test_date_styles_are_accepted_in_either_layout():
    assert read_cccd(with_field(SEVEN, 3, "1/2/1990")).identity.birth == BirthDate(1990, 2, 1)
    assert read_cccd(with_field(SIX, 2, "05112001")).identity.birth == BirthDate(2001, 11, 5)


@pytest.mark.parametrize(
    "wrapped",
    [
        "\ufeff" + SEVEN,
        SEVEN + "\r\n",
        SEVEN + "\n",
        "  \t" + SEVEN + "  \r\n",
        " \ufeff" + SEVEN + "\r",
        SEVEN.replace("|", " | "),
    ],
    ids=["bom", "crlf", "lf", "whitespace", "space-bom-cr", "spaced-separators"],
)
def test_scanner_wrapping_is_ignored(wrapped):
    assert read_cccd(wrapped) == read_cccd(SEVEN)


def test_nfd_text_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", SIX)
    assert decomposed != SIX
    identity = read_cccd(decomposed).identity
    assert identity.full_name == "Trần Thị Bích Ngọc"
    assert unicodedata.is_normalized("NFC", identity.full_name)
    assert identity.address == ADDRESS
    assert identity.sex is Sex.FEMALE


def test_internal_whitespace_in_name_is_collapsed():
    identity = read_cccd(with_field(SEVEN, 2, "Nguyễn   Văn\tAn")).identity
    assert identity.full_name == "Nguyễn Văn An"


@pytest.mark.parametrize("text", ["Nam", "NAM", "nam"])
def test_male_spellings(text):
    assert read_cccd(with_field(SEVEN, 4, text)).identity.sex is Sex.MALE


@pytest.mark.parametrize("text", ["Nữ", "NỮ", "nữ", "Nu"])
def test_female_spellings(text):
    assert read_cccd(with_field(SIX, 3, text)).identity.sex is Sex.FEMALE


def test_empty_address_is_none():
    assert read_cccd(with_field(SEVEN, 5, "")).identity.address is None


@pytest.mark.parametrize(
    ("index", "value", "field"),
    [
        (0, "00109001234", "citizen_id"),
        (0, "0010900123456", "citizen_id"),
        (1, "12345678", "old_id"),
        (1, "12345678X", "old_id"),
        (2, "Nguyễn Văn 2", "full_name"),
        (2, "Nguyễn\x00Văn", "full_name"),
        (2, "Nguyễn\u200bVăn", "full_name"),
        (2, "Nguyễn \ud800Văn", "full_name"),
        (2, "A" * 101, "full_name"),
        (3, "", "birth"),
        (3, "30021990", "birth"),
        (3, "31/04/1990", "birth"),
        (3, "01131990", "birth"),
        (3, "00000000", "birth"),
        (3, "01010000", "birth"),
        (3, "01011899", "birth"),
        (3, "1990", "birth"),
        (3, "1990-02-01", "birth"),
        (3, "０１０２１９９０", "birth"),
        (4, "", "sex"),
        (4, "Male", "sex"),
        (4, "1", "sex"),
        (5, "Hà Nội\x07", "address"),
        (5, "x" * 401, "address"),
        (6, "", "issue_date"),
        (6, "29022021", "issue_date"),
        (6, "31121989", "issue_date"),
    ],
)
def test_malformed_field_is_named(index, value, field):
    error = error_of(with_field(SEVEN, index, value))
    assert error.problem is IdentityProblem.MALFORMED
    assert error.field == field
    assert field in str(error)


def test_leap_day_is_a_date():
    assert read_cccd(with_field(SEVEN, 6, "29022024")).issue_date == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("index", "value", "reason"),
    [
        (0, "003090012345", InvalidIdReason.UNKNOWN_PROVINCE),
        (0, "001091012345", InvalidIdReason.BIRTH_YEAR_MISMATCH),
        (0, "001290012345", InvalidIdReason.BIRTH_YEAR_MISMATCH),
        (0, "001190012345", InvalidIdReason.SEX_MISMATCH),
        (4, "Nữ", InvalidIdReason.SEX_MISMATCH),
        (3, "01021991", InvalidIdReason.BIRTH_YEAR_MISMATCH),
    ],
)
def test_id_that_breaks_the_rules(index, value, reason):
    error = error_of(with_field(SEVEN, index, value))
    assert error.problem is IdentityProblem.INVALID_ID
    assert error.reason is reason


@pytest.mark.parametrize(
    "raw",
    [
        with_field(SEVEN, 0, "CCCD001090012345"),
        with_field(SEVEN, 0, ""),
        "https://example.vn/verify?id=001090012345",
        "001090012345",
    ],
    ids=["prefixed-id", "empty-id", "url", "bare-number"],
)
def test_other_shapes_are_unknown(raw):
    assert error_of(raw).problem is IdentityProblem.UNKNOWN_PAYLOAD


def test_messages_never_contain_content():
    bad = [
        with_field(SEVEN, 3, "30021990"),
        with_field(SEVEN, 2, "Nguyễn Văn 2"),
        with_field(SEVEN, 0, "001091012345"),
        with_field(SEVEN, 0, "CCCD001090012345") + "|extra",
    ]
    for raw in bad:
        message = str(error_of(raw))
        for secret in ("001090012345", "001091012345", "Nguyễn", "1990", "Hà Nội", "extra"):
            assert secret not in message
