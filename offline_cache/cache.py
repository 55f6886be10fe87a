"""Departments and patients remembered from online lookups, for use while offline.

Patients are kept minimised (only what the check-in flow shows or decides on: record id,
name, birth date, sex, insurance result), sealed with AES-GCM, filed under keyed hashes
of their ID and card numbers, and forgotten after `patient_ttl`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from kiosk.core.domain import Department, Identity, Patient
from kiosk.core.privacy import mask_id
from offline_cache import codec
from offline_cache.store import OfflineStore

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class CachedDepartments:
    departments: tuple[Department, ...]
    fetched_at: datetime  # waiting counts are as of this moment


class LookupCache:
    def __init__(
        self,
        store: OfflineStore,
        *,
        patient_ttl: timedelta = timedelta(hours=24),
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        if patient_ttl <= timedelta(0):
            raise ValueError("patient_ttl must be positive")
        self._store = store
        self._ttl = patient_ttl
        self._clock = clock

    # --- departments -----------------------------------------------------------------

    def remember_departments(self, departments: Sequence[Department]) -> None:
        """Replace the cached list with the hospital's latest one (same order)."""
        fetched_at = self._clock().isoformat()
        with self._store.write() as conn:
            conn.execute("DELETE FROM departments")
            conn.executemany(
                "INSERT INTO departments VALUES (?, ?, ?, ?)",
                [
                    (d.code, position, json.dumps(codec.to_json(d), ensure_ascii=False), fetched_at)
                    for position, d in enumerate(departments)
                ],
            )

    def departments(self) -> CachedDepartments | None:
        with self._store.read() as conn:
            rows = conn.execute(
                "SELECT payload, fetched_at FROM departments ORDER BY position"
            ).fetchall()
        if not rows:
            return None
        departments = tuple(codec.from_json(Department, json.loads(row[0])) for row in rows)
        return CachedDepartments(departments, datetime.fromisoformat(rows[0][1]))

    # --- patients --------------------------------------------------------------------

    def remember_patient(self, patient: Patient, identity: Identity | None = None) -> None:
        """File the patient under every number it was or can be looked up by."""
        numbers = _numbers(patient, identity)
        if not numbers:
            return
        kept = _minimised(patient)
        expires_at = (self._clock() + self._ttl).timestamp()
        sealer = self._store.sealer
        with self._store.write() as conn:
            for kind, number in numbers:
                lookup = sealer.lookup_hash(kind, number)
                payload = sealer.seal(codec.dumps(kept), f"patient:{lookup}")
                conn.execute(
                    "INSERT OR REPLACE INTO patients VALUES (?, ?, ?)",
                    (lookup, payload, expires_at),
                )

    def patient_for(self, identity: Identity) -> Patient | None:
        """The cached patient for this identity's citizen ID or card number, if not expired."""
        now = self._clock().timestamp()
        sealer = self._store.sealer
        for kind, number in _identity_numbers(identity):
            lookup = sealer.lookup_hash(kind, number)
            with self._store.read() as conn:
                row = conn.execute(
                    "SELECT payload FROM patients WHERE lookup_hash = ? AND expires_at > ?",
                    (lookup, now),
                ).fetchone()
            if row is not None:
                return codec.loads(Patient, sealer.open(row[0], f"patient:{lookup}"))
        return None


def _minimised(patient: Patient) -> Patient:
    insurance = patient.insurance
    if insurance is not None:
        # The flow decides on the result code and dates; the number itself stays masked.
        insurance = replace(insurance, number=mask_id(insurance.number), facility_code=None)
    return replace(patient, citizen_id=None, address=None, insurance=insurance)


def _identity_numbers(identity: Identity) -> list[tuple[str, str]]:
    card = identity.insurance_number
    numbers = [("id", identity.citizen_id), ("card", card)]
    if card and len(card) == 12 and card.isdigit():
        numbers.append(("id", card))  # since 2025 the 12-digit ID also serves as card number
    return [(kind, number) for kind, number in numbers if number]


def _numbers(patient: Patient, identity: Identity | None) -> set[tuple[str, str]]:
    numbers = set(_identity_numbers(identity)) if identity else set()
    if patient.citizen_id:
        numbers.add(("id", patient.citizen_id))
    if patient.insurance and patient.insurance.number:
        numbers.add(("card", patient.insurance.number))
    return numbers
