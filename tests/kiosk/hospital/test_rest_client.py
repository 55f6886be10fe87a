"""RestHospitalClient against the demo hospital over real HTTP: every method, happy paths."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from kiosk.core.domain import (
    BirthDate,
    CheckIn,
    Identity,
    IdentitySource,
    PriorityGroup,
    ServiceType,
    Sex,
)
from kiosk.core.ports import HospitalApi, HospitalRejected
from kiosk.demo_hospital.catalog import DEPARTMENTS_BY_CODE
from kiosk.demo_hospital.personas import DemoPersona, demo_persona, demo_personas
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.demo_hospital.vietnam import VIETNAM_TZ
from kiosk.hospital.rest import RestHospitalClient

from .conftest import TODAY


def _checkin(persona_key: str, department: str, **changes: object) -> CheckIn:
    persona = demo_persona(persona_key, TODAY)
    assert persona.patient_id is not None
    checkin = CheckIn(
        idempotency_key=str(uuid.uuid4()),
        kiosk_id="kiosk-test-1",
        patient_id=persona.patient_id,
        department_code=department,
        service=ServiceType.INSURANCE,
        priority=PriorityGroup.NONE,
    )
    return replace(checkin, **changes)  # type: ignore[arg-type]


def test_client_satisfies_the_protocol(client: RestHospitalClient) -> None:
    api: HospitalApi = client  # checked by type checkers; here: the methods exist
    for name in ("health", "departments", "find_patient", "create_patient", "appointments",
                 "history", "register_visit", "close"):  # fmt: skip
        assert callable(getattr(api, name))


def test_health(client: RestHospitalClient) -> None:
    assert client.health() is True


def test_departments(client: RestHospitalClient) -> None:
    departments = client.departments()
    codes = [d.code for d in departments]
    assert len(departments) >= 12 and len(set(codes)) == len(codes)
    assert {"NOI", "NGOAI", "NHI", "SAN", "MAT", "TMH", "RHM", "DALIEU", "TIM", "THAN", "CXK",
            "YHCT", "DV"} <= set(codes)  # fmt: skip
    paid_only = [d.code for d in departments if not d.accepts_insurance]
    assert "DV" in paid_only
    for department in departments:
        minutes = DEPARTMENTS_BY_CODE[department.code].minutes_per_patient
        assert department.estimated_wait_minutes == department.waiting * minutes
        assert department.name and department.name_en and department.directions_en
        assert department.room.startswith("P.")
    noi = departments[codes.index("NOI")]
    assert noi.directions == "Tầng 1, rẽ trái sau quầy thuốc"
    assert noi.directions_en == "Floor 1, turn left after the pharmacy"


@pytest.mark.parametrize("persona", [p for p in demo_personas(TODAY) if p.in_hospital],
                         ids=lambda p: p.key)  # fmt: skip
def test_find_every_persona_in_the_hospital(
    client: RestHospitalClient, persona: DemoPersona
) -> None:
    patient = client.find_patient(persona.identity)
    assert patient is not None
    assert patient.patient_id == persona.patient_id
    assert patient.full_name == persona.identity.full_name
    assert patient.birth == persona.identity.birth
    assert patient.sex == persona.identity.sex
    assert patient.citizen_id == persona.identity.citizen_id
    assert patient.insurance == persona.insurance


def test_find_child_by_insurance_card_only(client: RestHospitalClient) -> None:
    child = demo_persona("child_4", TODAY)
    assert child.identity.citizen_id is None
    patient = client.find_patient(child.identity)
    assert patient is not None and patient.insurance is not None
    assert patient.insurance.number.startswith("TE1")
    assert patient.birth.age_on(TODAY) == 4


def test_find_falls_back_to_the_insurance_number(client: RestHospitalClient) -> None:
    known_card = demo_persona("walk_in_insurance", TODAY).insurance_number
    identity = Identity(
        IdentitySource.KEYPAD, citizen_id="079190999999", insurance_number=known_card
    )
    patient = client.find_patient(identity)
    assert patient is not None and patient.patient_id == "BN00000002"


def test_unknown_patient_is_none(client: RestHospitalClient) -> None:
    assert client.find_patient(demo_persona("new_patient", TODAY).identity) is None


def test_identity_without_a_number_is_refused(client: RestHospitalClient) -> None:
    with pytest.raises(HospitalRejected) as refused:
        client.find_patient(Identity(IdentitySource.KEYPAD, full_name="Nguyễn Văn A"))
    assert refused.value.code == "invalid_request"


def test_create_new_patient_then_find_and_register(own_hospital: DemoHospitalServer) -> None:
    persona = demo_persona("new_patient", TODAY)
    with RestHospitalClient(own_hospital.url) as rest:
        key = str(uuid.uuid4())
        created = rest.create_patient(persona.identity, key)
        assert created.full_name == "Vũ Minh Khôi"
        assert created.birth == BirthDate(2001, 5, 9) and created.sex is Sex.MALE
        assert created.insurance is None  # a chip card carries no BHYT number
        assert rest.create_patient(persona.identity, key) == created  # same key, same record
        assert rest.find_patient(persona.identity) == created
        with pytest.raises(HospitalRejected) as exists:
            rest.create_patient(persona.identity, str(uuid.uuid4()))
        assert exists.value.code == "patient_exists"
        registration = rest.register_visit(
            CheckIn(str(uuid.uuid4()), "kiosk-1", created.patient_id, "DV", ServiceType.PAID,
                    PriorityGroup.NONE)
        )  # fmt: skip
        assert registration.department_code == "DV"


def test_create_patient_needs_name_birth_and_sex(client: RestHospitalClient) -> None:
    partial = Identity(IdentitySource.CCCD_QR, citizen_id="001203004455", full_name="Lê Văn B")
    with pytest.raises(HospitalRejected) as refused:
        client.create_patient(partial, str(uuid.uuid4()))
    assert refused.value.code == "invalid_request"


def test_appointments(client: RestHospitalClient) -> None:
    booked = client.appointments("BN00000001", TODAY)
    assert len(booked) == 1
    appointment = booked[0]
    assert appointment.department_code == "NOI"
    assert appointment.starts_at == datetime.combine(TODAY, time(9, 30), VIETNAM_TZ)
    assert appointment.starts_at.utcoffset() == timedelta(hours=7)
    assert appointment.doctor_name == "BS.CKI Trần Thị Mai"
    assert client.appointments("BN00000001", TODAY + timedelta(days=1)) == []
    assert client.appointments("BN00000002", TODAY) == []
    with pytest.raises(HospitalRejected) as missing:
        client.appointments("BN99999999", TODAY)
    assert missing.value.code == "patient_not_found"


def test_history(client: RestHospitalClient) -> None:
    visits = client.history("BN00000004", 10)
    assert visits == list(demo_persona("elderly_80", TODAY).history)
    assert [v.visit_date for v in visits] == sorted((v.visit_date for v in visits), reverse=True)
    assert client.history("BN00000004", 1) == visits[:1]
    assert client.history("BN00000003", 10) == []
    with pytest.raises(ValueError, match="limit"):
        client.history("BN00000004", 0)


def test_register_visit_updates_the_queue_consistently(client: RestHospitalClient) -> None:
    before = {d.code: d for d in client.departments()}["TMH"]
    registration = client.register_visit(_checkin("walk_in_insurance", "TMH"))
    minutes = DEPARTMENTS_BY_CODE["TMH"].minutes_per_patient
    assert registration.department_code == "TMH"
    assert (registration.room, registration.floor) == ("P.212", 2)
    assert registration.people_ahead == before.waiting
    assert registration.estimated_wait_minutes == before.waiting * minutes
    assert registration.registered_at.date() == TODAY
    assert registration.registered_at.utcoffset() == timedelta(hours=7)
    after = {d.code: d for d in client.departments()}["TMH"]
    assert after.waiting == before.waiting + 1
    assert after.waiting_priority == before.waiting_priority
    assert after.estimated_wait_minutes == (before.waiting + 1) * minutes
    following = client.register_visit(_checkin("appointment_today", "TMH"))
    assert following.queue_number == registration.queue_number + 1
    assert following.people_ahead == registration.people_ahead + 1


def test_priority_queue_is_separate(client: RestHospitalClient) -> None:
    before = {d.code: d for d in client.departments()}["TIM"]
    checkin = _checkin("elderly_80", "TIM", priority=PriorityGroup.ELDERLY_75)
    registration = client.register_visit(checkin)
    assert registration.people_ahead == before.waiting_priority
    after = {d.code: d for d in client.departments()}["TIM"]
    assert after.waiting_priority == before.waiting_priority + 1
    assert after.waiting == before.waiting


def test_register_with_appointment_and_paid_service(client: RestHospitalClient) -> None:
    with_appointment = _checkin("appointment_today", "NOI", appointment_id="LH-DEMO-0001")
    assert client.register_visit(with_appointment).department_code == "NOI"
    paid = _checkin("walk_in_paid", "DV", service=ServiceType.PAID)
    assert client.register_visit(paid).department_code == "DV"


@pytest.mark.parametrize(
    ("persona", "department", "code"),
    [
        ("insurance_expired", "NOI", "insurance_not_valid"),
        ("name_mismatch", "NOI", "insurance_not_valid"),
        ("walk_in_paid", "NOI", "insurance_not_valid"),
        ("walk_in_insurance", "NOPE", "department_not_found"),
    ],
)
def test_register_visit_rejections(
    client: RestHospitalClient, persona: str, department: str, code: str
) -> None:
    with pytest.raises(HospitalRejected) as refused:
        client.register_visit(_checkin(persona, department))
    assert refused.value.code == code


def test_same_key_different_body_is_rejected(
    client: RestHospitalClient, hospital: DemoHospitalServer
) -> None:
    checkin = _checkin("walk_in_insurance", "MAT")
    first = client.register_visit(checkin)
    assert client.register_visit(checkin) == first  # same key, same body: same ticket
    with pytest.raises(HospitalRejected) as refused:
        client.register_visit(replace(checkin, department_code="RHM"))
    assert refused.value.code == "idempotency_key_reused"
    assert hospital.registrations_for_key(checkin.idempotency_key) == 1


def test_patient_ages_match_the_personas(client: RestHospitalClient) -> None:
    elderly = client.find_patient(demo_persona("elderly_80", TODAY).identity)
    assert elderly is not None and elderly.birth.age_on(TODAY) == 80
    assert elderly.birth.age_on(date(TODAY.year + 1, TODAY.month, TODAY.day)) == 81
