"""ID card codes in a layout the kiosk does not know, and the table of those it does.

The Căn cước issued since 1 July 2024 carries a QR code on its back whose fields (the old
ID, cancelled IDs, household members' names and IDs) have no published order. A code whose
first `|`-separated field is a valid 12-digit personal ID is taken as an ID card's code
carrying that ID: check-in goes on by the ID (hospital lookup, then the chip, which opens
with the ID alone by PACE-CAN and supplies the rest). Nothing else in it is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.domain import Identity, IdentitySource
from kiosk.core.identity.citizen_id import is_twelve_digits, validate_citizen_id
from kiosk.core.identity.errors import IdentityError


@dataclass(frozen=True)
class CodeLayout:
    name: str
    fields: str  # what each `|`-separated field holds
    source: str


# The layouts parsed in full (cccd_qr.py, bhyt_qr.py); any other ID card code gives the ID.
KNOWN_LAYOUTS = (
    CodeLayout(
        "CCCD, front of the 2021 chip card (7 fields)",
        "ID | old 9-digit ID or empty | name | birth ddmmyyyy | Nam/Nữ | address | issue date",
        "the card's printed QR as public decoders and our REFERENCE.md §3 describe it",
    ),
    CodeLayout(
        "CCCD re-encoded by apps (6 fields)",
        "ID | name | birth dd/mm/yyyy | Nam/Nữ | address | issue date",
        "seen in the wild (REFERENCE.md §3); either date style accepted in both layouts",
    ),
    CodeLayout(
        "BHYT insurance card (ends in |$)",
        "card number | name (hex UTF-8) | birth | 1/2 | address (hex) | facility | from | to",
        "Vietnam Social Security card QR (REFERENCE.md §3); later fields unpublished",
    ),
)


@dataclass(frozen=True)
class IdCardCode:
    """An ID card's code in a layout the kiosk does not know: the ID, and the code's shape
    (field count and lengths, no content) for the log."""

    identity: Identity
    shape: str


def id_card_code(fields: list[str]) -> IdCardCode | None:
    """The ID card code these fields make, if the first is a valid 12-digit personal ID."""
    number = fields[0]
    if len(fields) < 2 or not is_twelve_digits(number):
        return None
    try:
        validate_citizen_id(number)
    except IdentityError:
        return None
    identity = Identity(source=IdentitySource.CCCD_QR, citizen_id=number)
    return IdCardCode(identity, code_shape(fields))


def code_shape(fields: list[str]) -> str:
    """`7 fields, lengths 12/9/0/...`: what a code looks like, without what it says."""
    return f"{len(fields)} fields, lengths {'/'.join(str(len(field)) for field in fields)}"
