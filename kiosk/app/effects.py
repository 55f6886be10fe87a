"""The imperative shell: performs the flow's I/O effects on worker threads.

Each effect becomes one task on a small thread pool; its outcome comes back through `post` as
one of the flow's events. Every task ends in exactly one event, whatever happens, so a screen
that waits for an answer always gets one. Timers and staff alerts are the composition root's
business (they need the GUI event loop), not this module's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from kiosk.core.domain import PrinterError
from kiosk.core.flow import (
    Call,
    CodeNotResolved,
    CodeResolved,
    CreatePatient,
    Event,
    HistoryLoaded,
    IOEffect,
    LoadHistory,
    LookupOffline,
    LookupPatient,
    PatientFound,
    PatientNotFound,
    PrintFailed,
    PrintTicket,
    Problem,
    QueuedOffline,
    QueueOffline,
    RegisterVisit,
    Request,
    RequestFailed,
    ResolveCode,
    TicketPrinted,
    VisitRegistered,
)
from kiosk.core.ports import (
    HospitalApi,
    HospitalError,
    HospitalRejected,
    HospitalUnavailable,
    OfflineService,
    OfflineUnavailable,
    TicketPrinter,
)

log = logging.getLogger(__name__)


class EffectRunner:
    def __init__(
        self,
        hospital: HospitalApi,
        printer: TicketPrinter,
        post: Callable[[Event], None],
        clock: Callable[[], datetime],
        *,
        offline: OfflineService | None = None,
        workers: int = 4,
    ) -> None:
        self._hospital = hospital
        self._offline = offline
        self._printer = printer
        self._post = post
        self._clock = clock
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hospital")
        # One printer, one thread: jobs never interleave, and the ticket images (the largest
        # allocations the kiosk makes) always come from the same malloc arena.
        self._printing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="printer")

    def run(self, effect: IOEffect) -> None:
        """Start an I/O effect in the background; its answer arrives through `post`."""
        pool = self._printing if isinstance(effect, PrintTicket) else self._pool
        pool.submit(self._perform, effect)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._printing.shutdown(wait=True, cancel_futures=True)

    def _perform(self, effect: IOEffect) -> None:
        started = time.perf_counter()
        try:
            event = self._answer(effect)
        except Exception:
            log.exception("effect %s failed unexpectedly", type(effect).__name__)
            event = effect.failed(Problem.HOSPITAL_ERROR)
        log.debug(
            "effect %s -> %s in %.1f ms",
            type(effect).__name__,
            type(event).__name__,
            (time.perf_counter() - started) * 1000,
        )
        self._post(event)

    def _answer(self, effect: IOEffect) -> Event:
        hospital = self._hospital
        match effect:
            case PrintTicket(session=session, ticket=ticket):
                try:
                    self._printer.print_ticket(ticket)
                except PrinterError as error:
                    log.warning("ticket not printed: %s", error.problem.value)
                    return PrintFailed(session, error.problem)
                return TicketPrinted(session)
            case ResolveCode(session=session, payload=payload):
                try:
                    identity = hospital.resolve_identity(payload)
                except HospitalError as error:
                    return _hospital_failed(effect, error)
                return (
                    CodeNotResolved(session)
                    if identity is None
                    else CodeResolved(session, identity)
                )
            case LookupPatient(session=session, identity=identity):
                try:
                    patient = hospital.find_patient(identity)
                    if patient is None:
                        return PatientNotFound(session)
                    appointments = hospital.appointments(patient.patient_id, self._clock().date())
                    departments = hospital.departments()
                except HospitalError as error:
                    return _hospital_failed(effect, error)
                return PatientFound(session, patient, tuple(appointments), tuple(departments))
            case CreatePatient(session=session, identity=identity, idempotency_key=key):
                try:
                    patient = hospital.create_patient(identity, key)
                    departments = hospital.departments()
                except HospitalError as error:
                    return _hospital_failed(effect, error)
                return PatientFound(session, patient, (), tuple(departments))
            case LoadHistory(session=session, patient_id=patient_id, limit=limit):
                try:
                    visits = hospital.history(patient_id, limit)
                except HospitalError as error:
                    return _hospital_failed(effect, error)
                return HistoryLoaded(session, tuple(visits))
            case RegisterVisit(session=session, checkin=checkin):
                try:
                    registration = hospital.register_visit(checkin)
                except HospitalError as error:
                    return _hospital_failed(effect, error)
                return VisitRegistered(session, registration)
            case LookupOffline() | QueueOffline():
                return self._answer_offline(effect)
        raise TypeError(f"not an I/O effect: {type(effect).__name__}")

    def _answer_offline(self, effect: LookupOffline | QueueOffline) -> Event:
        offline = self._offline
        try:
            if offline is None:
                raise OfflineUnavailable("this kiosk keeps no offline store")
            if isinstance(effect, QueueOffline):
                ticket = offline.queue(
                    effect.checkin, effect.department, effect.patient, effect.identity
                )
                return QueuedOffline(effect.session, ticket)
            patient, departments = offline.look_up(effect.identity)
        except OfflineUnavailable as error:
            log.warning("offline %s failed: %s", effect.request.name.lower(), error)
            return effect.failed(Problem.HOSPITAL_UNAVAILABLE)
        if patient is None:
            return PatientNotFound(effect.session)
        return PatientFound(effect.session, patient, (), departments)


def _hospital_failed(call: Call, error: HospitalError) -> RequestFailed:
    if isinstance(error, HospitalUnavailable):
        problem = Problem.HOSPITAL_UNAVAILABLE
    elif isinstance(error, HospitalRejected) and call.request is Request.REGISTER:
        problem = Problem.REGISTRATION_REJECTED
    else:
        problem = Problem.HOSPITAL_ERROR
    log.warning("hospital %s failed: %s", call.request.name.lower(), type(error).__name__)
    return call.failed(problem)
