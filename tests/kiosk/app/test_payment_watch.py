"""The effect runner's payment watch against the demo hospital over real HTTP: the bank's
confirmation reaches the flow within a poll interval, giving up and running out of time end
it unpaid, a printed ticket stops it, and a hospital that stops answering does not make it
hang or say "paid"."""

from __future__ import annotations

import queue
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from drivers.printer.simulated import SimulatedPrinter
from kiosk.app.effects import EffectRunner
from kiosk.app.ticket_paper import PaperTicketPrinter, sample_ticket
from kiosk.core.domain import CheckIn, PaymentRequest, PaymentState, PriorityGroup, ServiceType
from kiosk.core.flow import Event, PaymentSettled, PrintTicket, TicketPrinted, WatchPayment
from kiosk.core.payment.request import poll_delay
from kiosk.demo_hospital.personas import demo_personas
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient

PERSONA = {p.key: p for p in demo_personas(date.today())}["walk_in_insurance"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoHospitalServer]:
    with DemoHospitalServer(tmp_path_factory.mktemp("hospital") / "demo.sqlite") as running:
        yield running


class Harness:
    def __init__(self, server: DemoHospitalServer, printer: SimulatedPrinter) -> None:
        self.server = server
        self.client = RestHospitalClient(server.url, read_timeout=1.0, deadline=2.0)
        self.events: queue.Queue[Event] = queue.Queue()
        self.runner = EffectRunner(
            self.client,
            PaperTicketPrinter(printer),
            self.events.put,
            datetime.now,
            payments=self.client,
        )

    def paid_visit(self) -> PaymentRequest:
        assert PERSONA.patient_id is not None
        checkin = CheckIn(
            str(uuid.uuid4()), "K01", PERSONA.patient_id, "NOI", ServiceType.PAID,
            PriorityGroup.NONE,
        )  # fmt: skip
        payment = self.client.register_visit(checkin).payment
        assert payment is not None
        return payment

    def close(self) -> None:
        self.runner.shutdown()
        self.client.close()


@pytest.fixture
def harness(server: DemoHospitalServer, tmp_path: Path) -> Iterator[Harness]:
    server.faults.clear()
    running = Harness(server, SimulatedPrinter(out_dir=tmp_path))
    yield running
    running.close()


def test_the_banks_confirmation_reaches_the_flow_within_a_poll(harness: Harness) -> None:
    payment = harness.paid_visit()
    harness.runner.run(WatchPayment(7, payment.reference, 30.0))
    time.sleep(1.2)  # a few polls of "pending"
    assert harness.events.empty()
    confirmed = time.perf_counter()
    harness.server.settle_payment(paid=True, reference=payment.reference)
    event = harness.events.get(timeout=5)
    waited = time.perf_counter() - confirmed
    assert event == PaymentSettled(7, PaymentState.PAID)
    assert waited <= poll_delay(100) + 0.5  # the longest poll interval and a call


def test_the_patient_giving_up_ends_it_unpaid(harness: Harness) -> None:
    payment = harness.paid_visit()
    harness.runner.run(WatchPayment(8, payment.reference, 30.0))
    harness.server.settle_payment(paid=False, reference=payment.reference)
    assert harness.events.get(timeout=5) == PaymentSettled(8, PaymentState.CANCELLED)


def test_no_confirmation_in_time_is_expired(harness: Harness) -> None:
    payment = harness.paid_visit()
    started = time.perf_counter()
    harness.runner.run(WatchPayment(9, payment.reference, 0.6))
    assert harness.events.get(timeout=5) == PaymentSettled(9, PaymentState.EXPIRED)
    assert 0.5 <= time.perf_counter() - started < 2.0


def test_a_ticket_printed_for_the_session_stops_the_watch(harness: Harness) -> None:
    payment = harness.paid_visit()
    harness.runner.run(WatchPayment(10, payment.reference, 30.0))
    time.sleep(0.3)
    started = time.perf_counter()
    ticket = sample_ticket(hospital_name="BV", footer="", issued_at=datetime.now())
    harness.runner.run(PrintTicket(10, ticket))
    answers = {type(harness.events.get(timeout=5)) for _ in range(2)}
    assert answers == {PaymentSettled, TicketPrinted}
    assert time.perf_counter() - started < 2.0  # not the 30 s of the request


def test_a_silent_hospital_never_says_paid(harness: Harness) -> None:
    payment = harness.paid_visit()
    harness.server.faults.fail_status(503, path_prefix="/v1/payments")
    started = time.perf_counter()
    harness.runner.run(WatchPayment(11, payment.reference, 1.5))
    assert harness.events.get(timeout=10) == PaymentSettled(11, PaymentState.EXPIRED)
    assert time.perf_counter() - started < 5.0


def test_without_a_payment_api_it_ends_at_once(tmp_path: Path) -> None:
    events: queue.Queue[Event] = queue.Queue()
    client = RestHospitalClient("http://127.0.0.1:9", deadline=1.0)
    runner = EffectRunner(client, PaperTicketPrinter(SimulatedPrinter(out_dir=tmp_path)),
                          events.put, datetime.now)  # fmt: skip
    try:
        runner.run(WatchPayment(12, "KBABCDEF1234", 600.0))
        assert events.get(timeout=2) == PaymentSettled(12, PaymentState.EXPIRED)
    finally:
        runner.shutdown()
        client.close()
