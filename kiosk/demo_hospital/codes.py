"""Codes the demo hospital issues and resolves again: VNeID-style tokens and booking codes.

The real VNeID app's QR format is not public and only official partners can verify it
(REFERENCE.md §3), so the demo stands in for such a partner with its own scheme:
`VNEID:1:<patient_id>:<signature>`, the signature an HMAC-SHA256 of the id under the demo's
secret. A booking confirmation (an appointment's QR code, as a hospital's booking site would
send it) is `LICHHEN:1:<appointment_id>:<signature>`. Deterministic, so the demo panel and
the tests can print a persona's code ahead of time; a changed id or signature no longer
resolves.
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "VNEID:1:"  # a patient id follows
BOOKING_PREFIX = "LICHHEN:1:"  # an appointment id follows
DEMO_SECRET = b"demo-hospital-vneid-token-secret"  # demo only: a real partner keeps its own
_SIGNATURE_HEX = 32  # 128 bits of the HMAC
_ID = r"[A-Za-z0-9_-]{1,64}"


def issue_token(ident: str, secret: bytes = DEMO_SECRET, *, prefix: str = PREFIX) -> str:
    """The code for `ident`: a patient's VNeID app (PREFIX) or a booking (BOOKING_PREFIX)."""
    if not re.fullmatch(_ID, ident):
        raise ValueError("an id for a token is 1-64 letters, digits, _ or -")
    return f"{prefix}{ident}:{_signature(prefix + ident, secret)}"


def token_patient_id(payload: str, secret: bytes = DEMO_SECRET) -> str | None:
    """The patient id a genuine VNeID token names; None for anything else."""
    return _token_id(payload, secret, PREFIX)


def booking_appointment_id(payload: str, secret: bytes = DEMO_SECRET) -> str | None:
    """The appointment id a genuine booking code names; None for anything else."""
    return _token_id(payload, secret, BOOKING_PREFIX)


def _token_id(payload: str, secret: bytes, prefix: str) -> str | None:
    pattern = rf"{re.escape(prefix)}({_ID}):([0-9a-f]{{{_SIGNATURE_HEX}}})"
    match = re.fullmatch(pattern, payload.strip())
    if match is None:
        return None
    ident, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(prefix + ident, secret)):
        return None
    return ident


def _signature(signed: str, secret: bytes) -> str:
    digest = hmac.new(secret, signed.encode("ascii"), hashlib.sha256).hexdigest()
    return digest[:_SIGNATURE_HEX]
