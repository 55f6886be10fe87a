"""DG13 of the Vietnamese CCCD: the citizen's data, keyed by field index (REFERENCE.md §2).

No official specification is published, so the parser walks the TLV and reads each field
by its index, never by offset, and tolerates either nesting of the parents' names. Only
what a check-in may use is kept: ethnicity, religion, identifying marks, parents and spouse
are read past and dropped at once (personal-data rule, REFERENCE.md §5).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from drivers.card import tlv
from drivers.card.errors import Dg13Error, TlvError
from drivers.card.holder import CardHolder, PartialDate, Sex

DG13_TAG = 0x6D

# Field indices (REFERENCE.md §2).
CITIZEN_ID = 1
FULL_NAME = 2
BIRTH = 3
SEX = 4
NATIONALITY = 5
ETHNICITY = 6
RELIGION = 7
PLACE_OF_ORIGIN = 8
RESIDENCE = 9
IDENTIFYING_MARKS = 10
ISSUE_DATE = 11
EXPIRY_DATE = 12
PARENTS = 13
SPOUSE = 14
OLD_ID = 15
# What a check-in may use; the rest is read past, checked and dropped at once.
KEPT_FIELDS = frozenset(
    {CITIZEN_ID, FULL_NAME, BIRTH, SEX, RESIDENCE, ISSUE_DATE, EXPIRY_DATE, OLD_ID}
)
DROPPED_FIELDS = frozenset(
    {NATIONALITY, ETHNICITY, RELIGION, PLACE_OF_ORIGIN, IDENTIFYING_MARKS, PARENTS, SPOUSE}
)
# Any other index (16 is seen on cards, meaning unknown) is kept raw.

_STRING_TAGS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii"}  # UTF8, Printable, IA5
_INTEGER, _SEQUENCE, _SET = 0x02, 0x30, 0x31
_MAX_INDEX = 255
_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


@dataclass(frozen=True, repr=False)
class CitizenRecord:
    """The part of DG13 that is kept; `unknown` holds fields of unknown meaning raw."""

    holder: CardHolder
    issue_date: date | None = None
    expiry_date: date | None = None  # None also for cards "không thời hạn" (no expiry)
    old_id: str | None = None
    unknown: dict[int, bytes] = field(default_factory=dict)

    def __repr__(self) -> str:
        # The holder's repr names only the fields present: no personal data in logs.
        return f"CitizenRecord({self.holder!r}, unknown={sorted(self.unknown)})"


def parse_dg13(data: bytes) -> CitizenRecord:
    """DG13 = 6D { SEQUENCE { INTEGER version, OID, SET { SEQUENCE { INTEGER n, value }... } } }."""
    try:
        fields, unknown = _fields(data)
    except TlvError as error:
        raise Dg13Error(f"DG13: {error}") from error
    citizen_id = _single(fields, CITIZEN_ID)
    if citizen_id is None or not re.fullmatch(r"[0-9]{12}", citizen_id):
        raise Dg13Error("DG13 has no 12-digit personal ID")
    old_id = _single(fields, OLD_ID)
    if old_id is not None and not re.fullmatch(r"[0-9]{9}|[0-9]{12}", old_id):
        raise Dg13Error("DG13 old ID is neither 9 nor 12 digits")
    birth = _single(fields, BIRTH)
    holder = CardHolder(
        citizen_id=citizen_id,
        full_name=_single(fields, FULL_NAME),
        birth=_birth(birth) if birth is not None else None,
        sex=_sex(_single(fields, SEX)),
        residence=_single(fields, RESIDENCE),
    )
    return CitizenRecord(
        holder=holder,
        issue_date=_optional_date(_single(fields, ISSUE_DATE)),
        expiry_date=_optional_date(_single(fields, EXPIRY_DATE)),
        old_id=old_id,
        unknown=unknown,
    )


def _fields(data: bytes) -> tuple[dict[int, tuple[str, ...]], dict[int, bytes]]:
    """The kept fields as their strings, in order, and the unknown ones as raw bytes."""
    dg13 = tlv.parse_single(data)
    if dg13.tag != DG13_TAG:
        raise Dg13Error(f"DG13 starts with tag {dg13.tag:X}")
    kept: dict[int, tuple[str, ...]] = {}
    unknown: dict[int, bytes] = {}
    seen: set[int] = set()
    for container in dg13.child(_SEQUENCE).children():
        if container.tag != _SET:
            continue  # the version INTEGER and the character-set OID
        for entry in container.children():
            index, values = _entry(entry)
            if index in seen:
                raise Dg13Error(f"DG13 field {index} appears twice")
            seen.add(index)
            if index in KEPT_FIELDS:
                kept[index] = _strings(values)
            elif index in DROPPED_FIELDS:
                # Only the TLV is checked: a card must not fail over a value it may not keep.
                for value in values:
                    for _ in tlv.walk(value):
                        pass
            else:
                unknown[index] = entry.raw
    return kept, unknown


def _entry(entry: tlv.Tlv) -> tuple[int, list[tlv.Tlv]]:
    if entry.tag != _SEQUENCE:
        raise Dg13Error(f"DG13 field is tag {entry.tag:X}, not a SEQUENCE")
    children = entry.children()
    if not children or children[0].tag != _INTEGER:
        raise Dg13Error("DG13 field does not start with its index")
    index = tlv.decode_unsigned(children[0].value)
    if not 1 <= index <= _MAX_INDEX:
        raise Dg13Error("DG13 field index out of range")
    return index, children[1:]


def _strings(values: list[tlv.Tlv]) -> tuple[str, ...]:
    """Every string in the values, depth first: parents' names come out in the same order
    whether they share one SEQUENCE or have one each; an empty SEQUENCE gives nothing."""
    found: list[str] = []
    for value in values:
        for item in tlv.walk(value):
            if item.tag in _STRING_TAGS:
                found.append(_decode(item))
            elif not item.constructed:
                raise Dg13Error(f"DG13 value of tag {item.tag:X} is not a string")
    return tuple(found)


def _decode(item: tlv.Tlv) -> str:
    try:
        text = item.value.decode(_STRING_TAGS[item.tag])
    except UnicodeDecodeError as error:
        raise Dg13Error("DG13 string is not valid for its type") from error
    return unicodedata.normalize("NFC", text.strip())


def _single(fields: dict[int, tuple[str, ...]], index: int) -> str | None:
    value = fields.get(index, ())
    if len(value) > 1:
        raise Dg13Error(f"DG13 field {index} holds {len(value)} values")
    return value[0] if value and value[0] else None


def _birth(text: str) -> PartialDate:
    """dd/mm/yyyy, or the year alone for people whose birthday was never recorded."""
    if re.fullmatch(r"[0-9]{4}", text):
        return PartialDate(int(text))
    full = _date(text)
    if full is None:
        raise Dg13Error("DG13 birth date is not dd/mm/yyyy")
    return PartialDate.from_date(full)


def _optional_date(text: str | None) -> date | None:
    """A date, or None for "Không thời hạn" and other text that is not a date."""
    if text is None or not any(char.isdigit() for char in text):
        return None
    parsed = _date(text)
    if parsed is None:
        raise Dg13Error("DG13 date is not dd/mm/yyyy")
    return parsed


def _date(text: str) -> date | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _sex(text: str | None) -> Sex | None:
    if text is None:
        return None
    return {"nam": Sex.MALE, "nữ": Sex.FEMALE, "nu": Sex.FEMALE}.get(text.casefold())
