"""The holder from a verified chip: DG13 by a known layout that agrees with DG1, else DG1."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from drivers.card.citizen import citizen_record, holder_from_mrz, mrz_letters
from drivers.card.dg13 import CCCD_2016
from drivers.card.errors import Dg13Error
from drivers.card.holder import CardHolder, PartialDate, Sex
from drivers.card.lds import parse_mrz
from drivers.card.lds_builder import CAN_CUOC_2024_TEST_FIELDS, build_dg13, cccd_mrz
from tests.drivers.card.holders import HOLDER

EXPIRY = date(2039, 3, 15)


def dg13(holder: CardHolder = HOLDER, **options: object) -> bytes:
    return build_dg13(holder, issue_date=date(2021, 4, 1), expiry_date=EXPIRY, **options)  # type: ignore[arg-type]


def mrz_of(holder: CardHolder = HOLDER):  # type: ignore[no-untyped-def]
    return parse_mrz(cccd_mrz(holder, expiry=EXPIRY))


def test_a_cccd_dg13_agreeing_with_its_mrz_is_read_by_the_cccd_layout() -> None:
    record = citizen_record(dg13(), mrz_of())
    assert record.layout == CCCD_2016.name and record.holder == HOLDER


def test_an_unknown_layout_gives_the_mrz_holder() -> None:
    record = citizen_record(dg13(layout=CAN_CUOC_2024_TEST_FIELDS, old_id="012345678"), mrz_of())
    assert record.layout is None
    assert record.holder == CardHolder(
        citizen_id=HOLDER.citizen_id,
        full_name="NGUYEN VAN DUC",
        birth=PartialDate(1979, 3, 15),
        sex=Sex.MALE,
    )


@pytest.mark.parametrize(
    "other",
    [
        replace(HOLDER, full_name="Nguyễn Văn Đạt"),  # a field the layout puts the name in
        replace(HOLDER, birth=PartialDate(1979, 3, 16)),
        replace(HOLDER, sex=Sex.FEMALE),
        replace(HOLDER, full_name=None),
    ],
)
def test_a_dg13_that_parses_but_contradicts_dg1_is_not_taken(other: CardHolder) -> None:
    record = citizen_record(dg13(other), mrz_of())
    assert record.layout is None and record.holder.full_name == "NGUYEN VAN DUC"


def test_the_century_of_the_mrz_birth_date_comes_from_the_id() -> None:
    child = replace(HOLDER, citizen_id="001212012345", birth=PartialDate(2012, 6, 1))
    assert holder_from_mrz(mrz_of(child)).birth == PartialDate(2012, 6, 1)
    elder = replace(HOLDER, citizen_id="001045012345", birth=PartialDate(1945))
    assert holder_from_mrz(mrz_of(elder)).birth == PartialDate(1945)


def test_neither_dg13_nor_an_mrz_without_the_id_is_an_error() -> None:
    without_id = replace(mrz_of(), optional_data="<" * 15)
    assert without_id.citizen_id is None
    with pytest.raises(Dg13Error, match="personal ID"):
        citizen_record(b"\x6d\x00", without_id)


def test_mrz_letters_drop_diacritics_and_keep_only_capitals() -> None:
    assert mrz_letters("Nguyễn Văn Đức") == "NGUYENVANDUC"
    assert mrz_letters("Lê Thị Ánh-Hồng") == "LETHIANHHONG"
