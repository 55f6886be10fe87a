"""DG13 of a CCCD, written byte by byte in the shapes public decoders report (REFERENCE.md §2)."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date

import pytest

from drivers.card import dg13, tlv
from drivers.card.errors import Dg13Error
from drivers.card.holder import PartialDate, Sex
from drivers.card.lds_builder import build_dg13, dg13_entry, encode_dg13
from tests.drivers.card.holders import HOLDER


def printable(text: str) -> bytes:
    return tlv.encode(0x13, text.encode("ascii"))


def utf8(text: str) -> bytes:
    return tlv.encode(0x0C, text.encode("utf-8"))


def sequence(*parts: bytes) -> bytes:
    return tlv.encode(0x30, b"".join(parts))


def entry(index: int, *values: bytes) -> bytes:
    return sequence(tlv.encode(0x02, bytes([index])), *values)


PARENTS_IN_ONE_SEQUENCE = entry(13, sequence(utf8("Nguyễn Văn Bình"), utf8("Lê Thị Cúc")))
PARENTS_IN_ONE_SEQUENCE_EACH = entry(
    13, sequence(utf8("Nguyễn Văn Bình")), sequence(utf8("Lê Thị Cúc"))
)
SENSITIVE = ("Kinh", "Phật giáo", "Nốt ruồi", "Bình", "Cúc", "Quảng Nam")


def real_shaped(
    parents: bytes = PARENTS_IN_ONE_SEQUENCE, *, extra: tuple[bytes, ...] = ()
) -> bytes:
    entries = [
        entry(1, printable("001079012345")),
        entry(2, utf8("Nguyễn Văn Đức")),
        entry(3, printable("15/03/1979")),
        entry(4, utf8("Nam")),
        entry(5, utf8("Việt Nam")),
        entry(6, utf8("Kinh")),
        entry(7, utf8("Phật giáo")),
        entry(8, utf8("Điện Bàn, Quảng Nam")),
        entry(9, utf8("12 Phố Huế, Hai Bà Trưng, Hà Nội")),
        entry(10, utf8("Nốt ruồi C:2cm trên trước mép phải")),
        entry(11, printable("01/04/2021")),
        entry(12, printable("15/03/2039")),
        parents,
        entry(14, sequence()),  # no spouse: an empty SEQUENCE
        entry(15, printable("012345678")),
        entry(16, printable("A1B2C3D4E5F6G7H8")),
        *extra,
    ]
    body = (
        tlv.encode(0x02, b"\x01")
        + tlv.encode(0x06, tlv.encode_oid("1.0.10646.1.0.8"))
        + tlv.encode(0x31, b"".join(entries))
    )
    return tlv.encode(0x6D, sequence(body))


@pytest.mark.parametrize("parents", [PARENTS_IN_ONE_SEQUENCE, PARENTS_IN_ONE_SEQUENCE_EACH])
def test_real_shaped_dg13_with_either_nesting_of_the_parents(parents: bytes) -> None:
    record = dg13.parse_dg13(real_shaped(parents))
    assert record.holder == replace(HOLDER, residence="12 Phố Huế, Hai Bà Trưng, Hà Nội")
    assert record.issue_date == date(2021, 4, 1)
    assert record.expiry_date == date(2039, 3, 15)
    assert record.old_id == "012345678"
    assert record.unknown == {16: entry(16, printable("A1B2C3D4E5F6G7H8"))}


def test_sensitive_fields_are_dropped_and_the_repr_shows_no_personal_data() -> None:
    record = dg13.parse_dg13(real_shaped())
    kept = repr(asdict(record))
    for text in SENSITIVE:
        assert text not in kept
    shown = repr(record)
    assert "001079012345" not in shown and "Đức" not in shown and "Huế" not in shown


def test_female_card_without_expiry_and_year_only_birth() -> None:
    data = encode_dg13(
        [
            dg13_entry(1, "079145000123"),
            dg13_entry(3, "1945"),
            dg13_entry(4, "Nữ"),
            dg13_entry(12, "Không thời hạn"),
            dg13_entry(15, ""),
        ]
    )
    record = dg13.parse_dg13(data)
    assert record.holder.birth == PartialDate(1945)
    assert record.holder.sex is Sex.FEMALE
    assert record.expiry_date is None and record.old_id is None
    assert record.holder.full_name is None


def test_unknown_indices_are_kept_raw_whatever_they_hold() -> None:
    odd = entry(42, tlv.encode(0x04, b"\x00\xff"), sequence(sequence()))
    record = dg13.parse_dg13(real_shaped(extra=(odd,)))
    assert record.unknown[42] == odd


def test_dropped_fields_are_skipped_unread_whatever_they_hold() -> None:
    odd_parents = entry(13, tlv.encode(0x02, b"\x01"), sequence(tlv.encode(0x04, b"\x00")))
    assert dg13.parse_dg13(real_shaped(odd_parents)).holder.citizen_id == "001079012345"
    broken = entry(6, tlv.encode(0x30, tlv.encode(0x0C, b"Kinh")[:-1]))
    record = dg13.parse_dg13(encode_dg13([dg13_entry(1, "001079012345"), broken]))
    assert record.holder.citizen_id == "001079012345" and 6 not in record.unknown


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (12, "29/02/2033"),  # no such day: a DG13 expiry seen on a card must not fail it
        (11, "2021-04-01"),
        (15, "12345"),
        (9, "\x07"),
    ],
)
def test_a_field_the_kiosk_does_not_need_never_fails_the_read(field: int, value: str) -> None:
    odd = dg13_entry(field, value)
    record = dg13.parse_dg13(
        encode_dg13([dg13_entry(1, "001079012345"), dg13_entry(2, "Nguyễn Văn Đức"), odd])
    )
    assert record.holder.citizen_id == "001079012345"
    assert record.unknown[field] == odd  # kept raw
    assert (record.issue_date, record.expiry_date, record.old_id) == (None, None, None)
    assert record.holder.residence is None


def test_a_field_of_an_unparsable_type_is_kept_raw_too() -> None:
    odd = entry(11, tlv.encode(0x02, b"\x05"))
    record = dg13.parse_dg13(encode_dg13([dg13_entry(1, "001079012345"), odd]))
    assert record.issue_date is None and record.unknown[11] == odd


def test_builder_for_the_virtual_chip_round_trips() -> None:
    data = build_dg13(HOLDER, issue_date=date(2021, 4, 1), expiry_date=None, old_id="012345678")
    record = dg13.parse_dg13(data)
    assert record.holder == HOLDER
    assert record.issue_date == date(2021, 4, 1) and record.expiry_date is None
    assert record.old_id == "012345678"


def test_decomposed_unicode_is_normalised() -> None:
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" with combining marks, as some encoders write
    record = dg13.parse_dg13(
        encode_dg13([dg13_entry(1, "001079012345"), dg13_entry(2, decomposed)])
    )
    assert record.holder.full_name == "Nguyễn"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (tlv.encode(0x6E, sequence()), "tag 6E"),
        (encode_dg13([dg13_entry(2, "Nguyễn Văn A")]), "12-digit personal ID"),
        (encode_dg13([dg13_entry(1, "00107901234")]), "12-digit"),
        (encode_dg13([dg13_entry(1, "001079012345"), dg13_entry(1, "001079012345")]), "twice"),
        (encode_dg13([dg13_entry(1, "001079012345"), dg13_entry(3, "31/02/1979")]), "birth"),
        (encode_dg13([dg13_entry(1, "001079012345"), dg13_entry(4, "M")]), "sex"),
        (encode_dg13([dg13_entry(1, "001079012345"), dg13_entry(2, "012345678")]), "letters"),
        (encode_dg13([dg13_entry(1, "001079012345", "079012345678")]), "2 values"),
        (encode_dg13([entry(0, utf8("x"))]), "out of range"),
        (encode_dg13([sequence(utf8("no index"))]), "index"),
        (encode_dg13([tlv.encode(0x31, b"")]), "not a SEQUENCE"),
        (encode_dg13([entry(2, tlv.encode(0x02, b"\x05"))]), "not a string"),
        (encode_dg13([entry(1, tlv.encode(0x0C, b"\xff\xfe"))]), "not valid"),
        (real_shaped()[:-5], "truncated"),
    ],
)
def test_malformed_dg13_is_a_dg13_error(data: bytes, message: str) -> None:
    with pytest.raises(Dg13Error, match=message):
        dg13.parse_dg13(data)


def test_only_ascii_digits_make_an_id() -> None:
    arabic_indic = "٠٠١٠٧٩٠١٢٣٤٥"  # twelve characters Python calls digits
    with pytest.raises(Dg13Error, match="12-digit"):
        dg13.parse_dg13(encode_dg13([dg13_entry(1, arabic_indic)]))
