"""The transactional outbox: one row per check-in the hospital has not confirmed yet.

Rows move PENDING -> SYNCED (the hospital's number recorded, the sealed payload dropped)
or PENDING -> REJECTED (a staff follow-up opened). ONLINE marks a check-in whose request
the front path is sending right now: the sync worker leaves it alone, so one key is never
in flight twice; after a crash, ONLINE rows become PENDING (their outcome is unknown, and
resending under the same key is exactly what settles it).

A row that keeps failing (the hospital answers 500 to it every time, or the row cannot be
read) is QUARANTINED after a bounded number of attempts, so the rows behind it go on;
staff see it with the hospital's last answer and either retry it (PENDING again, same key,
same body) or drop it (DROPPED) (issue 14).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum

from kiosk.core.domain import CheckIn, Identity, Registration
from offline_cache import codec
from offline_cache.store import OfflineStore

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class OutboxState(Enum):
    ONLINE = "online"
    PENDING = "pending"
    SYNCED = "synced"
    REJECTED = "rejected"
    QUARANTINED = "quarantined"
    DROPPED = "dropped"


@dataclass(frozen=True)
class OutboxItem:
    seq: int
    key: str
    state: OutboxState
    checkin: CheckIn  # patient_id "" until the worker has found or created the patient
    identity: Identity | None  # kept (sealed) only when the patient was not known offline
    provisional_number: int | None
    provisional_label: str | None
    leased: bool
    attempts: int
    next_attempt_at: float  # epoch seconds


@dataclass(frozen=True)
class FollowUp:
    """A check-in the hospital refused: staff call the ticket's number at the counter."""

    key: str
    reason: str  # the hospital's machine-readable code, e.g. insurance_not_valid
    department_code: str
    provisional_label: str | None
    created_at: datetime


@dataclass(frozen=True)
class Quarantined:
    """A check-in the sync gave up on for now: what staff see (no personal data)."""

    seq: int
    key: str
    department_code: str
    provisional_label: str | None
    attempts: int
    last_error: str  # the hospital's answer (a status or code), or why the row is unreadable
    created_at: datetime


class UnreadableRow(Exception):
    """A row whose sealed payload cannot be opened or decoded (damaged on disk)."""

    def __init__(self, seq: int, key: str) -> None:
        super().__init__(f"outbox #{seq} cannot be read")
        self.seq = seq
        self.key = key


@dataclass(frozen=True)
class Payload:
    checkin: CheckIn
    identity: Identity | None


def seal_payload(store: OfflineStore, checkin: CheckIn, identity: Identity | None) -> bytes:
    data = codec.dumps(Payload(checkin, identity))
    return store.sealer.seal(data, f"outbox:{checkin.idempotency_key}")


