"""Helpers shared by the QR payload tests: read a payload as the kind it must be, catch the
error it must raise, change one of its fields."""

from __future__ import annotations

from typing import TypeVar

import pytest

from kiosk.core.identity import IdentityError, identity_from_payload, read_payload

Payload = TypeVar("Payload")


def read_as(raw: str, kind: type[Payload]) -> Payload:
    result = read_payload(raw)
    assert isinstance(result, kind)
    return result


def error_of(raw: str) -> IdentityError:
    with pytest.raises(IdentityError) as caught:
        identity_from_payload(raw)
    return caught.value


def with_field(payload: str, index: int, value: str) -> str:
    fields = payload.split("|")
    fields[index] = value
    return "|".join(fields)
