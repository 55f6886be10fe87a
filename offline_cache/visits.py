"""Today's check-ins at this kiosk, and whether each one's ticket came out of the printer.

Every check-in gets its `tickets` row before it is sent or printed (the online path when it
starts, the offline path with its provisional number), and `printed_at` once the printer took
the ticket. So a crash between "registered" and "printed" leaves a row without `printed_at`:
`unprinted` lists them at start and for staff (issue 14), and `of_patient` tells the flow what
a patient already checked in for today, provisional visits included, to print it again rather
than register twice. Patients are found by keyed hashes of their numbers, never the numbers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.core.domain import CheckIn, PriorityGroup, ServiceType, TodayVisit
from offline_cache.sealing import Sealer
from offline_cache.store import OfflineStore

QueueLabel = Callable[[int, ServiceType, PriorityGroup], str]

# Outbox states whose visit exists (or will): a refused or dropped one has nothing to reprint.
_LIVE = "('online', 'pending', 'synced', 'quarantined')"


@dataclass(frozen=True)
class KioskVisit:
    key: str  # the check-in's idempotency key
    visit: TodayVisit
    printed: bool
    state: str  # the outbox row's: online, pending, synced, quarantined


def record_ticket(
    conn: sqlite3.Connection,
    sealer: Sealer,
    checkin: CheckIn,
    *,
    label: str,
    provisional: bool,
    room: str,
    floor: int,
    issued_at: float,
    citizen_id: str | None,
    hospital_number: int | None = None,
    visit_id: str | None = None,
) -> None:
    """Write (or complete) the check-in's ticket row, inside the caller's transaction; a
    ticket already printed stays printed."""
    key = checkin.idempotency_key
    patient_ref = sealer.lookup_hash("patient", checkin.patient_id) if checkin.patient_id else None
    citizen_ref = sealer.lookup_hash("citizen_id", citizen_id) if citizen_id else None
    conn.execute(
        "INSERT INTO tickets (idempotency_key, label, provisional, department_code, issued_at,"
        " hospital_number, visit_id, patient_ref, citizen_ref, service, priority, room, floor)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO UPDATE"
        " SET label = excluded.label, provisional = excluded.provisional,"
        " hospital_number = excluded.hospital_number, visit_id = excluded.visit_id,"
        " patient_ref = coalesce(excluded.patient_ref, patient_ref),"
        " citizen_ref = coalesce(excluded.citizen_ref, citizen_ref),"
        " room = excluded.room, floor = excluded.floor",
        (key, label, int(provisional), checkin.department_code, issued_at, hospital_number,
         visit_id, patient_ref, citizen_ref, checkin.service.value, checkin.priority.value,
         room, floor),
    )  # fmt: skip


class KioskVisits:
    def __init__(self, store: OfflineStore, queue_label: QueueLabel) -> None:
        self._store = store
        self._queue_label = queue_label

    def mark_printed(self, key: str, at: datetime) -> None:
        with self._store.write() as conn:
            conn.execute(
                "UPDATE tickets SET printed_at = ? WHERE idempotency_key = ?",
                (at.timestamp(), key),
            )

    def unprinted(self, since: datetime) -> list[KioskVisit]:
        """Check-ins since `since` whose ticket never printed (oldest first)."""
        return self._select("t.printed_at IS NULL AND t.issued_at >= ?", (since.timestamp(),))

    def of_patient(
        self, since: datetime, *, patient_id: str | None, citizen_id: str | None
    ) -> list[KioskVisit]:
        """The patient's check-ins at this kiosk since `since` (oldest first)."""
        sealer = self._store.sealer
        refs = [
            sealer.lookup_hash("patient", patient_id) if patient_id else "",
            sealer.lookup_hash("citizen_id", citizen_id) if citizen_id else "",
        ]
        return self._select(
            "t.issued_at >= ? AND (t.patient_ref = ? OR t.citizen_ref = ?)",
            (since.timestamp(), *refs),
        )

    def _select(self, where: str, args: tuple[object, ...]) -> list[KioskVisit]:
        with self._store.read() as conn:
            rows = conn.execute(
                "SELECT t.idempotency_key, t.label, t.provisional, t.department_code,"
                " t.issued_at, coalesce(t.hospital_number, o.hospital_number),"
                " coalesce(t.visit_id, o.visit_id), t.service, t.priority, t.room, t.floor,"
                " t.printed_at, o.state FROM tickets t JOIN outbox o USING (idempotency_key)"
                f" WHERE o.state IN {_LIVE} AND {where} ORDER BY t.issued_at",
                args,
            ).fetchall()
        return [self._visit(row) for row in rows]

    def _visit(self, row: tuple[object, ...]) -> KioskVisit:
        key, label, provisional, code, issued, number, visit_id, service, priority = row[:9]
        room, floor, printed_at, state = row[9:]
        service_type = ServiceType(str(service or ServiceType.INSURANCE.value))
        group = PriorityGroup(str(priority or PriorityGroup.NONE.value))
        if not label and isinstance(number, int):  # registered, the answer never shown
            label = self._queue_label(number, service_type, group)
        visit = TodayVisit(
            visit_id=str(visit_id or ""),
            department_code=str(code),
            queue_label=str(label or ""),
            service=service_type,
            priority=group,
            room=str(room or ""),
            floor=int(floor) if isinstance(floor, int) else 0,
            registered_at=datetime.fromtimestamp(float(str(issued)), UTC),
            provisional=bool(provisional),
        )
        return KioskVisit(str(key), visit, printed_at is not None, str(state))
