"""The FHIR client against SEKMET over real HTTP: lookups, mappings, registration, idempotency,
If-Match conflicts, number leases, history. Every resource sent is validated (R4B models)."""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from kiosk.core.domain import (
    BirthDate,
    CheckIn,
    Identity,
    IdentityCheck,
    IdentitySource,
    PriorityGroup,
    ServiceType,
    Sex,
)
from kiosk.core.ports import HospitalError, HospitalRejected, HospitalUnavailable, LeaseRequest
from kiosk.hospital import fhir_mapping as fm
from tests.kiosk.hospital.fhir.sekmet import (
    NAMESPACE,
    SYSTEMS,
    TODAY,
    VN,
    SekmetServer,
    seed_appointment,
    seed_encounter,
    seed_patient,
)

_numbers = itertools.count(100_000)


def new_cccd() -> str:
    return f"079080{next(_numbers):06d}"


def new_bhyt() -> str:
    return f"DN479{next(_numbers):010d}"


def checkin(patient_id: str, key: str, department: str = "NOI", **extra: Any) -> CheckIn:
    return CheckIn(
        idempotency_key=key,
        kiosk_id="KIOSK-01",
        patient_id=patient_id,
        department_code=department,
        service=ServiceType.INSURANCE,
        priority=extra.pop("priority", PriorityGroup.NONE),
        identity_check=IdentityCheck.CHIP_VERIFIED,
        **extra,
    )


def encounters_with_key(server: SekmetServer, key: str) -> list[dict[str, Any]]:
    return server.search("Encounter", identifier=f"{NAMESPACE}:idempotency-key|{key}")


def test_health_reads_the_capability_statement(client) -> None:
    assert client.health() is True


def test_departments_map_healthcare_service_and_location(client) -> None:
    departments = {d.code: d for d in client.departments()}
    internal = departments["NOI"]
    assert (internal.name, internal.room, internal.floor) == ("Khoa Nội", "P.105", 1)
    assert internal.directions == "Tầng 1, rẽ trái"
    assert (internal.waiting, internal.waiting_priority, internal.estimated_wait_minutes) == (
        4,
        1,
        12,
    )
    assert internal.accepts_insurance is True
    assert departments["NHI"].room == "P.210"


def test_find_patient_by_citizen_id_with_insurance(client, sekmet) -> None:
    cccd, bhyt = new_cccd(), new_bhyt()
    stored = seed_patient(sekmet, cccd, bhyt, result_code="004")
    identity = Identity(IdentitySource.CCCD_QR, citizen_id=cccd)
    patient = client.find_patient(identity)
    assert patient is not None
    assert patient.patient_id == stored["id"]
    assert (patient.full_name, patient.sex, patient.birth) == (
        "Nguyễn Văn An", Sex.MALE, BirthDate(1980, 4, 2),
    )  # fmt: skip
    assert patient.citizen_id == cccd
    assert patient.address and patient.address.startswith("12 Lê Lợi")
    assert patient.insurance is not None
    assert (patient.insurance.number, patient.insurance.result_code) == (bhyt, "004")
    assert patient.insurance.valid_to == date(2026, 12, 31)
    assert patient.insurance.facility_code == "79 - 024"


def test_find_patient_falls_back_to_the_insurance_number(client, sekmet) -> None:
    bhyt = new_bhyt()
    stored = seed_patient(sekmet, None, bhyt, result_code=None, valid_to=TODAY - timedelta(days=1))
    identity = Identity(IdentitySource.BHYT_QR, citizen_id=new_cccd(), insurance_number=bhyt)
    patient = client.find_patient(identity)
    assert patient is not None and patient.patient_id == stored["id"]
    assert patient.citizen_id is None
    # No result code sent by the hospital: derived from the period, which ended yesterday.
    assert patient.insurance is not None and patient.insurance.result_code == "010"


def test_unknown_patient_is_none_and_no_number_is_rejected(client) -> None:
    assert client.find_patient(Identity(IdentitySource.KEYPAD, citizen_id=new_cccd())) is None
    with pytest.raises(HospitalRejected) as error:
        client.find_patient(Identity(IdentitySource.KEYPAD, full_name="X"))
    assert error.value.code == "invalid_request"


def test_identity_numbers_travel_in_the_body_not_the_url(make_client, sekmet) -> None:
    client, transport = make_client()
    cccd = new_cccd()
    client.find_patient(Identity(IdentitySource.KEYPAD, citizen_id=cccd))
    assert all(cccd not in path for _, path, _ in transport.sent)


