"""EF.COM, DG1 and DG13 as a CCCD chip holds them, built from a CardHolder: for the virtual chip.

The shapes follow REFERENCE.md §2; where cards are not documented (the MRZ of a card that
never expires), the choice made here is stated, and the parsers accept it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from drivers.card import tlv
from drivers.card.active_auth import ECDSA_PLAIN_OID_BY_NAME, ID_AA, AaPublicKey
from drivers.card.bac import check_digit
from drivers.card.dg13 import DG13_TAG
from drivers.card.holder import CardHolder, PartialDate, Sex
from drivers.card.lds import (
    COM_FILE_ID,
    COM_TAG,
    DATA_GROUP_TAGS,
    MRZ_TAG,
    SOD_FILE_ID,
    data_group_file_id,
)
from drivers.card.sod_builder import DocumentSigner, build_sod

UTF8_OID = "1.0.10646.1.0.8"
Dg13Value = str | list["Dg13Value"]


def build_com(
    data_groups: Iterable[int], lds_version: str = "0107", unicode_version: str = "040000"
) -> bytes:
    tags = bytes(DATA_GROUP_TAGS[number] for number in data_groups)
    return tlv.encode(
        COM_TAG,
        tlv.encode(0x5F01, lds_version.encode())
        + tlv.encode(0x5F36, unicode_version.encode())
        + tlv.encode(0x5C, tags),
    )


def build_dg1(mrz: str) -> bytes:
    return tlv.encode(DATA_GROUP_TAGS[1], tlv.encode(MRZ_TAG, mrz.encode("ascii")))


def mrz_name(full_name: str) -> str:
    """`Nguyễn Văn An` -> `NGUYEN<<VAN<AN`: family name first, no diacritics, Đ as D."""
    plain = unicodedata.normalize("NFD", full_name.replace("Đ", "D").replace("đ", "d"))
    ascii_only = "".join(char for char in plain if unicodedata.category(char) != "Mn").upper()
    words = ["".join(char for char in word if "A" <= char <= "Z") for word in ascii_only.split()]
    words = [word for word in words if word]
    if not words:
        return ""
    return words[0] + "<<" + "<".join(words[1:])


def _mrz_date(value: PartialDate | date | None) -> str:
    """YYMMDD; unknown parts (a year-only birth date, no expiry) are fillers.

    Assumption: a card that never expires carries `<<<<<<` (unconfirmed, REFERENCE.md §2).
    """
    if value is None:
        return "<<<<<<"
    if isinstance(value, date):
        return value.strftime("%y%m%d")
    month = f"{value.month:02d}" if value.month else "<<"
    day = f"{value.day:02d}" if value.day else "<<"
    return f"{value.year % 100:02d}{month}{day}"


def cccd_mrz(holder: CardHolder, *, expiry: date | None) -> str:
    """The 90-character TD1 MRZ of a CCCD: the ID in line 1's optional data."""
    citizen_id = holder.citizen_id
    if len(citizen_id) != 12 or not citizen_id.isdigit():
        raise ValueError("a CCCD holds a 12-digit personal ID")
    number = citizen_id[3:]
    line1 = "IDVNM" + number + check_digit(number) + citizen_id + "<<" + check_digit(citizen_id)
    birth = _mrz_date(holder.birth)
    expiry_text = _mrz_date(expiry)
    sex = {Sex.MALE: "M", Sex.FEMALE: "F", None: "<"}[holder.sex]
    start = birth + check_digit(birth) + sex + expiry_text + check_digit(expiry_text) + "VNM"
    body = start + "<" * 11
    composite = line1[5:30] + body[0:7] + body[8:15] + body[18:29]
    line2 = body + check_digit(composite)
    line3 = mrz_name(holder.full_name or "")[:30].ljust(30, "<")
    return line1 + line2 + line3


def dg13_entry(index: int, *values: Dg13Value) -> bytes:
    """SEQUENCE { INTEGER index, value... }; a str is a UTF8String, a list a SEQUENCE."""
    return tlv.encode(0x30, tlv.encode(0x02, bytes([index])) + b"".join(map(_value, values)))


def _value(value: Dg13Value) -> bytes:
    if isinstance(value, str):
        return tlv.encode(0x0C, value.encode("utf-8"))
    return tlv.encode(0x30, b"".join(map(_value, value)))


def encode_dg13(entries: Iterable[bytes]) -> bytes:
    """6D { SEQUENCE { INTEGER 1, OID UTF-8, SET { entries } } }."""
    body = (
        tlv.encode(0x02, b"\x01")
        + tlv.encode(0x06, tlv.encode_oid(UTF8_OID))
        + tlv.encode(0x31, b"".join(entries))
    )
    return tlv.encode(DG13_TAG, tlv.encode(0x30, body))


def _dg13_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "Không thời hạn"


