"""Every transition of the check-in state machine, including every failure path."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime

import pytest

from kiosk.core.domain import (
    Appointment,
    Audience,
    BirthDate,
    CounterSlip,
    Department,
    Identity,
    IdentitySource,
    Insurance,
    Patient,
    PrinterProblem,
    PriorityGroup,
    Registration,
    ServiceType,
    Sex,
    Ticket,
    TodayVisit,
    Visit,
)
from kiosk.core.flow import (
    AlertStaff,
    CheckInFlow,
    CodeNotResolved,
    CodeResolved,
    CodeToResolve,
    CodeUnreadable,
    CreatePatient,
    DepartmentChosen,
    FlowSettings,
    FlowState,
    HistoryLoaded,
    IdentityPresented,
    IdleTimeout,
    KeypadSubmitted,
    Language,
    LoadHistory,
    LookupPatient,
    PatientFound,
    PatientNotFound,
    Pressed,
    PrinterChanged,
    PrintFailed,
    PrintTicket,
    PriorityChosen,
    Problem,
    RegisterVisit,
    Request,
    RequestFailed,
    ResolveCode,
    Screen,
    ServiceChosen,
    StartIdleTimer,
    TicketPrinted,
    VisitRegistered,
)
from kiosk.core.identity import IdentityProblem

NOW = datetime(2026, 11, 23, 8, 30)
CITIZEN_ID = "001090012345"  # Hà Nội, male, born 1990

SETTINGS = FlowSettings(
    kiosk_id="K01", hospital_name="Bệnh viện Demo", ticket_footer="Cảm ơn quý khách"
)


def department(code: str, *, insurance: bool = True) -> Department:
    return Department(
        code=code,
        name=f"Khoa {code}",
        room="P.101",
        floor=1,
        directions="Rẽ trái",
        accepts_insurance=insurance,
        waiting=4,
        waiting_priority=1,
        estimated_wait_minutes=20,
    )


DEPARTMENTS = (department("NOI"), department("NHI"), department("DV", insurance=False))


def patient(*, born: date = date(1990, 5, 17), result_code: str | None = "000") -> Patient:
    insurance = (
        Insurance(number="DN4010123456789", result_code=result_code) if result_code else None
    )
    return Patient(
        patient_id="P1",
        full_name="Nguyễn Văn An",
        birth=BirthDate.from_date(born),
        sex=Sex.MALE,
        citizen_id=CITIZEN_ID,
        insurance=insurance,
    )


CHIP_IDENTITY = Identity(
    source=IdentitySource.CHIP,
    citizen_id=CITIZEN_ID,
    full_name="Nguyễn Văn An",
    birth=BirthDate(1990, 5, 17),
    sex=Sex.MALE,
    address="12 Phố Huế, Hà Nội",
    chip_verified=True,
)

APPOINTMENT = Appointment(
    appointment_id="A1", department_code="NOI", starts_at=datetime(2026, 11, 23, 9, 0)
)


def registration(number: int = 12, department_code: str = "NOI") -> Registration:
    return Registration(
        visit_id="V1",
        queue_number=number,
        department_code=department_code,
        room="P.101",
        floor=1,
        people_ahead=4,
        estimated_wait_minutes=20,
        registered_at=NOW,
    )


@pytest.fixture
def flow() -> CheckInFlow:
    keys = (f"key-{n}" for n in itertools.count(1))
    return CheckInFlow(SETTINGS, new_key=lambda: next(keys))


def found(flow: CheckInFlow, who: Patient, appointments=()) -> None:
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    flow.handle(PatientFound(flow.state.session, who, tuple(appointments), DEPARTMENTS), NOW)


def drive_to_confirm(
    flow: CheckInFlow, who: Patient | None = None, priority: PriorityGroup = PriorityGroup.NONE
) -> None:
    found(flow, who or patient())
    flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    flow.handle(DepartmentChosen("NOI"), NOW)
    if priority.is_priority:
        flow.handle(Pressed.PRIORITY, NOW)
        flow.handle(PriorityChosen(priority), NOW)
    assert flow.state.screen is Screen.CONFIRM


def assert_clean_welcome(state: FlowState) -> None:
    """Back at the start with nothing of the last patient left to show."""
    assert state.screen is Screen.WELCOME
    personal = (state.identity, state.patient, state.ticket, state.registration, state.checkin)
    assert personal == (None, None, None, None, None)
    assert state.history is None and state.appointments == () and state.departments == ()


# --- the happy paths --------------------------------------------------------------------


def test_walk_in_with_insurance_reaches_a_printed_ticket(flow: CheckInFlow) -> None:
    effects = flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    assert flow.state.screen is Screen.LOOKING_UP
    assert effects == [LookupPatient(0, CHIP_IDENTITY)]

    flow.handle(PatientFound(0, patient(), (), DEPARTMENTS), NOW)
    state = flow.state
    # Both visit types possible: asked first, with the patient's name and insurance on top.
    assert state.screen is Screen.SERVICE
    assert state.age == 36 and state.insurance_accepted

    flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    assert flow.state.screen is Screen.DEPARTMENT
    assert [d.code for d in flow.state.departments_for(ServiceType.INSURANCE)] == ["NOI", "NHI"]
    flow.handle(DepartmentChosen("NOI"), NOW)
    assert flow.state.screen is Screen.CONFIRM  # priority: a toggle there, not a screen

    effects = flow.handle(Pressed.CONFIRM, NOW)
    assert flow.state.screen is Screen.REGISTERING
    (register,) = effects
    assert isinstance(register, RegisterVisit)
    checkin = register.checkin
    assert (checkin.department_code, checkin.service, checkin.priority) == (
        "NOI",
        ServiceType.INSURANCE,
        PriorityGroup.NONE,
    )
    assert checkin.idempotency_key == "key-1" and checkin.kiosk_id == "K01"

    effects = flow.handle(VisitRegistered(0, registration()), NOW)
    assert flow.state.screen is Screen.PRINTING
    (printing,) = effects
    assert isinstance(printing, PrintTicket)
    ticket = printing.ticket
    assert ticket.queue_label == "B012"
    assert ticket.masked_name == "NGUYỄN V. A."
    assert ticket.room == "P.101" and ticket.people_ahead == 4
    assert ticket.issued_at == NOW  # the kiosk's clock, as on its screen

    effects = flow.handle(TicketPrinted(0), NOW)
    assert flow.state.screen is Screen.TICKET
    assert effects == [StartIdleTimer(0, flow.state.idle_seq, SETTINGS.ticket_seconds)]

    flow.handle(Pressed.DONE, NOW)
    assert_clean_welcome(flow.state)
    assert flow.state.session == 1


def test_appointment_today_is_confirmed_without_choosing_a_department(flow: CheckInFlow) -> None:
    found(flow, patient(), [APPOINTMENT])
    assert flow.state.screen is Screen.APPOINTMENT  # straight after the identity
    (register,) = flow.handle(Pressed.APPOINTMENT_CONFIRM, NOW)  # its own confirmation
    assert flow.state.screen is Screen.REGISTERING
    assert isinstance(register, RegisterVisit)
    assert register.checkin.appointment_id == "A1"
    assert register.checkin.department_code == "NOI"
    assert register.checkin.service is ServiceType.INSURANCE


def test_declining_the_appointment_goes_to_service_choice(flow: CheckInFlow) -> None:
    found(flow, patient(), [APPOINTMENT])
    flow.handle(Pressed.APPOINTMENT_DECLINE, NOW)
    assert flow.state.screen is Screen.SERVICE and flow.state.appointment is None
    assert flow.state.department is None and flow.state.service is None
    flow.handle(Pressed.BACK, NOW)
    assert flow.state.screen is Screen.APPOINTMENT


def test_appointment_in_an_unknown_department_is_not_offered(flow: CheckInFlow) -> None:
    found(flow, patient(), [replace(APPOINTMENT, department_code="CLOSED")])
    assert flow.state.screen is Screen.SERVICE


def test_appointment_without_valid_insurance_becomes_paid(flow: CheckInFlow) -> None:
    found(flow, patient(result_code="010"), [APPOINTMENT])
    (register,) = flow.handle(Pressed.APPOINTMENT_CONFIRM, NOW)
    assert register.checkin.service is ServiceType.PAID


def test_walk_in_paid(flow: CheckInFlow) -> None:
    found(flow, patient(result_code=None))
    # Paid is the only possible visit type: not asked.
    assert flow.state.screen is Screen.DEPARTMENT and flow.state.service is ServiceType.PAID
    assert [d.code for d in flow.state.departments_for(ServiceType.PAID)] == ["NOI", "NHI", "DV"]
    flow.handle(DepartmentChosen("DV"), NOW)
    (register,) = flow.handle(Pressed.CONFIRM, NOW)
    assert register.checkin.service is ServiceType.PAID
    (printing,) = flow.handle(VisitRegistered(0, registration(104, "DV")), NOW)
    assert printing.ticket.queue_label == "D104"


@pytest.mark.parametrize(
    ("born", "group"),
    [
        (date(1946, 1, 2), PriorityGroup.ELDERLY_75),
        (date(1951, 11, 23), PriorityGroup.ELDERLY_75),  # 75 today
        (date(1951, 11, 24), PriorityGroup.NONE),  # 75 tomorrow
        (date(2022, 3, 1), PriorityGroup.CHILD_UNDER_6),
        (date(2020, 11, 24), PriorityGroup.CHILD_UNDER_6),  # 6 tomorrow
        (date(2020, 11, 23), PriorityGroup.NONE),  # 6 today
    ],
)
def test_age_priority_is_detected_and_preset_on_the_confirm_screen(
    flow: CheckInFlow, born: date, group: PriorityGroup
) -> None:
    found(flow, patient(born=born))
    assert flow.state.auto_priority is group
    flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    flow.handle(DepartmentChosen("NOI"), NOW)
    assert flow.state.screen is Screen.CONFIRM and flow.state.effective_priority is group
    (register,) = flow.handle(Pressed.CONFIRM, NOW)
    assert register.checkin.priority is group
    (printing,) = flow.handle(VisitRegistered(0, registration(7)), NOW)
    assert printing.ticket.queue_label == ("UB007" if group.is_priority else "B007")


def test_declared_priority_is_registered(flow: CheckInFlow) -> None:
    drive_to_confirm(flow, priority=PriorityGroup.REVOLUTIONARY_MERIT)  # the toggle, and back
    assert flow.state.trail == (Screen.SERVICE, Screen.DEPARTMENT)
    (register,) = flow.handle(Pressed.CONFIRM, NOW)
    assert register.checkin.priority is PriorityGroup.REVOLUTIONARY_MERIT


def test_the_priority_toggle_on_an_appointment_returns_to_it(flow: CheckInFlow) -> None:
    found(flow, patient(), [APPOINTMENT])
    flow.handle(Pressed.PRIORITY, NOW)
    assert flow.state.screen is Screen.PRIORITY
    flow.handle(PriorityChosen(PriorityGroup.PREGNANT), NOW)
    assert flow.state.screen is Screen.APPOINTMENT and flow.state.trail == ()
    (register,) = flow.handle(Pressed.APPOINTMENT_CONFIRM, NOW)
    assert register.checkin.priority is PriorityGroup.PREGNANT


@pytest.mark.parametrize("group", [PriorityGroup.ELDERLY_75, PriorityGroup.CHILD_UNDER_6])
def test_age_groups_cannot_be_declared(flow: CheckInFlow, group: PriorityGroup) -> None:
    found(flow, patient())
    flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    flow.handle(DepartmentChosen("NOI"), NOW)
    flow.handle(Pressed.PRIORITY, NOW)
    flow.handle(PriorityChosen(group), NOW)
    assert flow.state.screen is Screen.PRIORITY


def test_history_is_fetched_only_when_asked_and_cleared_on_back(flow: CheckInFlow) -> None:
    found(flow, patient())
    flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    flow.handle(Pressed.DETAILS, NOW)
    assert flow.state.screen is Screen.PATIENT_SUMMARY
    assert flow.state.history is None
    effects = flow.handle(Pressed.HISTORY, NOW)
    assert flow.state.screen is Screen.HISTORY and flow.state.history is None
    assert effects[0] == LoadHistory(0, "P1", SETTINGS.history_limit)
    visits = (Visit(date(2026, 10, 2), "Khoa NHI", "Viêm họng (J02)"),)
    flow.handle(HistoryLoaded(0, visits), NOW)
    assert flow.state.history == visits
    flow.handle(Pressed.BACK, NOW)
    assert flow.state.screen is Screen.PATIENT_SUMMARY and flow.state.history is None
    flow.handle(Pressed.CONTINUE, NOW)  # back to the choice the details were opened from
    assert flow.state.screen is Screen.DEPARTMENT
    # The departments of recent visits come first; their diagnoses are not kept.
    assert flow.state.recent_departments == ("Khoa NHI",)
    codes = [d.code for d in flow.state.departments_for(ServiceType.INSURANCE)]
    assert codes == ["NHI", "NOI"]


def test_history_failure_is_a_notice_not_a_dead_end(flow: CheckInFlow) -> None:
    found(flow, patient(result_code=None))
    flow.handle(Pressed.DETAILS, NOW)
    flow.handle(Pressed.HISTORY, NOW)
    effects = flow.handle(RequestFailed(0, Request.HISTORY, Problem.HOSPITAL_UNAVAILABLE), NOW)
    assert flow.state.screen is Screen.HISTORY
    assert flow.state.problem is Problem.HOSPITAL_UNAVAILABLE
    assert not [e for e in effects if isinstance(e, AlertStaff)]
    flow.handle(Pressed.BACK, NOW)
    assert flow.state.screen is Screen.PATIENT_SUMMARY and flow.state.problem is None


def test_back_walks_the_trail(flow: CheckInFlow) -> None:
    drive_to_confirm(flow, priority=PriorityGroup.PREGNANT)
    for expected in (Screen.DEPARTMENT, Screen.SERVICE):
        flow.handle(Pressed.BACK, NOW)
        assert flow.state.screen is expected
    flow.handle(Pressed.BACK, NOW)  # nowhere further back: stays
    assert flow.state.screen is Screen.SERVICE


def test_double_confirm_registers_once(flow: CheckInFlow) -> None:
    drive_to_confirm(flow)
    first = flow.handle(Pressed.CONFIRM, NOW)
    second = flow.handle(Pressed.CONFIRM, NOW)
    assert len(first) == 1 and second == []


# --- identity input ---------------------------------------------------------------------


def test_keypad_identity_is_validated_before_lookup(flow: CheckInFlow) -> None:
    flow.handle(Pressed.KEYPAD, NOW)
    assert flow.state.screen is Screen.KEYPAD
    flow.handle(KeypadSubmitted("999090012345"), NOW)  # no such province
    assert flow.state.screen is Screen.KEYPAD and flow.state.problem is Problem.ID_INVALID
    (lookup,) = flow.handle(KeypadSubmitted(CITIZEN_ID), NOW)
    assert isinstance(lookup, LookupPatient)
    assert lookup.identity.source is IdentitySource.KEYPAD
    assert lookup.identity.citizen_id == CITIZEN_ID
    assert flow.state.problem is None


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        (CodeUnreadable(IdentityProblem.UNKNOWN_PAYLOAD), Problem.CODE_UNKNOWN),
        (CodeUnreadable(IdentityProblem.MALFORMED), Problem.CODE_MALFORMED),
    ],
)
def test_unreadable_code_offers_retry_or_keypad(flow: CheckInFlow, event, problem: Problem) -> None:
    flow.handle(event, NOW)
    assert flow.state.screen is Screen.READ_FAILED and flow.state.problem is problem
    flow.handle(Pressed.RETRY, NOW)
    assert flow.state.screen is Screen.WELCOME
    flow.handle(event, NOW)
    flow.handle(Pressed.KEYPAD, NOW)
    assert flow.state.screen is Screen.KEYPAD and flow.state.problem is None


def test_the_same_persons_code_again_mid_session_is_ignored(flow: CheckInFlow) -> None:
    found(flow, patient())
    bhyt = Identity(source=IdentitySource.BHYT_QR, insurance_number="DN4010123456789")
    for again in (CHIP_IDENTITY, bhyt):  # the ID, or the insurance card on their record
        assert flow.handle(IdentityPresented(again), NOW) == []
        assert flow.state.screen is Screen.SERVICE
    assert flow.state.identity == CHIP_IDENTITY


def test_another_persons_code_mid_session_asks_before_switching(flow: CheckInFlow) -> None:
    found(flow, patient())
    other = replace(CHIP_IDENTITY, citizen_id="079190054321", full_name="Trần Thị Bình")
    flow.handle(IdentityPresented(other), NOW)
    assert flow.state.screen is Screen.SWITCH_PATIENT
    flow.handle(Pressed.BACK, NOW)  # no: go on with the current patient
    assert flow.state.screen is Screen.SERVICE and flow.state.identity == CHIP_IDENTITY
    flow.handle(IdentityPresented(other), NOW)
    effects = flow.handle(Pressed.SWITCH, NOW)
    state = flow.state
    assert state.screen is Screen.LOOKING_UP and state.identity == other
    assert state.session == 1 and state.patient is None  # nothing of the first one survives
    assert effects[0] == LookupPatient(1, other)


def test_the_next_persons_code_on_a_finished_screen_starts_their_session(
    flow: CheckInFlow,
) -> None:
    found(flow, patient(result_code="010"))
    flow.handle(Pressed.COUNTER, NOW)
    assert flow.state.screen is Screen.GO_TO_COUNTER
    other = replace(CHIP_IDENTITY, citizen_id="079190054321")
    (lookup, *_) = flow.handle(IdentityPresented(other), NOW)
    assert lookup == LookupPatient(1, other) and flow.state.session == 1


def test_a_code_while_registering_is_ignored(flow: CheckInFlow) -> None:
    drive_to_confirm(flow)
    flow.handle(Pressed.CONFIRM, NOW)
    other = replace(CHIP_IDENTITY, citizen_id="079190054321")
    assert flow.handle(IdentityPresented(other), NOW) == []
    assert flow.state.screen is Screen.REGISTERING


# --- new patients -----------------------------------------------------------------------


def test_unknown_patient_is_registered_after_agreeing(flow: CheckInFlow) -> None:
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    flow.handle(PatientNotFound(0), NOW)
    assert flow.state.screen is Screen.NOT_FOUND and flow.state.problem is None
    (create,) = flow.handle(Pressed.REGISTER_NEW, NOW)
    assert create == CreatePatient(0, CHIP_IDENTITY, "key-1")
    assert flow.state.screen is Screen.CREATING_PATIENT
    flow.handle(PatientFound(0, patient(result_code=None), (), DEPARTMENTS), NOW)
    assert flow.state.screen is Screen.DEPARTMENT


def test_unknown_patient_from_keypad_leaves_with_a_slip_for_the_counter(
    flow: CheckInFlow,
) -> None:
    flow.handle(Pressed.KEYPAD, NOW)
    flow.handle(KeypadSubmitted(CITIZEN_ID), NOW)
    effects = flow.handle(PatientNotFound(0), NOW)
    assert flow.state.screen is Screen.GO_TO_COUNTER
    assert flow.state.problem is Problem.NEEDS_CARD_TO_REGISTER
    (slip,) = [e.ticket for e in effects if isinstance(e, PrintTicket)]
    assert isinstance(slip, CounterSlip) and slip.reason_code == "QT-HOSOMOI"
    assert slip.masked_id == "001******345" and slip.masked_name is None
    assert flow.handle(Pressed.REGISTER_NEW, NOW) == []
    flow.handle(Pressed.DONE, NOW)
    assert_clean_welcome(flow.state)


# --- insurance not valid ----------------------------------------------------------------


@pytest.mark.parametrize("code", ["010", "060", "061", "070", "110", "500", "999"])
def test_invalid_insurance_offers_paid_service_or_the_counter(flow: CheckInFlow, code: str) -> None:
    found(flow, patient(result_code=code))
    assert not flow.state.insurance_accepted
    # Paid is the only visit type possible: straight to the departments, the counter beside.
    assert flow.state.screen is Screen.DEPARTMENT and flow.state.service is ServiceType.PAID
    assert flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW) == []  # refused
    effects = flow.handle(Pressed.COUNTER, NOW)
    assert flow.state.screen is Screen.GO_TO_COUNTER
    assert flow.state.problem is Problem.INSURANCE_NOT_ACCEPTED
    (slip,) = [e.ticket for e in effects if isinstance(e, PrintTicket)]
    assert isinstance(slip, CounterSlip) and slip.reason_code == "QT-BHYT"
    assert slip.masked_name == "NGUYỄN V. A." and slip.masked_id == "001******345"
    assert slip.counter_location == SETTINGS.counter_location
    flow.handle(Pressed.BACK, NOW)
    assert flow.state.screen is Screen.DEPARTMENT


@pytest.mark.parametrize("code", ["000", "001", "002", "003", "004"])
def test_accepted_result_codes(flow: CheckInFlow, code: str) -> None:
    found(flow, patient(result_code=code))
    assert flow.state.insurance_accepted


# --- hospital failures ------------------------------------------------------------------


def test_hospital_unavailable_at_lookup_says_so_and_can_retry(flow: CheckInFlow) -> None:
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    effects = flow.handle(RequestFailed(0, Request.LOOKUP, Problem.HOSPITAL_UNAVAILABLE), NOW)
    assert flow.state.screen is Screen.HOSPITAL_UNAVAILABLE
    assert any(isinstance(e, AlertStaff) for e in effects)
    (lookup,) = [e for e in flow.handle(Pressed.RETRY, NOW) if isinstance(e, LookupPatient)]
    assert lookup.identity == CHIP_IDENTITY and flow.state.screen is Screen.LOOKING_UP


def test_registration_retry_reuses_the_idempotency_key(flow: CheckInFlow) -> None:
    drive_to_confirm(flow)
    (first,) = flow.handle(Pressed.CONFIRM, NOW)
    flow.handle(RequestFailed(0, Request.REGISTER, Problem.HOSPITAL_UNAVAILABLE), NOW)
    assert flow.state.screen is Screen.HOSPITAL_UNAVAILABLE
    (again,) = [e for e in flow.handle(Pressed.RETRY, NOW) if isinstance(e, RegisterVisit)]
    assert again.checkin == first.checkin


def test_rejected_registration_sends_to_the_counter(flow: CheckInFlow) -> None:
    drive_to_confirm(flow)
    flow.handle(Pressed.CONFIRM, NOW)
    flow.handle(RequestFailed(0, Request.REGISTER, Problem.REGISTRATION_REJECTED), NOW)
    assert flow.state.screen is Screen.GO_TO_COUNTER
    assert flow.state.problem is Problem.REGISTRATION_REJECTED
    assert flow.state.counter_slip is not None
    assert flow.state.counter_slip.reason_code == "QT-TUCHOI"


def test_a_registration_for_another_department_is_not_printed(flow: CheckInFlow) -> None:
    drive_to_confirm(flow)
    flow.handle(Pressed.CONFIRM, NOW)
    effects = flow.handle(VisitRegistered(0, registration(12, "NHI")), NOW)
    assert flow.state.screen is Screen.GO_TO_COUNTER
    assert flow.state.problem is Problem.HOSPITAL_ERROR
    assert any(isinstance(e, AlertStaff) for e in effects)
    # No ticket for another room: the counter slip only.
    (printed,) = [e.ticket for e in effects if isinstance(e, PrintTicket)]
    assert isinstance(printed, CounterSlip) and printed.reason_code == "QT-HETHONG"


def test_a_failure_for_another_request_is_ignored(flow: CheckInFlow) -> None:
    found(flow, patient())
    assert flow.handle(RequestFailed(0, Request.LOOKUP, Problem.HOSPITAL_ERROR), NOW) == []
    assert flow.state.screen is Screen.SERVICE


# --- printer faults ---------------------------------------------------------------------


@pytest.mark.parametrize("problem", list(PrinterProblem))
def test_printer_fault_shows_the_number_and_alerts_staff(
    flow: CheckInFlow, problem: PrinterProblem
) -> None:
    drive_to_confirm(flow)
    flow.handle(Pressed.CONFIRM, NOW)
    flow.handle(VisitRegistered(0, registration()), NOW)
    effects = flow.handle(PrintFailed(0, problem), NOW)
    state = flow.state
    assert state.screen is Screen.PRINTER_FAULT and state.printer_problem is problem
    assert state.ticket is not None and state.ticket.queue_label == "B012"
    (alert,) = [e for e in effects if isinstance(e, AlertStaff)]
    assert alert.problem is Problem.PRINTER_FAULT and "NGUY" not in alert.reason.upper()
    assert [e.seconds for e in effects if isinstance(e, StartIdleTimer)] == [SETTINGS.fault_seconds]


# --- cancel, idle timeout, stale answers, language --------------------------------------


def test_cancel_from_every_step_clears_personal_data(flow: CheckInFlow) -> None:
    steps = [
        ServiceChosen(ServiceType.INSURANCE),
        DepartmentChosen("NOI"),
        Pressed.PRIORITY,
        PriorityChosen(PriorityGroup.PREGNANT),
    ]
    for depth in range(len(steps) + 1):
        found(flow, patient())
        for step in steps[:depth]:
            flow.handle(step, NOW)
        flow.handle(Pressed.CANCEL, NOW)
        assert_clean_welcome(flow.state)


def test_registering_and_printing_cannot_be_cancelled(flow: CheckInFlow) -> None:
    drive_to_confirm(flow)
    flow.handle(Pressed.CONFIRM, NOW)
    flow.handle(Pressed.CANCEL, NOW)
    assert flow.state.screen is Screen.REGISTERING
    flow.handle(VisitRegistered(0, registration()), NOW)
    flow.handle(Pressed.CANCEL, NOW)
    assert flow.state.screen is Screen.PRINTING


def test_idle_timeout_mid_flow_returns_to_a_clean_welcome(flow: CheckInFlow) -> None:
    found(flow, patient())
    flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    state = flow.state
    flow.handle(IdleTimeout(state.session, state.idle_seq - 1), NOW)  # an older timer: ignored
    assert flow.state.screen is Screen.DEPARTMENT
    flow.handle(IdleTimeout(state.session, state.idle_seq), NOW)
    assert_clean_welcome(flow.state)


def test_idle_timeout_is_ignored_while_waiting_for_the_hospital(flow: CheckInFlow) -> None:
    drive_to_confirm(flow)
    flow.handle(Pressed.CONFIRM, NOW)
    state = flow.state
    flow.handle(IdleTimeout(state.session, state.idle_seq), NOW)
    assert flow.state.screen is Screen.REGISTERING


def test_every_interactive_screen_starts_an_idle_timer(flow: CheckInFlow) -> None:
    effects = flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    assert not [e for e in effects if isinstance(e, StartIdleTimer)]  # busy: no timer
    effects = flow.handle(PatientFound(0, patient(), (), DEPARTMENTS), NOW)
    (timer,) = [e for e in effects if isinstance(e, StartIdleTimer)]
    assert timer == StartIdleTimer(0, flow.state.idle_seq, SETTINGS.idle_seconds)


def test_an_answer_for_a_cancelled_session_does_not_bring_data_back(flow: CheckInFlow) -> None:
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    flow.handle(Pressed.CANCEL, NOW)
    assert flow.handle(PatientFound(0, patient(), (), DEPARTMENTS), NOW) == []
    assert_clean_welcome(flow.state)
    # The next patient's session is unaffected by the late answer.
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    flow.handle(PatientFound(1, patient(), (), DEPARTMENTS), NOW)
    assert flow.state.screen is Screen.SERVICE


def test_language_toggle_keeps_the_screen_and_resets_for_the_next_patient(
    flow: CheckInFlow,
) -> None:
    found(flow, patient())
    flow.handle(Pressed.LANGUAGE, NOW)
    assert flow.state.language is Language.EN
    assert flow.state.screen is Screen.SERVICE
    flow.handle(Pressed.CANCEL, NOW)
    assert flow.state.language is Language.VI


def test_language_chosen_on_welcome_times_out_back_to_vietnamese(flow: CheckInFlow) -> None:
    effects = flow.handle(Pressed.LANGUAGE, NOW)
    (timer,) = effects
    assert isinstance(timer, StartIdleTimer)
    flow.handle(IdleTimeout(timer.session, timer.seq), NOW)
    assert flow.state.language is Language.VI and flow.state.screen is Screen.WELCOME


# --- codes only the hospital can read (VNeID, bookings) ---------------------------------


def test_an_unknown_code_is_resolved_by_the_hospital_then_looked_up(flow: CheckInFlow) -> None:
    (resolve,) = flow.handle(CodeToResolve("VNEID:1:opaque"), NOW)
    assert resolve == ResolveCode(0, "VNEID:1:opaque")
    assert flow.state.screen is Screen.LOOKING_UP and flow.state.identity is None
    assert "opaque" not in repr(resolve) and "opaque" not in repr(CodeToResolve("opaque"))
    (lookup,) = flow.handle(CodeResolved(0, CHIP_IDENTITY), NOW)
    assert lookup == LookupPatient(0, CHIP_IDENTITY)
    flow.handle(PatientFound(0, patient(), (), DEPARTMENTS), NOW)
    assert flow.state.screen is Screen.SERVICE


def test_a_code_the_hospital_does_not_know_offers_retry_or_keypad(flow: CheckInFlow) -> None:
    flow.handle(CodeToResolve("https://example.invalid"), NOW)
    flow.handle(CodeNotResolved(0), NOW)
    assert flow.state.screen is Screen.READ_FAILED
    assert flow.state.problem is Problem.CODE_UNKNOWN


def test_hospital_down_while_resolving_a_code(flow: CheckInFlow) -> None:
    flow.handle(CodeToResolve("VNEID:1:opaque"), NOW)
    effects = flow.handle(RequestFailed(0, Request.RESOLVE, Problem.HOSPITAL_UNAVAILABLE), NOW)
    # Only the hospital reads it: the patient is pointed at the card's QR or the keypad.
    assert flow.state.screen is Screen.READ_FAILED
    assert flow.state.problem is Problem.CODE_NEEDS_HOSPITAL
    assert any(isinstance(e, AlertStaff) for e in effects)
    flow.handle(Pressed.KEYPAD, NOW)
    assert flow.state.screen is Screen.KEYPAD
    flow.handle(Pressed.BACK, NOW)
    flow.handle(CodeToResolve("VNEID:1:opaque"), NOW)
    flow.handle(RequestFailed(0, Request.RESOLVE, Problem.HOSPITAL_UNAVAILABLE), NOW)
    flow.handle(Pressed.RETRY, NOW)  # the code is not kept: show it again
    assert flow.state.screen is Screen.WELCOME


def test_the_printer_state_is_known_before_printing_and_outlives_the_session(
    flow: CheckInFlow,
) -> None:
    flow.handle(PrinterChanged(PrinterProblem.OUT_OF_PAPER), NOW)
    found(flow, patient())
    assert flow.state.printer_down is PrinterProblem.OUT_OF_PAPER  # the confirm page warns
    flow.handle(Pressed.CANCEL, NOW)
    assert flow.state.printer_down is PrinterProblem.OUT_OF_PAPER
    flow.handle(PrinterChanged(None), NOW)
    assert flow.state.printer_down is None


# --- already checked in today ------------------------------------------------------------

TODAYS = TodayVisit(
    visit_id="V7",
    department_code="NOI",
    queue_label="B021",
    service=ServiceType.INSURANCE,
    priority=PriorityGroup.NONE,
    room="P.101",
    floor=1,
    registered_at=datetime(2026, 11, 23, 7, 50),
)


def found_again(flow: CheckInFlow, *visits: TodayVisit, appointments=()) -> None:
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    flow.handle(PatientFound(0, patient(), tuple(appointments), DEPARTMENTS, visits), NOW)


def test_a_patient_with_a_number_today_is_offered_it_again(flow: CheckInFlow) -> None:
    found_again(flow, TODAYS)
    assert flow.state.screen is Screen.ALREADY_CHECKED_IN
    (printing,) = [e for e in flow.handle(Pressed.REPRINT, NOW) if isinstance(e, PrintTicket)]
    ticket = printing.ticket
    assert isinstance(ticket, Ticket) and ticket.reprint
    assert (ticket.queue_label, ticket.visit_id, ticket.room) == ("B021", "V7", "P.101")
    assert ticket.department_name == "Khoa NOI" and ticket.masked_name == "NGUYỄN V. A."
    assert flow.state.screen is Screen.PRINTING and flow.state.checkin is None  # not registered
    flow.handle(TicketPrinted(0), NOW)
    assert flow.state.screen is Screen.TICKET and flow.state.printed


def test_a_reprint_without_paper_shows_the_number(flow: CheckInFlow) -> None:
    found_again(flow, TODAYS)
    flow.handle(Pressed.REPRINT, NOW)
    flow.handle(PrintFailed(0, PrinterProblem.OUT_OF_PAPER), NOW)
    assert flow.state.screen is Screen.PRINTER_FAULT
    assert flow.state.ticket is not None and flow.state.ticket.queue_label == "B021"


def test_the_latest_visit_of_the_day_is_the_one_printed_again(flow: CheckInFlow) -> None:
    later = replace(TODAYS, visit_id="V9", department_code="NHI", queue_label="D003")
    found_again(flow, TODAYS, later)
    (printing,) = [e for e in flow.handle(Pressed.REPRINT, NOW) if isinstance(e, PrintTicket)]
    assert printing.ticket.queue_label == "D003"


def test_another_clinic_after_a_visit_today(flow: CheckInFlow) -> None:
    found_again(flow, TODAYS, appointments=[APPOINTMENT])  # its appointment: checked in
    flow.handle(Pressed.ANOTHER_CLINIC, NOW)
    assert flow.state.screen is Screen.SERVICE  # the NOI appointment is not offered again
    assert flow.state.todays_appointment is None
    flow.handle(Pressed.BACK, NOW)
    assert flow.state.screen is Screen.ALREADY_CHECKED_IN


def test_another_days_appointment_still_comes_first_after_a_visit_today(
    flow: CheckInFlow,
) -> None:
    found_again(flow, replace(TODAYS, department_code="NHI"), appointments=[APPOINTMENT])
    flow.handle(Pressed.ANOTHER_CLINIC, NOW)
    assert flow.state.screen is Screen.APPOINTMENT


# --- never empty-handed: the counter slip ------------------------------------------------


def test_the_counter_slip_printed_or_its_code_on_screen(flow: CheckInFlow) -> None:
    found(flow, patient(result_code="010"))
    flow.handle(Pressed.COUNTER, NOW)
    assert not flow.state.printed
    flow.handle(TicketPrinted(0), NOW)
    assert flow.state.screen is Screen.GO_TO_COUNTER and flow.state.printed
    flow.handle(Pressed.BACK, NOW)
    flow.handle(Pressed.COUNTER, NOW)
    assert not flow.state.printed  # a new slip
    effects = flow.handle(PrintFailed(0, PrinterProblem.COVER_OPEN), NOW)
    state = flow.state
    assert state.screen is Screen.GO_TO_COUNTER and not state.printed
    assert state.printer_problem is PrinterProblem.COVER_OPEN
    assert state.printer_down is PrinterProblem.COVER_OPEN  # the next patient is warned
    assert [e.problem for e in effects if isinstance(e, AlertStaff)] == [Problem.PRINTER_FAULT]
    assert [e.seconds for e in effects if isinstance(e, StartIdleTimer)] == [SETTINGS.fault_seconds]


def test_counter_slip_settings_reach_the_paper() -> None:
    settings = replace(SETTINGS, counter_location="Quầy số 3, tầng 1", counter_hours="7:00–17:00")
    flow = CheckInFlow(settings, new_key=lambda: "k")
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    flow.handle(PatientFound(0, patient(result_code="060"), (), DEPARTMENTS), NOW)
    (printing,) = [e for e in flow.handle(Pressed.COUNTER, NOW) if isinstance(e, PrintTicket)]
    slip = printing.ticket
    assert isinstance(slip, CounterSlip)
    assert (slip.counter_location, slip.counter_hours) == ("Quầy số 3, tầng 1", "7:00–17:00")
    assert slip.issued_at == NOW and "J" not in repr(slip)  # no diagnosis codes anywhere


# --- departments suited to the patient ----------------------------------------------------


def test_departments_that_do_not_see_the_patient_are_not_offered(flow: CheckInFlow) -> None:
    special = (
        replace(department("NOI"), audience=Audience.ADULT),
        replace(department("NHI"), audience=Audience.CHILD),
        replace(department("SAN"), audience=Audience.WOMEN),
        department("MAT"),
    )
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    child = replace(patient(born=date(2022, 6, 1)), sex=Sex.FEMALE)
    flow.handle(PatientFound(0, child, (), special), NOW)
    assert [d.code for d in flow.state.departments_for(ServiceType.INSURANCE)] == ["NHI", "MAT"]
    assert flow.handle(DepartmentChosen("SAN"), NOW) == []  # no obstetrics for a 4-year-old
    flow.handle(Pressed.CANCEL, NOW)
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    flow.handle(PatientFound(1, patient(), (), special), NOW)  # a man of 36
    assert [d.code for d in flow.state.departments_for(ServiceType.INSURANCE)] == ["NOI", "MAT"]
