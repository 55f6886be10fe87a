"""What the offline layer needs from the hospital, as Protocols (it never imports a client).

kiosk.hospital's RestHospitalClient fits both structurally; its exceptions are sorted by
an ErrorPolicy (offline_cache.sync) that the composition root builds in one line.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from kiosk.core.domain import CheckIn, Identity, Patient, Registration


class LeasedBlock(Protocol):
    """Queue numbers first..last reserved by the hospital for this kiosk."""

    @property
    def lease_id(self) -> str: ...
    @property
    def department_code(self) -> str: ...
    @property
    def day(self) -> date: ...
    @property
    def priority_queue(self) -> bool: ...
    @property
    def first(self) -> int: ...
    @property
    def last(self) -> int: ...


class NumberLeaser(Protocol):
    def lease_queue_numbers(
        self,
        *,
        kiosk_id: str,
        department_code: str,
        day: date,
        priority_queue: bool,
        count: int,
        idempotency_key: str,
    ) -> LeasedBlock: ...


class HospitalPort(Protocol):
    """The calls the sync worker makes; each is idempotent or carries an idempotency key."""

    def find_patient(self, identity: Identity) -> Patient | None: ...

    def create_patient(self, identity: Identity, idempotency_key: str) -> Patient: ...

    def register_visit(
        self, checkin: CheckIn, *, leased_number: int | None = None
    ) -> Registration: ...
