"""The effect runner against the demo hospital over real HTTP and the simulated printer:
every effect ends in exactly one event, whatever the hospital or the printer does."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import cast

import pytest

from drivers.printer import errors as printer_errors
from drivers.printer.simulated import SimulatedPrinter
from kiosk.app.effects import EffectRunner
from kiosk.app.ticket_paper import PaperTicketPrinter, sample_ticket
from kiosk.core.domain import CheckIn, PrinterProblem, PriorityGroup, ServiceType, Ticket
from kiosk.core.flow import (
    CodeNotResolved,
    CodeResolved,
    CreatePatient,
    Effect,
    Event,
    LookupPatient,
    PatientFound,
    PatientNotFound,
    PrintFailed,
    PrintTicket,
    Problem,
    RegisterVisit,
    Request,
    RequestFailed,
    ResolveCode,
    TicketPrinted,
    VisitRegistered,
)
from kiosk.core.ports import HospitalApi
from kiosk.demo_hospital.codes import issue_token
from kiosk.demo_hospital.personas import demo_personas
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient

PERSONAS = {p.key: p for p in demo_personas(date.today())}


@pytest.fixture(scope="module")
def hospital_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoHospitalServer]:
    server = DemoHospitalServer(tmp_path_factory.mktemp("hospital") / "demo.sqlite")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def harness(hospital_server: DemoHospitalServer, tmp_path: Path) -> Iterator[Harness]:
    hospital_server.faults.clear()
    harness = Harness(hospital_server, SimulatedPrinter(out_dir=tmp_path))
    yield harness
    harness.close()
    hospital_server.faults.clear()


class Harness:
    def __init__(self, server: DemoHospitalServer, printer: SimulatedPrinter) -> None:
        self.server = server
        self.printer = printer
        self.client = RestHospitalClient(server.url, read_timeout=1.0, deadline=2.0)
        self.events: queue.Queue[Event] = queue.Queue()
        self.runner = EffectRunner(
            self.client, PaperTicketPrinter(printer), self.events.put, datetime.now
        )

    def answer(self, effect: Effect) -> Event:
        self.runner.run(effect)
        event = self.events.get(timeout=10)
        assert self.events.empty(), "one effect, one event"
        return event

    def close(self) -> None:
        self.runner.shutdown()
        self.client.close()


def test_lookup_of_a_known_patient_brings_appointments_and_departments(harness: Harness) -> None:
    persona = PERSONAS["appointment_today"]
    event = harness.answer(LookupPatient(3, persona.identity))
    assert isinstance(event, PatientFound) and event.session == 3
    assert event.patient.patient_id == persona.patient_id
    assert [a.department_code for a in event.appointments] == ["NOI"]
    assert len(event.departments) >= 12


def test_lookup_of_an_unknown_patient(harness: Harness) -> None:
    event = harness.answer(LookupPatient(1, PERSONAS["new_patient"].identity))
    assert event == PatientNotFound(1)


def test_codes_are_resolved_by_the_hospital(harness: Harness) -> None:
    persona = PERSONAS["walk_in_insurance"]
    event = harness.answer(ResolveCode(2, issue_token(persona.patient_id)))
    assert isinstance(event, CodeResolved)
    assert event.identity.citizen_id == persona.identity.citizen_id
    assert harness.answer(ResolveCode(2, "https://example.invalid/x")) == CodeNotResolved(2)


def test_hospital_down_is_unavailable(harness: Harness) -> None:
    harness.server.stop()
    try:
        event = harness.answer(LookupPatient(1, PERSONAS["walk_in_paid"].identity))
    finally:
        harness.server.start()
    assert event == RequestFailed(1, Request.LOOKUP, Problem.HOSPITAL_UNAVAILABLE)


def test_garbage_from_the_hospital_is_a_hospital_error(harness: Harness) -> None:
    harness.server.faults.malformed_json(count=5)
    event = harness.answer(LookupPatient(1, PERSONAS["walk_in_paid"].identity))
    assert event == RequestFailed(1, Request.LOOKUP, Problem.HOSPITAL_ERROR)


def test_patient_creation_answers_with_the_new_patient(harness: Harness) -> None:
    identity = PERSONAS["new_patient"].identity
    event = harness.answer(CreatePatient(2, identity, "create-key-1"))
    assert isinstance(event, PatientFound) and event.patient.full_name == identity.full_name
    assert event.departments


def test_registration_and_rejection(harness: Harness) -> None:
    valid = PERSONAS["walk_in_insurance"]
    checkin = CheckIn(
        "reg-key-1", "K01", valid.patient_id, "NOI", ServiceType.INSURANCE, PriorityGroup.NONE
    )
    event = harness.answer(RegisterVisit(4, checkin))
    assert isinstance(event, VisitRegistered) and event.registration.department_code == "NOI"

    expired = PERSONAS["insurance_expired"]
    refused = CheckIn(
        "reg-key-2", "K01", expired.patient_id, "NOI", ServiceType.INSURANCE, PriorityGroup.NONE
    )
    event = harness.answer(RegisterVisit(4, refused))
    assert event == RequestFailed(4, Request.REGISTER, Problem.REGISTRATION_REJECTED)


def ticket() -> Ticket:
    return sample_ticket(hospital_name="Bệnh viện Demo", footer="Cảm ơn", issued_at=datetime.now())


def test_printing_and_running_out_of_paper(harness: Harness) -> None:
    assert harness.answer(PrintTicket(5, ticket())) == TicketPrinted(5)
    harness.printer.set_problem(printer_errors.PrinterProblem.OUT_OF_PAPER)
    assert harness.answer(PrintTicket(5, ticket())) == PrintFailed(5, PrinterProblem.OUT_OF_PAPER)
    assert harness.printer.printed_count == 1


def test_an_unexpected_printer_crash_still_answers(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenPrinter:
        def print_ticket(self, ticket: Ticket) -> None:
            raise RuntimeError("driver bug")

    runner = EffectRunner(harness.client, BrokenPrinter(), harness.events.put, datetime.now)
    try:
        runner.run(PrintTicket(6, ticket()))
        event = harness.events.get(timeout=10)
    finally:
        runner.shutdown()
    assert event == PrintFailed(6, PrinterProblem.WRITE_FAILED)
    assert "failed unexpectedly" in caplog.text


# --- a hospital that never answers (issue 14) ---------------------------------------------


class HungHospital:
    """Every call blocks until released: a hospital call stuck past any deadline."""

    def __init__(self, real: RestHospitalClient) -> None:
        self.real = real
        self.release = threading.Event()

    def __getattr__(self, name: str) -> object:
        call = getattr(self.real, name)

        def hung(*args: object, **kwargs: object) -> object:
            self.release.wait()
            return call(*args, **kwargs)

        return hung


def test_a_hung_call_is_answered_unavailable_within_the_bound_and_its_late_answer_dropped(
    harness: Harness,
) -> None:
    hung = HungHospital(harness.client)
    events: queue.Queue[Event] = queue.Queue()
    runner = EffectRunner(
        cast(HospitalApi, hung), PaperTicketPrinter(harness.printer), events.put, datetime.now,
        bound=0.5,
    )  # fmt: skip
    try:
        started = time.monotonic()
        runner.run(LookupPatient(4, PERSONAS["walk_in_paid"].identity))
        event = events.get(timeout=5)
        assert event == RequestFailed(4, Request.LOOKUP, Problem.HOSPITAL_UNAVAILABLE)
        assert 0.5 <= time.monotonic() - started < 1.0
        hung.release.set()
        time.sleep(0.5)
        assert events.empty(), "the late answer is dropped: one effect, one event"
    finally:
        hung.release.set()
        runner.shutdown()


def test_hung_calls_never_take_the_worker_the_next_patient_needs(harness: Harness) -> None:
    hung = HungHospital(harness.client)
    events: queue.Queue[Event] = queue.Queue()
    either = cast(HospitalApi, _Either(hung, harness.client))
    runner = EffectRunner(
        either, PaperTicketPrinter(harness.printer), events.put, datetime.now, bound=30.0
    )
    try:
        for session in range(8):  # more than any pool of workers the kiosk ever had
            runner.run(LookupPatient(session, PERSONAS["walk_in_paid"].identity))
        persona = PERSONAS["appointment_today"]
        runner.run(LookupPatient(100, persona.identity))
        event = events.get(timeout=5)
        assert isinstance(event, PatientFound) and event.session == 100
    finally:
        hung.release.set()
        runner.shutdown()


class _Either:
    """The hung hospital for every patient but the one who comes after them."""

    def __init__(self, hung: HungHospital, real: RestHospitalClient) -> None:
        self._hung, self._real = hung, real

    def __getattr__(self, name: str) -> object:
        def either(*args: object, **kwargs: object) -> object:
            identity = args[0] if args else None
            after = PERSONAS["appointment_today"].identity.citizen_id
            late = getattr(identity, "citizen_id", None) == after
            target = self._real if late or name != "find_patient" else self._hung
            return getattr(target, name)(*args, **kwargs)

        return either
