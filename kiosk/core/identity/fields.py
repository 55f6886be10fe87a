"""Field-level helpers shared by the QR parsers: cleaning, dates, hex text, names.

Every helper raises IdentityError(MALFORMED) naming the field, so a parser never lets a
ValueError or UnicodeError escape.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from kiosk.core.identity.errors import IdentityError, IdentityProblem

# The largest QR code holds 2,953 bytes, so anything longer did not come from a card.
MAX_PAYLOAD_CHARS = 4096
MAX_NAME_CHARS = 100
MAX_ADDRESS_CHARS = 400

# Sanity bounds for any date on a card (the ID's century digit starts at 1900); not policy.
MIN_YEAR = 1900
MAX_YEAR = 2199

# Control, format, surrogate, private-use, unassigned and line/paragraph separators: none
# belongs in a name or address, and some would break printing or JSON further on.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

_COMPACT_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_SLASHED_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_HEX_BYTES = re.compile(r"(?:[0-9A-Fa-f]{2})*")


def malformed(field: str, expected: str) -> IdentityError:
    return IdentityError(IdentityProblem.MALFORMED, f"expected {expected}", field=field)


def clean_payload(raw: str) -> str:
    """Drop what scanners and other apps wrap around a payload: whitespace, CR/LF, a BOM."""
    return raw.strip().removeprefix("\ufeff").strip()


def split_fields(text: str) -> list[str]:
    return [field.strip() for field in text.split("|")]


def parse_date(value: str, field: str) -> date:
    """`ddmmyyyy` (the CCCD QR) or `dd/mm/yyyy` (BHYT, re-encoded CCCD QR)."""
    match = _COMPACT_DATE.fullmatch(value) or _SLASHED_DATE.fullmatch(value)
    if match is None:
        raise malformed(field, "a date as ddmmyyyy or dd/mm/yyyy")
    day, month, year = (int(group) for group in match.groups())
    return checked_date(year, month, day, field)


def checked_date(year: int, month: int, day: int, field: str) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise malformed(field, f"a year from {MIN_YEAR} to {MAX_YEAR}")
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise malformed(field, "a calendar date") from exc


def clean_text(value: str, field: str, *, max_chars: int) -> str | None:
    """NFC (scanners may send NFD), single spaces; None when empty."""
    if len(value) > max_chars * 4:  # bound the work before normalising
        raise malformed(field, f"at most {max_chars} characters")
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if len(text) > max_chars:
        raise malformed(field, f"at most {max_chars} characters")
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in text):
        raise malformed(field, "printable text without control characters")
    return text or None


def clean_name(value: str, field: str) -> str:
    name = clean_text(value, field, max_chars=MAX_NAME_CHARS)
    if name is None:
        raise malformed(field, "a non-empty name")
    if any(char.isdigit() for char in name) or not any(char.isalpha() for char in name):
        raise malformed(field, "letters without digits")
    return name


def decode_hex_text(value: str, field: str) -> str:
    """Text stored as the hex of its UTF-8 bytes (the BHYT QR's name and address)."""
    # bytes.fromhex alone would also accept spaces between bytes.
    if _HEX_BYTES.fullmatch(value) is None:
        raise malformed(field, "hex digits of UTF-8 bytes")
    try:
        return bytes.fromhex(value).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise malformed(field, "hex of valid UTF-8") from exc
