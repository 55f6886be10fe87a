"""One module: all queries share one SQLite connection and its transactions.

The demo hospital's records in SQLite: patients, departments, queues, idempotency keys.

Answers are plain dicts already shaped like the contract's JSON, so the HTTP layer only
validates input and serialises. Registration and the stored idempotent answer commit in
one transaction, so a visit can never exist without the answer a retry will get.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from kiosk.demo_hospital import payments
from kiosk.demo_hospital.catalog import DEPARTMENTS, PAID_VISIT_FEES
from kiosk.demo_hospital.errors import ApiError
from kiosk.demo_hospital.seed import seed_database
from kiosk.demo_hospital.vietnam import VIETNAM_TZ

SCHEMA_VERSION = 3
IDEMPOTENCY_RETENTION = timedelta(hours=24)
ACCEPTED_INSURANCE_RESULTS = frozenset({"000", "001", "002", "003", "004"})

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE departments (
    code TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL, name_en TEXT,
    room TEXT NOT NULL, floor INTEGER NOT NULL, directions TEXT NOT NULL, directions_en TEXT,
    accepts_insurance INTEGER NOT NULL, minutes_per_patient INTEGER NOT NULL
);
CREATE TABLE patients (
    patient_id TEXT PRIMARY KEY, full_name TEXT NOT NULL, birth_date TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')), citizen_id TEXT UNIQUE, address TEXT,
    insurance_number TEXT UNIQUE, insurance_result TEXT, insurance_valid_from TEXT,
    insurance_valid_to TEXT, insurance_facility TEXT
);
CREATE TABLE appointments (
    appointment_id TEXT PRIMARY KEY, patient_id TEXT NOT NULL REFERENCES patients,
    department_code TEXT NOT NULL REFERENCES departments, starts_at TEXT NOT NULL,
    doctor_name TEXT
);
CREATE INDEX appointments_by_patient ON appointments (patient_id, starts_at);
CREATE TABLE past_visits (
    patient_id TEXT NOT NULL REFERENCES patients, visit_date TEXT NOT NULL,
    department_name TEXT NOT NULL, diagnosis TEXT, doctor_name TEXT
);
CREATE INDEX past_visits_by_patient ON past_visits (patient_id, visit_date);
CREATE TABLE queues (
    day TEXT NOT NULL, department_code TEXT NOT NULL REFERENCES departments,
    queue TEXT NOT NULL CHECK (queue IN ('normal', 'priority')),
    last_number INTEGER NOT NULL, served INTEGER NOT NULL,
    PRIMARY KEY (day, department_code, queue)
);
-- No UNIQUE on idempotency_key: the count per key is what tests observe for exactly-once.
CREATE TABLE registrations (
    visit_id TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL, kiosk_id TEXT NOT NULL,
    patient_id TEXT NOT NULL, department_code TEXT NOT NULL, service TEXT NOT NULL,
    priority TEXT NOT NULL, appointment_id TEXT, queue TEXT NOT NULL,
    queue_number INTEGER NOT NULL, people_ahead INTEGER NOT NULL,
    estimated_wait_minutes INTEGER NOT NULL, registered_at TEXT NOT NULL,
    identity_check TEXT NOT NULL
);
CREATE INDEX registrations_by_key ON registrations (idempotency_key);
CREATE INDEX registrations_by_number ON registrations
    (substr(registered_at, 1, 10), department_code, queue, queue_number);
-- Numbers reserved for one kiosk: never handed to anybody else (see queues.last_number).
CREATE TABLE queue_leases (
    lease_id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, day TEXT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments,
    queue TEXT NOT NULL CHECK (queue IN ('normal', 'priority')),
    first INTEGER NOT NULL, last INTEGER NOT NULL, created_at TEXT NOT NULL
);
CREATE INDEX queue_leases_by_queue ON queue_leases (day, department_code, queue, kiosk_id);
CREATE TABLE idempotency (
    scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
    status INTEGER, body TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
"""
# In dependency order: a table only references tables before it.
_TABLES = (
    "meta", "departments", "patients", "appointments", "past_visits", "queues",
    "registrations", "queue_leases", "idempotency", "payments",
)  # fmt: skip