# Where each field goes in DG13, per card generation (field -> index).
CCCD_FIELDS: dict[str, int] = {
    "citizen_id": 1,
    "full_name": 2,
    "birth": 3,
    "sex": 4,
    "nationality": 5,
    "ethnicity": 6,
    "religion": 7,
    "place_of_origin": 8,
    "residence": 9,
    "identifying_marks": 10,
    "issue_date": 11,
    "expiry_date": 12,
    "parents": 13,
    "spouse": 14,
    "old_id": 15,
    "field_16": 16,
}
# The Căn cước issued since 2024-07-01: its DG13 layout is not published. This one is
# INVENTED for the virtual chip, so that tests and the demo meet a layout the kiosk does not
# know: the old ID moved up to field 2, the rest shifted, no identifying marks.
CAN_CUOC_2024_TEST_FIELDS: dict[str, int] = {
    "citizen_id": 1,
    "old_id": 2,
    "full_name": 3,
    "birth": 4,
    "sex": 5,
    "nationality": 6,
    "ethnicity": 7,
    "religion": 8,
    "place_of_origin": 9,  # the new card's place of birth registration
    "residence": 10,
    "issue_date": 11,
    "expiry_date": 12,
    "parents": 13,
    "spouse": 14,
    "field_16": 16,
}


def build_dg13(
    holder: CardHolder,
    *,
    issue_date: date,
    expiry_date: date | None,
    old_id: str | None = None,
    place_of_origin: str = "",
    parents: tuple[str, str] = ("", ""),
    layout: dict[str, int] = CCCD_FIELDS,
) -> bytes:
    """A DG13 in `layout`, every field present as on real cards (spouse empty, field 16
    filled)."""
    birth = holder.birth
    if birth is None:
        raise ValueError("DG13 needs the birth date")
    birth_text = (
        f"{birth.day:02d}/{birth.month:02d}/{birth.year:04d}"
        if birth.day and birth.month
        else f"{birth.year:04d}"
    )
    sex = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ", None: ""}[holder.sex]
    values: dict[str, list[Dg13Value]] = {
        "citizen_id": [holder.citizen_id],
        "full_name": [holder.full_name or ""],
        "birth": [birth_text],
        "sex": [sex],
        "nationality": ["Việt Nam"],
        "ethnicity": ["Kinh"],
        "religion": ["Không"],
        "place_of_origin": [place_of_origin],
        "residence": [holder.residence or ""],
        "identifying_marks": ["Không"],
        "issue_date": [_dg13_date(issue_date)],
        "expiry_date": [_dg13_date(expiry_date)],
        "parents": [[parents[0]], [parents[1]]],
        "spouse": [[]],
        "old_id": [old_id or ""],
        "field_16": ["0" * 16],
    }
    entries = sorted((index, values[name]) for name, index in layout.items())
    return encode_dg13(dg13_entry(index, *value) for index, value in entries)


def build_dg15(public_key: AaPublicKey) -> bytes:
    """DG15 = 6F { SubjectPublicKeyInfo } of the chip's active authentication key."""
    spki = public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return tlv.encode(DATA_GROUP_TAGS[15], spki)


def build_dg14(*, aa_hash: str) -> bytes:
    """DG14 holding only an ActiveAuthenticationInfo (ECDSA AA with `aa_hash`).

    A real DG14 also carries chip authentication infos; this reader does not use them.
    """
    info = tlv.encode(
        0x30,
        tlv.encode(0x06, tlv.encode_oid(ID_AA))
        + tlv.encode(0x02, b"\x01")
        + tlv.encode(0x06, tlv.encode_oid(ECDSA_PLAIN_OID_BY_NAME[aa_hash])),
    )
    return tlv.encode(DATA_GROUP_TAGS[14], tlv.encode(0x31, info))


def cccd_files(
    holder: CardHolder,
    signer: DocumentSigner,
    *,
    issue_date: date,
    expiry_date: date | None,
    old_id: str | None = None,
    aa_key: AaPublicKey | None = None,
    aa_hash: str = "sha256",
    dg13_layout: dict[str, int] = CCCD_FIELDS,
) -> dict[int, bytes]:
    """EF.COM, DG1, DG13 and EF.SOD of `holder`'s CCCD, by file identifier.

    With `aa_key` (the chip's active authentication key) also DG15, and for an EC key DG14
    naming the ECDSA hash `aa_hash`; EF.COM and EF.SOD list them like every group.
    """
    groups = {
        1: build_dg1(cccd_mrz(holder, expiry=expiry_date)),
        13: build_dg13(
            holder,
            issue_date=issue_date,
            expiry_date=expiry_date,
            old_id=old_id,
            layout=dg13_layout,
        ),
    }
    if aa_key is not None:
        if isinstance(aa_key, ec.EllipticCurvePublicKey):
            groups[14] = build_dg14(aa_hash=aa_hash)
        groups[15] = build_dg15(aa_key)
    files = {data_group_file_id(number): content for number, content in groups.items()}
    files[COM_FILE_ID] = build_com(sorted(groups))
    files[SOD_FILE_ID] = build_sod(groups, signer)
    return files
