"""VietQR: the NAPAS bank-transfer QR code, an EMVCo merchant-presented payload.

A payload is a run of fields `IILLvalue` (two-digit ID, two-digit length in characters). The
kiosk writes the fields a banking app needs to fill in a transfer: the receiving bank's BIN and
account under the NAPAS GUID (field 38), the currency (704, VND), the amount, the country, the
transfer's reference in the additional data (62, sub-field 08) so the hospital can match the
money to the visit, and a CRC-16/CCITT-FALSE over everything before it (63). Only printable
ASCII is written: banking apps differ on how they count the length of anything else.

PyPI's VietQR packages (vietqr-emvco 1.0.0, vietnam-qr-pay 1.0.0, napas-qr-python 0.2.0) are
single releases with no upkeep, one of them with a wrong CRC in its own example, and the core
takes no third-party imports: hence this small module.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

NAPAS_GUID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"  # transfer to a bank account
TO_CARD = "QRIBFTTC"  # transfer to a card number
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
_STATIC = "11"  # the payer types the amount
_DYNAMIC = "12"  # amount fixed by the code: one payment
_MAX_VALUE = 99  # a length has two digits
_MAX_AMOUNT_DIGITS = 13
_MAX_REFERENCE = 25  # EMVCo's limit for 62/08
_ALLOWED = frozenset(string.ascii_letters + string.digits + " -._/")


class VietQrError(ValueError):
    """A payload that is not a well-formed VietQR transfer code, or fields that cannot be one."""


@dataclass(frozen=True)
class VietQr:
    """One transfer as a banking app reads it."""

    bank_bin: str  # the receiving bank's six-digit NAPAS BIN, e.g. "970436" (Vietcombank)
    account: str  # the receiving account (or card) number
    amount_vnd: int | None = None  # None: the payer types it (a static code)
    reference: str | None = None  # 62/08, the transfer's content: the hospital matches on it
    bill_number: str | None = None  # 62/01
    service: str = TO_ACCOUNT
    merchant_name: str | None = None  # 59, seldom used for transfers


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _field(tag: str, value: str) -> str:
    if len(value) > _MAX_VALUE:
        raise VietQrError(f"field {tag} is longer than {_MAX_VALUE} characters")
    return f"{tag}{len(value):02d}{value}"


def _check_text(name: str, value: str, limit: int) -> None:
    if not value or len(value) > limit or not set(value) <= _ALLOWED:
        raise VietQrError(f"{name} must be 1–{limit} of A–Z, a–z, 0–9, space, - . _ /")


def _check_fields(qr: VietQr) -> None:
    if len(qr.bank_bin) != 6 or not qr.bank_bin.isdigit():
        raise VietQrError("the bank BIN has six digits")
    if not qr.account.isascii() or not qr.account.isalnum() or not 1 <= len(qr.account) <= 19:
        raise VietQrError("the account is 1–19 letters or digits")
    if qr.service not in (TO_ACCOUNT, TO_CARD):
        raise VietQrError("unknown service code")
    if qr.amount_vnd is not None and not 0 < qr.amount_vnd < 10**_MAX_AMOUNT_DIGITS:
        raise VietQrError("the amount is a positive whole number of đồng")
    if qr.reference is not None:
        _check_text("the reference", qr.reference, _MAX_REFERENCE)
    if qr.bill_number is not None:
        _check_text("the bill number", qr.bill_number, _MAX_REFERENCE)
    if qr.merchant_name is not None:
        _check_text("the merchant name", qr.merchant_name, 25)


def encode(qr: VietQr) -> str:
    """The payload to draw as a QR code."""
    _check_fields(qr)
    beneficiary = _field("00", qr.bank_bin) + _field("01", qr.account)
    account_info = _field("00", NAPAS_GUID) + _field("01", beneficiary)
    account_info += _field("02", qr.service)
    parts = [
        _field("00", "01"),
        _field("01", _DYNAMIC if qr.amount_vnd is not None else _STATIC),
        _field("38", account_info),
        _field("53", CURRENCY_VND),
    ]
    if qr.amount_vnd is not None:
        parts.append(_field("54", str(qr.amount_vnd)))
    parts.append(_field("58", COUNTRY_VN))
    if qr.merchant_name is not None:
        parts.append(_field("59", qr.merchant_name))
    additional = ""
    if qr.bill_number is not None:
        additional += _field("01", qr.bill_number)
    if qr.reference is not None:
        additional += _field("08", qr.reference)
    if additional:
        parts.append(_field("62", additional))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def _fields(text: str) -> dict[str, str]:
    """The fields of one level, in order; a tag seen twice or a short field is an error."""
    found: dict[str, str] = {}
    at = 0
    while at < len(text):
        head = text[at : at + 4]
        if len(head) < 4 or not head.isdigit():
            raise VietQrError(f"a field header is malformed at {at}")
        tag, length = head[:2], int(head[2:])
        value = text[at + 4 : at + 4 + length]
        if len(value) != length:
            raise VietQrError(f"field {tag} is cut short")
        if tag in found:
            raise VietQrError(f"field {tag} appears twice")
        found[tag] = value
        at += 4 + length
    return found


def _require(fields: dict[str, str], tag: str, expected: str | None = None) -> str:
    value = fields.get(tag)
    if value is None:
        raise VietQrError(f"field {tag} is missing")
    if expected is not None and value != expected:
        raise VietQrError(f"field {tag} is not {expected}")
    return value


def decode(payload: str) -> VietQr:
    """The transfer a payload asks for; its CRC, GUID, currency and country checked."""
    if not payload.isascii():
        raise VietQrError("the payload is not ASCII")
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise VietQrError("the payload does not end with its CRC field")
    expected = f"{crc16_ccitt_false(payload[:-4].encode('ascii')):04X}"
    if payload[-4:].upper() != expected:
        raise VietQrError("the CRC does not match")
    top = _fields(payload[:-8])
    _require(top, "00", "01")
    if _require(top, "01") not in (_STATIC, _DYNAMIC):
        raise VietQrError("field 01 is neither static nor dynamic")
    account_info = _fields(_require(top, "38"))
    _require(account_info, "00", NAPAS_GUID)
    beneficiary = _fields(_require(account_info, "01"))
    _require(top, "53", CURRENCY_VND)
    _require(top, "58", COUNTRY_VN)
    amount = top.get("54")
    if amount is not None and not amount.isdigit():
        raise VietQrError("the amount is not a whole number of đồng")
    additional = _fields(top["62"]) if "62" in top else {}
    qr = VietQr(
        bank_bin=_require(beneficiary, "00"),
        account=_require(beneficiary, "01"),
        amount_vnd=int(amount) if amount is not None else None,
        reference=additional.get("08"),
        bill_number=additional.get("01"),
        service=_require(account_info, "02"),
        merchant_name=top.get("59"),
    )
    _check_fields(qr)
    return qr
