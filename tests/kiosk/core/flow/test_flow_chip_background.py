"""The chip read in the background: the card already lies on the reader when the identity
comes, so the patient chooses while the chip is read, and nothing registers before its verdict."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from kiosk.core.domain import CardProblem, IdentityCheck, ServiceType
from kiosk.core.flow import (
    AlertStaff,
    CardSensed,
    CheckInFlow,
    ChipFailed,
    ChipRead,
    DepartmentChosen,
    IdentityPresented,
    PatientFound,
    PatientNotFound,
    Pressed,
    PrintTicket,
    Problem,
    ReadCard,
    RegisterVisit,
    ReleaseCard,
    Screen,
    ServiceChosen,
    VisitRegistered,
)
from kiosk.core.flow.effects import Effect
from tests.kiosk.core.flow.test_flow import (
    CHIP_IDENTITY,
    DEPARTMENTS,
    NOW,
    SETTINGS,
    TODAYS,
    patient,
    registration,
)
from tests.kiosk.core.flow.test_flow_chip import ISSUED, QR_IDENTITY


@pytest.fixture
def flow() -> CheckInFlow:
    keys = (f"key-{n}" for n in itertools.count(1))
    return CheckInFlow(replace(SETTINGS, read_chip=True), new_key=lambda: next(keys))


def card_down_then_code(flow: CheckInFlow, *, found: bool = True) -> list[Effect]:
    """The card first (CARD_NEEDS_ID), then its QR code; the hospital knows the patient."""
    flow.handle(CardSensed.PLACED, NOW)
    assert flow.state.screen is Screen.CARD_NEEDS_ID
    flow.handle(IdentityPresented(QR_IDENTITY, card_issued=ISSUED), NOW)
    session = flow.state.session
    answer = (
        PatientFound(session, patient(), (), DEPARTMENTS) if found else PatientNotFound(session)
    )
    effects = flow.handle(answer, NOW)
    flow.handle(CardSensed.PLACED, NOW)  # the station, armed, begins the read
    return effects


def to_confirm(flow: CheckInFlow) -> None:
    flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    flow.handle(DepartmentChosen("NOI"), NOW)
    assert flow.state.screen is Screen.CONFIRM


def test_the_card_already_down_skips_the_card_step(flow: CheckInFlow) -> None:
    effects = card_down_then_code(flow)
    state = flow.state
    assert state.screen is Screen.SERVICE  # the first choice, not PLACE_CARD
    assert state.chip_pending and state.card_reading
    read = next(e for e in effects if isinstance(e, ReadCard))
    assert read.card_issued == ISSUED


def test_no_card_down_keeps_the_card_step(flow: CheckInFlow) -> None:
    flow.handle(IdentityPresented(QR_IDENTITY, card_issued=ISSUED), NOW)
    flow.handle(PatientFound(0, patient(), (), DEPARTMENTS), NOW)
    assert flow.state.screen is Screen.PLACE_CARD and not flow.state.chip_pending


def test_a_card_taken_before_the_code_keeps_the_card_step(flow: CheckInFlow) -> None:
    flow.handle(CardSensed.PLACED, NOW)
    flow.handle(IdentityPresented(QR_IDENTITY, card_issued=ISSUED), NOW)
    flow.handle(CardSensed.TAKEN, NOW)  # while the hospital looks the patient up
    flow.handle(PatientFound(0, patient(), (), DEPARTMENTS), NOW)
    assert flow.state.screen is Screen.PLACE_CARD


def test_a_new_patient_still_waits_for_the_chip(flow: CheckInFlow) -> None:
    # The chip's data makes the record: the kiosk does not go on without it.
    card_down_then_code(flow, found=False)
    assert flow.state.screen is Screen.PLACE_CARD


@pytest.mark.parametrize("choices_before_chip", [0, 1, 2])
def test_a_verified_chip_at_any_point_of_the_choosing_marks_and_updates(
    flow: CheckInFlow, choices_before_chip: int
) -> None:
    card_down_then_code(flow)
    choices = [ServiceChosen(ServiceType.INSURANCE), DepartmentChosen("NOI")]
    for choice in choices[:choices_before_chip]:
        flow.handle(choice, NOW)
    screen = flow.state.screen
    effects = flow.handle(ChipRead(0, CHIP_IDENTITY), NOW)
    state = flow.state
    assert state.screen is screen  # the patient stays where they are
    assert state.identity_check is IdentityCheck.CHIP_VERIFIED
    assert state.identity is not None and state.identity.address == "12 Phố Huế, Hà Nội"
    assert not state.chip_pending and effects == [ReleaseCard()]
    for choice in choices[choices_before_chip:]:
        flow.handle(choice, NOW)
    (register,) = [e for e in flow.handle(Pressed.CONFIRM, NOW) if isinstance(e, RegisterVisit)]
    assert register.checkin.identity_check is IdentityCheck.CHIP_VERIFIED


def test_a_confirm_before_the_verdict_waits_for_it(flow: CheckInFlow) -> None:
    card_down_then_code(flow)
    to_confirm(flow)
    effects = flow.handle(Pressed.CONFIRM, NOW)
    assert flow.state.screen is Screen.REGISTERING
    assert not [e for e in effects if isinstance(e, RegisterVisit)]  # nothing sent yet
    assert flow.handle(Pressed.CANCEL, NOW) == []  # registering cannot be cancelled
    effects = flow.handle(ChipRead(0, CHIP_IDENTITY), NOW)
    (register,) = [e for e in effects if isinstance(e, RegisterVisit)]
    assert register.checkin.identity_check is IdentityCheck.CHIP_VERIFIED
    assert ReleaseCard() in effects
    effects = flow.handle(VisitRegistered(0, registration()), NOW)
    assert flow.state.screen is Screen.PRINTING
    assert any(isinstance(e, PrintTicket) for e in effects)


def test_a_confirm_before_a_failed_chip_registers_with_the_mark(flow: CheckInFlow) -> None:
    card_down_then_code(flow)
    to_confirm(flow)
    flow.handle(Pressed.CONFIRM, NOW)
    effects = flow.handle(ChipFailed(0, CardProblem.UNREADABLE), NOW)
    (register,) = [e for e in effects if isinstance(e, RegisterVisit)]
    assert register.checkin.identity_check is IdentityCheck.CHIP_FAILED
    assert any(isinstance(e, AlertStaff) for e in effects)


def test_a_chip_that_fails_to_read_marks_and_lets_the_patient_choose_on(
    flow: CheckInFlow,
) -> None:
    card_down_then_code(flow)
    flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    effects = flow.handle(ChipFailed(0, CardProblem.ACCESS_DENIED), NOW)
    state = flow.state
    assert state.screen is Screen.DEPARTMENT
    assert state.identity_check is IdentityCheck.CHIP_FAILED and state.identity == QR_IDENTITY
    assert ReleaseCard() in effects


@pytest.mark.parametrize("confirmed", [False, True])
def test_a_cloned_card_mid_choice_goes_to_the_counter(flow: CheckInFlow, confirmed: bool) -> None:
    card_down_then_code(flow)
    if confirmed:
        to_confirm(flow)
        flow.handle(Pressed.CONFIRM, NOW)
    else:
        flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    effects = flow.handle(ChipFailed(0, CardProblem.FORGED), NOW)
    state = flow.state
    assert state.screen is Screen.GO_TO_COUNTER and state.problem is Problem.CARD_FORGED
    assert state.counter_slip is not None and state.checkin is None
    assert not [e for e in effects if isinstance(e, RegisterVisit)]
    assert ReleaseCard() in effects and any(isinstance(e, PrintTicket) for e in effects)


def test_a_card_taken_away_mid_read_asks_for_it_again(flow: CheckInFlow) -> None:
    card_down_then_code(flow)
    to_confirm(flow)
    flow.handle(CardSensed.TAKEN, NOW)
    assert flow.state.screen is Screen.CONFIRM  # the running read gives its own verdict
    effects = flow.handle(ChipFailed(0, CardProblem.REMOVED), NOW)
    state = flow.state
    assert state.screen is Screen.PLACE_CARD and state.problem is Problem.CARD_REMOVED
    assert ReleaseCard() not in effects  # the station stays armed for the card
    assert not state.chip_pending and state.trail == ()
    flow.handle(CardSensed.PLACED, NOW)
    flow.handle(ChipRead(0, CHIP_IDENTITY), NOW)
    assert flow.state.screen is Screen.SERVICE
    assert flow.state.identity_check is IdentityCheck.CHIP_VERIFIED


def test_a_card_taken_before_its_read_began_asks_for_it_again(flow: CheckInFlow) -> None:
    flow.handle(CardSensed.PLACED, NOW)
    flow.handle(IdentityPresented(QR_IDENTITY, card_issued=ISSUED), NOW)
    flow.handle(PatientFound(0, patient(), (), DEPARTMENTS), NOW)
    assert flow.state.chip_pending and not flow.state.card_reading
    flow.handle(CardSensed.TAKEN, NOW)  # the station never started: no verdict would come
    assert flow.state.screen is Screen.PLACE_CARD
    assert flow.state.problem is Problem.CARD_REMOVED


def test_a_chip_that_needs_the_birth_date_asks_for_it(flow: CheckInFlow) -> None:
    card_down_then_code(flow)
    effects = flow.handle(ChipFailed(0, CardProblem.NEEDS_BIRTH_DATE), NOW)
    assert flow.state.screen is Screen.BIRTH_DATE and not flow.state.chip_pending
    assert ReleaseCard() in effects


@pytest.mark.parametrize("leave", ["cancel", "counter"])
def test_leaving_the_choosing_releases_the_card_and_ignores_its_verdict(
    flow: CheckInFlow, leave: str
) -> None:
    card_down_then_code(flow)
    pressed = Pressed.CANCEL if leave == "cancel" else Pressed.COUNTER
    effects = flow.handle(pressed, NOW)
    assert ReleaseCard() in effects and not flow.state.chip_pending
    before = flow.state
    assert flow.handle(ChipFailed(0, CardProblem.FORGED), NOW) == []
    assert flow.state is before


def test_a_verdict_from_an_earlier_session_is_ignored(flow: CheckInFlow) -> None:
    card_down_then_code(flow)
    flow.handle(Pressed.CANCEL, NOW)
    assert flow.state.card_down  # the card still lies there
    card_down_then_code(flow)
    assert flow.state.session == 1
    before = flow.state
    assert flow.handle(ChipFailed(0, CardProblem.FORGED), NOW) == []
    assert flow.state is before and flow.state.chip_pending


def test_a_reprint_before_the_verdict_waits_for_it(flow: CheckInFlow) -> None:
    flow.handle(CardSensed.PLACED, NOW)
    flow.handle(IdentityPresented(QR_IDENTITY, card_issued=ISSUED), NOW)
    found = PatientFound(0, patient(), (), DEPARTMENTS, visits_today=(TODAYS,))
    flow.handle(found, NOW)
    assert flow.state.screen is Screen.ALREADY_CHECKED_IN
    assert flow.handle(Pressed.REPRINT, NOW) == []
    assert flow.state.screen is Screen.REGISTERING
    effects = flow.handle(ChipRead(0, CHIP_IDENTITY), NOW)
    assert flow.state.screen is Screen.PRINTING
    assert any(isinstance(e, PrintTicket) for e in effects)
