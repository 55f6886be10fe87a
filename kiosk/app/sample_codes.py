"""Realistic QR payloads for an identity: what the demo panel shows and the tests scan.

The inverse of `kiosk.core.identity`'s parsers, written independently of them so a round trip
checks both sides. The card formats are the kiosk's, not the scanner's: a scanner only reads
the text.
"""

from __future__ import annotations

import hashlib
from datetime import date

from kiosk.core.domain import BirthDate, Identity, Sex

_CCCD_SEX = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}
_BHYT_SEX = {Sex.MALE: "1", Sex.FEMALE: "2"}


def cccd_qr_payload(identity: Identity, *, issue_date: date, old_id: str = "") -> str:
    """The 7-field QR printed on a chip CCCD card, dates as ddmmyyyy."""
    birth = identity.birth.as_date() if identity.birth else None
    if not identity.citizen_id or not identity.full_name or birth is None or not identity.sex:
        raise ValueError("a CCCD QR needs the ID, name, full birth date and sex")
    fields = [
        identity.citizen_id,
        old_id,
        identity.full_name,
        _compact(birth),
        _CCCD_SEX[identity.sex],
        identity.address or "",
        _compact(issue_date),
    ]
    return "|".join(fields)


def bhyt_qr_payload(
    identity: Identity, *, facility_code: str, valid_from: date, valid_to: date | None
) -> str:
    """The QR on a BHYT card: hex-encoded name and address, unpublished extras, `|$`."""
    number = identity.insurance_number or identity.citizen_id
    if not number or not identity.full_name or identity.birth is None or not identity.sex:
        raise ValueError("a BHYT QR needs a card number, name, birth and sex")
    fields = [
        number,
        identity.full_name.encode("utf-8").hex(),
        _bhyt_birth(identity.birth),
        _BHYT_SEX[identity.sex],
        (identity.address or "").encode("utf-8").hex(),
        facility_code,
        _slashed(valid_from),
        _slashed(valid_to) if valid_to else "",
        # Real cards carry more: issue date, a management code, the guardian's name ("-"
        # for adults), a code, the date of five continuous years. Their order is unpublished.
        _slashed(valid_from),
        number[-10:],
        "-",
        "4",
        _slashed(valid_from),
    ]
    body = "|".join(fields)
    checksum = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
    return f"{body}|{checksum}-{len(fields) % 10}|$"


def _bhyt_birth(birth: BirthDate) -> str:
    full = birth.as_date()
    return _slashed(full) if full else f"{birth.year:04d}"


# f-strings rather than strftime, whose %Y does not zero-pad years before 1000 on glibc.
def _compact(value: date) -> str:
    return f"{value.day:02d}{value.month:02d}{value.year:04d}"


def _slashed(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
