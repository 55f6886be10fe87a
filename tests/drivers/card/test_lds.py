"""EF.COM and DG1: ICAO's specimen MRZs, a CCCD's TD1 MRZ, and every check digit enforced."""

from __future__ import annotations

from datetime import date

import pytest

from drivers.card import lds, tlv
from drivers.card.bac import check_digit
from drivers.card.errors import LdsError, MrzError
from drivers.card.holder import CardHolder, PartialDate, Sex
from drivers.card.lds_builder import build_com, build_dg1, cccd_mrz, mrz_name
from tests.drivers.card.holders import HOLDER

# ICAO Doc 9303 part 5 (TD1) and part 4 (TD3) specimens.
TD1_SPECIMEN = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
TD3_SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)
# A CCCD back as REFERENCE.md §2 describes it, check digits worked out by hand.
CCCD = (
    "IDVNM0790123453001079012345<<4"
    + "7903155M3903157VNM<<<<<<<<<<<0"
    + "NGUYEN<<VAN<DUC"
    + "<" * 15
)


def test_ef_com_of_icao_appendix_d() -> None:
    com = lds.parse_com(bytes.fromhex("60145F0104303130365F36063034303030305C026175"))
    assert com == lds.Com("0106", "040000", (1, 2))


def test_ef_com_round_trip_and_errors() -> None:
    assert lds.parse_com(build_com([1, 13, 14, 15])).data_groups == (1, 13, 14, 15)
    with pytest.raises(LdsError, match="unknown tags"):
        lds.parse_com(tlv.encode(0x60, bytes.fromhex("5F0104303130375F36063034303030305C0177")))
    with pytest.raises(LdsError, match="tag 61"):
        lds.parse_com(build_dg1(CCCD))
    with pytest.raises(LdsError, match="5C"):
        lds.parse_com(tlv.encode(0x60, bytes.fromhex("5F0104303130375F3606303430303030")))


def test_td1_specimen() -> None:
    mrz = lds.parse_mrz(TD1_SPECIMEN)
    assert mrz.format is lds.MrzFormat.TD1
    assert (mrz.document_code, mrz.issuing_state, mrz.nationality) == ("I", "UTO", "UTO")
    assert mrz.document_number == "D23145890"
    assert mrz.optional_data == ""
    assert mrz.sex is lds.MrzSex.FEMALE
    assert mrz.birth_date(date(2026, 1, 1)) == date(1974, 8, 12)
    assert mrz.expiry_date() == date(2012, 4, 15)
    assert (mrz.primary_name, mrz.secondary_name) == ("ERIKSSON", "ANNA MARIA")
    assert mrz.citizen_id is None


def test_td3_specimen_gives_the_bac_information_of_appendix_d() -> None:
    mrz = lds.parse_mrz(TD3_SPECIMEN)
    assert mrz.format is lds.MrzFormat.TD3
    assert mrz.document_number == "L898902C3"
    assert mrz.optional_data == "ZE184226B"
    assert (mrz.primary_name, mrz.secondary_name) == ("ERIKSSON", "ANNA MARIA")
    assert mrz.bac_information == "L898902C3674081221204159"


def test_cccd_td1_holds_the_personal_id_in_the_optional_data() -> None:
    mrz = lds.parse_dg1(build_dg1(CCCD))
    assert mrz.document_code == "ID"
    assert mrz.document_number == "079012345"
    assert mrz.citizen_id == "001079012345"
    assert mrz.sex is lds.MrzSex.MALE
    assert mrz.birth_date(date(2026, 11, 23)) == date(1979, 3, 15)
    assert mrz.expiry_date() == date(2039, 3, 15)
    assert mrz.bac_information == "079012345" + "3" + "790315" + "5" + "390315" + "7"
    assert "NGUYEN" not in repr(mrz) and "0790" not in repr(mrz)


def test_builder_writes_what_the_parser_reads() -> None:
    assert cccd_mrz(HOLDER, expiry=date(2039, 3, 15)) == CCCD


