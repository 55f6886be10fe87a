"""One module: every HospitalApi call over FHIR shares the search, transaction and retry helpers.
`FhirHospitalClient`: HospitalApi over a hospital's FHIR R4 server (httpx, JSON).

Interactions (REFERENCE.md §6); resource mapping in fhir_mapping.py, HTTP (credentials,
bundles, status -> typed error) in fhir_http.py over transport.py (deadline, timeouts,
retries), credentials as an httpx.Auth in fhir_auth.py:

    find_patient     POST Patient/_search identifier=system|value, _revinclude=Coverage:beneficiary
                     (numbers in the body, not the URL), CCCD first, then BHYT: 1-2 round trips
    appointments     GET Appointment?patient=&date=ge..&date=lt..&status=booked (the day in the
                     kiosk's time zone)                                                  1
    departments      GET HealthcareService?active=true&_include=HealthcareService:location  1
    history          GET Encounter?patient=&_sort=-date&_count=                         1
    visits_on        GET Encounter?patient=&date=ge..&date=lt..&identifier=<queue-number
                     system>| (the kiosks' own Encounters of the day)                   1
    create_patient   a transaction: POST Patient If-None-Exist on the CCCD (else BHYT)
                     identifier (conditional create alone is not atomic on every server)  1
    register_visit   one transaction (counter PUT If-Match, Encounter POST If-None-Exist on the
                     idempotency key, Appointment PUT If-Match -> arrived) when the client
                     holds the versions from earlier answers (departments() and appointments()
                     of this check-in, the counter from its last one): 1. Otherwise, or after
                     a 412, first a batch of reads (Encounter by key, counter, department with
                     its Location, appointment): 2, 3 after a stale counter; +1 for the day's
                     first use of a counter (a conditional create, in a transaction)
    lease_queue_numbers  a batch of reads, then a transaction with a Basic lease record      2
    resolve_identity a code the hospital issued (VNeID, booking QR) is an identifier of its own
                     records, in the configured `hospital.fhir_code_system`: one batch of
                     Patient?identifier= and Appointment?identifier=&_include=Appointment:patient
                     (the code in the body, not the URL); None when no system is configured or
                     no record carries the code                                          1
    health           GET metadata?_summary=true, one attempt

Searches (departments, appointments, history) follow the searchset's "next" links when a
server answers fewer matches than asked for (fhir_http.py); each extra page is a round trip.

A check-in (lookup -> register) is 4 round trips, as with the REST contract; a naive FHIR
sequence takes 11 (tests/benchmarks/fhir.py).

Queue numbers: FHIR has no queue, and a hospital-assigned number would need code on the FHIR
server. So the kiosk takes the next number itself from a counter kept on the FHIR server (a
Basic resource per department, day and queue) by optimistic concurrency: it writes n+1 with
If-Match on the version it read, inside the same transaction that creates the Encounter, so
number and Encounter commit together or not at all; a 412 (another kiosk was faster) re-reads
and tries again. Any FHIR server with versioning, If-Match and atomic transactions can do this
(conditional creates are sent inside transactions for the same reason). The number is
on the Encounter as an identifier. A retry of the same check-in finds its Encounter by the
idempotency-key identifier (the conditional create returns it even on the one-transaction
path); a replay can at most skip a number, never give two.

Errors: transport failures, 429 and 5xx -> HospitalUnavailable (after retries for reads);
401 -> one token refresh, then HospitalRejected("unauthorized"); 403 "forbidden"; 400/422
"invalid_request"; 409/412 retried, then HospitalUnavailable; answers that are not FHIR JSON
or lack needed elements -> HospitalProtocolError. Logs name the interaction and status only.
"""

from __future__ import annotations

import logging
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx

