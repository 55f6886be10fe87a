"""Whatever bytes a card sends, the stack answers with a typed error: never another exception."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.card import pace, tlv
from drivers.card.apdu import CommandApdu, ResponseApdu, StatusWord
from drivers.card.cipher import CipherSuite, SessionKeys
from drivers.card.errors import EmrtdError, TlvError
from drivers.card.sm import SecureMessaging

FUZZ = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
pytestmark = pytest.mark.timeout(60)

# Bytes that look like BER-TLV often enough to get past the first byte.
TLV_BYTES = st.one_of(
    st.binary(max_size=300),
    st.lists(
        st.sampled_from([b"\x30", b"\x31", b"\x5f", b"\x7f\x49", b"\x81", b"\x82\x01", b"\x84"])
        | st.binary(min_size=1, max_size=4),
        max_size=40,
    ).map(b"".join),
)
SM_TAGS = [0x85, 0x87, 0x97, 0x99, 0x8E, 0x01]


@FUZZ
@given(TLV_BYTES)
def test_tlv_parser_raises_only_tlv_errors(data: bytes) -> None:
    try:
        for item in tlv.iterate(data):
            for inner in tlv.walk(item):
                assert inner.raw.endswith(inner.value)
            assert tlv.parse_single(item.raw) == item
    except TlvError:
        pass


def _encoded(tag: int, value: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    return value.map(lambda content: tlv.encode(tag, content))


# SET OF SEQUENCE { OID, INTEGER... } with random contents: reaches the PACEInfo checks.
PACE_OID = tlv.encode_oid(pace.ID_PACE_ECDH_GM + ".2")
SECURITY_INFO = st.lists(
    st.one_of(
        _encoded(0x06, st.just(PACE_OID) | st.binary(max_size=12)),
        _encoded(0x02, st.binary(max_size=3)),
        _encoded(0x30, st.binary(max_size=6)),
        st.binary(min_size=1, max_size=3),
    ),
    max_size=4,
).map(lambda fields: tlv.encode(0x30, b"".join(fields)))
CARD_ACCESS = st.one_of(
    st.binary(max_size=120),
    st.lists(SECURITY_INFO | st.binary(min_size=1, max_size=4), max_size=4).map(
        lambda infos: tlv.encode(0x31, b"".join(infos))
    ),
)


@FUZZ
@given(CARD_ACCESS)
def test_card_access_parser_raises_only_tlv_errors(data: bytes) -> None:
    with contextlib.suppress(TlvError):
        pace.parse_card_access(data)


def _session(suite: CipherSuite) -> SecureMessaging:
    return SecureMessaging(SessionKeys.derive(b"fuzz", suite), 7)


@FUZZ
@given(st.sampled_from(list(CipherSuite)), st.binary(max_size=300))
def test_unprotecting_random_responses_raises_only_typed_errors(
    suite: CipherSuite, raw: bytes
) -> None:
    with contextlib.suppress(EmrtdError):
        _session(suite).unprotect(raw)


# A response body shaped like the real ones: [DO'85'/'87'] DO'99' [more objects].
CRYPTOGRAM = st.integers(0, 4).flatmap(
    lambda blocks: st.binary(min_size=16 * blocks, max_size=16 * blocks)
)
ENCRYPTED_OBJECT = st.one_of(
    st.none(),
    _encoded(0x87, st.binary(max_size=40)),
    _encoded(0x87, CRYPTOGRAM.map(lambda data: b"\x01" + data)),
    _encoded(0x85, CRYPTOGRAM | st.binary(max_size=40)),
)
STATUS_OBJECT = _encoded(0x99, st.binary(min_size=2, max_size=2) | st.binary(max_size=3))
EXTRA_OBJECTS = st.lists(
    st.tuples(st.sampled_from(SM_TAGS), st.binary(max_size=8)).map(lambda pair: tlv.encode(*pair)),
    max_size=2,
)
RESPONSE_BODY = st.one_of(
    st.tuples(ENCRYPTED_OBJECT, STATUS_OBJECT, EXTRA_OBJECTS).map(
        lambda parts: (parts[0] or b"") + parts[1] + b"".join(parts[2])
    ),
    EXTRA_OBJECTS.map(b"".join),
)


@FUZZ
@given(st.sampled_from(list(CipherSuite)), RESPONSE_BODY, st.binary(min_size=2, max_size=2))
def test_correctly_maced_garbage_raises_only_typed_errors(
    suite: CipherSuite, body: bytes, status: bytes
) -> None:
    """Past the MAC check: decryption, padding and status parsing see arbitrary content."""
    reader = _session(suite)
    ssc = (reader.ssc + 1).to_bytes(suite.block_size, "big")
    raw = body + tlv.encode(0x8E, reader.keys.mac_of(ssc + body)) + status
    try:
        response = reader.unprotect(raw)
    except EmrtdError:
        return
    assert isinstance(response, ResponseApdu)


@FUZZ
@given(st.sampled_from(list(CipherSuite)), st.binary(max_size=300))
def test_chip_side_unprotecting_random_commands_raises_only_typed_errors(
    suite: CipherSuite, raw: bytes
) -> None:
    with contextlib.suppress(EmrtdError):
        _session(suite).unprotect_command(raw)


@FUZZ
@given(st.binary(max_size=300))
def test_command_parser_raises_only_typed_errors(raw: bytes) -> None:
    try:
        command = CommandApdu.from_bytes(raw)
    except EmrtdError:
        return
    assert command.to_bytes() == raw or len(raw) > 4


class RandomChip:
    """Answers the first commands properly shaped, then with fuzzed bytes."""

    def __init__(self, answers: list[bytes]) -> None:
        self._answers = iter(answers)

    def transmit(self, apdu: bytes) -> bytes:
        return next(self._answers, b"\x90\x00")


PACE_ANSWERS = st.lists(
    st.one_of(
        st.binary(max_size=90),
        st.binary(max_size=80).map(lambda data: tlv.encode(0x7C, data) + b"\x90\x00"),
        st.sampled_from([0x80, 0x82, 0x84, 0x86]).flatmap(
            lambda tag: st.binary(max_size=70).map(
                lambda data: tlv.encode(0x7C, tlv.encode(tag, data)) + b"\x90\x00"
            )
        ),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PACE_ANSWERS)
def test_pace_against_a_random_chip_raises_only_typed_errors(answers: list[bytes]) -> None:
    info = pace.PaceInfo(f"{pace.ID_PACE_ECDH_GM}.2", 2, 13)
    chip = RandomChip([b"\x90\x00", *answers])
    with pytest.raises(EmrtdError):
        pace.establish(chip, pace.PacePassword.can("123456"), info)


def test_status_word_of_any_value_has_a_meaning() -> None:
    for value in range(0, 0x10000, 7):
        assert StatusWord(value).meaning