def test_appointments_today_booked_only_earliest_first(client, sekmet) -> None:
    patient = seed_patient(sekmet, new_cccd(), None)
    late = seed_appointment(sekmet, patient["id"], "NHI", TODAY, 14)
    early = seed_appointment(sekmet, patient["id"], "NOI", TODAY, 8)
    seed_appointment(sekmet, patient["id"], "NOI", TODAY, 10, status="cancelled")
    seed_appointment(sekmet, patient["id"], "NOI", TODAY + timedelta(days=1), 8)
    found = client.appointments(patient["id"], TODAY)
    assert [a.appointment_id for a in found] == [early["id"], late["id"]]
    assert [a.department_code for a in found] == ["NOI", "NHI"]
    assert found[0].doctor_name == "BS. Trần Thị Bình"
    assert found[0].starts_at.hour == 8


def test_appointments_day_is_the_kiosks_local_day(client, sekmet) -> None:
    """06:00 in Vietnam is 23:00 UTC the day before; 23:30 the day before is still that day."""
    patient = seed_patient(sekmet, new_cccd(), None)
    early = seed_appointment(sekmet, patient["id"], "NOI", TODAY, 6)
    seed_appointment(sekmet, patient["id"], "NOI", TODAY - timedelta(days=1), 23)
    assert [a.appointment_id for a in client.appointments(patient["id"], TODAY)] == [early["id"]]


def test_register_creates_an_arrived_encounter_with_the_queue_number(make_client, sekmet) -> None:
    client, transport = make_client()
    patient = seed_patient(sekmet, new_cccd(), None)
    first = client.register_visit(checkin(patient["id"], "reg-a", department="NHI"))
    second = client.register_visit(checkin(patient["id"], "reg-b", department="NHI"))
    assert second.queue_number == first.queue_number + 1
    assert (first.department_code, first.room, first.floor) == ("NHI", "P.210", 2)
    encounter = sekmet.read("Encounter", first.visit_id)
    assert encounter["status"] == "arrived"
    assert encounter["subject"]["reference"] == f"Patient/{patient['id']}"
    numbers = [i["value"] for i in encounter["identifier"] if i["system"].endswith("queue-number")]
    assert numbers == [str(first.queue_number)]
    assert transport.validated > 0
    # A batch of reads, then one transaction (the day's counter existed after the first).
    assert [m for m, _, _ in transport.sent[-2:]] == ["POST", "POST"]


def test_same_idempotency_key_twice_gives_one_encounter(client, sekmet) -> None:
    patient = seed_patient(sekmet, new_cccd(), None)
    once = client.register_visit(checkin(patient["id"], "same-key-1"))
    again = client.register_visit(checkin(patient["id"], "same-key-1"))
    assert again == once
    assert len(encounters_with_key(sekmet, "same-key-1")) == 1


def test_register_marks_the_appointment_arrived(client, sekmet) -> None:
    patient = seed_patient(sekmet, new_cccd(), None)
    booked = seed_appointment(sekmet, patient["id"], "NOI", TODAY, 9)
    registration = client.register_visit(
        checkin(patient["id"], "with-appointment", appointment_id=booked["id"])
    )
    appointment = sekmet.read("Appointment", booked["id"])
    assert appointment["status"] == "arrived"
    assert int(appointment["meta"]["versionId"]) == int(booked["meta"]["versionId"]) + 1
    encounter = sekmet.read("Encounter", registration.visit_id)
    assert encounter["appointment"] == [{"reference": f"Appointment/{booked['id']}"}]
    assert client.appointments(patient["id"], TODAY) == []


def test_if_match_conflict_on_the_counter_is_retried(make_client, sekmet) -> None:
    """Another writer bumps the counter between our read and our transaction: the server
    answers 412, the client reads again and takes the number after the other writer's."""
    client, transport = make_client()
    patient = seed_patient(sekmet, new_cccd(), None)
    before = client.register_visit(checkin(patient["id"], "conflict-0"))
    bumps = []

    def bump_counter(method: str, path: str, body: dict[str, Any] | None) -> None:
        if body and body.get("type") == "transaction" and not bumps:
            counter = next(e for e in body["entry"] if e["resource"]["resourceType"] == "Basic")
            current = sekmet.read("Basic", counter["resource"]["id"])
            current["extension"][0]["valueInteger"] += 5
            sekmet.put(current)
            bumps.append(1)

    transport.before = bump_counter
    after = client.register_visit(checkin(patient["id"], "conflict-1"))
    assert bumps == [1]
    assert after.queue_number == before.queue_number + 6
    assert len(encounters_with_key(sekmet, "conflict-1")) == 1


