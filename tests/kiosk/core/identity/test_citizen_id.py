from __future__ import annotations

import pytest

from kiosk.core.domain import BirthDate, IdentitySource, Sex
from kiosk.core.identity import (
    PROVINCE_CODES,
    IdentityError,
    IdentityProblem,
    InvalidIdReason,
    century_sex_birth_year,
    identity_from_keypad,
    validate_citizen_id,
)


def reason_of(number: str, birth: BirthDate | None = None, sex: Sex | None = None):
    with pytest.raises(IdentityError) as caught:
        validate_citizen_id(number, birth, sex)
    assert caught.value.problem is IdentityProblem.INVALID_ID
    return caught.value.reason


def test_province_list_is_the_63_units_of_circular_07_2016():
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["079"] == "TP Hồ Chí Minh"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)


@pytest.mark.parametrize(
    ("number", "sex", "year"),
    [
        ("001090012345", Sex.MALE, 1990),
        ("001190012345", Sex.FEMALE, 1990),
        ("079200000001", Sex.MALE, 2000),
        ("079324999999", Sex.FEMALE, 2024),
        ("096499000000", Sex.MALE, 2199),
        ("096512000000", Sex.FEMALE, 2112),
        ("001800000000", Sex.MALE, 2300),
        ("001999000000", Sex.FEMALE, 2399),
    ],
)
def test_century_sex_birth_year(number, sex, year):
    assert century_sex_birth_year(number) == (sex, year)


@pytest.mark.parametrize("code", sorted(PROVINCE_CODES))
def test_every_province_code_is_accepted(code):
    validate_citizen_id(code + "090012345")


@pytest.mark.parametrize("code", ["000", "003", "005", "013", "097", "099", "100", "999"])
def test_unknown_province_code_is_rejected(code):
    assert reason_of(code + "090012345") is InvalidIdReason.UNKNOWN_PROVINCE


@pytest.mark.parametrize(
    "number",
    [
        "",
        "00109001234",
        "0010900123456",
        "00109001234a",
        "001 90012345",
        "００１０９００１２３４５",
        "٠٠١٠٩٠٠١٢٣٤٥",
        "001090012345\n",
    ],
)
def test_not_twelve_ascii_digits(number):
    assert reason_of(number) is InvalidIdReason.NOT_12_DIGITS


def test_birth_year_must_match_digits_4_to_6():
    validate_citizen_id("001090012345", BirthDate(1990, 2, 1), Sex.MALE)
    validate_citizen_id("001090012345", BirthDate(1990))
    assert reason_of("001090012345", BirthDate(1991)) is InvalidIdReason.BIRTH_YEAR_MISMATCH
    # Right two digits, wrong century.
    assert reason_of("001090012345", BirthDate(2090)) is InvalidIdReason.BIRTH_YEAR_MISMATCH
    assert reason_of("001290012345", BirthDate(1990)) is InvalidIdReason.BIRTH_YEAR_MISMATCH


def test_sex_must_match_digit_4():
    validate_citizen_id("001190012345", sex=Sex.FEMALE)
    assert reason_of("001190012345", sex=Sex.MALE) is InvalidIdReason.SEX_MISMATCH
    assert reason_of("001203012345", sex=Sex.FEMALE) is InvalidIdReason.SEX_MISMATCH


def test_error_message_never_contains_the_number():
    with pytest.raises(IdentityError) as caught:
        validate_citizen_id("001090012345", BirthDate(1991))
    assert "001090012345" not in str(caught.value)
    assert "1991" not in str(caught.value)


def test_keypad_identity():
    identity = identity_from_keypad("  001090012345 ")
    assert identity.source is IdentitySource.KEYPAD
    assert identity.citizen_id == "001090012345"
    assert identity.full_name is None and identity.birth is None
    assert not identity.chip_verified


@pytest.mark.parametrize(
    ("digits", "problem"),
    [
        ("", IdentityProblem.EMPTY),
        ("   ", IdentityProblem.EMPTY),
        ("12345", IdentityProblem.INVALID_ID),
        ("003090012345", IdentityProblem.INVALID_ID),
        ("0010900123456", IdentityProblem.INVALID_ID),
    ],
)
def test_keypad_rejects(digits, problem):
    with pytest.raises(IdentityError) as caught:
        identity_from_keypad(digits)
    assert caught.value.problem is problem
