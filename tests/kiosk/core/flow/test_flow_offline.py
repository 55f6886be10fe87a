"""The offline path: when the hospital does not answer, the kiosk's own store serves."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from kiosk.core.domain import PriorityGroup, ServiceType
from kiosk.core.flow import (
    AlertStaff,
    CheckInFlow,
    DepartmentChosen,
    HospitalReachable,
    IdentityPresented,
    LookupOffline,
    PatientFound,
    Pressed,
    PrintTicket,
    PriorityChosen,
    Problem,
    QueuedOffline,
    QueueOffline,
    RegisterVisit,
    Request,
    RequestFailed,
    Screen,
    ServiceChosen,
)
from tests.kiosk.core.flow.test_flow import CHIP_IDENTITY, DEPARTMENTS, NOW, SETTINGS, patient
from tests.ui.screens.samples import TICKET

UNAVAILABLE = Problem.HOSPITAL_UNAVAILABLE


@pytest.fixture
def flow() -> CheckInFlow:
    keys = (f"key-{n}" for n in itertools.count(1))
    return CheckInFlow(replace(SETTINGS, offline=True), new_key=lambda: next(keys))


def to_confirm(flow: CheckInFlow, who=None) -> None:
    flow.handle(PatientFound(0, who or patient(), (), DEPARTMENTS), NOW)
    flow.handle(Pressed.CONTINUE, NOW)
    flow.handle(ServiceChosen(ServiceType.INSURANCE), NOW)
    flow.handle(DepartmentChosen("NOI"), NOW)
    flow.handle(PriorityChosen(PriorityGroup.NONE), NOW)
    assert flow.state.screen is Screen.CONFIRM


def test_a_lookup_the_hospital_cannot_answer_goes_to_the_kiosks_cache(flow) -> None:
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    effects = flow.handle(RequestFailed(0, Request.LOOKUP, UNAVAILABLE), NOW)
    assert effects == [LookupOffline(0, CHIP_IDENTITY)]
    assert flow.state.screen is Screen.LOOKING_UP  # the patient sees nothing of it
    flow.handle(PatientFound(0, patient(), (), DEPARTMENTS), NOW)
    assert flow.state.screen is Screen.SERVICE


def test_a_registration_the_hospital_cannot_take_is_queued_and_printed(flow) -> None:
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    to_confirm(flow)
    (register, *_) = flow.handle(Pressed.CONFIRM, NOW)
    assert isinstance(register, RegisterVisit)
    (queue,) = flow.handle(RequestFailed(0, Request.REGISTER, UNAVAILABLE), NOW)
    assert isinstance(queue, QueueOffline)
    assert queue.checkin == register.checkin  # the same idempotency key: never twice
    assert queue.patient == patient() and queue.department.code == "NOI"
    provisional = replace(TICKET, provisional=True, visit_id="")
    effects = flow.handle(QueuedOffline(0, provisional), NOW)
    assert effects == [PrintTicket(0, provisional)]
    assert flow.state.screen is Screen.PRINTING and flow.state.ticket == provisional


def test_a_patient_known_only_from_the_card_goes_straight_to_the_outbox(flow) -> None:
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    unconfirmed = replace(patient(), patient_id="")  # served offline, not in the cache
    to_confirm(flow, unconfirmed)
    (queue,) = flow.handle(Pressed.CONFIRM, NOW)
    assert isinstance(queue, QueueOffline)
    assert queue.patient is None and queue.identity == CHIP_IDENTITY
    assert flow.state.screen is Screen.REGISTERING


@pytest.mark.parametrize("request_", [Request.OFFLINE_LOOKUP, Request.OFFLINE_QUEUE])
def test_when_the_store_cannot_serve_either_the_patient_is_told(flow, request_) -> None:
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    if request_ is Request.OFFLINE_QUEUE:
        to_confirm(flow)
        flow.handle(Pressed.CONFIRM, NOW)
        flow.handle(RequestFailed(0, Request.REGISTER, UNAVAILABLE), NOW)
    else:
        flow.handle(RequestFailed(0, Request.LOOKUP, UNAVAILABLE), NOW)
    effects = flow.handle(RequestFailed(0, request_, UNAVAILABLE), NOW)
    assert flow.state.screen is Screen.HOSPITAL_UNAVAILABLE
    assert any(isinstance(e, AlertStaff) for e in effects)


def test_without_a_store_the_hospital_being_down_is_said_at_once() -> None:
    plain = CheckInFlow(SETTINGS, new_key=lambda: "k")
    plain.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    plain.handle(RequestFailed(0, Request.LOOKUP, UNAVAILABLE), NOW)
    assert plain.state.screen is Screen.HOSPITAL_UNAVAILABLE


def test_a_refusal_is_not_served_offline(flow) -> None:
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    to_confirm(flow)
    flow.handle(Pressed.CONFIRM, NOW)
    effects = flow.handle(RequestFailed(0, Request.REGISTER, Problem.REGISTRATION_REJECTED), NOW)
    assert flow.state.screen is Screen.GO_TO_COUNTER
    assert not any(isinstance(e, QueueOffline) for e in effects)


def test_the_offline_banner_follows_the_monitor_across_sessions(flow) -> None:
    flow.handle(HospitalReachable(False), NOW)
    assert flow.state.hospital_offline
    flow.handle(IdentityPresented(CHIP_IDENTITY), NOW)
    flow.handle(Pressed.CANCEL, NOW)
    assert flow.state.hospital_offline and flow.state.identity is None
    flow.handle(HospitalReachable(True), NOW)
    assert not flow.state.hospital_offline
