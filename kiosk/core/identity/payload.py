"""Raw scanner payloads and keypad digits -> Identity: the entry point of this package."""

from __future__ import annotations

from kiosk.core.domain import Identity, IdentitySource
from kiosk.core.identity.bhyt_qr import BhytQr, is_bhyt_shape, parse_bhyt_fields
from kiosk.core.identity.card_code import IdCardCode, id_card_code
from kiosk.core.identity.cccd_qr import CccdQr, is_cccd_shape, parse_cccd_fields
from kiosk.core.identity.citizen_id import validate_citizen_id
from kiosk.core.identity.errors import IdentityError, IdentityProblem
from kiosk.core.identity.fields import MAX_PAYLOAD_CHARS, clean_payload, split_fields


def read_payload(raw: str) -> CccdQr | BhytQr | IdCardCode:
    """Recognise and parse a QR payload, keeping what the card carries beyond the identity.

    A code in a layout the kiosk knows is parsed in full (a broken field is an error); any
    other whose first field is a valid personal ID (a Căn cước's, say) gives the ID.
    """
    if len(raw) > MAX_PAYLOAD_CHARS:
        raise IdentityError(IdentityProblem.UNKNOWN_PAYLOAD, f"longer than {MAX_PAYLOAD_CHARS}")
    text = clean_payload(raw)
    if not text:
        raise IdentityError(IdentityProblem.EMPTY)
    fields = split_fields(text)
    if is_bhyt_shape(fields):
        return parse_bhyt_fields(fields)
    if is_cccd_shape(fields):
        return parse_cccd_fields(fields)
    if (code := id_card_code(fields)) is not None:
        return code
    raise IdentityError(IdentityProblem.UNKNOWN_PAYLOAD, describe_shape(text))


def identity_from_payload(raw: str) -> Identity:
    """The identity in a CCCD or BHYT QR payload; IdentityError for anything else."""
    return read_payload(raw).identity


def identity_from_keypad(digits: str) -> Identity:
    """A 12-digit personal ID number typed on the kiosk's keypad."""
    number = digits.strip()
    if not number:
        raise IdentityError(IdentityProblem.EMPTY)
    validate_citizen_id(number)
    return Identity(source=IdentitySource.KEYPAD, citizen_id=number)


def describe_shape(text: str) -> str:
    """What a payload looks like without what it says: safe for staff logs."""
    script = "ASCII" if text.isascii() else "non-ASCII"
    return f"{len(text)} chars, {text.count('|') + 1} fields, {script}"
