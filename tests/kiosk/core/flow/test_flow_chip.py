"""The chip step: after a code or the keypad gave the ID, the card's chip confirms it."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

import pytest

from kiosk.core.domain import (
    BirthDate,
    CardProblem,
    Identity,
    IdentityCheck,
    IdentitySource,
    PriorityGroup,
    ServiceType,
    Sex,
)
from kiosk.core.flow import (
    AlertStaff,
    CardSensed,
    CheckInFlow,
    ChipFailed,
    ChipRead,
    CreatePatient,
    DepartmentChosen,
    IdentityPresented,
    IdleTimeout,
    PatientFound,
    PatientNotFound,
    Pressed,
    PrintTicket,
    PriorityChosen,
    Problem,
    ReadCard,
    RegisterVisit,
    ReleaseCard,
    Request,
    RequestFailed,
    Screen,
    ServiceChosen,
    VisitRegistered,
)
from tests.kiosk.core.flow.test_flow import (
    CHIP_IDENTITY,
    CITIZEN_ID,
    DEPARTMENTS,
    NOW,
    SETTINGS,
    patient,
    registration,
)

ISSUED = date(2021, 4, 1)
QR_IDENTITY = Identity(
    source=IdentitySource.CCCD_QR,
    citizen_id=CITIZEN_ID,
    full_name="Nguyen Van An",  # some apps re-encode the QR without diacritics
    birth=BirthDate(1990, 5, 17),
    sex=Sex.MALE,
)


@pytest.fixture
def flow() -> CheckInFlow:
    keys = (f"key-{n}" for n in itertools.count(1))
    return CheckInFlow(replace(SETTINGS, read_chip=True), new_key=lambda: next(keys))


def at_place_card(flow: CheckInFlow, identity: Identity = QR_IDENTITY, *, known: bool = True):
    flow.handle(IdentityPresented(identity, card_issued=ISSUED), NOW)
    if known:
        answer = PatientFound(flow.state.session, patient(), (), DEPARTMENTS)
    else:
        answer = PatientNotFound(flow.state.session)
    return flow.handle(answer, NOW)


def kinds(effects) -> list[type]:
    return [type(e) for e in effects]


def test_a_qr_identity_asks_for_the_card_with_the_keys_it_gives(flow: CheckInFlow) -> None:
    effects = at_place_card(flow)
    assert flow.state.screen is Screen.PLACE_CARD
    read = next(e for e in effects if isinstance(e, ReadCard))
    assert (read.citizen_id, read.birth) == (CITIZEN_ID, date(1990, 5, 17))
    assert read.card_issued == ISSUED
    assert CITIZEN_ID not in repr(read)  # keys stay out of logs


def test_verified_chip_data_replaces_the_code_data(flow: CheckInFlow) -> None:
    at_place_card(flow)
    flow.handle(CardSensed.PLACED, NOW)
    assert flow.state.card_reading
    effects = flow.handle(ChipRead(0, CHIP_IDENTITY), NOW)
    state = flow.state
    assert state.screen is Screen.SERVICE
    assert state.identity == CHIP_IDENTITY and state.identity_check is IdentityCheck.CHIP_VERIFIED
    assert not state.card_reading
    assert ReleaseCard() in effects


def test_the_mark_travels_to_the_registration_and_the_ticket(flow: CheckInFlow) -> None:
    at_place_card(flow)
    flow.handle(ChipRead(0, CHIP_IDENTITY), NOW)
    flow.handle(Pressed.CONTINUE, NOW)
    flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    flow.handle(DepartmentChosen("NOI"), NOW)
    flow.handle(PriorityChosen(PriorityGroup.NONE), NOW)
    (register, *_) = flow.handle(Pressed.CONFIRM, NOW)
    assert isinstance(register, RegisterVisit)
    assert register.checkin.identity_check is IdentityCheck.CHIP_VERIFIED
    effects = flow.handle(VisitRegistered(0, registration()), NOW)
    (printed,) = [e for e in effects if isinstance(e, PrintTicket)]
    assert printed.ticket.identity_check is IdentityCheck.CHIP_VERIFIED


def test_a_chip_whose_signer_is_not_trusted_is_read_not_verified(flow: CheckInFlow) -> None:
    at_place_card(flow)
    flow.handle(ChipRead(0, replace(CHIP_IDENTITY, chip_verified=False)), NOW)
    assert flow.state.identity_check is IdentityCheck.CHIP_READ


def test_the_bhyt_number_from_the_code_survives_the_chip(flow: CheckInFlow) -> None:
    bhyt = Identity(
        source=IdentitySource.BHYT_QR,
        insurance_number="DN4010123456789",
        full_name="Nguyễn Văn An",
        birth=BirthDate(1990, 5, 17),
        sex=Sex.MALE,
    )
    effects = at_place_card(flow, bhyt)
    # The BHYT code has no ID number: the hospital record's opens the chip.
    (read,) = [e for e in effects if isinstance(e, ReadCard)]
    assert read.citizen_id == CITIZEN_ID
    flow.handle(ChipRead(0, CHIP_IDENTITY), NOW)
    assert flow.state.identity.insurance_number == "DN4010123456789"


@pytest.mark.parametrize(
    ("problem", "shown"),
    [(CardProblem.REMOVED, Problem.CARD_REMOVED), (CardProblem.WRONG_CARD, Problem.CARD_WRONG)],
)
def test_a_card_taken_too_soon_or_someone_elses_can_be_placed_again(
    flow: CheckInFlow, problem: CardProblem, shown: Problem
) -> None:
    at_place_card(flow)
    flow.handle(CardSensed.PLACED, NOW)
    effects = flow.handle(ChipFailed(0, problem), NOW)
    assert flow.state.screen is Screen.PLACE_CARD and flow.state.problem is shown
    assert ReleaseCard() not in effects  # the reader stays ready for the card
    flow.handle(CardSensed.PLACED, NOW)
    assert flow.state.problem is None and flow.state.card_reading
    flow.handle(ChipRead(0, CHIP_IDENTITY), NOW)
    assert flow.state.identity_check is IdentityCheck.CHIP_VERIFIED


@pytest.mark.parametrize("problem", [CardProblem.UNREADABLE, CardProblem.ACCESS_DENIED])
def test_a_chip_that_cannot_be_read_falls_back_to_the_code_with_a_mark(
    flow: CheckInFlow, problem: CardProblem
) -> None:
    at_place_card(flow)
    effects = flow.handle(ChipFailed(0, problem), NOW)
    state = flow.state
    assert state.screen is Screen.SERVICE
    assert state.identity == QR_IDENTITY and state.identity_check is IdentityCheck.CHIP_FAILED
    alerts = [e for e in effects if isinstance(e, AlertStaff)]
    assert len(alerts) == 1 and problem.value in alerts[0].reason
    assert ReleaseCard() in effects


def test_a_forged_chip_sends_the_patient_to_the_counter(flow: CheckInFlow) -> None:
    at_place_card(flow)
    effects = flow.handle(ChipFailed(0, CardProblem.FORGED), NOW)
    assert flow.state.screen is Screen.GO_TO_COUNTER
    assert flow.state.problem is Problem.CARD_FORGED
    assert kinds(effects).count(AlertStaff) == 1 and ReleaseCard() in effects
    slip = flow.state.counter_slip
    assert slip is not None and slip.reason_code == "QT-CHIP"
    assert kinds(effects).count(PrintTicket) == 1


def test_skipping_the_card_goes_on_with_a_mark(flow: CheckInFlow) -> None:
    at_place_card(flow)
    effects = flow.handle(Pressed.SKIP_CARD, NOW)
    assert flow.state.screen is Screen.SERVICE
    assert flow.state.identity_check is IdentityCheck.CARD_SKIPPED
    assert ReleaseCard() in effects and AlertStaff not in kinds(effects)


def test_a_new_patient_is_registered_from_the_chip_data(flow: CheckInFlow) -> None:
    keypad = Identity(source=IdentitySource.KEYPAD, citizen_id=CITIZEN_ID)
    effects = at_place_card(flow, keypad, known=False)
    (read,) = [e for e in effects if isinstance(e, ReadCard)]
    assert read.birth is None  # PACE-CAN needs the ID only
    flow.handle(ChipRead(0, CHIP_IDENTITY), NOW)
    assert flow.state.screen is Screen.NOT_FOUND and flow.state.problem is None
    (create, *_) = flow.handle(Pressed.REGISTER_NEW, NOW)
    assert isinstance(create, CreatePatient) and create.identity == CHIP_IDENTITY


def test_a_typed_number_without_the_card_cannot_make_a_new_record(flow: CheckInFlow) -> None:
    keypad = Identity(source=IdentitySource.KEYPAD, citizen_id=CITIZEN_ID)
    at_place_card(flow, keypad, known=False)
    flow.handle(Pressed.SKIP_CARD, NOW)
    assert flow.state.screen is Screen.GO_TO_COUNTER  # with a slip: the counter makes it
    assert flow.state.problem is Problem.NEEDS_CARD_TO_REGISTER


def test_a_card_placed_first_asks_for_the_id(flow: CheckInFlow) -> None:
    flow.handle(CardSensed.PLACED, NOW)
    assert flow.state.screen is Screen.CARD_NEEDS_ID
    flow.handle(Pressed.KEYPAD, NOW)
    assert flow.state.screen is Screen.KEYPAD
    flow.handle(Pressed.BACK, NOW)
    assert flow.state.screen is Screen.CARD_NEEDS_ID
    flow.handle(IdentityPresented(QR_IDENTITY, card_issued=ISSUED), NOW)
    assert flow.state.screen is Screen.LOOKING_UP


@pytest.mark.parametrize("leave", ["cancel", "idle"])
def test_leaving_the_card_step_releases_the_card(flow: CheckInFlow, leave: str) -> None:
    at_place_card(flow)
    if leave == "cancel":
        effects = flow.handle(Pressed.CANCEL, NOW)
    else:
        effects = flow.handle(IdleTimeout(0, flow.state.idle_seq), NOW)
    assert flow.state.screen is Screen.WELCOME and flow.state.identity is None
    assert effects == [ReleaseCard()]
    # An answer from the cancelled session changes nothing.
    assert flow.handle(ChipRead(0, CHIP_IDENTITY), NOW) == [] and flow.state.identity is None


def test_no_card_step_without_a_reader_or_for_an_identity_the_hospital_vouches_for() -> None:
    plain = CheckInFlow(SETTINGS, new_key=lambda: "k")
    at_place_card(plain)
    assert plain.state.screen is Screen.SERVICE
    with_reader = CheckInFlow(replace(SETTINGS, read_chip=True), new_key=lambda: "k")
    at_place_card(with_reader, replace(QR_IDENTITY, source=IdentitySource.HOSPITAL_RESOLVED))
    assert with_reader.state.screen is Screen.SERVICE


def test_a_lookup_retried_after_the_hospital_came_back_still_asks_for_the_card(
    flow: CheckInFlow,
) -> None:
    flow.handle(IdentityPresented(QR_IDENTITY, card_issued=ISSUED), NOW)
    flow.handle(RequestFailed(0, Request.LOOKUP, Problem.HOSPITAL_UNAVAILABLE), NOW)
    assert flow.state.screen is Screen.HOSPITAL_UNAVAILABLE
    flow.handle(Pressed.RETRY, NOW)
    effects = flow.handle(PatientFound(0, patient(), (), DEPARTMENTS), NOW)
    (read,) = [e for e in effects if isinstance(e, ReadCard)]
    assert read.card_issued == ISSUED  # the QR's issue date is kept for BAC


def test_chip_answers_elsewhere_are_ignored(flow: CheckInFlow) -> None:
    flow.handle(IdentityPresented(QR_IDENTITY), NOW)
    assert flow.handle(ChipRead(0, CHIP_IDENTITY), NOW) == []
    assert flow.handle(ChipFailed(0, CardProblem.FORGED), NOW) == []
    assert flow.state.screen is Screen.LOOKING_UP


def test_another_persons_code_at_the_card_step_keeps_the_reader_until_decided(
    flow: CheckInFlow,
) -> None:
    at_place_card(flow)
    other = replace(QR_IDENTITY, citizen_id="079190054321")
    effects = flow.handle(IdentityPresented(other), NOW)
    assert flow.state.screen is Screen.SWITCH_PATIENT and ReleaseCard() not in effects
    flow.handle(Pressed.BACK, NOW)
    assert flow.state.screen is Screen.PLACE_CARD
    flow.handle(IdentityPresented(other), NOW)
    effects = flow.handle(Pressed.SWITCH, NOW)
    assert effects[0] == ReleaseCard() and flow.state.identity == other
