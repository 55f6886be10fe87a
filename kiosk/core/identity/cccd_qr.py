"""The QR code on the chip citizen ID card (CCCD).

Seven `|`-separated fields: `ID|old ID or empty|full name|birth ddmmyyyy|Nam/Nữ|address|
issue date ddmmyyyy`. Apps that re-encode it drop the old ID and write dd/mm/yyyy; both
date styles are accepted in both layouts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kiosk.core.domain import BirthDate, Identity, IdentitySource, Sex
from kiosk.core.identity.citizen_id import is_twelve_digits, validate_citizen_id
from kiosk.core.identity.fields import (
    MAX_ADDRESS_CHARS,
    clean_name,
    clean_text,
    malformed,
    parse_date,
)

_FIELD_COUNTS = (6, 7)
_DIGITS = re.compile(r"[0-9]+")
_OLD_ID = re.compile(r"[0-9]{9}|[0-9]{12}")
# Keyed by the case-folded NFC text; "nu" because keyboard-wedge scanners lose diacritics.
_SEXES = {"nam": Sex.MALE, "nữ": Sex.FEMALE, "nu": Sex.FEMALE}


@dataclass(frozen=True)
class CccdQr:
    identity: Identity
    issue_date: date  # with the birth date, gives the BAC expiry candidates
    old_id: str | None  # the 9-digit CMND number (or 12 digits), when the card has one


def is_cccd_shape(fields: list[str]) -> bool:
    """Six or seven fields, the first all digits, a letter where the name goes: ours even if
    a field is broken. Without a letter there (a Căn cước's code may hold numbers in its
    first fields) the code is in another layout."""
    if len(fields) not in _FIELD_COUNTS or _DIGITS.fullmatch(fields[0]) is None:
        return False
    name = fields[2] if len(fields) == 7 else fields[1]
    return any(char.isalpha() for char in name)


def parse_cccd_fields(fields: list[str]) -> CccdQr:
    """Parse the cleaned, split fields of a payload for which `is_cccd_shape` holds."""
    if len(fields) == 7:
        number, old, name, birth_text, sex_text, address_text, issue_text = fields
    else:
        number, name, birth_text, sex_text, address_text, issue_text = fields
        old = ""
    if not is_twelve_digits(number):
        raise malformed("citizen_id", "12 digits")
    if old and _OLD_ID.fullmatch(old) is None:
        raise malformed("old_id", "empty, 9 or 12 digits")
    full_name = clean_name(name, "full_name")
    birth = parse_date(birth_text, "birth")
    sex = _SEXES.get((clean_text(sex_text, "sex", max_chars=3) or "").casefold())
    if sex is None:
        raise malformed("sex", "Nam or Nữ")
    address = clean_text(address_text, "address", max_chars=MAX_ADDRESS_CHARS)
    issue_date = parse_date(issue_text, "issue_date")
    if issue_date < birth:
        raise malformed("issue_date", "a date not before the birth date")
    birth_date = BirthDate.from_date(birth)
    validate_citizen_id(number, birth_date, sex)
    identity = Identity(
        source=IdentitySource.CCCD_QR,
        citizen_id=number,
        full_name=full_name,
        birth=birth_date,
        sex=sex,
        address=address,
    )
    return CccdQr(identity=identity, issue_date=issue_date, old_id=old or None)