from kiosk.core.backoff import backoff_seconds
from kiosk.core.domain import (
    Appointment,
    CheckIn,
    Department,
    Identity,
    Patient,
    PriorityGroup,
    Registration,
    ServiceType,
    TodayVisit,
    Visit,
)
from kiosk.core.ports import (
    HospitalError,
    HospitalProtocolError,
    HospitalRejected,
    HospitalUnavailable,
    LeaseRequest,
    NumberLease,
)
from kiosk.core.tickets import queue_label
from kiosk.hospital import bounds
from kiosk.hospital import fhir_mapping as fm
from kiosk.hospital.client_base import HospitalClientBase, lookup_numbers
from kiosk.hospital.fhir_http import (
    Answer,
    Conflict,
    FhirHttp,
    etag_of,
    expect,
    post_entry,
    put_entry,
    query,
    split,
)
from kiosk.hospital.transport import AnswerUnknown

logger = logging.getLogger(__name__)
Mapped = TypeVar("Mapped")  # what a FHIR resource decodes to

MAX_HISTORY = 50
MAX_RESOLVE_PAYLOAD = 4096  # as the REST contract's
PAGE_SIZE = 100  # the _count of a search: one page for any kiosk search on most servers
MAX_LEASE = 50
_WRITE_ATTEMPTS = 4  # counter races and unknown outcomes, per register / lease
_BACKOFF_FIRST = 0.05
_BACKOFF_CAP = 0.4
_MAX_KNOWN = 256  # appointments / counters remembered for the registrations that follow


@dataclass(frozen=True)
class _Plan:
    """What one register transaction writes, with the versions it expects to replace."""

    department: Department
    location_id: str | None
    counter_key: str
    counter: tuple[fm.Resource, str] | None  # resource, ETag; None with a leased number
    appointment: tuple[fm.Resource, str] | None
    leased_number: int | None


