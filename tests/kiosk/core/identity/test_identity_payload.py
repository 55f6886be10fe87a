from __future__ import annotations

import time

import pytest

from kiosk.core.domain import IdentitySource
from kiosk.core.identity import (
    BhytQr,
    CccdQr,
    IdentityError,
    IdentityProblem,
    describe_shape,
    identity_from_payload,
    read_payload,
)

CCCD = "001090012345|123456789|Nguyễn Văn An|01021990|Nam|Số 12, Đống Đa, Hà Nội|15082021"
BHYT = (
    "DN4790123456789|4e677579e1bb856e2056c4836e20416e|1990|1|48c3a0204ee1bb9969|01 - 001|"
    "01/01/2025|31/12/2025|01/01/2025|4790123456|-|4|01/01/2020|0c1f2e3d4c5b6a79-3|$"
)


def test_each_format_is_recognised():
    assert isinstance(read_payload(CCCD), CccdQr)
    assert isinstance(read_payload(BHYT), BhytQr)
    assert identity_from_payload(CCCD).source is IdentitySource.CCCD_QR
    assert identity_from_payload(BHYT).source is IdentitySource.BHYT_QR


@pytest.mark.parametrize("raw", ["", " ", "\r\n", "\ufeff", "\ufeff \r\n", "\t\n\x0b\x0c"])
def test_empty(raw):
    with pytest.raises(IdentityError) as caught:
        identity_from_payload(raw)
    assert caught.value.problem is IdentityProblem.EMPTY


@pytest.mark.parametrize(
    "raw",
    [
        "https://vneid.gov.vn/qr/abcdef",
        "BOOKING:2025-06-01:A12",
        "hello world",
        "|",
        "|||||",
        "00020101021238540010A00000072701240006970403011301234567",
        "\x00",
        CCCD + "|" + "x" * 5000,
    ],
)
def test_unknown_payloads(raw):
    with pytest.raises(IdentityError) as caught:
        identity_from_payload(raw)
    assert caught.value.problem is IdentityProblem.UNKNOWN_PAYLOAD


def test_unknown_payload_message_gives_the_shape_only():
    raw = "Nguyễn|Văn|An"
    with pytest.raises(IdentityError) as caught:
        identity_from_payload(raw)
    message = str(caught.value)
    assert describe_shape(raw) in message
    assert "Nguyễn" not in message and "An" not in message


def test_describe_shape():
    assert describe_shape("ab|cd") == "5 chars, 2 fields, ASCII"
    assert describe_shape("Nữ") == "2 chars, 1 fields, non-ASCII"


@pytest.mark.parametrize("raw", [CCCD, BHYT])
def test_parsing_takes_well_under_a_millisecond(raw):
    # Median of batches, so one descheduling on a busy machine does not decide it.
    batch_seconds = []
    for _ in range(15):
        started = time.perf_counter()
        for _ in range(100):
            identity_from_payload(raw)
        batch_seconds.append((time.perf_counter() - started) / 100)
    assert sorted(batch_seconds)[len(batch_seconds) // 2] < 0.001
