"""Incidents and their messages in SQLite on disk: a restart loses nothing and repeats nothing.

One row per incident (open while `closed_at` is NULL) and one row per message and channel,
delivered in order per channel. Every change is one transaction with `synchronous=FULL`, so a
message the kiosk saw accepted is never sent again, and one it had not is sent after a restart
with the same id and body (receivers drop repeats by `message_id`).
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.alerts.alert import KINDS, AlertKind, KioskIdentity, clean_detail, message_body

_SCHEMA = """
CREATE TABLE IF NOT EXISTS incidents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    opened_at REAL NOT NULL,
    clear_since REAL,          -- the condition cleared then; resolved once it stays clear
    closed_at REAL,            -- NULL: open
    muted INTEGER NOT NULL     -- over the rate limit: listed for staff, not sent
);
CREATE INDEX IF NOT EXISTS incidents_by_kind ON incidents (kind, opened_at);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    channel TEXT NOT NULL,
    status TEXT NOT NULL,      -- firing | resolved
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    delivered_at REAL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS messages_waiting ON messages (channel, delivered_at, seq);
CREATE TABLE IF NOT EXISTS channels (
    name TEXT PRIMARY KEY,
    last_delivered_at REAL,
    last_failure_at REAL,
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,   -- every failed attempt since the kiosk began
    failing INTEGER NOT NULL DEFAULT 0     -- failed attempts since the last delivery
);
"""


@dataclass(frozen=True)
class Pending:
    """The next message a channel owes."""

    seq: int
    message_id: str
    body: str
    attempts: int
    next_at: float


@dataclass(frozen=True)
class ChannelState:
    name: str
    last_delivered_at: float | None
    last_failure_at: float | None
    last_error: str
    failures: int
    failing: int  # in a row, since the last delivery
    waiting: int  # messages not yet accepted


@dataclass(frozen=True)
class OpenIncident:
    id: str
    kind: str
    detail: str
    opened_at: float
    accepted: bool  # a channel took its "firing" message
    muted: bool


@dataclass(frozen=True)
class Raised:
    incident_id: str
    new: bool  # False: joined an incident already open (or an event moments ago)


class AlertStore:
    def __init__(
        self,
        path: Path,
        kiosk: KioskIdentity,
        channels: Sequence[str],
        *,
        new_id: Callable[[], str],
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._kiosk = kiosk
        self._channels = tuple(channels)
        self._new_id = new_id
        self._lock = threading.Lock()  # one connection, callers' threads and the sender's
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        for name in self._channels:
            self._db.execute("INSERT OR IGNORE INTO channels (name) VALUES (?)", (name,))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- incidents ----------------------------------------------------------------------

    def raise_(
        self, kind: AlertKind, detail: str, now: float, *, event_window: float, per_hour: int
    ) -> Raised:
        """Open an incident of `kind`, or join the one open (a condition) or just raised (the
        same event within `event_window` s); past `per_hour` a new one is muted."""
        detail = clean_detail(detail)
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if kind.condition:
                row = self._db.execute(
                    "SELECT id FROM incidents WHERE kind = ? AND closed_at IS NULL", (kind.name,)
                ).fetchone()
                if row is not None:  # still the same incident; a clear that did not last
                    self._db.execute("UPDATE incidents SET clear_since = NULL WHERE id = ?", row)
                    return Raised(row[0], new=False)
            else:
                row = self._db.execute(
                    "SELECT id FROM incidents WHERE kind = ? AND detail = ? AND opened_at > ?"
                    " ORDER BY opened_at DESC LIMIT 1",
                    (kind.name, detail, now - event_window),
                ).fetchone()
                if row is not None:
                    return Raised(row[0], new=False)
            (recent,) = self._db.execute(
                "SELECT count(*) FROM incidents WHERE kind = ? AND opened_at > ? AND muted = 0",
                (kind.name, now - 3600),
            ).fetchone()
            muted = recent >= per_hour
            incident_id = self._new_id()
            self._db.execute(
                "INSERT INTO incidents VALUES (?, ?, ?, ?, NULL, ?, ?)",
                (incident_id, kind.name, detail, now, None if kind.condition else now, muted),
            )
            if not muted:
                self._queue(incident_id, kind, "firing", detail, now, None)
            return Raised(incident_id, new=True)

    def clear(self, kind: str, now: float) -> None:
        """The condition is gone: resolved once it stays gone (see `close_cleared`)."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "UPDATE incidents SET clear_since = ? WHERE kind = ? AND closed_at IS NULL"
                " AND clear_since IS NULL",
                (now, kind),
            )

    def close_cleared(self, now: float, hold: float) -> float | None:
        """Close incidents clear for `hold` seconds, queueing their "resolved"; when the next
        one is due (None: none is waiting)."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            rows = self._db.execute(
                "SELECT id, kind, detail, opened_at, clear_since, muted FROM incidents"
                " WHERE closed_at IS NULL AND clear_since IS NOT NULL"
            ).fetchall()
            next_due = None
            for incident_id, kind, detail, opened_at, clear_since, muted in rows:
                if clear_since + hold > now:
                    due = clear_since + hold
                    next_due = due if next_due is None else min(next_due, due)
                    continue
                self._db.execute(
                    "UPDATE incidents SET closed_at = ? WHERE id = ?", (clear_since, incident_id)
                )
                if not muted:
                    kind_ = KINDS[kind]
                    self._queue(incident_id, kind_, "resolved", detail, opened_at, clear_since)
            return next_due

    def _queue(
        self,
        incident_id: str,
        kind: AlertKind,
        status: str,
        detail: str,
        started_at: float,
        resolved_at: float | None,
    ) -> None:
        message_id = self._new_id()
        body = message_body(
            message_id=message_id,
            incident_id=incident_id,
            kind=kind,
            status=status,
            detail=detail,
            kiosk=self._kiosk,
            started_at=started_at,
            resolved_at=resolved_at,
        )
        now = resolved_at if resolved_at is not None else started_at
        for channel in self._channels:
            self._db.execute(
                "INSERT INTO messages (message_id, incident_id, channel, status, body,"
                " created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (message_id, incident_id, channel, status, body, now, now),
            )

    # --- delivery -----------------------------------------------------------------------

    def next_pending(self, channel: str) -> Pending | None:
        with self._lock:
            row = self._db.execute(
                "SELECT seq, message_id, body, attempts, next_at FROM messages"
                " WHERE channel = ? AND delivered_at IS NULL ORDER BY seq LIMIT 1",
                (channel,),
            ).fetchone()
        return Pending(*row) if row is not None else None

    def delivered(self, channel: str, seq: int, now: float) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "UPDATE messages SET delivered_at = ?, attempts = attempts + 1 WHERE seq = ?",
                (now, seq),
            )
            self._db.execute(
                "UPDATE channels SET last_delivered_at = ?, failing = 0 WHERE name = ?",
                (now, channel),
            )

    def failed(self, channel: str, seq: int, now: float, error: str, retry_at: float) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "UPDATE messages SET attempts = attempts + 1, next_at = ?, last_error = ?"
                " WHERE seq = ?",
                (retry_at, error, seq),
            )
            self._db.execute(
                "UPDATE channels SET last_failure_at = ?, last_error = ?,"
                " failures = failures + 1, failing = failing + 1 WHERE name = ?",
                (now, error, channel),
            )

    # --- what staff see -----------------------------------------------------------------

    def accepted(self, incident_id: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM messages WHERE incident_id = ? AND status = 'firing'"
                " AND delivered_at IS NOT NULL LIMIT 1",
                (incident_id,),
            ).fetchone()
        return row is not None

    def incident_of(self, message_id: str, *, status: str) -> str | None:
        """The incident a message of that status belongs to (None: another status)."""
        with self._lock:
            row = self._db.execute(
                "SELECT incident_id FROM messages WHERE message_id = ? AND status = ? LIMIT 1",
                (message_id, status),
            ).fetchone()
        return row[0] if row is not None else None

    def open_incidents(self) -> list[OpenIncident]:
        with self._lock:
            return _open_incidents(self._db)

    def channel_states(self) -> list[ChannelState]:
        with self._lock:
            return [c for c in _channel_states(self._db) if c.name in self._channels]


def read_delivery(path: Path) -> tuple[list[ChannelState], list[OpenIncident]] | None:
    """What a kiosk's store says, read-only (`kiosk doctor` beside the running kiosk); None
    when the kiosk has not made one yet."""
    if not path.exists():
        return None
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return _channel_states(db), _open_incidents(db)
    finally:
        db.close()


def _open_incidents(db: sqlite3.Connection) -> list[OpenIncident]:
    rows = db.execute(
        "SELECT i.id, i.kind, i.detail, i.opened_at, i.muted, EXISTS (SELECT 1 FROM"
        " messages m WHERE m.incident_id = i.id AND m.status = 'firing'"
        " AND m.delivered_at IS NOT NULL) FROM incidents i"
        " WHERE i.closed_at IS NULL ORDER BY i.opened_at"
    ).fetchall()
    return [
        OpenIncident(id_, kind, detail, opened, accepted=bool(ok), muted=bool(muted))
        for id_, kind, detail, opened, muted, ok in rows
    ]


def _channel_states(db: sqlite3.Connection) -> list[ChannelState]:
    rows = db.execute(
        "SELECT c.name, c.last_delivered_at, c.last_failure_at, coalesce(c.last_error, ''),"
        " c.failures, c.failing, (SELECT count(*) FROM messages m WHERE m.channel = c.name"
        " AND m.delivered_at IS NULL) FROM channels c ORDER BY c.name"
    ).fetchall()
    return [ChannelState(*row) for row in rows]


def new_message_id() -> str:
    return str(uuid.uuid4())