Answer = tuple[int, dict[str, Any]]
# Whom each catalogue department sees (the contract's `patients`); the table predates it.
_AUDIENCES = {department.code: department.patients for department in DEPARTMENTS}


def dump_json(value: Any) -> str:
    """The one JSON encoding of the demo hospital (UTF-8 text, no ASCII escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class ClaimState(Enum):
    NEW = "new"  # first time: the caller does the work, then finishes the claim
    IN_PROGRESS = "in_progress"  # same key and body, first request still running
    REPLAY = "replay"  # same key and body, finished: answer with the stored result
    MISMATCH = "mismatch"  # same key, different body


@dataclass(frozen=True)
class Claim:
    state: ClaimState
    status: int | None = None
    body: str | None = None


class HospitalStore:
    """One SQLite connection shared by the server's event loop, guarded by a lock."""

    def __init__(self, path: Path, *, seed: int, today: date) -> None:
        self.today = today
        self.seed_seconds: float | None = None  # set when this open (re)seeded the file
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=2000")
        self._ensure_seeded(seed, today)
        # Whatever was "in progress" died with the previous server; let retries redo it.
        self._conn.execute("DELETE FROM idempotency WHERE state = 'in_progress'")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- reads -------------------------------------------------------------------------

    def departments(self) -> list[dict[str, Any]]:
        day = self.today.isoformat()
        with self._lock:
            rows = self._conn.execute(
                """
                SELECT d.*,
                       coalesce(n.last_number - n.served, 0) AS waiting,
                       coalesce(p.last_number - p.served, 0) AS waiting_priority
                FROM departments d
                LEFT JOIN queues n
                  ON n.day = ? AND n.department_code = d.code AND n.queue = 'normal'
                LEFT JOIN queues p
                  ON p.day = ? AND p.department_code = d.code AND p.queue = 'priority'
                ORDER BY d.position
                """,
                (day, day),
            ).fetchall()
        return [
            {
                "code": row["code"],
                "name": row["name"],
                "name_en": row["name_en"],
                "room": row["room"],
                "floor": row["floor"],
                "directions": row["directions"],
                "directions_en": row["directions_en"],
                "accepts_insurance": bool(row["accepts_insurance"]),
                "waiting": row["waiting"],
                "waiting_priority": row["waiting_priority"],
                "estimated_wait_minutes": row["waiting"] * row["minutes_per_patient"],
                "patients": _AUDIENCES.get(row["code"], "all"),
                "fee_vnd": PAID_VISIT_FEES.get(row["code"]),
                "insured_share_vnd": None,  # the BHYT co-payment depends on the patient's card
            }
            for row in rows
        ]

    def find_by_citizen_id(self, citizen_id: str) -> dict[str, Any] | None:
        return self._one_patient("citizen_id = ?", (citizen_id,))

    def find_by_patient_id(self, patient_id: str) -> dict[str, Any] | None:
        return self._one_patient("patient_id = ?", (patient_id,))

    def find_by_appointment_id(self, appointment_id: str) -> dict[str, Any] | None:
        """The patient a booked appointment is for."""
        return self._one_patient(
            "patient_id = (SELECT patient_id FROM appointments WHERE appointment_id = ?)",
            (appointment_id,),
        )

    def find_by_insurance_number(self, number: str) -> dict[str, Any] | None:
        """A 15-character card number, the 10-digit SI number, or (since 2025) the 12-digit ID."""
        number = number.upper()
        if len(number) == 12:
            return self._one_patient("citizen_id = ? OR insurance_number = ?", (number, number))
        if len(number) == 10:
            return self._one_patient(
                "length(insurance_number) = 15 AND substr(insurance_number, 6) = ?", (number,)
            )
        return self._one_patient("insurance_number = ?", (number,))

    def appointments(self, patient_id: str, day: date) -> list[dict[str, Any]]:
        return self._patient_rows(
            patient_id,
            "SELECT appointment_id, department_code, starts_at, doctor_name FROM appointments a"
            " WHERE patient_id = ? AND substr(starts_at, 1, 10) = ?"
            # Checked in already: not offered again (its visit is among today's).
            " AND NOT EXISTS (SELECT 1 FROM registrations r"
            " WHERE r.appointment_id = a.appointment_id)"
            " ORDER BY starts_at, appointment_id",
            day.isoformat(),
        )

    def registrations(self, patient_id: str, day: date) -> list[dict[str, Any]]:
        """The visits registered for the patient on `day`, earliest first."""
        return self._patient_rows(
            patient_id,
            "SELECT r.visit_id, r.department_code, r.queue_number, r.service, r.priority,"
            " d.room, d.floor, r.registered_at FROM registrations r"
            " JOIN departments d ON d.code = r.department_code"
            " WHERE r.patient_id = ? AND substr(r.registered_at, 1, 10) = ?"
            " ORDER BY r.registered_at, r.visit_id",
            day.isoformat(),
        )

    def past_visits(self, patient_id: str, limit: int) -> list[dict[str, Any]]:
        return self._patient_rows(
            patient_id,
            "SELECT visit_date, department_name, diagnosis, doctor_name FROM past_visits"
            " WHERE patient_id = ? ORDER BY visit_date DESC, rowid DESC LIMIT ?",
            limit,
        )

    # --- idempotent writes -------------------------------------------------------------

    def claim(self, scope: str, key: str, request_hash: str) -> Claim:
        """Record that `key` is being worked on, or say why the caller must not do the work."""
        now = datetime.now(UTC)
        with self._lock, self._transaction():
            self._conn.execute(
                "DELETE FROM idempotency WHERE state = 'done' AND created_at < ?",
                ((now - IDEMPOTENCY_RETENTION).isoformat(),),
            )
            row = self._conn.execute(
                "SELECT request_hash, state, status, body FROM idempotency"
                " WHERE scope = ? AND key = ?",
                (scope, key),
            ).fetchone()
            if row is None:
                self._conn.execute(
                    "INSERT INTO idempotency VALUES (?, ?, ?, 'in_progress', NULL, NULL, ?)",
                    (scope, key, request_hash, now.isoformat()),
                )
                return Claim(ClaimState.NEW)
        if row["request_hash"] != request_hash:
            return Claim(ClaimState.MISMATCH)
        if row["state"] == "in_progress":
            return Claim(ClaimState.IN_PROGRESS)
        return Claim(ClaimState.REPLAY, row["status"], row["body"])

    def release(self, scope: str, key: str) -> None:
        """Forget an unfinished claim (the work failed unexpectedly): a retry may redo it."""
        with self._lock:
            self._conn.execute(
                "DELETE FROM idempotency WHERE scope = ? AND key = ? AND state = 'in_progress'",
                (scope, key),
            )

    def finish_create_patient(self, scope: str, key: str, fields: dict[str, Any]) -> Claim:
        return self._finish(scope, key, lambda: self._create_patient(fields))

    def finish_register_visit(self, scope: str, key: str, fields: dict[str, Any]) -> Claim:
        return self._finish(scope, key, lambda: self._register_visit(key, fields))

    def finish_lease(self, scope: str, key: str, fields: dict[str, Any]) -> Claim:
        return self._finish(scope, key, lambda: self._lease(fields))

    # --- payments (the demo's cashier; settle_payment is the bank's and patient's hook) ----

    def payment_status(self, reference: str) -> dict[str, Any] | None:
        with self._lock:
            return payments.status(self._conn, reference, datetime.now(VIETNAM_TZ))

    def settle_payment(self, reference: str, *, paid: bool) -> bool:
        with self._lock:
            return payments.settle(self._conn, reference, paid=paid, now=datetime.now(VIETNAM_TZ))

    def pending_payments(self) -> list[str]:
        with self._lock:
            return payments.pending(self._conn, datetime.now(VIETNAM_TZ))

    # --- internals ---------------------------------------------------------------------

    def _finish(self, scope: str, key: str, work: Callable[[], Answer]) -> Claim:
        with self._lock:
            try:
                with self._transaction():
                    status, body = work()
                    text = self._store_answer(scope, key, status, body)
            except ApiError as error:  # a decided "no" is an answer too: store it
                with self._transaction():
                    text = self._store_answer(scope, key, error.status, error.body())
                status = error.status
        return Claim(ClaimState.REPLAY, status, text)

    def _store_answer(self, scope: str, key: str, status: int, body: dict[str, Any]) -> str:
        text = dump_json(body)
        self._conn.execute(
            "UPDATE idempotency SET state = 'done', status = ?, body = ?"
            " WHERE scope = ? AND key = ?",
            (status, text, scope, key),
        )
        return text

    def _create_patient(self, fields: dict[str, Any]) -> Answer:
        citizen, card_number = fields["citizen_id"], fields["insurance_number"]
        for column, value in (("citizen_id", citizen), ("insurance_number", card_number)):
            query = f"SELECT 1 FROM patients WHERE {column} = ?"
            if value is not None and self._conn.execute(query, (value,)).fetchone():
                raise ApiError(409, "patient_exists", f"a patient with this {column} exists")
        number = int(self._meta("next_patient_number"))
        patient_id = f"BN{number:08d}"
        # The demo's stand-in for the VSS check: a presented card number is valid this year.
        card: tuple[str | None, ...] = (None, None, None, None, None)
        if card_number is not None:
            year = self.today.year
            card = (card_number, "000", f"{year}-01-01", f"{year}-12-31", None)
        self._conn.execute(
            "INSERT INTO patients VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (patient_id, fields["full_name"], fields["birth_date"], fields["sex"], citizen,
             fields["address"], *card),
        )  # fmt: skip
        self._conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'next_patient_number'", (str(number + 1),)
        )
        patient = self._conn.execute(
            "SELECT * FROM patients WHERE patient_id = ?", (patient_id,)
        ).fetchone()
        return 201, {"patient": _patient_json(patient)}

    def _register_visit(self, key: str, fields: dict[str, Any]) -> Answer:
        patient = self._conn.execute(
            "SELECT * FROM patients WHERE patient_id = ?", (fields["patient_id"],)
        ).fetchone()
        if patient is None:
            raise ApiError(404, "patient_not_found", "no patient with this patient_id")
        department = self._conn.execute(
            "SELECT * FROM departments WHERE code = ?", (fields["department_code"],)
        ).fetchone()
        if department is None:
            raise ApiError(404, "department_not_found", "no department with this code")
        if fields["service"] == "insurance":
            if not department["accepts_insurance"]:
                raise ApiError(400, "invalid_request", "this department takes paid visits only")
            if patient["insurance_result"] not in ACCEPTED_INSURANCE_RESULTS:
                raise ApiError(
                    422, "insurance_not_valid", "the insurance card cannot be used for this visit"
                )
        appointment_id = fields["appointment_id"]
        if appointment_id is not None:
            appointment = self._conn.execute(
                "SELECT * FROM appointments WHERE appointment_id = ? AND patient_id = ?",
                (appointment_id, patient["patient_id"]),
            ).fetchone()
            if appointment is None:
                raise ApiError(400, "invalid_request", "no such appointment for this patient")
            if appointment["department_code"] != department["code"]:
                raise ApiError(400, "invalid_request", "the appointment is in another department")

        day = self.today.isoformat()
        # Wall-clock time of day on the store's `today`, so a pinned demo day stays coherent.
        clock = datetime.now(VIETNAM_TZ).time().replace(microsecond=0)
        registered_at = datetime.combine(self.today, clock, VIETNAM_TZ)
        queue = "normal" if fields["priority"] == "none" else "priority"
        counter = self._queue_counter(day, department["code"], queue)
        leased = fields.get("leased_queue_number")
        if leased is not None and self._leased_and_free(
            fields["kiosk_id"], day, department["code"], queue, leased
        ):
            # Printed on a provisional ticket while the kiosk was offline: keep it.
            queue_number = leased
            people_ahead = max(0, leased - 1 - counter["served"])
        else:
            people_ahead = counter["last_number"] - counter["served"]
            queue_number = counter["last_number"] + 1
            self._conn.execute(
                "UPDATE queues SET last_number = ?"
                " WHERE day = ? AND department_code = ? AND queue = ?",
                (queue_number, day, department["code"], queue),
            )
        (count,) = self._conn.execute(
            "SELECT count(*) FROM registrations WHERE substr(registered_at, 1, 10) = ?", (day,)
        ).fetchone()
        visit = {
            "visit_id": f"V{self.today:%Y%m%d}-{count + 1:05d}",
            "queue_number": queue_number,
            "department_code": department["code"],
            "room": department["room"],
            "floor": department["floor"],
            "people_ahead": people_ahead,
            "estimated_wait_minutes": people_ahead * department["minutes_per_patient"],
            "registered_at": registered_at.isoformat(),
        }
        self._conn.execute(
            "INSERT INTO registrations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (visit["visit_id"], key, fields["kiosk_id"], patient["patient_id"],
             department["code"], fields["service"], fields["priority"], appointment_id, queue,
             queue_number, people_ahead, visit["estimated_wait_minutes"],
             visit["registered_at"], fields["identity_check"]),
        )  # fmt: skip
        fee = PAID_VISIT_FEES.get(department["code"])
        payment = None
        if fields["service"] == "paid" and fee:
            now = datetime.now(VIETNAM_TZ)
            payment = payments.create(
                self._conn, key=key, visit_id=visit["visit_id"], amount=fee, now=now
            )
        return 201, {"visit": visit, "payment": payment}

    def _lease(self, fields: dict[str, Any]) -> Answer:
        day = self.today.isoformat()
        if fields["day"] != day:
            raise ApiError(400, "invalid_request", "day must be the hospital's current day")
        code, queue, count = fields["department_code"], fields["queue"], fields["count"]
        department = self._conn.execute(
            "SELECT 1 FROM departments WHERE code = ?", (code,)
        ).fetchone()
        if department is None:
            raise ApiError(404, "department_not_found", "no department with this code")
        counter = self._queue_counter(day, code, queue)
        first = counter["last_number"] + 1
        last = first + count - 1
        # The block moves the queue's counter past it: nobody else can be given these numbers.
        self._conn.execute(
            "UPDATE queues SET last_number = ? WHERE day = ? AND department_code = ? AND queue = ?",
            (last, day, code, queue),
        )
        (leases,) = self._conn.execute("SELECT count(*) FROM queue_leases").fetchone()
        lease_id = f"L{self.today:%Y%m%d}-{leases + 1:05d}"
        self._conn.execute(
            "INSERT INTO queue_leases VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (lease_id, fields["kiosk_id"], day, code, queue, first, last,
             datetime.now(UTC).isoformat()),
        )  # fmt: skip
        lease = {
            "lease_id": lease_id,
            "kiosk_id": fields["kiosk_id"],
            "department_code": code,
            "day": day,
            "queue": queue,
            "first": first,
            "last": last,
        }
        return 201, {"lease": lease}

    def _queue_counter(self, day: str, department_code: str, queue: str) -> sqlite3.Row:
        self._conn.execute(
            "INSERT OR IGNORE INTO queues VALUES (?, ?, ?, 0, 0)", (day, department_code, queue)
        )
        row: sqlite3.Row = self._conn.execute(
            "SELECT last_number, served FROM queues"
            " WHERE day = ? AND department_code = ? AND queue = ?",
            (day, department_code, queue),
        ).fetchone()
        return row

    def _leased_and_free(
        self, kiosk_id: str, day: str, department_code: str, queue: str, number: int
    ) -> bool:
        """True if `number` is in one of this kiosk's leases and no visit has it yet."""
        leased = self._conn.execute(
            "SELECT 1 FROM queue_leases WHERE day = ? AND department_code = ? AND queue = ?"
            " AND kiosk_id = ? AND first <= ? AND ? <= last",
            (day, department_code, queue, kiosk_id, number, number),
        ).fetchone()
        if leased is None:
            return False
        taken = self._conn.execute(
            "SELECT 1 FROM registrations WHERE substr(registered_at, 1, 10) = ?"
            " AND department_code = ? AND queue = ? AND queue_number = ?",
            (day, department_code, queue, number),
        ).fetchone()
        return taken is None

    def _one_patient(self, where: str, args: tuple[str, ...]) -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute(
                f"SELECT * FROM patients WHERE {where} ORDER BY patient_id LIMIT 1", args
            ).fetchone()
        return _patient_json(row) if row else None

    def _patient_rows(self, patient_id: str, sql: str, *args: object) -> list[dict[str, Any]]:
        """`sql`'s rows for an existing patient (the first `?`), as the contract's members."""
        self._require_patient(patient_id)
        with self._lock:
            rows = self._conn.execute(sql, (patient_id, *args)).fetchall()
        return [dict(row) for row in rows]  # the columns are the contract's members

    def _require_patient(self, patient_id: str) -> None:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM patients WHERE patient_id = ?", (patient_id,)
            ).fetchone()
        if row is None:
            raise ApiError(404, "patient_not_found", "no patient with this patient_id")

    def _meta(self, key: str) -> str:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise LookupError(f"meta key {key} missing")
        return str(row["value"])

    def _ensure_seeded(self, seed: int, today: date) -> None:
        """Seed a new file; keep an existing one seeded with the same seed and day."""
        signature = f"{SCHEMA_VERSION}:{seed}:{today.isoformat()}"
        has_meta = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if has_meta:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
            if row is not None and row["value"] == signature:
                return
        started = time.perf_counter()
        with self._transaction():
            for table in reversed(_TABLES):  # referencing tables first
                self._conn.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in (_SCHEMA + ";" + payments.SCHEMA).split(";"):
                if statement.strip():
                    self._conn.execute(statement)
            seed_database(self._conn, seed=seed, today=today)
            self._conn.execute("INSERT INTO meta VALUES ('signature', ?)", (signature,))
        self.seed_seconds = time.perf_counter() - started

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when the block raises."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _patient_json(row: sqlite3.Row) -> dict[str, Any]:
    insurance = None
    if row["insurance_number"] is not None:
        insurance = {
            "number": row["insurance_number"],
            "result_code": row["insurance_result"],
            "valid_from": row["insurance_valid_from"],
            "valid_to": row["insurance_valid_to"],
            "facility_code": row["insurance_facility"],
        }
    return {
        "patient_id": row["patient_id"],
        "full_name": row["full_name"],
        "birth_date": row["birth_date"],
        "sex": row["sex"],
        "citizen_id": row["citizen_id"],
        "address": row["address"],
        "insurance": insurance,
    }


def count_registrations(db_path: Path, idempotency_key: str | None = None) -> int:
    """Visits registered (all, or under one idempotency key), read on a fresh connection."""
    conn = sqlite3.connect(db_path)
    try:
        if idempotency_key is None:
            (count,) = conn.execute("SELECT count(*) FROM registrations").fetchone()
        else:
            (count,) = conn.execute(
                "SELECT count(*) FROM registrations WHERE idempotency_key = ?", (idempotency_key,)
            ).fetchone()
    finally:
        conn.close()
    return int(count)


def last_identity_check(db_path: Path) -> str | None:
    """How the kiosk checked the identity of the last registered visit (what staff would see)."""
    conn = sqlite3.connect(db_path)
    try:
        row = conn.execute(
            "SELECT identity_check FROM registrations ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return row[0] if row else None
