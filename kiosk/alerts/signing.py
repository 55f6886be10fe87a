"""The webhook's signature: HMAC-SHA256 over "<timestamp>.<body>" with a shared secret.

Headers: `X-Kiosk-Timestamp` (Unix seconds) and `X-Kiosk-Signature: sha256=<hex>`. A receiver
recomputes it and refuses a timestamp too far from its own clock, so a captured request cannot
be replayed later (the scheme Slack and Stripe webhooks use, bridged the same way).
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Kiosk-Timestamp"
SIGNATURE_HEADER = "X-Kiosk-Signature"
MESSAGE_ID_HEADER = "X-Kiosk-Alert-Id"
_PREFIX = "sha256="


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return _PREFIX + mac.hexdigest()


def verify(
    secret: str, timestamp: str, signed: str, body: bytes, *, now: float, tolerance: float = 300
) -> bool:
    """True when `signed` is the signature of `body` at `timestamp`, within `tolerance` s."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, sent, body), signed)
