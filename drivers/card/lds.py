"""LDS files of ICAO Doc 9303 part 10: EF.COM and DG1 (the MRZ, parts 4 and 5).

The chip's data arrives under secure messaging, so a check digit that does not match is
not a reading error to shrug off: the chip holds something other than what was printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from drivers.card import tlv
from drivers.card.bac import check_digit, mrz_information
from drivers.card.errors import LdsError, MrzError, TlvError

# Data group number -> the tag its file starts with (9303 part 10 §4.6.1).
DATA_GROUP_TAGS: dict[int, int] = {
    1: 0x61,
    2: 0x75,
    3: 0x63,
    4: 0x76,
    5: 0x65,
    6: 0x66,
    7: 0x67,
    8: 0x68,
    9: 0x69,
    10: 0x6A,
    11: 0x6B,
    12: 0x6C,
    13: 0x6D,
    14: 0x6E,
    15: 0x6F,
    16: 0x70,
}
DATA_GROUP_BY_TAG = {tag: number for number, tag in DATA_GROUP_TAGS.items()}
COM_TAG = 0x60
SOD_TAG = 0x77
COM_FILE_ID = 0x011E
SOD_FILE_ID = 0x011D


def data_group_file_id(number: int) -> int:
    """DG1..DG16 live in files 0101..0110; their short EF identifier is the number itself."""
    if number not in DATA_GROUP_TAGS:
        raise ValueError(f"no data group {number}")
    return 0x0100 + number


@dataclass(frozen=True)
class Com:
    """EF.COM: which LDS and Unicode versions the chip follows and which groups it holds."""

    lds_version: str  # "0107" for LDS 1.7
    unicode_version: str  # "040000" for Unicode 4.0.0
    data_groups: tuple[int, ...]


def parse_com(data: bytes) -> Com:
    try:
        com = tlv.parse_single(data)
        if com.tag != COM_TAG:
            raise LdsError(f"EF.COM starts with tag {com.tag:X}")
        lds_version = _digits(com.child(0x5F01).value, 4, "LDS version")
        unicode_version = _digits(com.child(0x5F36).value, 6, "Unicode version")
        tags = com.child(0x5C).value
    except TlvError as error:
        raise LdsError(f"EF.COM: {error}") from error
    unknown = [tag for tag in tags if tag not in DATA_GROUP_BY_TAG]
    if unknown:
        raise LdsError(f"EF.COM lists unknown tags {bytes(unknown).hex()}")
    return Com(lds_version, unicode_version, tuple(DATA_GROUP_BY_TAG[tag] for tag in tags))


def _digits(value: bytes, size: int, name: str) -> str:
    if len(value) != size or not value.isdigit():
        raise LdsError(f"{name} is not {size} digits")
    return value.decode("ascii")


class MrzFormat(Enum):
    TD1 = "TD1"  # ID cards, CCCD included: 3 lines of 30
    TD3 = "TD3"  # passports: 2 lines of 44


class MrzSex(Enum):
    MALE = "M"
    FEMALE = "F"
    UNSPECIFIED = "<"  # also what 'X' means since the 8th edition


@dataclass(frozen=True, repr=False)
class Mrz:
    """A machine readable zone whose check digits all match.

    Dates stay as YYMMDD text, as BAC needs them; `birth_date`/`expiry_date` resolve the
    century. Fillers are removed from numbers and turned into spaces in names.
    """

    format: MrzFormat
    document_code: str  # "ID", "I", "P"...
    issuing_state: str
    document_number: str
    optional_data: str  # TD1 line 1 after the number (CCCD: the 12-digit ID); TD3 personal no.
    birth_yymmdd: str  # may hold '<' where the day or month is unknown
    sex: MrzSex
    expiry_yymmdd: str
    nationality: str
    primary_name: str
    secondary_name: str

    def __repr__(self) -> str:
        # Never let names or numbers reach a log through an exception message or a repr.
        return f"Mrz({self.format.value}, {self.document_code}, {self.issuing_state})"

    @property
    def citizen_id(self) -> str | None:
        """The 12-digit personal ID of a Vietnamese CCCD, whose last 9 digits are the number."""
        candidate = self.optional_data[:12]
        if (
            self.format is MrzFormat.TD1
            and re.fullmatch(r"\d{12}", candidate)
            and candidate.endswith(self.document_number)
            and len(self.document_number) == 9
        ):
            return candidate
        return None

    @property
    def bac_information(self) -> str:
        """The MRZ information that BAC keys are derived from."""
        return mrz_information(self.document_number, self.birth_yymmdd, self.expiry_yymmdd)

    def birth_date(self, today: date) -> date | None:
        """The birth date in the latest century that does not put it after `today`."""
        parsed = _yymmdd(self.birth_yymmdd, today.year // 100 * 100)
        if parsed is not None and parsed > today:
            parsed = _yymmdd(self.birth_yymmdd, today.year // 100 * 100 - 100)
        return parsed

    def expiry_date(self) -> date | None:
        """Expiry dates are read in 2000-2099: eMRTDs did not exist before."""
        return _yymmdd(self.expiry_yymmdd, 2000)


def _yymmdd(value: str, century: int) -> date | None:
    if not value.isdigit():
        return None
    try:
        return date(century + int(value[:2]), int(value[2:4]), int(value[4:]))
    except ValueError:
        return None


MRZ_TAG = 0x5F1F
_MRZ_CHARACTERS = re.compile(r"[A-Z0-9<]*")
_DATE = re.compile(r"[0-9<]{6}")


def parse_dg1(data: bytes) -> Mrz:
    """DG1 = 61 { 5F1F MRZ }."""
    try:
        dg1 = tlv.parse_single(data)
        if dg1.tag != DATA_GROUP_TAGS[1]:
            raise MrzError(f"DG1 starts with tag {dg1.tag:X}")
        raw = dg1.child(MRZ_TAG).value
    except TlvError as error:
        raise MrzError(f"DG1: {error}") from error
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as error:
        raise MrzError("MRZ is not ASCII") from error
    return parse_mrz(text)


def parse_mrz(text: str) -> Mrz:
    """An MRZ as one string of 90 (TD1) or 88 (TD3) characters, or with line breaks."""
    mrz = "".join(text.split())
    if not _MRZ_CHARACTERS.fullmatch(mrz):
        raise MrzError("MRZ holds characters other than A-Z, 0-9 and '<'")
    if len(mrz) == 90:
        return _parse_td1(mrz[:30], mrz[30:60], mrz[60:])
    if len(mrz) == 88:
        return _parse_td3(mrz[:44], mrz[44:])
    raise MrzError(f"MRZ of {len(mrz)} characters is neither TD1 nor TD3")


def _verify(field: str, digit: str, name: str) -> None:
    if check_digit(field) != digit:
        raise MrzError(f"check digit of the {name} does not match")


def _names(field: str) -> tuple[str, str]:
    primary, _, secondary = field.partition("<<")
    return primary.replace("<", " ").strip(), secondary.replace("<", " ").strip()


def _date_field(value: str, name: str) -> str:
    if not _DATE.fullmatch(value):
        raise MrzError(f"{name} is not YYMMDD")
    return value


def _sex(value: str) -> MrzSex:
    if value == "X":
        return MrzSex.UNSPECIFIED
    try:
        return MrzSex(value)
    except ValueError as error:
        raise MrzError("sex is not M, F, X or '<'") from error


def _document_number_td1(line1: str) -> tuple[str, str]:
    """Number and the optional data after it; numbers over 9 characters spill over (§4.2.2)."""
    number, digit, optional = line1[5:14], line1[14], line1[15:30]
    if digit == "<" and optional[:1] not in ("", "<"):
        spill = optional.split("<", 1)[0]
        if len(spill) < 2:
            raise MrzError("long document number has no check digit")
        number, digit = number + spill[:-1], spill[-1]
        optional = optional[len(spill) :]
    _verify(number, digit, "document number")
    return number.rstrip("<"), optional.strip("<")


def _parse_td1(line1: str, line2: str, line3: str) -> Mrz:
    number, optional = _document_number_td1(line1)
    birth = _date_field(line2[0:6], "birth date")
    expiry = _date_field(line2[8:14], "expiry date")
    _verify(birth, line2[6], "birth date")
    _verify(expiry, line2[14], "expiry date")
    if line1[0:5] == "IDVNM" and re.fullmatch(r"\d{12}<<\d", line1[15:30]):
        # CCCD: the ID in the optional data carries its own check digit at the end.
        _verify(line1[15:27], line1[29], "personal ID")
        optional = line1[15:27]
    _verify(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29], line2[29], "composite")
    primary, secondary = _names(line3)
    return Mrz(
        format=MrzFormat.TD1,
        document_code=line1[0:2].rstrip("<"),
        issuing_state=line1[2:5].rstrip("<"),
        document_number=number,
        optional_data=optional,
        birth_yymmdd=birth,
        sex=_sex(line2[7]),
        expiry_yymmdd=expiry,
        nationality=line2[15:18].rstrip("<"),
        primary_name=primary,
        secondary_name=secondary,
    )


def _parse_td3(line1: str, line2: str) -> Mrz:
    number = line2[0:9]
    birth = _date_field(line2[13:19], "birth date")
    expiry = _date_field(line2[21:27], "expiry date")
    personal = line2[28:42]
    _verify(number, line2[9], "document number")
    _verify(birth, line2[19], "birth date")
    _verify(expiry, line2[27], "expiry date")
    if not (personal == "<" * 14 and line2[42] == "<"):  # an empty field may skip its digit
        _verify(personal, line2[42], "personal number")
    _verify(line2[0:10] + line2[13:20] + line2[21:43], line2[43], "composite")
    primary, secondary = _names(line1[5:44])
    return Mrz(
        format=MrzFormat.TD3,
        document_code=line1[0:2].rstrip("<"),
        issuing_state=line1[2:5].rstrip("<"),
        document_number=number.rstrip("<"),
        optional_data=personal.strip("<"),
        birth_yymmdd=birth,
        sex=_sex(line2[20]),
        expiry_yymmdd=expiry,
        nationality=line2[10:13].rstrip("<"),
        primary_name=primary,
        secondary_name=secondary,
    )
