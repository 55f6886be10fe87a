"""fhir_mapping: the pure resource <-> domain functions, on edge cases a server may send."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fhir.resources.R4B import get_fhir_model_class

from kiosk.core.domain import (
    BirthDate,
    CheckIn,
    Identity,
    IdentitySource,
    PriorityGroup,
    ServiceType,
    Sex,
)
from kiosk.core.ports import LeaseRequest
from kiosk.hospital import fhir_mapping as fm
from tests.kiosk.hospital.fhir.sekmet import BHYT_SYSTEM, SYSTEMS, TODAY, VN

NS = SYSTEMS.namespace


def coverage(**fields: object) -> dict:
    return {
        "resourceType": "Coverage",
        "id": "c1",
        "status": "active",
        "identifier": [{"system": BHYT_SYSTEM, "value": "DN4797912345678"}],
        "beneficiary": {"reference": "Patient/p1"},
        "payor": [{"display": "BHXH"}],
    } | fields


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "000"),
        ({"status": "cancelled"}, "110"),
        ({"status": "draft"}, "050"),
        ({"period": {"end": "2026-03-09"}}, "010"),
        ({"period": {"end": "2026-03-10"}}, "000"),
        ({"extension": [{"url": f"{NS}:bhyt-result-code", "valueCode": "070"}]}, "070"),
    ],
)
def test_insurance_result_code(fields: dict, code: str) -> None:
    assert fm.insurance_from(coverage(**fields), SYSTEMS, TODAY).result_code == code


def test_insurance_number_falls_back_to_subscriber_id() -> None:
    card = coverage(identifier=[], subscriberId="0123456789")
    assert fm.insurance_from(card, SYSTEMS, TODAY).number == "0123456789"
    with pytest.raises(fm.FhirShapeError):
        fm.insurance_from(coverage(identifier=[]), SYSTEMS, TODAY)


def test_the_valid_card_wins_over_an_old_one() -> None:
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "gender": "female",
        "birthDate": "1975",
        "name": [{"family": "Lê", "given": ["Thị", "Hoa"]}],
    }
    old = coverage(id="old", period={"end": "2025-12-31"})
    new = coverage(id="new", identifier=[{"system": BHYT_SYSTEM, "value": "HC4797900000001"}])
    mapped = fm.patient_from(patient, [old, new], SYSTEMS, TODAY)
    assert mapped.insurance is not None and mapped.insurance.number == "HC4797900000001"
    assert (mapped.full_name, mapped.birth, mapped.sex) == (
        "Lê Thị Hoa",
        BirthDate(1975),
        Sex.FEMALE,
    )


def test_reference_ids_absolute_relative_and_versioned() -> None:
    assert fm.reference_id({"reference": "Patient/p1"}, "Patient") == "p1"
    assert (
        fm.reference_id({"reference": "https://his/fhir/Patient/p1/_history/3"}, "Patient") == "p1"
    )
    assert fm.reference_id({"reference": "Location/l1"}, "Patient") is None
    assert fm.reference_id({"display": "no reference"}, "Patient") is None


def test_department_needs_its_location() -> None:
    service = {
        "resourceType": "HealthcareService",
        "id": "NOI",
        "name": "Khoa Nội",
        "location": [{"reference": "Location/l9"}],
    }
    with pytest.raises(fm.FhirShapeError, match="location"):
        fm.department_from(service, {}, SYSTEMS)


def test_sent_resources_are_valid_r4b() -> None:
    identity = Identity(
        IdentitySource.CHIP,
        citizen_id="079080000002",
        insurance_number="DN4797912345678",
        full_name="Đỗ Văn Em",
        birth=BirthDate(2001, 1, 31),
        sex=Sex.MALE,
    )
    checkin = CheckIn(
        "k1",
        "KIOSK-01",
        "p1",
        "NOI",
        ServiceType.PAID,
        PriorityGroup.CHILD_UNDER_6,
        appointment_id="a1",
    )
    now = datetime(2026, 3, 10, 9, 0, tzinfo=VN)
    counter = fm.new_counter(fm.counter_key("NOI", TODAY, True), TODAY, SYSTEMS) | {"id": "b1"}
    sent = [
        fm.new_patient(identity, SYSTEMS),
        fm.new_encounter(checkin, 7, "l1", SYSTEMS, now),
        counter,
        fm.advanced_counter(counter, 8, SYSTEMS),
        fm.new_lease(LeaseRequest("KIOSK-01", "NOI", TODAY, True, 5, "lease-key"), 9, 13, SYSTEMS),
    ]
    for resource in sent:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert fm.counter_value(sent[3], SYSTEMS) == 8
    assert fm.identifier_value(sent[1], f"{NS}:queue-number") == "7"
    assert date.fromisoformat(sent[2]["created"]) == TODAY


def test_own_names_under_a_urn_or_an_http_namespace() -> None:
    assert SYSTEMS.own("queue-number") == "urn:hospital-checkin-kiosk:queue-number"
    web = fm.FhirSystems("urn:a", "urn:b", namespace="https://his.example/fhir/kiosk/")
    assert web.own("queue-number") == "https://his.example/fhir/kiosk/queue-number"
