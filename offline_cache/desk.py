"""Offline check-in: the outbox row and its provisional number commit before any ticket exists.

`issue` returns only after the row is durable (WAL, synchronous=FULL), so a caller that
prints what it returns can never print a ticket the kiosk might forget. `begin_online` and
`finish_online` bracket an online registration with the same row, so a crash while the
request is in flight is settled by the sync worker under the same idempotency key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from kiosk.core.domain import (
    CheckIn,
    Department,
    Identity,
    Patient,
    PriorityGroup,
    Registration,
    ServiceType,
    Ticket,
)
from kiosk.core.privacy import mask_name
from offline_cache.numbering import QueueNumbers
from offline_cache.outbox import OutboxState, insert_row, seal_payload, settled_late
from offline_cache.store import OfflineStore
from offline_cache.visits import record_ticket

logger = logging.getLogger(__name__)

QueueLabel = Callable[[int, ServiceType, PriorityGroup], str]


@dataclass(frozen=True)
class IssuedTicket:
    ticket: Ticket  # provisional=True; print it, it is already recorded
    provisional_number: int
    leased: bool  # a number the hospital reserved for this kiosk (it keeps it on sync)


class OfflineDesk:
    def __init__(
        self,
        store: OfflineStore,
        numbers: QueueNumbers,
        *,
        hospital_name: str,
        footer: str,
        kiosk_prefix: str,
        queue_label: QueueLabel,
        clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        if not kiosk_prefix.isascii() or not kiosk_prefix.strip():
            raise ValueError("the kiosk prefix must be non-empty ASCII (it is printed as text)")
        self._store = store
        self._numbers = numbers
        self._hospital_name = hospital_name
        self._footer = footer
        self._prefix = kiosk_prefix
        self._queue_label = queue_label
        self._clock = clock  # local time: the queue day is the hospital's calendar day
        self._on_queued = on_queued

    def issue(
        self,
        checkin: CheckIn,
        *,
        department: Department,
        patient: Patient | None = None,
        identity: Identity | None = None,
    ) -> IssuedTicket:
        """Queue the check-in for the hospital and return its provisional ticket.

        `patient` when the patient is known (cached), else `identity` alone: the worker then
        finds or creates the patient before registering. Also the fallback after an online
        attempt failed (same key: the row changes from ONLINE to PENDING). Issuing a key that
        is already queued returns the same number again. Raises StoreFull / StoreBusy /
        StoreError if the row could not be committed: then nothing may be printed.
        """
        if checkin.department_code != department.code:
            raise ValueError("the check-in is for another department")
        if patient is None and identity is None:
            raise ValueError("an offline check-in needs the patient or at least the identity")
        if patient is not None and checkin.patient_id != patient.patient_id:
            raise ValueError("the check-in is for another patient")
        if patient is None:
            checkin = replace(checkin, patient_id="")  # the worker looks it up on sync
        key = checkin.idempotency_key
        priority_queue = checkin.priority.is_priority
        now = self._clock()
        with self._store.write() as conn:
            row = conn.execute(
                "SELECT state, provisional_number, leased FROM outbox WHERE idempotency_key = ?",
                (key,),
            ).fetchone()
            if row is not None and row[0] in (OutboxState.SYNCED.value, OutboxState.REJECTED.value):
                raise ValueError("this check-in is already settled with the hospital")
            if row is not None and row[0] == OutboxState.PENDING.value:
                number, leased = row[1], bool(row[2])  # issued before: the same number again
            else:
                # A row the front path already sent (ONLINE) went out without a leased number;
                # its key must keep that body (issue 14), so its number is the kiosk's own.
                sent_once = row is not None and row[0] == OutboxState.ONLINE.value
                taken = self._numbers.take(
                    conn, now.date(), department.code, priority_queue, lease=not sent_once
                )
                number, leased = taken.number, taken.leased
                label = self._label(number, leased, checkin)
                payload = seal_payload(self._store, checkin, None if patient else identity)
                if row is None:
                    insert_row(
                        conn,
                        payload=payload,
                        checkin=checkin,
                        state=OutboxState.PENDING,
                        priority_queue=priority_queue,
                        now=now.timestamp(),
                    )
                conn.execute(
                    "UPDATE outbox SET state = 'pending', payload = ?, provisional_number = ?,"
                    " provisional_label = ?, leased = ? WHERE idempotency_key = ?",
                    (payload, number, label, int(leased), key),
                )
                citizen_id = (patient.citizen_id if patient else None) or (
                    identity.citizen_id if identity else None
                )
                record_ticket(
                    conn, self._store.sealer, checkin, label=label, provisional=True,
                    room=department.room, floor=department.floor, issued_at=now.timestamp(),
                    citizen_id=citizen_id,
                )  # fmt: skip
        logger.info(
            "offline check-in queued for %s (%s number)",
            department.code,
            "leased" if leased else "kiosk",
        )
        self._on_queued()
        return IssuedTicket(
            self._ticket(checkin, department, patient, identity, number, leased, now),
            number,
            leased,
        )

    def begin_online(self, checkin: CheckIn) -> bool:
        """Record an online registration about to be sent; False: the outbox owns this key.

        Call before sending; when it says False (the check-in was already queued offline)
        do not send: the sync worker will, and two requests must never fly for one key.
        """
        with self._store.write() as conn:
            row = conn.execute(
                "SELECT state FROM outbox WHERE idempotency_key = ?", (checkin.idempotency_key,)
            ).fetchone()
            if row is not None:
                return str(row[0]) == OutboxState.ONLINE.value
            now = self._clock().timestamp()
            insert_row(
                conn,
                payload=seal_payload(self._store, checkin, None),
                checkin=checkin,
                state=OutboxState.ONLINE,
                priority_queue=checkin.priority.is_priority,
                now=now,
            )
            # Before it is sent: a crash from here to the printer leaves a visit to list.
            record_ticket(conn, self._store.sealer, checkin, label="", provisional=False,
                          room="", floor=0, issued_at=now, citizen_id=None)  # fmt: skip
        return True

    def finish_online(
        self, checkin: CheckIn, registration: Registration | None, *, printed_label: str = ""
    ) -> None:
        """The online answer: registered (give `registration`), or refused on screen (None).

        After a transient failure call `issue` instead (a provisional ticket, same key).
        """
        key = checkin.idempotency_key
        now = self._clock().timestamp()
        with self._store.write() as conn:
            if registration is None:
                deleted = conn.execute(
                    "DELETE FROM outbox WHERE idempotency_key = ? AND state = 'online'", (key,)
                ).rowcount
                if deleted:
                    conn.execute("DELETE FROM tickets WHERE idempotency_key = ?", (key,))
                return
            row = conn.execute(
                "SELECT state FROM outbox WHERE idempotency_key = ?", (key,)
            ).fetchone()
            if row is not None and row[0] != OutboxState.ONLINE.value:
                # The answer came after the flow had given up on it and queued the visit (a
                # provisional ticket is out): settled as the sync would settle it.
                settled_late(conn, key, registration, now)
                return
            conn.execute(
                "UPDATE outbox SET state = 'synced', payload = NULL, finished_at = ?,"
                " hospital_number = ?, visit_id = ? WHERE idempotency_key = ?",
                (now, registration.queue_number, registration.visit_id, key),
            )
            record_ticket(
                conn, self._store.sealer, checkin,
                label=printed_label or str(registration.queue_number), provisional=False,
                room=registration.room, floor=registration.floor, issued_at=now,
                citizen_id=None, hospital_number=registration.queue_number,
                visit_id=registration.visit_id,
            )  # fmt: skip

    def _label(self, number: int, leased: bool, checkin: CheckIn) -> str:
        label = self._queue_label(number, checkin.service, checkin.priority)
        # The kiosk's own numbers carry its prefix: they are not the hospital's numbers.
        return label if leased else f"{self._prefix}-{label}"

    def _ticket(
        self,
        checkin: CheckIn,
        department: Department,
        patient: Patient | None,
        identity: Identity | None,
        number: int,
        leased: bool,
        now: datetime,
    ) -> Ticket:
        name = patient.full_name if patient else (identity.full_name if identity else None)
        priority = checkin.priority.is_priority
        waiting = department.waiting_priority if priority else department.waiting
        return Ticket(
            hospital_name=self._hospital_name,
            queue_label=self._label(number, leased, checkin),
            department_name=department.name,
            room=department.room,
            floor=department.floor,
            directions=department.directions,
            masked_name=mask_name(name) if name else "",
            birth_year=_birth_year(patient, identity),
            service=checkin.service,
            priority=checkin.priority,
            issued_at=now,
            people_ahead=waiting,  # as last known: the hospital's queue is out of sight
            estimated_wait_minutes=department.estimated_wait_minutes if not priority else 0,
            visit_id="",  # none until the hospital registers the visit
            footer=self._footer,
            provisional=True,
            identity_check=checkin.identity_check,
        )


def _birth_year(patient: Patient | None, identity: Identity | None) -> int:
    """From the record or the identity; else from the 12-digit ID (century code + 2 digits)."""
    if patient is not None:
        return patient.birth.year
    if identity is not None and identity.birth is not None:
        return identity.birth.year
    cid = identity.citizen_id if identity else None
    if cid and len(cid) == 12 and cid.isdigit() and cid[3] in "0123":
        return (1900 if cid[3] in "01" else 2000) + int(cid[4:6])
    return 0  # unknown: the ticket shows no year
