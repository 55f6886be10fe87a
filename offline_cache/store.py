"""The kiosk's local SQLite database: one file, WAL, synchronous=FULL, typed errors.

One connection guarded by a lock, rather than one per thread: the kiosk is one process
whose writes are a few rows each, so serialising them costs nothing measurable, while a
single connection rules out SQLITE_BUSY between our own threads (a deferred transaction
upgrading to a write lock fails at once, whatever the busy timeout). The lock is held only
for local statements, never across a network call. Another process holding the file (a
staff tool, a second kiosk instance by mistake) is waited for up to `busy_timeout`, then
reported as StoreBusy. Every write is BEGIN IMMEDIATE ... COMMIT with synchronous=FULL:
when `write()` returns, the rows survive a crash or a power cut.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from offline_cache.errors import KeyFileError, StoreBusy, StoreError, StoreFull
from offline_cache.sealing import Sealer

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_FULL = 5, 6, 13


@dataclass(frozen=True)
class Purged:
    patients: int
    outbox: int
    tickets: int
    follow_ups: int


class OfflineStore:
    """Opens (creating if needed) the database at `db_path` sealed by the key at `key_path`."""

    def __init__(
        self,
        db_path: Path,
        key_path: Path,
        *,
        busy_timeout: float = 2.0,
        max_bytes: int | None = None,
    ) -> None:
        if Path(key_path).resolve() == Path(db_path).resolve():
            raise KeyFileError("the key file must be a separate file from the database")
        self.path = Path(db_path)
        self._lock = threading.RLock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=busy_timeout
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            if max_bytes is not None:
                (page_size,) = self._conn.execute("PRAGMA page_size").fetchone()
                self._conn.execute(f"PRAGMA max_page_count={max(1, max_bytes // page_size)}")
            with self.write():
                _create_schema(self._conn)
        except sqlite3.Error as error:
            raise _translate(error, "open") from error
        try:
            self.sealer = self._open_key(Path(key_path))
        except KeyFileError:
            self._conn.close()
            raise

    # --- transactions ------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, committed (durably) when the block ends without an error."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise _translate(error, "begin") from error
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as error:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise _translate(error, "write") from error
                raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as error:
                raise _translate(error, "read") from error

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- retention -----------------------------------------------------------------------

    def purge(self, now: datetime, *, keep_synced: timedelta = timedelta(days=7)) -> Purged:
        """Drop expired cached patients and, after `keep_synced`, finished outbox records."""
        cutoff = (now - keep_synced).timestamp()
        with self.write() as conn:
            patients = conn.execute(
                "DELETE FROM patients WHERE expires_at <= ?", (now.timestamp(),)
            ).rowcount
            outbox = conn.execute(
                "DELETE FROM outbox WHERE state IN ('synced', 'rejected') AND finished_at <= ?",
                (cutoff,),
            ).rowcount
            tickets = conn.execute(
                "DELETE FROM tickets WHERE issued_at <= ?"
                " AND idempotency_key NOT IN (SELECT idempotency_key FROM outbox)",
                (cutoff,),
            ).rowcount
            follow_ups = conn.execute(
                "DELETE FROM follow_ups WHERE resolved_at IS NOT NULL AND resolved_at <= ?",
                (cutoff,),
            ).rowcount
        purged = Purged(patients, outbox, tickets, follow_ups)
        logger.info("offline store purged: %s", purged)
        return purged

    # --- internals -----------------------------------------------------------------------

    def _open_key(self, key_path: Path) -> Sealer:
        with self.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'key_check'").fetchone()
        # A store that already sealed rows never gets a fresh key: that would orphan them.
        sealer = Sealer.from_key_file(key_path, create=row is None)
        if row is None:
            with self.write() as conn:
                conn.execute("INSERT INTO meta VALUES ('key_check', ?)", (sealer.key_check,))
        elif row[0] != sealer.key_check:
            raise KeyFileError(f"key file {key_path} is not the key of {self.path}")
        return sealer


_TICKET_COLUMNS_ADDED = (
    ("visit_id", "TEXT"),
    ("printed_at", "FLOAT"),  # NULL: registered (or queued) but the ticket never printed
    ("patient_ref", "TEXT"),  # keyed hashes, never the numbers: today's visits of a patient
    ("citizen_ref", "TEXT"),
    ("service", "TEXT"),
    ("priority", "TEXT"),
    ("room", "TEXT"),
    ("floor", "INTEGER"),
)


def _create_schema(conn: sqlite3.Connection) -> None:
    import sqlite_utils  # ~150 ms to import: paid when the store opens, not at kiosk start

    db = sqlite_utils.Database(conn)
    db.table("meta").create({"key": str, "value": str}, pk="key", if_not_exists=True)
    db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", [SCHEMA_VERSION])
    db.table("departments").create(
        {"code": str, "position": int, "payload": str, "fetched_at": str},
        pk="code",
        not_null=["position", "payload", "fetched_at"],
        if_not_exists=True,
    )
    # Keyed by a keyed hash of the ID or card number, never the number; the row is sealed.
    db.table("patients").create(
        {"lookup_hash": str, "payload": bytes, "expires_at": float},
        pk="lookup_hash",
        not_null=["payload", "expires_at"],
        if_not_exists=True,
    )
    db.table("outbox").create(
        {
            "seq": int,
            "idempotency_key": str,
            "state": str,
            "payload": bytes,  # the sealed CheckIn (and identity); cleared once synced
            "department_code": str,
            "priority_queue": int,
            "provisional_number": int,
            "provisional_label": str,
            "leased": int,
            "attempts": int,
            "next_attempt_at": float,
            "last_error": str,
            "created_at": float,
            "finished_at": float,
            "hospital_number": int,
            "visit_id": str,
        },
        pk="seq",
        not_null=["idempotency_key", "state", "department_code", "attempts", "created_at"],
        defaults={"attempts": 0, "leased": 0, "priority_queue": 0, "next_attempt_at": 0.0},
        if_not_exists=True,
    )
    db.table("outbox").create_index(["idempotency_key"], unique=True, if_not_exists=True)
    db.table("outbox").create_index(["state", "seq"], if_not_exists=True)
    db.table("tickets").create(
        {
            "idempotency_key": str,
            "label": str,
            "provisional": int,
            "department_code": str,
            "issued_at": float,
            "hospital_number": int,
        },
        pk="idempotency_key",
        not_null=["label", "provisional", "department_code", "issued_at"],
        if_not_exists=True,
    )
    # Added for issue 14 (printed or not, and what a reprint needs); older stores gain them.
    for column, kind in _TICKET_COLUMNS_ADDED:
        if column not in db.table("tickets").columns_dict:
            db.execute(f"ALTER TABLE tickets ADD COLUMN {column} {kind}")
    db.table("follow_ups").create(
        {
            "idempotency_key": str,
            "reason": str,
            "department_code": str,
            "provisional_label": str,
            "created_at": float,
            "resolved_at": float,
        },
        pk="idempotency_key",
        not_null=["reason", "department_code", "created_at"],
        if_not_exists=True,
    )
    db.table("counters").create(
        {"day": str, "department_code": str, "priority_queue": int, "last_number": int},
        pk=("day", "department_code", "priority_queue"),
        not_null=["last_number"],
        if_not_exists=True,
    )
    db.table("leases").create(
        {
            "lease_id": str,
            "day": str,
            "department_code": str,
            "priority_queue": int,
            "first": int,
            "last": int,
            "next_number": int,
        },
        pk="lease_id",
        not_null=["day", "department_code", "priority_queue", "first", "last", "next_number"],
        if_not_exists=True,
    )


def _translate(error: sqlite3.Error, during: str) -> StoreError:
    code = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    name = getattr(error, "sqlite_errorname", type(error).__name__)
    logger.error("offline store %s failed: %s", during, name)
    if code == _SQLITE_FULL:
        return StoreFull(f"the kiosk's disk or database is full ({during}: {name})")
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreBusy(f"the kiosk's database is locked by another process ({during}: {name})")
    return StoreError(f"the kiosk's database failed ({during}: {name})")
