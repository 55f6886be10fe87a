"""DG13 of the Vietnamese CCCD: the citizen's data, keyed by field index (REFERENCE.md §2).

No official specification is published, so the parser walks the TLV and reads each field
by its index, never by offset, and tolerates either nesting of the parents' names. Where
each field sits is data: one `Dg13Layout` per card generation whose layout is known.
The fields that identify the holder (ID, name, birth date, sex) must be valid, or the
DG13 is not in that layout (Dg13Error); the other fields kept (residence, issue and expiry
dates, old ID) become None when their value does not parse, with the raw field kept, so
they never fail a read. Ethnicity, religion, identifying marks, parents and spouse are
skipped unread (personal-data rule, REFERENCE.md §5).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from drivers.card import tlv
from drivers.card.errors import Dg13Error, TlvError
from drivers.card.holder import CardHolder, PartialDate, Sex

DG13_TAG = 0x6D
_T = TypeVar("_T")


@dataclass(frozen=True)
class Dg13Layout:
    """Where one card generation's DG13 keeps the fields a check-in may use (indices);
    `dropped` are personal data it may not keep. Any other index is kept raw."""

    name: str
    source: str
    citizen_id: int
    full_name: int
    birth: int
    sex: int
    residence: int
    issue_date: int
    expiry_date: int
    old_id: int
    dropped: frozenset[int]

    @property
    def kept(self) -> frozenset[int]:
        return frozenset(
            {
                self.citizen_id,
                self.full_name,
                self.birth,
                self.sex,
                self.residence,
                self.issue_date,
                self.expiry_date,
                self.old_id,
            }
        )


# 5 nationality, 6 ethnicity, 7 religion, 8 place of origin, 10 identifying marks,
# 13 parents, 14 spouse are dropped; 16 (meaning unknown) is kept raw.
CCCD_2016 = Dg13Layout(
    name="CCCD",
    source="REFERENCE.md §2: the layout several independent public decoders agree on",
    citizen_id=1,
    full_name=2,
    birth=3,
    sex=4,
    residence=9,
    issue_date=11,
    expiry_date=12,
    old_id=15,
    dropped=frozenset({5, 6, 7, 8, 10, 13, 14}),
)
# The layouts the kiosk knows, tried in order. The Căn cước issued since 2024-07-01 is not
# here: its DG13 layout is not published (its data then comes from DG1, see citizen.py).
KNOWN_LAYOUTS = (CCCD_2016,)

_STRING_TAGS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii"}  # UTF8, Printable, IA5
_INTEGER, _SEQUENCE, _SET = 0x02, 0x30, 0x31
_MAX_INDEX = 255
_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


@dataclass(frozen=True, repr=False)
class CitizenRecord:
    """The part of DG13 that is kept. `unknown` holds raw fields: those of unknown meaning,
    and kept ones whose value did not parse. `layout` names the DG13 layout the holder was
    read by; None when no known layout fitted and the holder comes from DG1 (the MRZ:
    the name in capitals without diacritics)."""

    holder: CardHolder
    issue_date: date | None = None
    expiry_date: date | None = None  # None also for cards "không thời hạn" (no expiry)
    old_id: str | None = None
    unknown: dict[int, bytes] = field(default_factory=dict)
    layout: str | None = CCCD_2016.name

    def __repr__(self) -> str:
        # The holder's repr names only the fields present: no personal data in logs.
        return (
            f"CitizenRecord({self.holder!r}, layout={self.layout}, unknown={sorted(self.unknown)})"
        )


def parse_dg13(data: bytes, layout: Dg13Layout = CCCD_2016) -> CitizenRecord:
    """DG13 = 6D { SEQUENCE { INTEGER version, OID, SET { SEQUENCE { INTEGER n, value }... } } },
    read by `layout`; Dg13Error when the fields identifying the holder do not fit it."""
    try:
        fields, unknown = _fields(data, layout)
    except TlvError as error:
        raise Dg13Error(f"DG13: {error}") from error
    citizen_id = _single(fields, layout.citizen_id)
    if citizen_id is None or not re.fullmatch(r"[0-9]{12}", citizen_id):
        raise Dg13Error("DG13 has no 12-digit personal ID")
    birth = _single(fields, layout.birth)
    name = _single(fields, layout.full_name)
    if name is not None and not _is_name(name):
        raise Dg13Error("DG13 name is not made of letters")
    sex = _single(fields, layout.sex)
    holder = CardHolder(
        citizen_id=citizen_id,
        full_name=name,
        birth=_birth(birth) if birth is not None else None,
        sex=_sex(sex) if sex is not None else None,
        residence=_lenient(fields, unknown, layout.residence, _text),
    )
    return CitizenRecord(
        holder=holder,
        issue_date=_lenient(fields, unknown, layout.issue_date, _optional_date),
        expiry_date=_lenient(fields, unknown, layout.expiry_date, _optional_date),
        old_id=_lenient(fields, unknown, layout.old_id, _old_id),
        unknown=unknown,
        layout=layout.name,
    )


_Fields = dict[int, tuple[tuple[str, ...] | None, bytes]]


def _fields(data: bytes, layout: Dg13Layout) -> tuple[_Fields, dict[int, bytes]]:
    """The kept fields as their strings in order (None: not strings) with their raw bytes,
    and the fields of unknown meaning raw."""
    dg13 = tlv.parse_single(data)
    if dg13.tag != DG13_TAG:
        raise Dg13Error(f"DG13 starts with tag {dg13.tag:X}")
    kept: _Fields = {}
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
            if index in layout.kept:
                kept[index] = (_strings_or_none(values, index in _identifying(layout)), entry.raw)
            elif index not in layout.dropped:  # dropped ones are skipped unread
                unknown[index] = entry.raw
    return kept, unknown


def _identifying(layout: Dg13Layout) -> frozenset[int]:
    return frozenset({layout.citizen_id, layout.full_name, layout.birth, layout.sex})


def _strings_or_none(values: list[tlv.Tlv], strict: bool) -> tuple[str, ...] | None:
    try:
        return _strings(values)
    except (Dg13Error, TlvError):
        if strict:
            raise
        return None


def _lenient(
    fields: _Fields, unknown: dict[int, bytes], index: int, parse: Callable[[str], _T | None]
) -> _T | None:
    """A field the kiosk does not need to be right: unparsable, it is None and kept raw."""
    strings, raw = fields.get(index, ((), b""))
    if strings is not None and len(strings) <= 1:
        value = strings[0] if strings and strings[0] else None
        if value is None:
            return None
        parsed = parse(value)
        if parsed is not None:
            return parsed
    unknown[index] = raw
    return None


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


def _single(fields: _Fields, index: int) -> str | None:
    value = fields.get(index, ((), b""))[0] or ()
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


def _optional_date(text: str) -> date | None:
    """A date; None for "Không thời hạn" and for anything else that is not one."""
    return _date(text)


def _old_id(text: str) -> str | None:
    return text if re.fullmatch(r"[0-9]{9}|[0-9]{12}", text) else None


def _text(text: str) -> str | None:
    return text if text.isprintable() else None


def _is_name(text: str) -> bool:
    return not any(char.isdigit() for char in text) and any(char.isalpha() for char in text)


def _date(text: str) -> date | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _sex(text: str) -> Sex:
    sex = {"nam": Sex.MALE, "nữ": Sex.FEMALE, "nu": Sex.FEMALE}.get(text.casefold())
    if sex is None:
        raise Dg13Error("DG13 sex is neither Nam nor Nữ")
    return sex
