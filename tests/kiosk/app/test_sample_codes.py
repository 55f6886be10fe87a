"""Round trips: what the demo panel encodes, the kiosk parses back to the same identity."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.app.sample_codes import bhyt_qr_payload, cccd_qr_payload
from kiosk.core.domain import BirthDate, Identity, IdentitySource, Sex
from kiosk.core.identity import PROVINCE_CODES, BhytQr, CccdQr, read_payload

VIETNAMESE_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
WORDS = st.text(VIETNAMESE_LETTERS, min_size=1, max_size=8)
NAMES = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
ADDRESSES = st.one_of(
    st.none(),
    st.lists(
        st.one_of(WORDS, st.sampled_from(["Số 12,", "Ngõ 3/4", "Quận 1,", "-"])),
        min_size=1,
        max_size=12,
    ).map(" ".join),
)
BIRTH_DATES = st.dates(date(1900, 1, 1), date(2099, 12, 31))


def citizen_id_for(province: str, birth_year: int, sex: Sex, serial: int) -> str:
    century = (birth_year - 1900) // 100
    digit = 2 * century + (0 if sex is Sex.MALE else 1)
    return f"{province}{digit}{birth_year % 100:02d}{serial:06d}"


@st.composite
def card_holders(draw: st.DrawFn, source: IdentitySource) -> Identity:
    birth = draw(BIRTH_DATES)
    sex = draw(st.sampled_from(Sex))
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    number = citizen_id_for(province, birth.year, sex, draw(st.integers(0, 999_999)))
    return Identity(
        source=source,
        citizen_id=number,
        full_name=draw(NAMES),
        birth=BirthDate.from_date(birth),
        sex=sex,
        address=draw(ADDRESSES),
    )


@settings(max_examples=200, deadline=None)
@given(
    card_holders(IdentitySource.CCCD_QR),
    st.integers(0, 20_000),
    st.sampled_from(["", "123456789"]),
)
def test_cccd_round_trip(identity: Identity, days_after_birth: int, old_id: str) -> None:
    birth = identity.birth.as_date()
    assert birth is not None
    issue_date = birth + timedelta(days=days_after_birth)
    parsed = read_payload(cccd_qr_payload(identity, issue_date=issue_date, old_id=old_id))
    assert isinstance(parsed, CccdQr)
    assert parsed.identity == identity
    assert parsed.issue_date == issue_date
    assert parsed.old_id == (old_id or None)


@st.composite
def insured(draw: st.DrawFn) -> Identity:
    holder = draw(card_holders(IdentitySource.BHYT_QR))
    kind = draw(st.sampled_from(["card", "social", "personal"]))
    if kind == "personal":  # from 2025 the personal ID number is the insurance number
        return Identity(**{**holder.__dict__, "insurance_number": holder.citizen_id})
    if kind == "card":
        group = draw(st.sampled_from(["DN", "HC", "HS", "GD", "TE", "HT", "CN"]))
        benefit, rest = draw(st.integers(1, 5)), draw(st.integers(0, 10**12 - 1))
        number = f"{group}{benefit}{rest:012d}"  # + 2-digit province + 10-digit SI number
    else:
        number = f"{draw(st.integers(0, 9_999_999_999)):010d}"
    birth = holder.birth
    if draw(st.booleans()):  # some cards print the birth year only
        birth = BirthDate(holder.birth.year)
    return Identity(
        source=IdentitySource.BHYT_QR,
        insurance_number=number,
        full_name=holder.full_name,
        birth=birth,
        sex=holder.sex,
        address=holder.address,
    )


@settings(max_examples=200, deadline=None)
@given(insured(), st.dates(date(2015, 1, 1), date(2030, 12, 31)), st.booleans())
def test_bhyt_round_trip(identity: Identity, valid_from: date, open_ended: bool) -> None:
    valid_to = None if open_ended else valid_from + timedelta(days=364)
    raw = bhyt_qr_payload(
        identity, facility_code="79 - 001", valid_from=valid_from, valid_to=valid_to
    )
    assert raw.endswith("|$")
    parsed = read_payload(raw)
    assert isinstance(parsed, BhytQr)
    assert parsed.identity == identity
    assert (parsed.facility_code, parsed.valid_from, parsed.valid_to) == (
        "79 - 001",
        valid_from,
        valid_to,
    )


def test_bhyt_payload_looks_like_a_card():
    identity = Identity(
        source=IdentitySource.BHYT_QR,
        insurance_number="DN4790123456789",
        full_name="Lê Thị Hồng Nhung",
        birth=BirthDate(1985, 7, 12),
        sex=Sex.FEMALE,
        address="Quận 1, TP Hồ Chí Minh",
    )
    raw = bhyt_qr_payload(
        identity, facility_code="79 - 001", valid_from=date(2025, 1, 1), valid_to=None
    )
    fields = raw.split("|")
    assert fields[0] == "DN4790123456789"
    assert bytes.fromhex(fields[1]).decode("utf-8") == "Lê Thị Hồng Nhung"
    assert fields[2:4] == ["12/07/1985", "2"]
    assert fields[5:8] == ["79 - 001", "01/01/2025", ""]
    assert len(fields) > 10 and fields[-1] == "$"
    checksum = fields[-2]
    assert len(checksum) >= 8 and checksum.split("-")[0].isalnum()
    assert raw.isascii()  # what a card QR in byte mode really holds


def test_cccd_payload_has_seven_fields_and_compact_dates():
    identity = Identity(
        source=IdentitySource.CCCD_QR,
        citizen_id="001090012345",
        full_name="Nguyễn Văn An",
        birth=BirthDate(1990, 2, 1),
        sex=Sex.MALE,
    )
    raw = cccd_qr_payload(identity, issue_date=date(2021, 8, 15))
    assert raw == "001090012345||Nguyễn Văn An|01021990|Nam||15082021"


@pytest.mark.parametrize(
    "missing",
    [{"citizen_id": None}, {"full_name": None}, {"birth": BirthDate(1990)}, {"sex": None}],
)
def test_cccd_payload_needs_a_complete_identity(missing):
    identity = Identity(
        source=IdentitySource.CCCD_QR,
        citizen_id="001090012345",
        full_name="Nguyễn Văn An",
        birth=BirthDate(1990, 2, 1),
        sex=Sex.MALE,
    )
    with pytest.raises(ValueError):
        cccd_qr_payload(Identity(**{**identity.__dict__, **missing}), issue_date=date(2021, 1, 1))


def test_bhyt_payload_needs_a_number():
    identity = Identity(
        source=IdentitySource.BHYT_QR, full_name="An", birth=BirthDate(1990), sex=Sex.MALE
    )
    with pytest.raises(ValueError):
        bhyt_qr_payload(
            identity, facility_code="01 - 001", valid_from=date(2025, 1, 1), valid_to=None
        )
