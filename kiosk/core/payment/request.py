"""From the hospital's payment request to the code on screen, and how often to ask about it."""

from __future__ import annotations

from kiosk.core.domain import PaymentRequest
from kiosk.core.payment.vietqr import VietQr, VietQrError, decode, encode


def payment_qr(request: PaymentRequest) -> str:
    """The VietQR payload to show. The hospital's own payload is shown only when it asks for
    exactly this transfer: a code that moved money elsewhere or for another sum would be worse
    than none."""
    wanted = VietQr(
        bank_bin=request.bank_bin,
        account=request.account,
        amount_vnd=request.amount_vnd,
        reference=request.reference,
    )
    if request.qr_payload is None:
        return encode(wanted)
    given = decode(request.qr_payload)
    same = (given.bank_bin, given.account, given.amount_vnd, given.reference) == (
        wanted.bank_bin,
        wanted.account,
        wanted.amount_vnd,
        wanted.reference,
    )
    if not same:
        raise VietQrError("the hospital's code does not match its payment request")
    return request.qr_payload


def poll_delay(attempt: int, *, first: float = 0.25, cap: float = 0.75) -> float:
    """Seconds before asking the hospital again after `attempt` answers of "pending": quick at
    first, then gently less often, never past `cap`: the paid ticket starts printing within
    a second of the bank's confirmation, for under two small GETs a second per paying kiosk."""
    return min(cap, first * 1.5 ** min(max(attempt, 0), 30))