class Outbox:
    def __init__(self, store: OfflineStore, *, clock: Clock = lambda: datetime.now(UTC)) -> None:
        self._store = store
        self._clock = clock

    def recover_after_restart(self) -> int:
        """ONLINE rows of a previous run: their answer was lost with it; resend them."""
        with self._store.write() as conn:
            count = conn.execute(
                "UPDATE outbox SET state = 'pending' WHERE state = 'online'"
            ).rowcount
        if count:
            logger.warning("outbox: %d check-ins were in flight at the last stop", count)
        return count

    def head(self, *, due_by: float | None = None) -> OutboxItem | None:
        """The oldest PENDING check-in, or with `due_by` the oldest one due by then (a row
        backing off after its own failures does not hold up those behind it).

        Raises UnreadableRow for a damaged row (quarantine it and ask again)."""
        if due_by is None:
            return self._one("SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT 1")
        return self._one(
            "SELECT * FROM outbox WHERE state = 'pending' AND coalesce(next_attempt_at, 0) <= ?"
            " ORDER BY seq LIMIT 1",
            (due_by,),
        )

    def next_due(self) -> float | None:
        """When the next PENDING check-in is due (epoch seconds), None: nothing pending."""
        with self._store.read() as conn:
            (at,) = conn.execute(
                "SELECT min(coalesce(next_attempt_at, 0)) FROM outbox WHERE state = 'pending'"
            ).fetchone()
        return None if at is None else float(at)

    def item(self, key: str) -> OutboxItem | None:
        """The unfinished check-in under `key` (None once synced or rejected, or unknown)."""
        return self._one(
            "SELECT * FROM outbox WHERE idempotency_key = ? AND state IN ('pending', 'online')",
            (key,),
        )

    def state_of(self, key: str) -> OutboxState | None:
        with self._store.read() as conn:
            row = conn.execute(
                "SELECT state FROM outbox WHERE idempotency_key = ?", (key,)
            ).fetchone()
        return None if row is None else OutboxState(row[0])

    def hospital_number(self, key: str) -> int | None:
        with self._store.read() as conn:
            row = conn.execute(
                "SELECT hospital_number FROM outbox WHERE idempotency_key = ?", (key,)
            ).fetchone()
        return None if row is None else row[0]

    def size(self) -> int:
        """Check-ins not confirmed by the hospital yet (waiting or in flight)."""
        with self._store.read() as conn:
            (count,) = conn.execute(
                "SELECT count(*) FROM outbox WHERE state IN ('pending', 'online')"
            ).fetchone()
        return int(count)

    def last_sync(self) -> datetime | None:
        with self._store.read() as conn:
            (at,) = conn.execute(
                "SELECT max(finished_at) FROM outbox WHERE state = 'synced'"
            ).fetchone()
        return None if at is None else datetime.fromtimestamp(at, UTC)

    def follow_ups(self, *, include_resolved: bool = False) -> list[FollowUp]:
        query = "SELECT * FROM follow_ups"
        if not include_resolved:
            query += " WHERE resolved_at IS NULL"
        with self._store.read() as conn:
            rows = conn.execute(query + " ORDER BY created_at").fetchall()
        return [
            FollowUp(row[0], row[1], row[2], row[3], datetime.fromtimestamp(row[4], UTC))
            for row in rows
        ]

    def quarantined(self) -> list[Quarantined]:
        with self._store.read() as conn:
            rows = conn.execute(
                "SELECT seq, idempotency_key, department_code, provisional_label, attempts,"
                " coalesce(last_error, ''), created_at FROM outbox WHERE state = 'quarantined'"
                " ORDER BY seq"
            ).fetchall()
        return [
            Quarantined(r[0], r[1], r[2], r[3], r[4], r[5], datetime.fromtimestamp(r[6], UTC))
            for r in rows
        ]

    def quarantine(self, key: str, reason: str) -> None:
        with self._store.write() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'quarantined', last_error = ?"
                " WHERE idempotency_key = ? AND state = 'pending'",
                (reason, key),
            )

    def release(self, key: str) -> bool:
        """Staff: send a quarantined check-in again (same key, same body, attempts anew)."""
        with self._store.write() as conn:
            return bool(
                conn.execute(
                    "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0"
                    " WHERE idempotency_key = ? AND state = 'quarantined'",
                    (key,),
                ).rowcount
            )

    def drop(self, key: str) -> bool:
        """Staff: give up on a quarantined check-in (the patient is seen at the counter)."""
        with self._store.write() as conn:
            return bool(
                conn.execute(
                    "UPDATE outbox SET state = 'dropped', payload = NULL, finished_at = ?"
                    " WHERE idempotency_key = ? AND state = 'quarantined'",
                    (self._clock().timestamp(), key),
                ).rowcount
            )

    def resolve_follow_up(self, key: str) -> None:
        with self._store.write() as conn:
            conn.execute(
                "UPDATE follow_ups SET resolved_at = ? WHERE idempotency_key = ?",
                (self._clock().timestamp(), key),
            )

    # --- the worker's transitions --------------------------------------------------------

    def patient_found(self, item: OutboxItem, patient_id: str) -> OutboxItem:
        """Seal the patient id into the row before registering, so every retry sends one body."""
        checkin = replace(item.checkin, patient_id=patient_id)
        payload = seal_payload(self._store, checkin, None)  # the identity is no longer needed
        with self._store.write() as conn:
            conn.execute(
                "UPDATE outbox SET payload = ? WHERE idempotency_key = ?", (payload, item.key)
            )
        return replace(item, checkin=checkin, identity=None)

    def synced(self, key: str, registration: Registration) -> None:
        with self._store.write() as conn:
            settled_late(conn, key, registration, self._clock().timestamp())

    def rejected(self, key: str, reason: str) -> None:
        now = self._clock().timestamp()
        with self._store.write() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'rejected', payload = NULL, finished_at = ?,"
                " last_error = ? WHERE idempotency_key = ?",
                (now, reason, key),
            )
            conn.execute(
                "INSERT OR IGNORE INTO follow_ups"
                " SELECT idempotency_key, ?, department_code, provisional_label, ?, NULL"
                " FROM outbox WHERE idempotency_key = ?",
                (reason, now, key),
            )

    def retry_later(self, key: str, error: str, next_attempt_at: float) -> None:
        with self._store.write() as conn:
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
                " WHERE idempotency_key = ?",
                (error, next_attempt_at, key),
            )

    def _one(self, query: str, args: tuple[object, ...] = ()) -> OutboxItem | None:
        with self._store.read() as conn:
            cursor = conn.execute(query, args)
            row = cursor.fetchone()
            columns = [c[0] for c in cursor.description]
        if row is None:
            return None
        row = dict(zip(columns, row, strict=True))
        key = row["idempotency_key"]
        try:
            sealed = self._store.sealer.open(row["payload"], f"outbox:{key}")
            payload = codec.loads(Payload, sealed)
        except Exception as error:
            raise UnreadableRow(row["seq"], key) from error
        return OutboxItem(
            seq=row["seq"],
            key=key,
            state=OutboxState(row["state"]),
            checkin=payload.checkin,
            identity=payload.identity,
            provisional_number=row["provisional_number"],
            provisional_label=row["provisional_label"],
            leased=bool(row["leased"]),
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"] or 0.0,
        )


def settled_late(
    conn: sqlite3.Connection, key: str, registration: Registration, now: float
) -> None:
    """Record the hospital's registration of a queued check-in (its ticket keeps its label)."""
    conn.execute(
        "UPDATE outbox SET state = 'synced', payload = NULL, finished_at = ?,"
        " hospital_number = ?, visit_id = ?, last_error = NULL WHERE idempotency_key = ?",
        (now, registration.queue_number, registration.visit_id, key),
    )
    conn.execute(
        "UPDATE tickets SET hospital_number = ?, visit_id = ? WHERE idempotency_key = ?",
        (registration.queue_number, registration.visit_id, key),
    )


def insert_row(
    conn: sqlite3.Connection,
    *,
    payload: bytes,
    checkin: CheckIn,
    state: OutboxState,
    priority_queue: bool,
    now: float,
) -> None:
    conn.execute(
        "INSERT INTO outbox (idempotency_key, state, payload, department_code, priority_queue,"
        " attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 0, 0, ?)",
        (checkin.idempotency_key, state.value, payload, checkin.department_code,
         int(priority_queue), now),
    )  # fmt: skip
