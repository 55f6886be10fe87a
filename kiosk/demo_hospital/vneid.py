"""VNeID-style tokens the demo hospital issues for its patients and resolves again.

The real VNeID app's QR format is not public and only official partners can verify it
(REFERENCE.md §3), so the demo stands in for such a partner with its own scheme:
`VNEID:1:<patient_id>:<signature>`, the signature an HMAC-SHA256 of the patient id
under the demo's secret. Deterministic, so the demo panel and the tests can print a
persona's code ahead of time; a changed id or signature no longer resolves.
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "VNEID:1:"
DEMO_SECRET = b"demo-hospital-vneid-token-secret"  # demo only: a real partner keeps its own
_SIGNATURE_HEX = 32  # 128 bits of the HMAC
_TOKEN = re.compile(rf"{re.escape(PREFIX)}([A-Za-z0-9_-]{{1,64}}):([0-9a-f]{{{_SIGNATURE_HEX}}})")


def issue_token(patient_id: str, secret: bytes = DEMO_SECRET) -> str:
    """The code a patient's VNeID app would show, for a demo hospital patient id."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", patient_id):
        raise ValueError("a patient id for a token is 1-64 letters, digits, _ or -")
    return f"{PREFIX}{patient_id}:{_signature(patient_id, secret)}"


def token_patient_id(payload: str, secret: bytes = DEMO_SECRET) -> str | None:
    """The patient id a genuine token names; None for anything else (format or signature)."""
    match = _TOKEN.fullmatch(payload.strip())
    if match is None:
        return None
    patient_id, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(patient_id, secret)):
        return None
    return patient_id


def _signature(patient_id: str, secret: bytes) -> str:
    digest = hmac.new(secret, patient_id.encode("ascii"), hashlib.sha256).hexdigest()
    return digest[:_SIGNATURE_HEX]
