"""The QR code on the health insurance (BHYT) card.

`|`-separated, ending in `|$`: 0 card number · 1 full name (hex of UTF-8) · 2 birth
dd/mm/yyyy or yyyy · 3 sex (1 male, 2 female) · 4 address (hex of UTF-8) · 5 primary-care
facility like `01 - 001` · 6 valid from · 7 valid to (may be empty) · 8.. fields whose
meaning is not published (ignored) · last a checksum-like value nobody can verify.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kiosk.core.domain import BirthDate, Identity, IdentitySource, Sex
from kiosk.core.identity.citizen_id import is_twelve_digits, validate_citizen_id
from kiosk.core.identity.fields import (
    MAX_ADDRESS_CHARS,
    checked_date,
    clean_name,
    clean_text,
    decode_hex_text,
    malformed,
    parse_date,
)

_TERMINATOR = "$"
_MIN_FIELDS = 9  # fields 0-7 and the checksum, before the terminator
# 15-char card (2-letter group, benefit level, 2-digit province, 10-digit SI number), the bare
# 10-digit social insurance number, or (from 2025) the 12-digit personal ID number.
_CARD_NUMBER = re.compile(r"[A-Za-z]{2}[0-9]{13}|[0-9]{10}|[0-9]{12}")
_BIRTH_YEAR = re.compile(r"[0-9]{4}")
_FACILITY = re.compile(r"([0-9]{2})\s*-\s*([0-9]{3})|([0-9]{2})([0-9]{3})")
_SEXES = {"1": Sex.MALE, "2": Sex.FEMALE}


@dataclass(frozen=True)
class BhytQr:
    identity: Identity
    facility_code: str  # registered primary-care facility, normalised to `01 - 001`
    valid_from: date
    valid_to: date | None


def is_bhyt_shape(fields: list[str]) -> bool:
    """Ends in `|$`: ours even if a field is broken."""
    return len(fields) >= 2 and fields[-1] == _TERMINATOR


def parse_bhyt_fields(fields: list[str]) -> BhytQr:
    """Parse the cleaned, split fields of a payload for which `is_bhyt_shape` holds."""
    body = fields[:-1]
    if len(body) < _MIN_FIELDS:
        raise malformed("field_count", f"at least {_MIN_FIELDS} fields before the $")
    if _CARD_NUMBER.fullmatch(body[0]) is None:
        raise malformed("card_number", "15 characters, or 10 or 12 digits")
    number = body[0].upper()
    full_name = clean_name(decode_hex_text(body[1], "full_name"), "full_name")
    birth = _parse_birth(body[2])
    sex = _SEXES.get(body[3])
    if sex is None:
        raise malformed("sex", "1 or 2")
    address = clean_text(
        decode_hex_text(body[4], "address"), "address", max_chars=MAX_ADDRESS_CHARS
    )
    facility_code = _parse_facility(body[5])
    valid_from = parse_date(body[6], "valid_from")
    valid_to = parse_date(body[7], "valid_to") if body[7] else None
    if valid_to is not None and valid_to < valid_from:
        raise malformed("valid_to", "a date not before valid_from")
    citizen_id = None
    if is_twelve_digits(number):
        validate_citizen_id(number, birth, sex)
        citizen_id = number  # the personal ID serving as the insurance number
    identity = Identity(
        source=IdentitySource.BHYT_QR,
        citizen_id=citizen_id,
        insurance_number=number,
        full_name=full_name,
        birth=birth,
        sex=sex,
        address=address,
    )
    return BhytQr(identity, facility_code, valid_from, valid_to)


def _parse_birth(value: str) -> BirthDate:
    if _BIRTH_YEAR.fullmatch(value):
        year = int(value)
        checked_date(year, 1, 1, "birth")  # same year bounds as a full date
        return BirthDate(year)
    return BirthDate.from_date(parse_date(value, "birth"))


def _parse_facility(value: str) -> str:
    match = _FACILITY.fullmatch(value)
    if match is None:
        raise malformed("facility_code", "a code like 01 - 001")
    province, facility = (group for group in match.groups() if group is not None)
    return f"{province} - {facility}"
