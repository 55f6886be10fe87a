"""Today's visits of a patient (`GET /v1/patients/{id}/registrations`), the appointments a
check-in uses up, and whom each department sees: the demo hospital over real HTTP, every
answer checked against the contract, and the REST client reading them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from kiosk.core.domain import (
    Audience,
    CheckIn,
    IdentityCheck,
    PriorityGroup,
    ServiceType,
)
from kiosk.demo_hospital.personas import demo_persona
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient
from tests.kiosk.hospital.conftest import Contract

TODAY = date(2026, 3, 10)
REGISTRATIONS = "/v1/patients/{patient_id}/registrations"
APPOINTMENTS = "/v1/patients/{patient_id}/appointments"


@pytest.fixture
def hospital(tmp_path: Path) -> Iterator[DemoHospitalServer]:
    """A fresh hospital per test: these tests register visits and count them."""
    with DemoHospitalServer(tmp_path / "h.db", today=TODAY) as server:
        yield server


@pytest.fixture
def client(hospital: DemoHospitalServer) -> Iterator[RestHospitalClient]:
    with RestHospitalClient(hospital.url) as rest:
        yield rest


@pytest.fixture
def http(hospital: DemoHospitalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hospital.url, timeout=5.0, trust_env=False) as raw:
        yield raw


def checkin(persona: str, department: str = "NOI", **changes: object) -> CheckIn:
    fields: dict[str, object] = {
        "idempotency_key": str(uuid.uuid4()),
        "kiosk_id": "K01",
        "patient_id": demo_persona(persona, TODAY).patient_id,
        "department_code": department,
        "service": ServiceType.INSURANCE,
        "priority": PriorityGroup.NONE,
        "identity_check": IdentityCheck.CHIP_VERIFIED,
    }
    return CheckIn(**{**fields, **changes})  # type: ignore[arg-type]


def test_no_visit_yet_is_an_empty_list(client: RestHospitalClient) -> None:
    patient_id = demo_persona("walk_in_insurance", TODAY).patient_id
    assert client.visits_on(patient_id, TODAY) == []


def test_todays_visits_carry_the_number_as_printed(
    client: RestHospitalClient, http: httpx.Client, contract: Contract
) -> None:
    first = client.register_visit(checkin("walk_in_insurance"))
    second = client.register_visit(
        checkin("walk_in_insurance", "TMH", priority=PriorityGroup.PREGNANT)
    )
    client.register_visit(checkin("child_4", "NHI"))  # someone else's: not listed
    patient_id = demo_persona("walk_in_insurance", TODAY).patient_id
    visits = client.visits_on(patient_id, TODAY)
    assert [v.visit_id for v in visits] == [first.visit_id, second.visit_id]  # earliest first
    assert [v.queue_label for v in visits] == [
        f"B{first.queue_number:03d}",
        f"UB{second.queue_number:03d}",  # the priority queue, as on its ticket
    ]
    assert (visits[1].room, visits[1].floor, visits[1].department_code) == ("P.212", 2, "TMH")
    assert visits[1].priority is PriorityGroup.PREGNANT and not visits[1].provisional
    # Another day has none; the raw answers are the contract's.
    assert client.visits_on(patient_id, date(2026, 3, 11)) == []
    path = f"/v1/patients/{patient_id}/registrations"
    body = contract.validate("GET", REGISTRATIONS, http.get(path, params={"date": "2026-03-10"}))
    assert [v["service"] for v in body["visits"]] == ["insurance", "insurance"]


def test_registrations_refusals_are_the_contracts(http: httpx.Client, contract: Contract) -> None:
    path = "/v1/patients/BN00000001/registrations"
    for params in ({}, {"date": "10/03/2026"}):
        assert contract.refusal("GET", REGISTRATIONS, http.get(path, params=params))[0] == 400
    missing = http.get("/v1/patients/BN99999999/registrations", params={"date": "2026-03-10"})
    assert contract.refusal("GET", REGISTRATIONS, missing) == (404, "patient_not_found")


def test_an_appointment_checked_in_is_no_longer_offered(
    client: RestHospitalClient, http: httpx.Client, contract: Contract
) -> None:
    persona = demo_persona("appointment_today", TODAY)
    (appointment,) = client.appointments(persona.patient_id, TODAY)
    client.register_visit(
        checkin(
            "appointment_today",
            appointment.department_code,
            appointment_id=appointment.appointment_id,
        )
    )
    assert client.appointments(persona.patient_id, TODAY) == []
    path = f"/v1/patients/{persona.patient_id}/appointments"
    body = contract.validate("GET", APPOINTMENTS, http.get(path, params={"date": "2026-03-10"}))
    assert body["appointments"] == []
    (visit,) = client.visits_on(persona.patient_id, TODAY)
    assert visit.department_code == appointment.department_code


def test_departments_say_whom_they_see(client: RestHospitalClient) -> None:
    audiences = {d.code: d.audience for d in client.departments()}
    assert audiences["NHI"] is Audience.CHILD
    assert audiences["SAN"] is Audience.WOMEN
    assert audiences["NOI"] is Audience.ADULT
    assert audiences["MAT"] is Audience.ALL