def test_if_match_conflict_on_the_appointment_is_retried(make_client, sekmet) -> None:
    client, transport = make_client()
    patient = seed_patient(sekmet, new_cccd(), None)
    booked = seed_appointment(sekmet, patient["id"], "NOI", TODAY, 11)
    edited = []

    def staff_edits(method: str, path: str, body: dict[str, Any] | None) -> None:
        if body and body.get("type") == "transaction" and not edited:
            current = sekmet.read("Appointment", booked["id"])
            sekmet.put({**current, "comment": "moved to room 106"})
            edited.append(1)

    transport.before = staff_edits
    client.register_visit(checkin(patient["id"], "appt-conflict", appointment_id=booked["id"]))
    appointment = sekmet.read("Appointment", booked["id"])
    assert (appointment["status"], appointment["comment"]) == ("arrived", "moved to room 106")


def test_a_counter_that_keeps_changing_ends_in_hospital_unavailable(make_client, sekmet) -> None:
    client, transport = make_client(deadline=3.0)
    patient = seed_patient(sekmet, new_cccd(), None)
    client.register_visit(checkin(patient["id"], "busy-0"))

    def always_bump(method: str, path: str, body: dict[str, Any] | None) -> None:
        if body and body.get("type") == "transaction":
            counter = next(e for e in body["entry"] if e["resource"]["resourceType"] == "Basic")
            current = sekmet.read("Basic", counter["resource"]["id"])
            current["extension"][0]["valueInteger"] += 1
            sekmet.put(current)

    transport.before = always_bump
    with pytest.raises(HospitalUnavailable):
        client.register_visit(checkin(patient["id"], "busy-1"))
    assert encounters_with_key(sekmet, "busy-1") == []


def test_concurrent_kiosks_get_distinct_numbers(make_client, sekmet) -> None:
    patient = seed_patient(sekmet, new_cccd(), None)
    fresh_day = datetime.combine(TODAY + timedelta(days=50), time(8), VN)  # a new counter too
    clients = [make_client(clock=lambda: fresh_day)[0] for _ in range(3)]
    for kiosk in clients:
        kiosk.departments()  # each then registers from its cached versions, and they collide
    numbers: list[int] = []
    errors: list[HospitalError] = []

    def run(n: int) -> None:
        try:
            for i in range(3):
                registration = clients[n].register_visit(
                    checkin(patient["id"], f"race-{n}-{i}", priority=PriorityGroup.ELDERLY_75)
                )
                numbers.append(registration.queue_number)
        except HospitalError as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(numbers)) == 9


def test_priority_queue_has_its_own_numbers(client, sekmet) -> None:
    patient = seed_patient(sekmet, new_cccd(), None)
    normal = client.register_visit(checkin(patient["id"], "q-normal", department="NHI"))
    priority = client.register_visit(
        checkin(patient["id"], "q-prio", department="NHI", priority=PriorityGroup.PREGNANT)
    )
    assert priority.queue_number < normal.queue_number or priority.queue_number == 1
    assert priority.people_ahead == 1  # the department's waiting-priority extension


def test_unknown_department_is_rejected(client, sekmet) -> None:
    patient = seed_patient(sekmet, new_cccd(), None)
    with pytest.raises(HospitalRejected) as error:
        client.register_visit(checkin(patient["id"], "no-dept", department="XYZ"))
    assert error.value.code == "department_not_found"


def test_leases_are_consecutive_idempotent_and_numbers_are_kept(client) -> None:
    lease = LeaseRequest("KIOSK-01", "NOI", TODAY, True, count=5, idempotency_key="lease-1")
    first = client.lease_queue_numbers(lease)
    again = client.lease_queue_numbers(lease)
    second = client.lease_queue_numbers(replace(lease, count=3, idempotency_key="lease-2"))
    assert again == first
    assert first.last - first.first == 4 and second.first == first.last + 1
    assert (first.kiosk_id, first.department_code, first.priority_queue) == (
        "KIOSK-01",
        "NOI",
        True,
    )


def test_a_leased_number_is_kept_by_the_registration(client, sekmet) -> None:
    patient = seed_patient(sekmet, new_cccd(), None)
    lease = client.lease_queue_numbers(
        LeaseRequest("KIOSK-01", "NHI", TODAY, False, count=2, idempotency_key="lease-keep")
    )
    registration = client.register_visit(
        checkin(patient["id"], "leased-visit", department="NHI"), leased_number=lease.first
    )
    assert registration.queue_number == lease.first
    following = client.register_visit(checkin(patient["id"], "after-lease", department="NHI"))
    assert following.queue_number == lease.last + 1


