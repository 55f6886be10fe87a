"""VietQR payloads (kiosk.core.payment.vietqr): written, read back, checked against NAPAS's
published example, and refused when damaged."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.payment.vietqr import (
    TO_ACCOUNT,
    TO_CARD,
    VietQr,
    VietQrError,
    crc16_ccitt_false,
    decode,
    encode,
)

# The example transfer in NAPAS's VietQR specification: BIN 970403, account 0011012345678,
# 180 000 đ, bill number NPS6869, purpose "thanh toan don hang".
NAPAS_EXAMPLE = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA5303704"
    "54061800005802VN62340107NPS68690819thanh toan don hang63042E2E"
)


def test_crc_is_ccitt_false() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1  # the catalogue's check value


def test_napas_example_reads_as_published() -> None:
    qr = decode(NAPAS_EXAMPLE)
    assert qr == VietQr(
        bank_bin="970403",
        account="0011012345678",
        amount_vnd=180000,
        reference="thanh toan don hang",
        bill_number="NPS6869",
        service=TO_ACCOUNT,
    )


def test_napas_example_is_written_byte_for_byte() -> None:
    qr = VietQr("970403", "0011012345678", 180000, "thanh toan don hang", "NPS6869")
    assert encode(qr) == NAPAS_EXAMPLE


def test_static_code_without_amount() -> None:
    payload = encode(VietQr("970436", "1031933430"))
    assert payload[6:12] == "010211"  # static: the payer types the amount
    assert "53037045802VN" in payload  # the country follows the currency: no amount between
    assert decode(payload).amount_vnd is None


_text = st.text(alphabet=string.ascii_letters + string.digits + " -._/", min_size=1, max_size=25)


@given(
    bank_bin=st.from_regex(r"\A[0-9]{6}\Z"),
    account=st.from_regex(r"\A[0-9A-Z]{1,19}\Z"),
    amount=st.none() | st.integers(min_value=1, max_value=10**13 - 1),
    reference=st.none() | _text,
    bill=st.none() | _text,
    service=st.sampled_from([TO_ACCOUNT, TO_CARD]),
)
def test_round_trip(
    bank_bin: str,
    account: str,
    amount: int | None,
    reference: str | None,
    bill: str | None,
    service: str,
) -> None:
    qr = VietQr(bank_bin, account, amount, reference, bill, service)
    payload = encode(qr)
    assert payload.isascii()
    assert decode(payload) == qr


@given(position=st.integers(min_value=0, max_value=len(NAPAS_EXAMPLE) - 1), data=st.data())
def test_any_changed_character_is_refused(position: int, data: st.DataObject) -> None:
    old = NAPAS_EXAMPLE[position]
    new = data.draw(
        st.sampled_from(string.digits + string.ascii_uppercase).filter(lambda c: c != old)
    )
    damaged = NAPAS_EXAMPLE[:position] + new + NAPAS_EXAMPLE[position + 1 :]
    with pytest.raises(VietQrError):
        decode(damaged)


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "6304ABCD",
        NAPAS_EXAMPLE[:-4],
        NAPAS_EXAMPLE.replace("A000000727", "A000000728")[:-4] + "0000",
        "Đ" + NAPAS_EXAMPLE,
    ],
)
def test_malformed_payloads_are_refused(payload: str) -> None:
    with pytest.raises(VietQrError):
        decode(payload)


def _with_crc(body: str) -> str:
    body += "6304"
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


def test_a_valid_crc_does_not_save_a_foreign_currency() -> None:
    body = NAPAS_EXAMPLE[:-8].replace("5303704", "5303840")
    with pytest.raises(VietQrError, match="53"):
        decode(_with_crc(body))


@pytest.mark.parametrize(
    "qr",
    [
        VietQr("97043", "1"),
        VietQr("970436", ""),
        VietQr("970436", "12345678901234567890"),
        VietQr("970436", "1", amount_vnd=0),
        VietQr("970436", "1", amount_vnd=10**13),
        VietQr("970436", "1", reference="Thanh toán"),  # diacritics: apps count them apart
        VietQr("970436", "1", reference="x" * 26),
        VietQr("970436", "1", service="QRPUSH"),
    ],
)
def test_fields_no_app_could_pay_are_refused(qr: VietQr) -> None:
    with pytest.raises(VietQrError):
        encode(qr)
