"""What the REST and FHIR hospital clients share: closing on `with` exit, the lookup order."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Self, TypeVar

from kiosk.core.domain import Identity
from kiosk.core.ports import HospitalRejected

K = TypeVar("K")


class HospitalClientBase(ABC):
    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def lookup_numbers(
    identity: Identity, *, citizen_id: K, insurance_number: K
) -> list[tuple[K, str]]:
    """The identity's numbers to find its patient by, each under its key (a query field or an
    identifier system): the CCCD number first, then the BHYT number."""
    lookups = [
        (key, value)
        for key, value in (
            (citizen_id, identity.citizen_id),
            (insurance_number, identity.insurance_number),
        )
        if value
    ]
    if not lookups:
        raise HospitalRejected("invalid_request", "the identity carries no number to look up")
    return lookups