class FhirHospitalClient(HospitalClientBase):
    """HospitalApi for a FHIR R4 server at `base_url` (e.g. "https://his.example/fhir").

    Thread-safe.
    """

    def __init__(
        self,
        base_url: str,
        systems: fm.FhirSystems,
        *,
        credentials: httpx.Auth | None = None,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        deadline: float = 8.0,
        retries: int = 2,
        page_size: int = PAGE_SIZE,
        transport: httpx.BaseTransport | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC).astimezone(),
    ) -> None:
        if not systems.citizen_id or not systems.insurance:
            raise ValueError("the CCCD and BHYT identifier systems are required")
        self._http = FhirHttp(
            base_url, credentials=credentials, connect_timeout=connect_timeout,
            read_timeout=read_timeout, deadline=deadline, retries=retries, transport=transport,
            ssl_context=ssl_context,
        )  # fmt: skip
        self._systems = systems
        self._page = str(page_size)
        self._clock = clock
        self._jitter = random.Random()
        # Versions seen in earlier answers, so a check-in can often skip its batch of reads.
        self._lock = threading.Lock()
        self._known_departments: dict[str, tuple[Department, str | None]] = {}
        self._known_counters: dict[str, tuple[fm.Resource, str]] = {}
        self._known_appointments: dict[str, tuple[fm.Resource, str]] = {}

    # --- HospitalApi ------------------------------------------------------------------

    def health(self) -> bool:
        """CapabilityStatement answered and says FHIR R4 (or R4B); one attempt, False on failure."""
        try:
            answer = self._http.send(
                "GET", "metadata", params={"_summary": "true"}, idempotent=True, retries=0
            )
            expect(answer, (200,), "GET metadata")
            return str(answer.body.get("fhirVersion", "")).startswith(("4.0", "4.3"))  # R4, R4B
        except HospitalError as error:
            logger.warning("FHIR health check failed: %s", type(error).__name__)
            return False

    def departments(self) -> list[Department]:
        params = {"active": "true", "_include": "HealthcareService:location", "_count": self._page}
        services, included = self._http.search("HealthcareService", params)
        locations = {r["id"]: r for r in included if r.get("resourceType") == "Location"}
        mapped: list[Department] = self._map(
            lambda: [fm.department_from(s, locations, self._systems) for s in services],
            cleaned=False,
        )
        where = {d.code: fm.location_id_of(s) for d, s in zip(mapped, services, strict=True)}
        departments = bounds.clean(mapped)  # one broken department is dropped, not all
        with self._lock:
            self._known_departments = {d.code: (d, where[d.code]) for d in departments}
        return departments

    def find_patient(self, identity: Identity) -> Patient | None:
        """By CCCD number, then by BHYT number; None if neither finds a record."""
        lookups = lookup_numbers(
            identity, citizen_id=self._systems.citizen_id, insurance_number=self._systems.insurance
        )
        deadline_at = self._http.deadline_from_now()
        for system, value in lookups:
            form = {"identifier": f"{system}|{value}", "_revinclude": "Coverage:beneficiary"}
            answer = self._http.send(
                "POST", "Patient/_search", form=form, idempotent=True, deadline_at=deadline_at
            )
            bundle = expect(answer, (200,), "POST Patient/_search")
            patients, included = split(bundle)
            if len(patients) > 1:
                raise HospitalRejected("patient_ambiguous", "several records carry this number")
            if patients:
                return self._patient(patients[0], included)
        return None

    def _patient(self, patient: fm.Resource, included: list[fm.Resource]) -> Patient:
        coverages = [
            r for r in included
            if r.get("resourceType") == "Coverage"
            and fm.reference_id(r.get("beneficiary"), "Patient") == patient.get("id")
        ]  # fmt: skip
        today = self._clock().date()
        return self._map(lambda: fm.patient_from(patient, coverages, self._systems, today))

    def resolve_identity(self, payload: str) -> Identity | None:
        """Whose record carries this code: a Patient directly, or an Appointment's patient.
        None when no code system is configured, nobody has the code, or several do."""
        code = payload.strip()
        if not 1 <= len(code) <= MAX_RESOLVE_PAYLOAD:
            raise HospitalRejected(
                "invalid_request", f"a payload to resolve has 1 to {MAX_RESOLVE_PAYLOAD} chars"
            )
        if not self._systems.code:
            return None
        token = f"{_escaped(self._systems.code)}|{_escaped(code)}"
        found = self._http.batch(
            [
                query("Patient", identifier=token),
                query("Appointment", identifier=token, _include="Appointment:patient"),
            ],
            self._http.deadline_from_now(),
        )
        patients, _ = split(expect(found[0], (200,), "GET Patient"))
        appointments, included = split(expect(found[1], (200,), "GET Appointment"))
        booked_for = {
            fm.reference_id(p.get("actor"), "Patient")
            for a in appointments
            for p in a.get("participant") or ()
        }
        patients += [
            r for r in included if r.get("resourceType") == "Patient" and r.get("id") in booked_for
        ]
        people = {str(p.get("id")): p for p in patients}
        if len(people) > 1:
            logger.warning("resolve: %d records carry one code", len(people))
            return None
        if not people:
            return None
        identity = self._map(lambda: fm.identity_from(next(iter(people.values())), self._systems))
        if not (identity.citizen_id or identity.insurance_number):
            return None  # a record the kiosk could not look up again
        return identity

    def create_patient(self, identity: Identity, idempotency_key: str) -> Patient:
        """Conditional create on the identity's own number: a retry (or a second kiosk)
        finds the record made the first time instead of making another."""
        if not identity.can_register_new_patient:
            raise HospitalRejected("invalid_request", "the identity lacks data for a new record")
        resource = fm.new_patient(identity, self._systems)
        first = resource["identifier"][0]
        condition = urlencode({"identifier": f"{first['system']}|{first['value']}"})
        deadline_at = self._http.deadline_from_now()
        body, _ = self._create_once(resource, condition, deadline_at)
        today = self._clock().date()
        return self._map(lambda: fm.patient_from(body, [], self._systems, today))

    def appointments(self, patient_id: str, day: date) -> list[Appointment]:
        params = [
            ("patient", f"Patient/{patient_id}"),
            *self._dated(day),
            ("status", "booked"),
            ("_count", self._page),
        ]
        if self._systems.department:
            params.append(("_include", "Appointment:actor"))
        resources, included = self._http.search("Appointment", tuple(params))
        codes = {
            r["id"]: fm.department_code_of(r, self._systems)
            for r in included
            if r.get("resourceType") == "HealthcareService"
        }
        found = self._map(lambda: [fm.appointment_from(r, codes) for r in resources])
        with self._lock:
            if len(self._known_appointments) > _MAX_KNOWN:  # patients who never registered
                self._known_appointments.clear()
            for resource in resources:
                version = (resource.get("meta") or {}).get("versionId")
                if version:
                    self._known_appointments[resource["id"]] = (resource, f'W/"{version}"')
        return sorted(found, key=lambda a: a.starts_at)

    def history(self, patient_id: str, limit: int) -> list[Visit]:
        if not 1 <= limit <= MAX_HISTORY:
            raise ValueError(f"limit must be from 1 to {MAX_HISTORY}")
        params = {
            "patient": f"Patient/{patient_id}",
            "_sort": "-date",
            "_count": str(min(limit, int(self._page))),
        }

        resources, _ = self._http.search(
            "Encounter", params, enough=lambda found: len(_not_cancelled(found)) >= limit
        )
        return self._map(lambda: [fm.visit_from(r) for r in _not_cancelled(resources)[:limit]])

    def visits_on(self, patient_id: str, day: date) -> list[TodayVisit]:
        params = [
            ("patient", f"Patient/{patient_id}"),
            *self._dated(day),
            ("identifier", f"{self._systems.own('queue-number')}|"),
            ("_count", self._page),
        ]
        resources, _ = self._http.search("Encounter", tuple(params))
        found = self._map(lambda: [self._todays_visit(r) for r in _not_cancelled(resources)])
        # A server may ignore the date parameters (unsupported search parameters are skipped,
        # not refused): only the day's visits, on the kiosk's own calendar.
        tz = self._clock().tzinfo
        found = [v for v in found if v.registered_at.astimezone(tz).date() == day]
        return sorted(found, key=lambda v: v.registered_at)

    def _dated(self, day: date) -> list[tuple[str, str]]:
        """The `date` search parameters for `day` in the kiosk's own time zone: a server would
        otherwise pick its own (UTC), and an 06:00 appointment in Vietnam starts on the
        previous UTC day."""
        start = datetime.combine(day, datetime.min.time(), self._clock().tzinfo)
        end = start + timedelta(days=1)
        return [("date", f"ge{start.isoformat()}"), ("date", f"lt{end.isoformat()}")]

    def _todays_visit(self, encounter: fm.Resource) -> TodayVisit:
        """An Encounter this client created (new_encounter) as a visit to print again; room and
        floor come from the department the flow already holds."""
        where = f"Encounter/{encounter.get('id', '?')}"
        number = fm.identifier_value(encounter, self._systems.own("queue-number")) or ""
        codes = {
            coding.get("system"): coding.get("code")
            for concept in (encounter.get("serviceType"), *(encounter.get("type") or ()))
            for coding in (concept or {}).get("coding") or ()
        }
        department = codes.get(self._systems.own("department"))
        service = codes.get(self._systems.own("service"))
        group = fm.extension_value(encounter, self._systems.own("priority-group"), "Code")
        start = (encounter.get("period") or {}).get("start")
        if not number.isdigit() or not department or service not in ("insurance", "paid"):
            raise fm.FhirShapeError(f"{where}: not a kiosk visit (number, department, service)")
        priority = {g.value: g for g in PriorityGroup}.get(group, PriorityGroup.NONE)
        service_type = ServiceType(service)
        try:
            registered_at = datetime.fromisoformat(start) if start else self._clock()
        except ValueError as error:
            raise fm.FhirShapeError(f"{where}.period.start: not a date-time") from error
        return TodayVisit(
            visit_id=str(encounter.get("id", "")),
            department_code=department,
            queue_label=queue_label(int(number), service_type, priority),
            service=service_type,
            priority=priority,
            room="",
            floor=0,
            registered_at=registered_at,
        )

    def register_visit(self, checkin: CheckIn, *, leased_number: int | None = None) -> Registration:
        """One transaction when the client still holds what it needs from earlier calls (the
        department, the counter's version from its last check-in, the appointment from
        appointments()); otherwise, or when that transaction meets a newer version (412), a
        batch of reads first. See the module docstring for why retries are safe."""
        if leased_number is not None and leased_number < 1:
            raise ValueError("a leased queue number is at least 1")
        deadline_at = self._http.deadline_from_now()
        plan = self._cached_plan(checkin, leased_number)
        if plan is not None:
            try:
                return self._commit(checkin, plan, deadline_at)
            except (Conflict, AnswerUnknown) as error:
                logger.info("register: %s on the cached versions, reading", type(error).__name__)
                self._forget(plan)
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            plan_or_done = self._read_plan(checkin, leased_number, deadline_at)
            if isinstance(plan_or_done, Registration):
                return plan_or_done
            try:
                return self._commit(checkin, plan_or_done, deadline_at)
            except (Conflict, AnswerUnknown) as error:
                # A faster kiosk took the number, staff edited the appointment, or our own
                # transaction's outcome is unknown: read again; the key finds a committed one.
                logger.info("register: %s, attempt %d", type(error).__name__, attempt)
                self._forget(plan_or_done)
                if not self._pause(attempt, deadline_at):
                    raise HospitalUnavailable("register: the FHIR server stayed busy") from error
        raise HospitalUnavailable("register: the FHIR server stayed busy")

    def lease_queue_numbers(self, request: LeaseRequest) -> NumberLease:
        """`count` numbers taken from the department's counter at once, recorded as a Basic
        lease resource identified by the key (so a retry returns the same lease)."""
        if not 1 <= request.count <= MAX_LEASE:
            raise ValueError(f"count must be from 1 to {MAX_LEASE}")
        deadline_at = self._http.deadline_from_now()
        lease_search = query(
            "Basic", identifier=f"{self._systems.own('queue-lease')}|{request.idempotency_key}"
        )

        def decode(resource: fm.Resource) -> NumberLease:
            return self._map(lambda: fm.lease_from(resource, request, self._systems))

        queue = (request.department_code, request.day, request.priority_queue)
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            found = self._http.batch([lease_search, self._counterquery(*queue)], deadline_at)
            existing, _ = split(found[0].body)
            if existing:
                return decode(existing[0])
            counter, etag = self._counter(found[1], *queue, deadline_at)
            first = fm.counter_value(counter, self._systems) + 1
            last = first + request.count - 1
            lease = fm.new_lease(request, first, last, self._systems)
            writes = [
                put_entry(counter, etag, fm.advanced_counter(counter, last, self._systems)),
                post_entry(lease, lease_search.split("?", 1)[1]),
            ]
            try:
                results = self._http.transaction(writes, deadline_at)
            except (Conflict, AnswerUnknown) as error:
                if not self._pause(attempt, deadline_at):
                    raise HospitalUnavailable("lease: the FHIR server stayed busy") from error
                continue
            return decode(self._written(results[1], "Basic"))
        raise HospitalUnavailable("lease: the FHIR server stayed busy")

    def close(self) -> None:
        self._http.close()

    # --- register / lease helpers -----------------------------------------------------

    def _key_search(self, checkin: CheckIn) -> str:
        key = f"{self._systems.own('idempotency-key')}|{checkin.idempotency_key}"
        return query("Encounter", identifier=key)

    def _cached_plan(self, checkin: CheckIn, leased_number: int | None) -> _Plan | None:
        key = fm.counter_key(
            checkin.department_code, self._clock().date(), checkin.priority.is_priority
        )
        with self._lock:
            department = self._known_departments.get(checkin.department_code)
            counter = self._known_counters.get(key) if leased_number is None else None
            appointment = None
            if checkin.appointment_id:
                appointment = self._known_appointments.get(checkin.appointment_id)
        if department is None or (leased_number is None and counter is None):
            return None
        if checkin.appointment_id and appointment is None:
            return None
        return _Plan(department[0], department[1], key, counter, appointment, leased_number)

    def _read_plan(self, checkin: CheckIn, leased_number: int | None,
                   deadline_at: float) -> _Plan | Registration:  # fmt: skip
        """What a transaction needs, read in one batch; or the registration already made."""
        day = self._clock().date()
        priority_queue = checkin.priority.is_priority
        reads = [self._key_search(checkin), self._departmentquery(checkin.department_code)]
        if leased_number is None:
            reads.append(self._counterquery(checkin.department_code, day, priority_queue))
        if checkin.appointment_id:
            reads.append(f"Appointment/{checkin.appointment_id}")
        found = self._http.batch(reads, deadline_at)
        department, location_id = self._department(found[1], checkin.department_code)
        existing, _ = split(found[0].body)
        if existing:
            return self._registration(existing[0], department, priority_queue)
        key = fm.counter_key(checkin.department_code, day, priority_queue)
        counter = None
        if leased_number is None:
            counter = self._counter(found[2], checkin.department_code, day, priority_queue,
                                    deadline_at)  # fmt: skip
        appointment = None
        if checkin.appointment_id:
            if found[-1].status == 404:
                raise HospitalRejected("appointment_not_found")
            resource = expect(found[-1], (200,), "GET Appointment")
            appointment = (resource, found[-1].etag or etag_of(resource))
        return _Plan(department, location_id, key, counter, appointment, leased_number)

    def _commit(self, checkin: CheckIn, plan: _Plan, deadline_at: float) -> Registration:
        """The transaction: counter n+1 (If-Match), the Encounter (If-None-Exist on the key),
        the appointment arrived (If-Match)."""
        writes: list[dict[str, Any]] = []
        if plan.counter is not None:
            counter, etag = plan.counter
            number = fm.counter_value(counter, self._systems) + 1
            writes.append(
                put_entry(counter, etag, fm.advanced_counter(counter, number, self._systems))
            )
        else:
            assert plan.leased_number is not None
            number = plan.leased_number
        encounter = fm.new_encounter(
            checkin, number, plan.location_id, self._systems, self._clock()
        )
        encounter_index = len(writes)
        writes.append(post_entry(encounter, self._key_search(checkin).split("?", 1)[1]))
        if plan.appointment is not None:
            resource, etag = plan.appointment
            if resource.get("status") in ("booked", "pending"):
                marked = fm.arrived_appointment(resource, checkin.patient_id)
                writes.append(put_entry(resource, etag, marked))
        results = self._http.transaction(writes, deadline_at)
        with self._lock:
            if plan.counter is not None and isinstance(results[0].body, dict):
                if len(self._known_counters) > _MAX_KNOWN:  # counters of past days
                    self._known_counters.clear()
                stored = results[0].body
                self._known_counters[plan.counter_key] = (
                    stored,
                    results[0].etag or etag_of(stored),
                )
            if checkin.appointment_id:
                self._known_appointments.pop(checkin.appointment_id, None)
        stored_encounter = self._written(results[encounter_index], "Encounter")
        return self._registration(stored_encounter, plan.department, checkin.priority.is_priority)

    def _forget(self, plan: _Plan) -> None:
        with self._lock:
            self._known_counters.pop(plan.counter_key, None)
            if plan.appointment is not None:
                self._known_appointments.pop(plan.appointment[0].get("id", ""), None)

    def _departmentquery(self, code: str) -> str:
        include = {"_include": "HealthcareService:location"}
        if self._systems.department:
            return query(
                "HealthcareService", identifier=f"{self._systems.department}|{code}", **include
            )
        return query("HealthcareService", _id=code, **include)

    def _department(self, answer: Answer, code: str) -> tuple[Department, str | None]:
        services, included = split(expect(answer, (200,), "GET HealthcareService"))
        if not services:
            raise HospitalRejected("department_not_found")
        locations = {r["id"]: r for r in included if r.get("resourceType") == "Location"}
        department = self._map(lambda: fm.department_from(services[0], locations, self._systems))
        return department, fm.location_id_of(services[0])

    def _counterquery(self, department_code: str, day: date, priority_queue: bool) -> str:
        key = fm.counter_key(department_code, day, priority_queue)
        return query("Basic", identifier=f"{self._systems.own('queue-counter')}|{key}")

    def _counter(self, answer: Answer, department_code: str, day: date, priority_queue: bool,
                 deadline_at: float) -> tuple[fm.Resource, str]:  # fmt: skip
        """The counter resource and its ETag; created (conditionally) on the day's first use."""
        counters, _ = split(expect(answer, (200,), "GET Basic"))
        if len(counters) > 1:
            # Only a server whose conditional create is not atomic gets here. Every kiosk
            # then picks the same one, so they stop handing out the same numbers.
            logger.error("%d queue counters for one department, day and queue", len(counters))
        if counters:
            counter = min(counters, key=lambda c: str(c.get("id")))
            return counter, etag_of(counter)
        key = fm.counter_key(department_code, day, priority_queue)
        condition = urlencode({"identifier": f"{self._systems.own('queue-counter')}|{key}"})
        return self._create_once(fm.new_counter(key, day, self._systems), condition, deadline_at)

    def _create_once(self, resource: fm.Resource, condition: str,
                     deadline_at: float) -> tuple[fm.Resource, str]:  # fmt: skip
        """Conditional create (If-None-Exist) as a one-entry transaction: a bare conditional
        create is not atomic on every server (two kiosks at once would make two records);
        a transaction is. Safe to resend: the condition finds the first one."""
        [answer] = self._http.transaction(
            [post_entry(resource, condition)], deadline_at, idempotent=True
        )
        created = self._written(answer, resource["resourceType"])
        return created, answer.etag or etag_of(created)

    def _registration(self, encounter: fm.Resource, department: Department,
                      priority_queue: bool) -> Registration:  # fmt: skip
        return self._map(lambda: fm.registration_from(
            encounter, department, self._systems, priority_queue=priority_queue
        ))  # fmt: skip

    def _written(self, answer: Answer, resource_type: str) -> fm.Resource:
        if isinstance(answer.body, dict) and answer.body.get("resourceType") == resource_type:
            return answer.body
        if not answer.location:  # the server answered return=minimal: read what it stored
            raise HospitalProtocolError(
                f"transaction: {resource_type} without resource or location"
            )
        path = answer.location.split("/_history")[0]
        parts = path.rstrip("/").split("/")
        stored = self._http.get(f"{parts[-2]}/{parts[-1]}", None)
        if not isinstance(stored, dict) or stored.get("resourceType") != resource_type:
            raise HospitalProtocolError(f"transaction: {resource_type} read back as another thing")
        return stored

    def _pause(self, attempt: int, deadline_at: float) -> bool:
        if attempt >= _WRITE_ATTEMPTS:
            return False
        backoff = backoff_seconds(attempt, _BACKOFF_FIRST, _BACKOFF_CAP, self._jitter)
        if time.monotonic() + backoff >= deadline_at:
            return False
        time.sleep(backoff)
        return True

    @staticmethod
    def _map(decode: Callable[[], Mapped], *, cleaned: bool = True) -> Mapped:
        """The mapped answer, bounded and cleaned (kiosk.hospital.bounds) unless the caller
        cleans it itself."""
        broken = (fm.FhirShapeError, KeyError, TypeError, AttributeError, bounds.OutOfBounds)
        try:
            mapped = decode()
            return bounds.clean(mapped) if cleaned else mapped
        except broken as error:
            raise HospitalProtocolError(f"FHIR resource: {error}") from error


def _not_cancelled(resources: list[fm.Resource]) -> list[fm.Resource]:
    """Without the Encounters that never happened (cancelled, or entered in error)."""
    return [r for r in resources if r.get("status") not in ("cancelled", "entered-in-error")]


def _escaped(value: str) -> str:
    """A token search part with FHIR's separators escaped (a code may contain | , $)."""
    for char in "\\|,$":
        value = value.replace(char, "\\" + char)
    return value