def test_history_newest_first_with_limit(client, sekmet) -> None:
    patient = seed_patient(sekmet, new_cccd(), None)
    for days, diagnosis in ((90, "Viêm họng"), (30, "Tăng huyết áp"), (200, "Đau lưng")):
        seed_encounter(sekmet, patient["id"], TODAY - timedelta(days=days), "Khoa Nội", diagnosis)
    visits = client.history(patient["id"], 2)
    assert [v.diagnosis for v in visits] == ["Tăng huyết áp", "Viêm họng"]
    assert visits[0].visit_date == TODAY - timedelta(days=30)
    assert (visits[0].department_name, visits[0].doctor_name) == ("Khoa Nội", "BS. Lê Văn Cường")


def test_create_patient_is_a_conditional_create(client, sekmet) -> None:
    cccd = new_cccd()
    identity = Identity(
        IdentitySource.CHIP, citizen_id=cccd, full_name="Phạm Thị Dung",
        birth=BirthDate(1992, 7, 15), sex=Sex.FEMALE, address="3 Trần Phú, Hà Nội",
    )  # fmt: skip
    made = client.create_patient(identity, "new-1")
    again = client.create_patient(identity, "new-1")
    assert again.patient_id == made.patient_id
    assert (made.full_name, made.birth, made.sex) == (
        "Phạm Thị Dung",
        BirthDate(1992, 7, 15),
        Sex.FEMALE,
    )
    assert len(sekmet.search("Patient", identifier=f"{cccd}")) == 1
    assert client.find_patient(Identity(IdentitySource.KEYPAD, citizen_id=cccd)) == made


def test_a_known_counter_makes_registration_one_transaction(make_client, sekmet) -> None:
    client, transport = make_client()
    patient = seed_patient(sekmet, new_cccd(), None)
    booked = seed_appointment(sekmet, patient["id"], "NHI", TODAY, 13)
    client.departments()
    first = client.register_visit(checkin(patient["id"], "fast-0", department="NHI"))
    [appointment] = client.appointments(patient["id"], TODAY)
    sent = len(transport.sent)
    second = client.register_visit(
        checkin(
            patient["id"], "fast-1", department="NHI", appointment_id=appointment.appointment_id
        )
    )
    assert [body["type"] for _, _, body in transport.sent[sent:]] == ["transaction"]
    assert second.queue_number == first.queue_number + 1
    assert sekmet.read("Appointment", booked["id"])["status"] == "arrived"


def test_a_stale_known_counter_falls_back_to_reading(make_client, sekmet) -> None:
    ours, transport = make_client()
    other, _ = make_client()
    patient = seed_patient(sekmet, new_cccd(), None)
    ours.departments()
    first = ours.register_visit(checkin(patient["id"], "stale-0", department="NHI"))
    taken = other.register_visit(checkin(patient["id"], "stale-1", department="NHI"))
    sent = len(transport.sent)
    mine = ours.register_visit(checkin(patient["id"], "stale-2", department="NHI"))
    kinds = [body["type"] for _, _, body in transport.sent[sent:]]
    assert kinds == ["transaction", "batch", "transaction"]  # 412, read, commit
    assert (taken.queue_number, mine.queue_number) == (
        first.queue_number + 1,
        first.queue_number + 2,
    )


def test_a_replayed_key_on_the_fast_path_returns_the_first_registration(client, sekmet) -> None:
    patient = seed_patient(sekmet, new_cccd(), None)
    client.departments()
    client.register_visit(checkin(patient["id"], "replay-0"))
    once = client.register_visit(checkin(patient["id"], "replay-1"))
    again = client.register_visit(checkin(patient["id"], "replay-1"))
    assert again == once
    assert len(encounters_with_key(sekmet, "replay-1")) == 1


def test_duplicate_counters_are_resolved_the_same_way_by_every_kiosk(make_client, sekmet) -> None:
    """A server whose conditional create raced made two counters: all kiosks use one of them."""
    day = TODAY + timedelta(days=90)
    key = fm.counter_key("NHI", day, False)
    made = [sekmet.create(fm.advanced_counter(fm.new_counter(key, day, SYSTEMS), last, SYSTEMS))
            for last in (10, 50)]  # fmt: skip
    chosen = min(made, key=lambda c: c["id"])
    morning = datetime.combine(day, time(8), VN)
    patient = seed_patient(sekmet, new_cccd(), None)
    one, two = make_client(clock=lambda: morning)[0], make_client(clock=lambda: morning)[0]
    first = one.register_visit(checkin(patient["id"], "dup-counter-1", department="NHI"))
    second = two.register_visit(checkin(patient["id"], "dup-counter-2", department="NHI"))
    start = chosen["extension"][0]["valueInteger"]
    assert (first.queue_number, second.queue_number) == (start + 1, start + 2)
