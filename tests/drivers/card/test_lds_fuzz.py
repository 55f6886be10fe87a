"""Whatever bytes a chip's files hold, the LDS parsers and passive authentication answer with a
typed error or a FAILED result: never another exception, never a hang."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.card import dg13, lds, passive_auth, sod, tlv
from drivers.card.errors import EmrtdError
from drivers.card.lds_builder import build_com, build_dg1, build_dg13, encode_dg13
from drivers.card.passive_auth import CscaStore
from drivers.card.sod_builder import KeyKind, build_sod
from tests.drivers.card.holders import HOLDER
from tests.drivers.card.pki import NOW, authority

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
pytestmark = pytest.mark.timeout(60)

MRZ = (
    "IDVNM0790123453001079012345<<4"
    + "7903155M3903157VNM<<<<<<<<<<<0"
    + "NGUYEN<<VAN<DUC"
    + "<" * 15
)
DG1 = build_dg1(MRZ)
DG13 = build_dg13(HOLDER, issue_date=date(2021, 4, 1), expiry_date=None, old_id="012345678")
COM = build_com([1, 13, 14])


def mutated(base: bytes) -> st.SearchStrategy[bytes]:
    """`base` with a few bytes replaced, inserted or deleted, or cut short."""

    def apply(edits: list[tuple[int, int, int]], cut: int | None) -> bytes:
        data = bytearray(base)
        for kind, position, value in edits:
            at = position % (len(data) + 1)
            if kind == 0 and at < len(data):
                data[at] = value
            elif kind == 1:
                data.insert(at, value)
            elif at < len(data):
                del data[at]
        return bytes(data if cut is None else data[:cut])

    edit = st.tuples(st.integers(0, 2), st.integers(0, 1 << 16), st.integers(0, 255))
    return st.builds(
        apply, st.lists(edit, min_size=1, max_size=4), st.none() | st.integers(0, len(base))
    )


# Random DG13 entries: indices in and out of range, strings and other values, nested.
DG13_LEAF = st.builds(
    tlv.encode, st.sampled_from([0x0C, 0x13, 0x16, 0x02, 0x04, 0x06]), st.binary(max_size=12)
)
DG13_VALUE = st.recursive(
    DG13_LEAF,
    lambda inner: st.lists(inner, max_size=3).map(lambda parts: tlv.encode(0x30, b"".join(parts))),
    max_leaves=6,
)
DG13_ENTRIES = st.lists(
    st.builds(
        lambda index, values: tlv.encode(0x30, tlv.encode(0x02, bytes([index])) + b"".join(values)),
        st.integers(0, 20),
        st.lists(DG13_VALUE, max_size=3),
    ),
    max_size=8,
).map(encode_dg13)


@FUZZ
@given(st.binary(max_size=200) | mutated(DG13) | DG13_ENTRIES)
def test_dg13_parser_raises_only_typed_errors(data: bytes) -> None:
    try:
        record = dg13.parse_dg13(data)
    except EmrtdError:
        return
    assert len(record.holder.citizen_id) == 12


MRZ_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", min_size=88, max_size=90)


@FUZZ
@given(st.binary(max_size=120) | mutated(DG1) | MRZ_TEXT.map(build_dg1))
def test_dg1_parser_raises_only_typed_errors(data: bytes) -> None:
    try:
        mrz = lds.parse_dg1(data)
    except EmrtdError:
        return
    assert len(mrz.bac_information) >= 24
    mrz.birth_date(date(2026, 1, 1))
    mrz.expiry_date()


@FUZZ
@given(st.text(max_size=100) | mutated(MRZ.encode()).map(lambda raw: raw.decode("latin-1")))
def test_mrz_text_parser_raises_only_typed_errors(text: str) -> None:
    with contextlib.suppress(EmrtdError):
        lds.parse_mrz(text)


@FUZZ
@given(st.binary(max_size=60) | mutated(COM))
def test_com_parser_raises_only_typed_errors(data: bytes) -> None:
    with contextlib.suppress(EmrtdError):
        lds.parse_com(data)


SOD = build_sod({1: DG1, 13: DG13}, authority().signer)
RSA_SOD = build_sod({1: DG1, 13: DG13}, authority(KeyKind.RSA_2048).signer)
STORE = CscaStore([authority().csca, authority(KeyKind.RSA_2048).csca])


@FUZZ
@given(st.binary(max_size=300) | mutated(SOD))
def test_sod_parser_raises_only_typed_errors(data: bytes) -> None:
    with contextlib.suppress(EmrtdError):
        sod.parse_sod(data)


ORIGINALS = [sod.parse_sod(SOD), sod.parse_sod(RSA_SOD)]


@FUZZ
@given(mutated(SOD) | mutated(RSA_SOD))
def test_mutated_sod_verifies_only_if_its_signed_parts_are_untouched(data: bytes) -> None:
    result = passive_auth.verify(data, {1: DG1, 13: DG13}, STORE, at=NOW)
    if result.verified:
        # CMS leaves some bytes unsigned (SignedData's version, its digestAlgorithms): a
        # mutation there may still verify, one in the content, attributes or signature not.
        parsed = sod.parse_sod(data)
        assert any(_signed_parts(parsed) == _signed_parts(original) for original in ORIGINALS)


def _signed_parts(parsed: sod.Sod) -> tuple[object, ...]:
    signer = parsed.signers[0]
    return parsed.content, parsed.certificates, signer.signed_attributes, signer.signature
