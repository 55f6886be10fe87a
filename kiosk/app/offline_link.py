"""The kiosk's own store (offline_cache) wired to the hospital client and the flow.

Part of the composition root. `OnlineThroughStore` wraps the hospital client: every call goes
through the health monitor (so a hospital that stops answering turns the kiosk offline within
seconds, and while offline calls fail at once instead of waiting out their deadline), what the
hospital answers is cached for later, and every online registration is recorded in the outbox
before it is sent. `OfflineLink` serves the flow's offline effects from the same store, and
`OfflineServices` builds and runs the lot, sync worker included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from kiosk.config import OfflineSection
from kiosk.core import domain
from kiosk.core.ports import (
    HospitalApi,
    HospitalFailed,
    HospitalProtocolError,
    HospitalRejected,
    HospitalUnavailable,
    LeaseRequest,
    NumberLease,
    OfflineUnavailable,
)
from kiosk.core.tickets import queue_label
from offline_cache import (
    RETRYABLE_CODES,
    Connectivity,
    ErrorPolicy,
    HealthMonitor,
    HealthSnapshot,
    KioskVisit,
    KioskVisits,
    LookupCache,
    OfflineDesk,
    OfflineStore,
    Outbox,
    QueueNumbers,
    StoreError,
    SyncWorker,
)

T = TypeVar("T")

logger = logging.getLogger(__name__)

POLICY = ErrorPolicy(
    unavailable=(HospitalUnavailable,),
    rejected=(HospitalRejected,),
    failed=(HospitalFailed, HospitalProtocolError),
)


class OnlineThroughStore:
    """`HospitalApi` over the real client, watched, cached and recorded (see the module)."""

    def __init__(
        self,
        inner: HospitalApi,
        monitor: HealthMonitor,
        cache: LookupCache,
        desk: OfflineDesk,
    ) -> None:
        self._inner = inner
        self._monitor = monitor
        self._cache = cache
        self._desk = desk

    def health(self) -> bool:
        return self._inner.health()

    def departments(self) -> list[domain.Department]:
        departments = self._call(self._inner.departments)
        self._cache.remember_departments(departments)
        return departments

    def find_patient(self, identity: domain.Identity) -> domain.Patient | None:
        patient = self._call(lambda: self._inner.find_patient(identity))
        if patient is not None:
            self._cache.remember_patient(patient, identity)
        return patient

    def resolve_identity(self, payload: str) -> domain.Identity | None:
        return self._call(lambda: self._inner.resolve_identity(payload))

    def create_patient(self, identity: domain.Identity, idempotency_key: str) -> domain.Patient:
        patient = self._call(lambda: self._inner.create_patient(identity, idempotency_key))
        self._cache.remember_patient(patient, identity)
        return patient

    def appointments(self, patient_id: str, day: date) -> list[domain.Appointment]:
        return self._call(lambda: self._inner.appointments(patient_id, day))

    def visits_on(self, patient_id: str, day: date) -> list[domain.TodayVisit]:
        return self._call(lambda: self._inner.visits_on(patient_id, day))

    def history(self, patient_id: str, limit: int) -> list[domain.Visit]:
        return self._call(lambda: self._inner.history(patient_id, limit))

    def lease_queue_numbers(self, request: LeaseRequest) -> NumberLease:
        return self._call(lambda: self._inner.lease_queue_numbers(request))

    def register_visit(
        self, checkin: domain.CheckIn, *, leased_number: int | None = None
    ) -> domain.Registration:
        if leased_number is not None:
            # Leased numbers are the outbox's: its row keeps the number, so a resend after a
            # crash carries the same body under the key. The row written below would not.
            raise ValueError("a visit with a leased number is registered by the outbox sync")
        if not self._monitor.online:
            raise HospitalUnavailable("the hospital is offline")
        if not self._desk.begin_online(checkin):
            raise HospitalUnavailable("already queued in the outbox")  # the sync sends it
        try:
            with self._monitor.watch():
                registration = self._inner.register_visit(checkin)
        except HospitalRejected as rejection:
            if rejection.code in RETRYABLE_CODES:
                # e.g. 409 request_in_progress still, after the client's own waits: the
                # hospital holds this key. Not a refusal: the flow queues it (same key, same
                # row) and the sync collects the hospital's answer.
                raise HospitalUnavailable(f"not settled yet: {rejection.code}") from rejection
            self._desk.finish_online(checkin, None)
            raise
        except HospitalProtocolError as error:
            # No usable answer: it may or may not be registered. The flow queues it under the
            # same key and the sync settles it; an unclear answer is never dropped.
            raise HospitalUnavailable(f"unclear answer: {error}") from error
        label = queue_label(registration.queue_number, checkin.service, checkin.priority)
        self._desk.finish_online(checkin, registration, printed_label=label)
        return registration

    def close(self) -> None:
        self._inner.close()

    def _call(self, call: Callable[[], T]) -> T:
        if not self._monitor.online:
            raise HospitalUnavailable("the hospital is offline")  # the probe brings it back
        with self._monitor.watch():
            return call()


class OfflineLink:
    """`kiosk.app.effects.OfflineService` over the store: cached lookups and provisional tickets."""

    def __init__(self, cache: LookupCache, desk: OfflineDesk, visits: KioskVisits) -> None:
        self._cache = cache
        self._desk = desk
        self._visits = visits

    def look_up(
        self, identity: domain.Identity
    ) -> tuple[domain.Patient | None, tuple[domain.Department, ...]]:
        cached = self._cache.departments()
        if cached is None:
            raise OfflineUnavailable("no departments cached yet")
        patient = self._cache.patient_for(identity)
        if patient is None and identity.can_register_new_patient:
            # Known only from the card or its code: registered for real when the sync runs.
            assert identity.full_name and identity.birth and identity.sex
            patient = domain.Patient(
                patient_id="",
                full_name=identity.full_name,
                birth=identity.birth,
                sex=identity.sex,
                citizen_id=identity.citizen_id,
            )
        return patient, cached.departments

    def queue(
        self,
        checkin: domain.CheckIn,
        department: domain.Department,
        patient: domain.Patient | None,
        identity: domain.Identity | None,
    ) -> domain.Ticket:
        try:
            issued = self._desk.issue(
                checkin, department=department, patient=patient, identity=identity
            )
        except StoreError as error:
            raise OfflineUnavailable(type(error).__name__) from error
        return issued.ticket

    def ticket_printed(self, idempotency_key: str) -> None:
        try:
            self._visits.mark_printed(idempotency_key, datetime.now().astimezone())
        except StoreError as error:  # the ticket is out; only the record of it is missing
            raise OfflineUnavailable(type(error).__name__) from error

    def visits_today(
        self, patient_id: str | None, citizen_id: str | None
    ) -> list[tuple[domain.TodayVisit, bool]]:
        try:
            found = self._visits.of_patient(
                start_of_today(), patient_id=patient_id, citizen_id=citizen_id
            )
        except StoreError as error:
            raise OfflineUnavailable(type(error).__name__) from error
        return [(visit.visit, visit.printed) for visit in found]


@dataclass
class OfflineServices:
    """Everything offline for one kiosk, started once the flow can hear the monitor."""

    store: OfflineStore
    outbox: Outbox
    monitor: HealthMonitor
    worker: SyncWorker
    hospital: OnlineThroughStore
    link: OfflineLink
    probe_client: HospitalApi
    visits: KioskVisits
    cache: LookupCache
    # Registered (or queued) today but no ticket printed, as found at start: a crash came
    # between the two. Staff mode lists them for a reprint (issue 14).
    unprinted_at_start: list[KioskVisit] = field(default_factory=list)

    def start(self, on_change: Callable[[HealthSnapshot], None]) -> None:
        self.monitor.add_listener(on_change)
        try:
            self.unprinted_at_start = self.visits.unprinted(start_of_today())
        except StoreError as error:  # staff mode asks again; the kiosk must start regardless
            logger.error("check-ins without a printed ticket not read: %s", error)
        if self.unprinted_at_start:
            logger.warning("%d check-ins of today have no printed ticket: listed in staff mode",
                           len(self.unprinted_at_start))  # fmt: skip
        self.worker.start()  # first: it resumes rows a crash left mid-request
        self.monitor.start()

    def unprinted(self) -> list[KioskVisit]:
        """Today's check-ins whose ticket never printed (staff mode's reprint list)."""
        return self.visits.unprinted(start_of_today())

    def reprint_ticket(self, found: KioskVisit, template: domain.Ticket) -> domain.Ticket:
        """The ticket of a check-in that never printed, on `template`'s hospital name and
        footer: the number, the department as last cached, no name (staff hand it over)."""
        visit = found.visit
        cached = self.cache.departments()
        known = {d.code: d for d in cached.departments} if cached is not None else {}
        department = known.get(visit.department_code)
        return replace(
            template,
            queue_label=visit.queue_label,
            department_name=department.name if department else visit.department_code,
            room=visit.room or (department.room if department else ""),
            floor=visit.floor or (department.floor if department else 0),
            directions=department.directions if department else "",
            masked_name="",
            birth_year=0,
            service=visit.service,
            priority=visit.priority,
            issued_at=visit.registered_at.astimezone(),
            people_ahead=0,
            estimated_wait_minutes=0,
            visit_id=visit.visit_id,
            provisional=visit.provisional,
            reprint=True,
        )

    def close(self) -> None:
        self.monitor.stop()
        self.worker.stop()
        self.probe_client.close()
        self.store.close()

    @property
    def online(self) -> bool:
        return self.monitor.state is Connectivity.ONLINE


def build_offline(
    section: OfflineSection,
    *,
    hospital: HospitalApi,
    probe_client: HospitalApi,
    default_folder: Path,
    kiosk_id: str,
    hospital_name: str,
    footer: str,
) -> OfflineServices:
    folder = Path(section.folder) if section.folder else default_folder
    key = Path(section.key_file) if section.key_file else folder / "offline.key"
    store = OfflineStore(folder / "kiosk.sqlite", key)
    cache = LookupCache(store, patient_ttl=timedelta(hours=section.patient_cache_hours))
    numbers = QueueNumbers(store)
    outbox = Outbox(store)
    monitor = HealthMonitor(
        probe_client.health, POLICY, outbox_size=outbox.size, last_sync=outbox.last_sync
    )

    def when_idle() -> None:
        store.purge(datetime.now().astimezone(), keep_synced=timedelta(days=section.keep_days))
        cached = cache.departments()
        if cached is not None and section.lease_block > 0:
            numbers.top_up(
                hospital,
                kiosk_id=kiosk_id,
                department_codes=[d.code for d in cached.departments],
                day=date.today(),
                block=section.lease_block,
            )

    worker = SyncWorker(outbox, hospital, POLICY, monitor=monitor, when_idle=when_idle)
    desk = OfflineDesk(
        store,
        numbers,
        hospital_name=hospital_name,
        footer=footer,
        kiosk_prefix=section.kiosk_prefix or short_prefix(kiosk_id),
        queue_label=queue_label,
        on_queued=worker.wake,
    )
    visits = KioskVisits(store, queue_label)
    return OfflineServices(
        store,
        outbox,
        monitor,
        worker,
        OnlineThroughStore(hospital, monitor, cache, desk),
        OfflineLink(cache, desk, visits),
        probe_client,
        visits,
        cache,
    )


def start_of_today() -> datetime:
    """Local midnight: the queue day is the hospital's calendar day."""
    now = datetime.now().astimezone()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def short_prefix(kiosk_id: str) -> str:
    """ "KIOSK-01" -> "K01": short enough for the printer's big digits, unique per kiosk."""
    digits = "".join(c for c in kiosk_id if c.isascii() and c.isdigit())
    return "K" + (digits[-3:] or "1")
