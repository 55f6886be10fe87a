"""The imperative shell: performs the flow's I/O effects on worker threads.

Each effect becomes one task with an outcome that comes back through `post` as one of the
flow's events. Every task ends in exactly one event, whatever happens, so a screen that waits
for an answer always gets one, and within `bound` seconds (issue 14): a hospital or store
task still running then is answered as "hospital unavailable" (the flow serves the patient
offline or says what to do next) and its late answer is dropped. Hospital and store tasks run
on threads of their own, not a fixed pool, so a call that hangs never takes the worker the
next patient needs; tickets print on one printer thread. Timers and staff alerts are the
composition root's business (they need the GUI event loop), not this module's.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from kiosk.core.domain import Identity, Patient, PaymentState, PrinterError, Ticket, TodayVisit
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
    PaymentSettled,
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
    WatchPayment,
)
from kiosk.core.payment.request import poll_delay
from kiosk.core.ports import (
    HospitalApi,
    HospitalError,
    HospitalRejected,
    HospitalUnavailable,
    OfflineService,
    OfflineUnavailable,
    PaymentApi,
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
        bound: float = 9.0,
        payments: PaymentApi | None = None,
    ) -> None:
        """`bound`: the seconds a hospital or store task may take before the flow hears
        "unavailable" (the hospital client's deadline plus a second). `payments`: the hospital
        that confirms payments at the kiosk (REST); None: a payment is never confirmed here."""
        if bound <= 0:
            raise ValueError("the bound must be positive")
        self._hospital = hospital
        self._offline = offline
        self._printer = printer
        self._post = post
        self._clock = clock
        self._bound = bound
        self._closing = False
        self._tasks: set[threading.Thread] = set()
        # The check-in each session registered or queued: its ticket's print is recorded.
        self._checkin_of: dict[int, str] = {}
        self._checkin_lock = threading.Lock()
        self._tasks_lock = threading.Lock()
        # One printer, one thread: jobs never interleave, and the ticket images (the largest
        # allocations the kiosk makes) always come from the same malloc arena.
        self._printing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="printer")
        self._payments = payments
        self._watches: dict[int, threading.Event] = {}  # session -> set to stop its watch

    def run(self, effect: IOEffect) -> None:
        """Start an I/O effect in the background; its answer arrives through `post`."""
        if isinstance(effect, PrintTicket):
            self._stop_watch(effect.session)  # paid, or the patient pays at the cashier
            self._printing.submit(self._perform, effect, _Once(self._post))
            return
        once = _Once(self._post)
        if isinstance(effect, WatchPayment):
            # Bounded by the payment's own time, not by a call's: no overdue timer.
            stop = threading.Event()
            with self._tasks_lock:
                self._watches[effect.session] = stop
            watch = threading.Thread(
                target=self._watch, args=(effect, once, stop), name="payment", daemon=True
            )
            self._start(watch)
            return
        task = threading.Thread(
            target=self._run_task, args=(effect, once), name="effect", daemon=True
        )
        timer = threading.Timer(self._bound, self._overdue, args=(effect, once))
        timer.daemon = True
        once.timer = timer
        with self._tasks_lock:
            if self._closing:
                return
            self._tasks.add(task)
        task.start()
        timer.start()

    def _start(self, task: threading.Thread) -> None:
        with self._tasks_lock:
            if self._closing:
                return
            self._tasks.add(task)
        task.start()

    def _watch(self, effect: WatchPayment, once: _Once, stop: threading.Event) -> None:
        """Poll the payment's state with backoff until it is settled, the time is up, or a
        ticket is printed for the session (`stop`); answer once."""
        ends = time.monotonic() + effect.seconds
        state = PaymentState.EXPIRED
        attempt = 0
        try:
            while self._payments is not None and not stop.is_set():
                try:
                    state = self._payments.payment_status(effect.reference)
                except HospitalError as error:  # keep asking until the time is up
                    log.warning("payment status not known: %s", type(error).__name__)
                    state = PaymentState.PENDING
                left = ends - time.monotonic()
                if state is not PaymentState.PENDING or left <= 0:
                    break
                stop.wait(min(poll_delay(attempt), left))
                attempt += 1
        finally:
            with self._tasks_lock:
                if self._watches.get(effect.session) is stop:
                    del self._watches[effect.session]
                self._tasks.discard(threading.current_thread())
        if state is PaymentState.PENDING:
            state = PaymentState.EXPIRED
        once.post(PaymentSettled(effect.session, state))
        log.info("payment watch ended: %s after %d polls", state.value, attempt + 1)

    def _stop_watch(self, session: int) -> None:
        with self._tasks_lock:
            stop = self._watches.get(session)
        if stop is not None:
            stop.set()

    def shutdown(self, timeout: float = 10.0) -> None:
        """Let running tasks end (each is bounded), then stop the printer thread."""
        with self._tasks_lock:
            self._closing = True
            tasks = list(self._tasks)
            for stop in self._watches.values():
                stop.set()
        ends = time.monotonic() + timeout
        for task in tasks:
            task.join(max(0.0, ends - time.monotonic()))
        self._printing.shutdown(wait=True, cancel_futures=True)

    def _run_task(self, effect: IOEffect, once: _Once) -> None:
        try:
            self._perform(effect, once)
        finally:
            with self._tasks_lock:
                self._tasks.discard(threading.current_thread())

    def _overdue(self, effect: IOEffect, once: _Once) -> None:
        if once.post(effect.failed(Problem.HOSPITAL_UNAVAILABLE)):
            log.warning("effect %s not answered within %.1f s: the flow goes on without it",
                        type(effect).__name__, self._bound)  # fmt: skip

    def _perform(self, effect: IOEffect, once: _Once) -> None:
        started = time.perf_counter()
        try:
            event = self._answer(effect)
        except Exception:
            log.exception("effect %s failed unexpectedly", type(effect).__name__)
            event = effect.failed(Problem.HOSPITAL_ERROR)
        late = "" if once.post(event) else " (too late: dropped)"
        log.debug(
            "effect %s -> %s in %.1f ms%s",
            type(effect).__name__,
            type(event).__name__,
            (time.perf_counter() - started) * 1000,
            late,
        )

    def _answer(self, effect: IOEffect) -> Event:
        hospital = self._hospital
        match effect:
            case PrintTicket(session=session, ticket=ticket):
                try:
                    self._printer.print_ticket(ticket)
                except PrinterError as error:
                    log.warning("ticket not printed: %s", error.problem.value)
                    return PrintFailed(session, error.problem)
                if isinstance(ticket, Ticket):  # a counter slip is no check-in's ticket
                    self._record_printed(session)
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
                    today = self._clock().date()
                    appointments = hospital.appointments(patient.patient_id, today)
                    departments = hospital.departments()
                    # Checked in already today? Then the ticket is printed again, not a new one.
                    earlier = hospital.visits_on(patient.patient_id, today)
                except HospitalError as error:
                    return _hospital_failed(effect, error)
                earlier += self._kiosk_visits(patient, identity, known=earlier)
                return PatientFound(
                    session, patient, tuple(appointments), tuple(departments), tuple(earlier)
                )
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
                self._remember_checkin(session, checkin.idempotency_key)
                try:
                    registration = hospital.register_visit(checkin)
                except HospitalError as error:
                    return _hospital_failed(effect, error)
                return VisitRegistered(session, registration)
            case LookupOffline() | QueueOffline():
                return self._answer_offline(effect)
        raise TypeError(f"not an I/O effect: {type(effect).__name__}")

    def _remember_checkin(self, session: int, key: str) -> None:
        with self._checkin_lock:
            self._checkin_of[session] = key

    def _record_printed(self, session: int) -> None:
        with self._checkin_lock:
            key = self._checkin_of.pop(session, None)
            for older in [s for s in self._checkin_of if s < session]:
                del self._checkin_of[older]  # sessions that ended without a ticket
        if key is None or self._offline is None:
            return
        try:
            self._offline.ticket_printed(key)
        except OfflineUnavailable as error:
            log.warning("printed ticket not recorded: %s", error)

    def _answer_offline(self, effect: LookupOffline | QueueOffline) -> Event:
        offline = self._offline
        try:
            if offline is None:
                raise OfflineUnavailable("this kiosk keeps no offline store")
            if isinstance(effect, QueueOffline):
                self._remember_checkin(effect.session, effect.checkin.idempotency_key)
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
        earlier = self._kiosk_visits(patient, effect.identity, known=[])
        return PatientFound(effect.session, patient, (), departments, tuple(earlier))

    def _kiosk_visits(
        self, patient: Patient, identity: Identity, known: list[TodayVisit]
    ) -> list[TodayVisit]:
        """Today's check-ins at this kiosk that `known` (the hospital's list) lacks: provisional
        numbers still in the outbox, and offline, everything this kiosk issued today."""
        if self._offline is None:
            return []
        try:
            mine = self._offline.visits_today(
                patient.patient_id or None, patient.citizen_id or identity.citizen_id
            )
        except OfflineUnavailable as error:
            log.warning("today's kiosk visits not read: %s", error)
            return []
        listed = {visit.visit_id for visit in known if visit.visit_id}
        return [visit for visit, _ in mine if not visit.visit_id or visit.visit_id not in listed]


def _hospital_failed(call: Call, error: HospitalError) -> RequestFailed:
    if isinstance(error, HospitalUnavailable):
        problem = Problem.HOSPITAL_UNAVAILABLE
    elif isinstance(error, HospitalRejected) and call.request is Request.REGISTER:
        problem = Problem.REGISTRATION_REJECTED
    else:
        problem = Problem.HOSPITAL_ERROR
    log.warning("hospital %s failed: %s", call.request.name.lower(), type(error).__name__)
    return call.failed(problem)


class _Once:
    """Posts the first event it is given and drops the others (an answer or the bound)."""

    def __init__(self, post: Callable[[Event], None]) -> None:
        self._post = post
        self._lock = threading.Lock()
        self._done = False
        self.timer: threading.Timer | None = None  # the bound's, cancelled by the answer

    def post(self, event: Event) -> bool:
        with self._lock:
            if self._done:
                return False
            self._done = True
        if self.timer is not None:
            self.timer.cancel()
        self._post(event)
        return True