def test_card_without_expiry_and_birth_year_only() -> None:
    holder = CardHolder(
        citizen_id="079145000123",
        full_name="Trần Thị Hoa",
        birth=PartialDate(1945),
        sex=Sex.FEMALE,
    )
    mrz = lds.parse_mrz(cccd_mrz(holder, expiry=None))
    assert mrz.birth_yymmdd == "45<<<<" and mrz.expiry_yymmdd == "<<<<<<"
    assert mrz.birth_date(date(2026, 1, 1)) is None and mrz.expiry_date() is None
    assert mrz.citizen_id == "079145000123"
    assert mrz.secondary_name == "THI HOA"


def test_vietnamese_names_lose_their_diacritics() -> None:
    assert mrz_name("Đặng Thị Ngọc Ánh") == "DANG<<THI<NGOC<ANH"
    assert mrz_name("  ") == ""


def test_long_document_number_spills_into_the_optional_data() -> None:
    # 9303 part 5 §4.2.2: position 15 '<', the rest of the number and its check digit follow.
    number = "D23145890734"
    line1 = "I<UTO" + number[:9] + "<" + number[9:] + check_digit(number) + "<" * 11
    line2 = "7408122F1204159UTO<<<<<<<<<<<"
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    mrz = lds.parse_mrz(line1 + line2 + "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
    assert mrz.document_number == number
    assert mrz.optional_data == ""


def _replace(text: str, position: int, char: str) -> str:
    return text[:position] + char + text[position + 1 :]


@pytest.mark.parametrize(
    ("position", "what"),
    [
        (14, "document number"),
        (29, "personal ID"),
        (36, "birth date"),
        (44, "expiry date"),
        (59, "composite"),
    ],
)
def test_every_td1_check_digit_is_verified(position: int, what: str) -> None:
    wrong = str((int(CCCD[position]) + 1) % 10)
    with pytest.raises(MrzError, match=what):
        lds.parse_mrz(_replace(CCCD, position, wrong))


@pytest.mark.parametrize(
    ("position", "what"),
    [
        (44 + 9, "document number"),
        (44 + 19, "birth date"),
        (44 + 27, "expiry date"),
        (44 + 42, "personal number"),
        (44 + 43, "composite"),
    ],
)
def test_every_td3_check_digit_is_verified(position: int, what: str) -> None:
    flat = TD3_SPECIMEN.replace("\n", "")
    wrong = str((int(flat[position]) + 1) % 10)
    with pytest.raises(MrzError, match=what):
        lds.parse_mrz(_replace(flat, position, wrong))


def test_a_changed_name_is_not_covered_by_check_digits_but_bad_characters_are() -> None:
    assert lds.parse_mrz(CCCD.replace("DUC", "DUX")).secondary_name == "VAN DUX"
    with pytest.raises(MrzError, match="characters"):
        lds.parse_mrz(CCCD.replace("DUC", "DUc"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (tlv.encode(0x61, tlv.encode(0x5F1F, b"P<UTO" * 10)), "neither TD1 nor TD3"),
        (tlv.encode(0x61, tlv.encode(0x5F1F, "É".encode() * 45)), "ASCII"),
        (tlv.encode(0x61, tlv.encode(0x5F1E, CCCD.encode())), "5F1F"),
        (tlv.encode(0x6D, tlv.encode(0x5F1F, CCCD.encode())), "tag 6D"),
        (build_dg1(CCCD)[:-3], "truncated"),
        (build_dg1(_replace(CCCD, 37, "Q")), "sex"),
        (build_dg1(_replace(CCCD, 31, "A")), "YYMMDD"),
    ],
)
def test_malformed_dg1_is_an_mrz_error(data: bytes, message: str) -> None:
    with pytest.raises(MrzError, match=message):
        lds.parse_dg1(data)


def test_data_group_files() -> None:
    assert lds.data_group_file_id(13) == 0x010D
    with pytest.raises(ValueError, match="17"):
        lds.data_group_file_id(17)
