"""What the hospital says is bounded and cleaned before a screen or a ticket sees it (issue 14).

Both clients (REST and FHIR) pass every decoded answer through `clean`: texts lose control,
format and bidirectional-override characters (an RLO would turn a room number around on the
screen and the paper), runs of white space become one space, and each text is cut to the
length openapi.yaml states for it (display texts end in "…"); numbers outside the contract's
range are refused (OutOfBounds, a broken answer). A department that fails is dropped with a
log line and the others are offered. A visit id too long for the ticket's code is dropped
(the ticket prints without the code): the visit itself is registered and keeps its number.
Log lines name the field, never its value.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import fields, replace
from typing import Any, TypeVar, cast

from kiosk.core import domain
from kiosk.core.ports import NumberLease

logger = logging.getLogger(__name__)

T = TypeVar("T")

# maxLength of each text member (openapi.yaml says the same); names not listed: DEFAULT_TEXT.
TEXT_LIMITS = {
    "code": 32,
    "department_code": 32,
    "name": 120,
    "name_en": 120,
    "room": 40,
    "directions": 300,
    "directions_en": 300,
    "full_name": 100,
    "address": 300,
    "doctor_name": 100,
    "department_name": 120,
    "diagnosis": 300,
    "patient_id": 64,
    "appointment_id": 64,
    "visit_id": 64,
    "lease_id": 64,
    "kiosk_id": 64,
    "number": 32,
    "insurance_number": 32,
    "citizen_id": 12,
    "facility_code": 32,
    "queue_label": 24,
}
DEFAULT_TEXT = 200
# Identifiers are used as they come: cut, they would name something else.
_IDENTIFIERS = frozenset(
    {"code", "department_code", "patient_id", "appointment_id", "lease_id", "kiosk_id",
     "number", "insurance_number", "citizen_id"}
)  # fmt: skip
# (minimum, maximum) of each integer member (openapi.yaml says the same).
NUMBER_LIMITS = {
    "floor": (-10, 200),
    "waiting": (0, 100_000),
    "waiting_priority": (0, 100_000),
    "estimated_wait_minutes": (0, 10_000),
    "people_ahead": (0, 100_000),
    "queue_number": (1, 999_999),
    "first": (1, 999_999),
    "last": (1, 999_999),
}
_CLEANED = (
    domain.Department,
    domain.Patient,
    domain.Insurance,
    domain.Appointment,
    domain.Visit,
    domain.Registration,
    domain.Identity,
    domain.TodayVisit,
    NumberLease,
)


class OutOfBounds(ValueError):
    """A member outside the contract's bounds; the message names the member, not its value."""


def clean_text(value: str, limit: int) -> str:
    """NFC, without control / format / bidi characters, white space folded, at most `limit`."""
    kept = []
    for char in unicodedata.normalize("NFC", value):
        category = unicodedata.category(char)
        if category[0] == "Z" or char in "\t\n\r":
            kept.append(" ")
        elif category not in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(char)
    text = " ".join("".join(kept).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean(value: T) -> T:
    """The answer with every text cleaned and every number checked (see the module)."""
    if isinstance(value, list):
        items = value
        if items and isinstance(items[0], domain.Department):
            return _departments(items)  # type: ignore[return-value]
        return [clean(item) for item in items]  # type: ignore[return-value]
    if isinstance(value, _CLEANED):
        return cast(T, _dataclass(value))
    return value


def _departments(departments: list[domain.Department]) -> list[domain.Department]:
    usable = []
    for index, department in enumerate(departments):
        try:
            usable.append(_dataclass(department))
        except OutOfBounds as error:
            logger.warning("department [%d] dropped: %s", index, error)
    return usable


def _dataclass(value: Any) -> Any:
    changes: dict[str, Any] = {}
    for member in fields(value):
        name, current = member.name, getattr(value, member.name)
        if isinstance(current, str):
            changes[name] = _text(type(value).__name__, name, current)
        elif isinstance(current, int) and not isinstance(current, bool) and name in NUMBER_LIMITS:
            low, high = NUMBER_LIMITS[name]
            if not low <= current <= high:
                raise OutOfBounds(f"{type(value).__name__}.{name}: outside {low}..{high}")
        elif isinstance(current, _CLEANED):
            changes[name] = _dataclass(current)
    return replace(value, **changes)


def _text(owner: str, name: str, value: str) -> str:
    limit = TEXT_LIMITS.get(name, DEFAULT_TEXT)
    text = clean_text(value, limit)
    if text != value and name in _IDENTIFIERS:
        raise OutOfBounds(f"{owner}.{name}: not a usable identifier")
    if name == "visit_id" and text != value:
        logger.warning("%s.visit_id too long or not printable: the ticket carries none", owner)
        return ""
    if value and not text:
        raise OutOfBounds(f"{owner}.{name}: nothing printable")
    return text
