"""Typed errors for raw input that does not give a usable identity.

Messages name the field and what shape was expected, never the content: they end up in
staff logs, and the content is personal data.
"""

from __future__ import annotations

from enum import Enum


class IdentityProblem(Enum):
    UNKNOWN_PAYLOAD = "unknown_payload"  # not a format we know (hand it to the hospital)
    MALFORMED = "malformed"  # a known format with a broken field
    INVALID_ID = "invalid_id"  # a 12-digit personal ID number that breaks the rules
    EMPTY = "empty"  # nothing but whitespace


class InvalidIdReason(Enum):
    """Which rule of the 12-digit personal ID number was broken."""

    NOT_12_DIGITS = "not_12_digits"
    UNKNOWN_PROVINCE = "unknown_province"
    BIRTH_YEAR_MISMATCH = "birth_year_mismatch"
    SEX_MISMATCH = "sex_mismatch"


class IdentityError(Exception):
    """Raw input that gives no usable identity; `problem` says what the patient is told."""

    def __init__(
        self,
        problem: IdentityProblem,
        detail: str = "",
        *,
        field: str | None = None,
        reason: InvalidIdReason | None = None,
    ) -> None:
        parts = [problem.value]
        if field:
            parts.append(f"field {field}")
        if reason:
            parts.append(reason.value)
        if detail:
            parts.append(detail)
        super().__init__(": ".join(parts))
        self.problem = problem
        self.field = field
        self.reason = reason
