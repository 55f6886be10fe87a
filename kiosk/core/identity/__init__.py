"""Raw input -> Identity: CCCD and BHYT QR payloads, keypad digits, 12-digit ID rules.

Pure functions: no I/O and no logging, so nothing here can leak personal data.
"""

from __future__ import annotations

from kiosk.core.identity.bhyt_qr import BhytQr
from kiosk.core.identity.card_code import KNOWN_LAYOUTS, IdCardCode
from kiosk.core.identity.cccd_qr import CccdQr
from kiosk.core.identity.chip_name import with_code_name
from kiosk.core.identity.citizen_id import (
    PROVINCE_CODES,
    century_sex_birth_year,
    validate_citizen_id,
)
from kiosk.core.identity.dedup import RepeatFilter
from kiosk.core.identity.errors import IdentityError, IdentityProblem, InvalidIdReason
from kiosk.core.identity.hospital_codes import HospitalCodes
from kiosk.core.identity.payload import (
    describe_shape,
    identity_from_keypad,
    identity_from_payload,
    read_payload,
)

__all__ = [
    "KNOWN_LAYOUTS",
    "PROVINCE_CODES",
    "BhytQr",
    "CccdQr",
    "HospitalCodes",
    "IdCardCode",
    "IdentityError",
    "IdentityProblem",
    "InvalidIdReason",
    "RepeatFilter",
    "century_sex_birth_year",
    "describe_shape",
    "identity_from_keypad",
    "identity_from_payload",
    "read_payload",
    "validate_citizen_id",
    "with_code_name",
]
