"""Provisional queue numbers: from a block leased from the hospital, else the kiosk's own range.

A leased number is a real number of the hospital's queue, reserved for this kiosk: the
hospital keeps it when the visit is synced. Without a lease the kiosk counts on its own
(per department, queue and day) and its labels carry the kiosk's prefix, so they can
never be mistaken for the hospital's numbers.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from kiosk.core.ports import HospitalOutboxApi, LeaseRequest, NumberLease
from offline_cache.store import OfflineStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProvisionalNumber:
    number: int
    leased: bool  # True: a number of the hospital's queue, reserved for this kiosk


class QueueNumbers:
    def __init__(self, store: OfflineStore) -> None:
        self._store = store

    def take(
        self,
        conn: sqlite3.Connection,
        day: date,
        department_code: str,
        priority_queue: bool,
        *,
        lease: bool = True,
    ) -> ProvisionalNumber:
        """The next number, inside the caller's write transaction (so it commits with the row).

        `lease=False`: the kiosk's own number even when a leased one is left."""
        where = (day.isoformat(), department_code, int(priority_queue))
        leased = None
        if lease:
            leased = conn.execute(
                "SELECT lease_id, next_number FROM leases WHERE day = ? AND department_code = ?"
                " AND priority_queue = ? AND next_number <= last ORDER BY first LIMIT 1",
                where,
            ).fetchone()
        if leased is not None:
            lease_id, number = leased
            conn.execute(
                "UPDATE leases SET next_number = ? WHERE lease_id = ?", (number + 1, lease_id)
            )
            return ProvisionalNumber(number, leased=True)
        conn.execute("INSERT OR IGNORE INTO counters VALUES (?, ?, ?, 0)", where)
        conn.execute(
            "UPDATE counters SET last_number = last_number + 1"
            " WHERE day = ? AND department_code = ? AND priority_queue = ?",
            where,
        )
        (number,) = conn.execute(
            "SELECT last_number FROM counters"
            " WHERE day = ? AND department_code = ? AND priority_queue = ?",
            where,
        ).fetchone()
        return ProvisionalNumber(number, leased=False)

    def add_lease(self, lease: NumberLease) -> None:
        with self._store.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO leases VALUES (?, ?, ?, ?, ?, ?, ?)",
                (lease.lease_id, lease.day.isoformat(), lease.department_code,
                 int(lease.priority_queue), lease.first, lease.last, lease.first),
            )  # fmt: skip

    def leased_left(self, day: date, department_code: str, priority_queue: bool) -> int:
        with self._store.read() as conn:
            (left,) = conn.execute(
                "SELECT coalesce(sum(last - next_number + 1), 0) FROM leases"
                " WHERE day = ? AND department_code = ? AND priority_queue = ?"
                " AND next_number <= last",
                (day.isoformat(), department_code, int(priority_queue)),
            ).fetchone()
        return int(left)

    def top_up(
        self,
        hospital: HospitalOutboxApi,
        *,
        kiosk_id: str,
        department_codes: Iterable[str],
        day: date,
        low_water: int = 2,
        block: int = 5,
        new_key: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> int:
        """Lease a block wherever fewer than `low_water` leased numbers are left; call online.

        Errors of the hospital propagate (the caller's ErrorPolicy sorts them). A lease the
        hospital granted but the kiosk did not store (a crash in between) only leaves unused
        numbers in the hospital's queue, never a duplicate.
        """
        added = 0
        for code in department_codes:
            for priority_queue in (False, True):
                if self.leased_left(day, code, priority_queue) >= low_water:
                    continue
                lease = hospital.lease_queue_numbers(
                    LeaseRequest(kiosk_id, code, day, priority_queue, block, new_key())
                )
                self.add_lease(lease)
                added += lease.last - lease.first + 1
        if added:
            logger.info("leased %d queue numbers for offline use", added)
        return added
