"""Paying for a paid visit at the kiosk (the pure flow): the VietQR screen after registration,
then a ticket that says paid (amount and reference) or how much and where to pay."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from kiosk.core.domain import PaymentRequest, PaymentState, Registration, ServiceType
from kiosk.core.flow import (
    AlertStaff,
    CheckInFlow,
    DepartmentChosen,
    IdleTimeout,
    PaymentSettled,
    Pressed,
    PrintTicket,
    Problem,
    QueuedOffline,
    Request,
    RequestFailed,
    Screen,
    TicketPrinted,
    VisitRegistered,
    WatchPayment,
)
from kiosk.core.payment.vietqr import decode
from tests.kiosk.core.flow.test_flow import (
    DEPARTMENTS,
    NOW,
    SETTINGS,
    drive_to_confirm,
    flow,
    found,
    patient,
    registration,
)
from tests.ui.screens.samples import TICKET

__all__ = ["flow"]  # the fixture

FEE = 150_000
PAYMENT = PaymentRequest(
    reference="KBTEST0000001",
    amount_vnd=FEE,
    bank_bin="970436",
    bank_name="Vietcombank",
    account="0011004321987",
    account_name="BENH VIEN DEMO",
    expires_at=registration().registered_at + timedelta(minutes=10),
)


def paid_registration() -> Registration:
    return replace(registration(104, "DV"), payment=PAYMENT)


def _to_paying(flow: CheckInFlow) -> list[object]:
    priced = tuple(replace(d, fee_vnd=FEE) for d in DEPARTMENTS)
    found(flow, patient(result_code=None))
    flow.state = replace(flow.state, departments=priced)
    flow.handle(DepartmentChosen("DV"), NOW)
    flow.handle(Pressed.CONFIRM, NOW)
    return list(flow.handle(VisitRegistered(flow.state.session, paid_registration()), NOW))


def test_a_paid_visit_shows_its_code_and_watches_the_payment(flow: CheckInFlow) -> None:
    effects = _to_paying(flow)
    state = flow.state
    assert state.screen is Screen.PAYING
    assert effects == [WatchPayment(state.session, PAYMENT.reference, 600.0)]
    assert state.payment_code is not None
    qr = decode(state.payment_code)
    assert (qr.amount_vnd, qr.reference, qr.bank_bin) == (FEE, PAYMENT.reference, "970436")
    assert state.payment_deadline == NOW + timedelta(minutes=10)


def test_paid_prints_the_paid_ticket(flow: CheckInFlow) -> None:
    _to_paying(flow)
    (printing,) = flow.handle(PaymentSettled(flow.state.session, PaymentState.PAID), NOW)
    assert isinstance(printing, PrintTicket)
    ticket = printing.ticket
    assert (ticket.fee_vnd, ticket.paid_reference) == (FEE, PAYMENT.reference)
    assert flow.state.screen is Screen.PRINTING and flow.state.payment_code is None
    flow.handle(TicketPrinted(flow.state.session), NOW)
    assert flow.state.screen is Screen.TICKET


def test_not_paid_in_time_prints_where_to_pay(flow: CheckInFlow) -> None:
    _to_paying(flow)
    for state in (PaymentState.EXPIRED, PaymentState.CANCELLED):
        copy = CheckInFlow(SETTINGS, new_key=lambda: "k")
        copy.state = flow.state
        (printing,) = copy.handle(PaymentSettled(flow.state.session, state), NOW)
        assert isinstance(printing, PrintTicket)
        assert printing.ticket.paid_reference is None
        assert (printing.ticket.fee_vnd, printing.ticket.pay_at) == (FEE, "quầy thu ngân")


def test_the_patient_may_pay_at_the_cashier_instead(flow: CheckInFlow) -> None:
    _to_paying(flow)
    (printing,) = flow.handle(Pressed.COUNTER, NOW)
    assert isinstance(printing, PrintTicket) and printing.ticket.paid_reference is None


def test_paying_cannot_be_cancelled_timed_out_or_left_back(flow: CheckInFlow) -> None:
    _to_paying(flow)
    before = flow.state
    stale_timer = IdleTimeout(before.session, before.idle_seq)  # the confirm screen's
    for event in (Pressed.CANCEL, Pressed.BACK, Pressed.DONE, stale_timer):
        assert flow.handle(event, NOW) == []
        assert flow.state.screen is Screen.PAYING
    assert SETTINGS.idle_timeout(Screen.PAYING, before.language) is None
    # A late answer for another session changes nothing.
    flow.handle(PaymentSettled(before.session + 1, PaymentState.PAID), NOW)
    assert flow.state.screen is Screen.PAYING


def test_an_insured_visit_is_never_asked_to_pay(flow: CheckInFlow) -> None:
    drive_to_confirm(flow)
    flow.handle(Pressed.CONFIRM, NOW)
    answer = replace(registration(), payment=PAYMENT)
    (printing,) = flow.handle(VisitRegistered(flow.state.session, answer), NOW)
    assert isinstance(printing, PrintTicket) and flow.state.screen is Screen.PRINTING


def test_a_code_for_another_transfer_is_not_shown(flow: CheckInFlow) -> None:
    wrong = replace(PAYMENT, qr_payload="00020101021138530010A00000072701230006970416"
                    "01092576788590208QRIBFTTA53037045802VN6304AE9F")  # fmt: skip
    priced = tuple(replace(d, fee_vnd=FEE) for d in DEPARTMENTS)
    found(flow, patient(result_code=None))
    flow.state = replace(flow.state, departments=priced)
    flow.handle(DepartmentChosen("DV"), NOW)
    flow.handle(Pressed.CONFIRM, NOW)
    answer = replace(registration(104, "DV"), payment=wrong)
    effects = flow.handle(VisitRegistered(flow.state.session, answer), NOW)
    assert isinstance(effects[0], AlertStaff)
    assert flow.state.screen is Screen.PRINTING  # unpaid ticket: pay at the cashier


def test_offline_the_provisional_ticket_says_pay_at_the_cashier() -> None:
    offline = CheckInFlow(replace(SETTINGS, offline=True), new_key=lambda: "k")
    found(offline, patient(result_code=None))
    offline.handle(DepartmentChosen("DV"), NOW)
    offline.handle(Pressed.CONFIRM, NOW)
    session = offline.state.session
    (queue,) = offline.handle(
        RequestFailed(session, Request.REGISTER, Problem.HOSPITAL_UNAVAILABLE), NOW
    )
    provisional = replace(TICKET, service=ServiceType.PAID, provisional=True, visit_id="")
    (printing,) = offline.handle(QueuedOffline(session, provisional), NOW)
    assert isinstance(printing, PrintTicket)
    assert printing.ticket.pay_at == "quầy thu ngân" and printing.ticket.paid_reference is None
    assert printing.ticket.fee_vnd is None  # the cached departments did not say
    assert queue is not None
