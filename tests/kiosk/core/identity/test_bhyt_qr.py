from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from kiosk.core.domain import BirthDate, Identity, IdentitySource, Sex
from kiosk.core.identity import (
    BhytQr,
    IdentityProblem,
    InvalidIdReason,
)

from .payload_helpers import error_of, read_as, with_field

NAME = "Lê Thị Hồng Nhung"
ADDRESS = "Số 5 Đường Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh"


def hexed(text: str) -> str:
    return text.encode("utf-8").hex()


FIELDS = [
    "DN4790123456789",
    hexed(NAME),
    "12/07/1985",
    "2",
    hexed(ADDRESS),
    "79 - 001",
    "01/01/2025",
    "31/12/2025",
    "01/01/2025",
    "7901234567",
    "-",
    "4",
    "01/01/2020",
    "a3f1c2d4e5b6a7c8-3",
    "$",
]
CARD = "|".join(FIELDS)


def read_bhyt(raw: str) -> BhytQr:
    return read_as(raw, BhytQr)


def test_card_qr():
    qr = read_bhyt(CARD)
    # Every field: no ID number, not chip-verified.
    assert qr.identity == Identity(
        source=IdentitySource.BHYT_QR,
        insurance_number="DN4790123456789",
        full_name=NAME,
        birth=BirthDate(1985, 7, 12),
        sex=Sex.FEMALE,
        address=ADDRESS,
    )
    assert qr.facility_code == "79 - 001"
    assert qr.valid_from == date(2025, 1, 1)
    assert qr.valid_to == date(2025, 12, 31)


def test_upper_case_hex_and_lower_case_card_letters():
    raw = with_field(CARD, 1, hexed(NAME).upper()).replace("DN479", "dn479")
    identity = read_bhyt(raw).identity
    assert identity.full_name == NAME
    assert identity.insurance_number == "DN4790123456789"


def test_birth_year_only():
    assert read_bhyt(with_field(CARD, 2, "1985")).identity.birth == BirthDate(1985)


def test_ten_digit_social_insurance_number():
    identity = read_bhyt(with_field(CARD, 0, "7901234567")).identity
    assert identity.insurance_number == "7901234567"
    assert identity.citizen_id is None


def test_twelve_digit_personal_id_as_card_number():
    identity = read_bhyt(with_field(CARD, 0, "079185001234")).identity
    assert identity.insurance_number == "079185001234"
    assert identity.citizen_id == "079185001234"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("003185001234", InvalidIdReason.UNKNOWN_PROVINCE),
        ("079186001234", InvalidIdReason.BIRTH_YEAR_MISMATCH),
        ("079085001234", InvalidIdReason.SEX_MISMATCH),
    ],
)
def test_twelve_digit_number_must_obey_the_id_rules(number, reason):
    error = error_of(with_field(CARD, 0, number))
    assert error.problem is IdentityProblem.INVALID_ID
    assert error.reason is reason


def test_empty_valid_to_and_address():
    qr = read_bhyt(with_field(CARD, 7, ""))
    assert qr.valid_to is None
    assert read_bhyt(with_field(CARD, 4, "")).identity.address is None


@pytest.mark.parametrize(("text", "male"), [("1", True), ("2", False)])
def test_sex_codes(text, male):
    assert (read_bhyt(with_field(CARD, 3, text)).identity.sex is Sex.MALE) == male


@pytest.mark.parametrize("code", ["01 - 001", "01-001", "01 -001", "01001"])
def test_facility_code_is_normalised(code):
    assert read_bhyt(with_field(CARD, 5, code)).facility_code == "01 - 001"


def test_nfd_name_in_hex_is_normalised():
    identity = read_bhyt(with_field(CARD, 1, hexed(unicodedata.normalize("NFD", NAME)))).identity
    assert identity.full_name == NAME


def test_minimal_field_count_and_unknown_extras():
    short = "|".join([*FIELDS[:8], "checksum", "$"])
    assert read_bhyt(short).identity == read_bhyt(CARD).identity
    long = "|".join([*FIELDS[:-2], "x", "y", "z", "c", "$"])
    assert read_bhyt(long).identity == read_bhyt(CARD).identity


@pytest.mark.parametrize(
    "wrapped",
    ["\ufeff" + CARD, CARD + "\r\n", "  " + CARD + " \n"],
    ids=["bom", "crlf", "whitespace"],
)
def test_scanner_wrapping_is_ignored(wrapped):
    assert read_bhyt(wrapped) == read_bhyt(CARD)


@pytest.mark.parametrize(
    ("index", "value", "field"),
    [
        (0, "", "card_number"),
        (0, "DN479012345678", "card_number"),
        (0, "D14790123456789", "card_number"),
        (0, "ĐN4790123456789", "card_number"),
        (0, "ﬀ4790123456789", "card_number"),
        (0, "79012345678", "card_number"),
        (1, "", "full_name"),
        (1, "4e6", "full_name"),
        (1, "zz", "full_name"),
        (1, "4e 67", "full_name"),
        (1, "ff", "full_name"),
        (1, "c3", "full_name"),
        (1, "eda080", "full_name"),
        (1, hexed("Lê 3"), "full_name"),
        (1, hexed("Lê\x1bThị"), "full_name"),
        (2, "", "birth"),
        (2, "30/02/1985", "birth"),
        (2, "12/07/85", "birth"),
        (2, "0000", "birth"),
        (2, "1850", "birth"),
        (2, "12071985x", "birth"),
        (3, "", "sex"),
        (3, "0", "sex"),
        (3, "3", "sex"),
        (3, "Nam", "sex"),
        (4, "zz", "address"),
        (4, hexed("Hà Nội\x00"), "address"),
        (5, "", "facility_code"),
        (5, "1 - 001", "facility_code"),
        (5, "01 - 0001", "facility_code"),
        (6, "", "valid_from"),
        (6, "31/13/2025", "valid_from"),
        (7, "2025", "valid_to"),
        (7, "31/12/2024", "valid_to"),
    ],
)
def test_malformed_field_is_named(index, value, field):
    error = error_of(with_field(CARD, index, value))
    assert error.problem is IdentityProblem.MALFORMED
    assert error.field == field
    assert field in str(error)


@pytest.mark.parametrize("count", [1, 5, 8])
def test_too_few_fields(count):
    error = error_of("|".join([*FIELDS[:count], "$"]))
    assert error.problem is IdentityProblem.MALFORMED
    assert error.field == "field_count"


@pytest.mark.parametrize(
    "raw",
    ["|".join(FIELDS[:-1]), CARD[:-1] + "$$", CARD + "|", "$", "|$|"],
    ids=["no-terminator", "double-dollar", "trailing-separator", "dollar-only", "dollar-middle"],
)
def test_without_the_terminator_it_is_unknown(raw):
    assert error_of(raw).problem is IdentityProblem.UNKNOWN_PAYLOAD


def test_messages_never_contain_content():
    for raw in (
        with_field(CARD, 2, "30/02/1985"),
        with_field(CARD, 1, hexed("Lê 3")),
        with_field(CARD, 7, "x"),
    ):
        message = str(error_of(raw))
        for secret in ("DN4790123456789", hexed(NAME), "Lê", "1985", "30/02", "79 - 001"):
            assert secret not in message
