"""FHIR R4 resources (plain JSON dicts) <-> the frozen dataclasses of kiosk.core.domain.

Pure functions, no I/O. Decoding raises FhirShapeError naming the element path, never its
value (values may be personal data). Everything FHIR core has no element for lives under the
kiosk's own namespace (`FhirSystems.namespace`, config `hospital.fhir_namespace`), as
identifiers, codings or extensions ({ns}:name for a URN, {ns}/name for an http(s) base):

    {ns}:idempotency-key      Encounter.identifier: the check-in's idempotency key
    {ns}:queue-number         Encounter.identifier: the queue number printed on the ticket
    {ns}:queue-counter        Basic.identifier "{department}|{yyyy-mm-dd}|{normal|priority}"
    {ns}:queue-lease          Basic.identifier: a number lease's idempotency key
    {ns}:last-number          Basic extension (valueInteger): the counter's last number given
    {ns}:lease-first/-last    Basic extensions (valueInteger) of a lease
    {ns}:department           Encounter.serviceType coding: the department code
    {ns}:service              Encounter.type coding: insurance | paid
    {ns}:priority-group       Encounter extension (valueCode): the PriorityGroup
    {ns}:kiosk-id             Encounter / Basic extension (valueString)
    {ns}:identity-check       Encounter extension (valueCode): the IdentityCheck
    {ns}:bhyt-result-code     Coverage extension (valueCode): maKetQua of the VSS check
    {ns}:bhyt-facility        Coverage extension (valueString): registered facility code
    {ns}:floor                Location extension (valueInteger), default 1
    {ns}:accepts-insurance    HealthcareService extension (valueBoolean), default true
    {ns}:waiting, {ns}:waiting-priority, {ns}:estimated-wait-minutes
                              HealthcareService extensions (valueInteger), default 0; a
                              registration's people_ahead and wait are the department's figures
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from kiosk.core.domain import (
    Appointment,
    BirthDate,
    CheckIn,
    Department,
    Identity,
    IdentitySource,
    Insurance,
    Patient,
    Registration,
    Sex,
    Visit,
)
from kiosk.core.ports import LeaseRequest, NumberLease

Resource = dict[str, Any]

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_PRIORITY = "http://terminology.hl7.org/CodeSystem/v3-ActPriority"
_FHIR_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Coverage.status -> maKetQua when the hospital sends no result code of its own.
_STATUS_RESULT = {"cancelled": "110", "draft": "050", "entered-in-error": "050"}


class FhirShapeError(ValueError):
    """A resource lacks what the kiosk needs; the message names the element path only."""


@dataclass(frozen=True)
class FhirSystems:
    """Identifier systems of the hospital's FHIR server, from the config."""

    citizen_id: str  # Patient.identifier system of the 12-digit CCCD number
    insurance: str  # Patient / Coverage identifier system of the BHYT card number
    namespace: str = "urn:hospital-checkin-kiosk"  # the kiosk's own systems and extensions
    department: str = ""  # HealthcareService.identifier system of department codes; "" = id
    code: str = ""  # identifier system of codes the hospital issued (VNeID, bookings); "" = none

    def own(self, name: str) -> str:
        """`urn:x` -> `urn:x:name`; `https://his/kiosk` -> `https://his/kiosk/name`."""
        separator = "/" if self.namespace.startswith(("http://", "https://")) else ":"
        return f"{self.namespace.rstrip('/')}{separator}{name}"


# --- small readers --------------------------------------------------------------------


def _need(resource: Resource, key: str, where: str) -> Any:
    value = resource.get(key)
    if value in (None, "", [], {}):
        raise FhirShapeError(f"{where}.{key}: missing")
    return value


def identifier_value(resource: Resource, system: str) -> str | None:
    for item in resource.get("identifier") or ():
        if isinstance(item, dict) and item.get("system") == system and item.get("value"):
            return str(item["value"])
    return None


def extension_value(resource: Resource, url: str, kind: str) -> Any:
    """The `value{kind}` of the extension with this url, or None."""
    for item in resource.get("extension") or ():
        if isinstance(item, dict) and item.get("url") == url:
            return item.get(f"value{kind}")
    return None


def _int_extension(resource: Resource, url: str, default: int, where: str) -> int:
    value = extension_value(resource, url, "Integer")
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FhirShapeError(f"{where}.extension({url}): expected a non-negative integer")
    return value


def reference_id(reference: Any, resource_type: str) -> str | None:
    """`Type/id` (relative or absolute, history suffix allowed) -> id, for this type only."""
    if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
        return None
    parts = reference["reference"].split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    if len(parts) >= 2 and parts[-2] == resource_type:
        return str(parts[-1])
    return None


def _day(text: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError as error:
        raise FhirShapeError(f"{where}: expected a date") from error


def _instant(text: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError as error:
        raise FhirShapeError(f"{where}: expected a dateTime") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text_of(concept: Any) -> str | None:
    if not isinstance(concept, dict):
        return None
    if concept.get("text"):
        return str(concept["text"])
    for coding in concept.get("coding") or ():
        if isinstance(coding, dict) and coding.get("display"):
            return str(coding["display"])
    return None


# --- decoding -------------------------------------------------------------------------


def patient_from(
    resource: Resource, coverages: list[Resource], systems: FhirSystems, today: date
) -> Patient:
    where = f"Patient/{resource.get('id', '?')}"
    insurance = None
    for coverage in coverages:
        insurance = insurance_from(coverage, systems, today)
        if insurance.result_code == "000":
            break  # the valid card wins over an old one
    return Patient(
        patient_id=str(_need(resource, "id", where)),
        full_name=_full_name(resource, where),
        birth=_birth(resource, where),
        sex=_sex(resource, where),
        citizen_id=identifier_value(resource, systems.citizen_id),
        address=_address(resource),
        insurance=insurance,
    )


def identity_from(resource: Resource, systems: FhirSystems) -> Identity:
    """What a Patient record tells about its person, as a code the hospital resolved."""
    where = f"Patient/{resource.get('id', '?')}"
    return Identity(
        source=IdentitySource.HOSPITAL_RESOLVED,
        citizen_id=identifier_value(resource, systems.citizen_id),
        insurance_number=identifier_value(resource, systems.insurance),
        full_name=_full_name(resource, where),
        birth=_birth(resource, where),
        sex=_sex(resource, where),
        address=_address(resource),
    )


def _birth(resource: Resource, where: str) -> BirthDate:
    match = _FHIR_DATE.fullmatch(str(_need(resource, "birthDate", where)))
    if not match:
        raise FhirShapeError(f"{where}.birthDate: expected a FHIR date")
    year, month, day = (int(part) if part else None for part in match.groups())
    return BirthDate(year or 0, month if day else None, day)


def _sex(resource: Resource, where: str) -> Sex:
    gender = resource.get("gender")
    if gender not in ("male", "female"):
        raise FhirShapeError(f"{where}.gender: expected male or female")
    return Sex(gender)


def _address(resource: Resource) -> str | None:
    return next((a["text"] for a in resource.get("address") or () if a.get("text")), None)


def _full_name(resource: Resource, where: str) -> str:
    names = resource.get("name") or ()
    chosen = next((n for n in names if n.get("use") == "official"), names[0] if names else None)
    if not chosen:
        raise FhirShapeError(f"{where}.name: missing")
    if chosen.get("text"):
        return str(chosen["text"])
    # Vietnamese order: family name first, then middle and given names.
    parts = [chosen.get("family", ""), *chosen.get("given", ())]
    full = " ".join(part for part in parts if part)
    if not full:
        raise FhirShapeError(f"{where}.name: empty")
    return full


def insurance_from(resource: Resource, systems: FhirSystems, today: date) -> Insurance:
    """Coverage -> Insurance. The result code is the hospital's maKetQua extension when it sends
    one; otherwise derived: cancelled 110, draft/entered-in-error 050, period over 010, else 000."""
    where = f"Coverage/{resource.get('id', '?')}"
    number = identifier_value(resource, systems.insurance) or resource.get("subscriberId")
    if not number:
        raise FhirShapeError(f"{where}: no insurance number (identifier or subscriberId)")
    period = resource.get("period") or {}
    valid_from = _day(period["start"], f"{where}.period.start") if period.get("start") else None
    valid_to = _day(period["end"], f"{where}.period.end") if period.get("end") else None
    code = extension_value(resource, systems.own("bhyt-result-code"), "Code")
    if code is None:
        code = _STATUS_RESULT.get(str(resource.get("status")))
    if code is None:
        code = "010" if valid_to is not None and valid_to < today else "000"
    if not re.fullmatch(r"\d{3}", str(code)):
        raise FhirShapeError(f"{where}.extension(bhyt-result-code): expected three digits")
    return Insurance(
        number=str(number),
        result_code=str(code),
        valid_from=valid_from,
        valid_to=valid_to,
        facility_code=extension_value(resource, systems.own("bhyt-facility"), "String"),
    )


def department_code_of(service: Resource, systems: FhirSystems) -> str:
    where = f"HealthcareService/{service.get('id', '?')}"
    if systems.department:
        code = identifier_value(service, systems.department)
        if not code:
            raise FhirShapeError(f"{where}.identifier: no department code")
        return code
    return str(_need(service, "id", where))


def department_from(
    service: Resource, locations: dict[str, Resource], systems: FhirSystems
) -> Department:
    where = f"HealthcareService/{service.get('id', '?')}"
    location_ids = [reference_id(ref, "Location") for ref in service.get("location") or ()]
    location = next((locations[i] for i in location_ids if i in locations), None)
    if location is None:
        raise FhirShapeError(f"{where}.location: no Location (use _include)")
    room = str(_need(location, "name", f"Location/{location.get('id', '?')}"))
    accepts = extension_value(service, systems.own("accepts-insurance"), "Boolean")
    return Department(
        code=department_code_of(service, systems),
        name=str(_need(service, "name", where)),
        room=room,
        floor=_int_extension(location, systems.own("floor"), 1, f"Location/{location.get('id')}"),
        directions=str(location.get("description") or service.get("comment") or room),
        accepts_insurance=True if accepts is None else bool(accepts),
        waiting=_int_extension(service, systems.own("waiting"), 0, where),
        waiting_priority=_int_extension(service, systems.own("waiting-priority"), 0, where),
        estimated_wait_minutes=_int_extension(
            service, systems.own("estimated-wait-minutes"), 0, where
        ),
    )


def location_id_of(service: Resource) -> str | None:
    return next(
        (i for ref in service.get("location") or () if (i := reference_id(ref, "Location"))), None
    )


def appointment_from(resource: Resource, department_codes: dict[str, str]) -> Appointment:
    """`department_codes`: HealthcareService id -> department code."""
    where = f"Appointment/{resource.get('id', '?')}"
    department = None
    doctor = None
    for participant in resource.get("participant") or ():
        actor = participant.get("actor")
        service_id = reference_id(actor, "HealthcareService")
        if service_id is not None:
            department = department_codes.get(service_id, service_id)
        elif reference_id(actor, "Practitioner") is not None and actor.get("display"):
            doctor = str(actor["display"])
    if department is None:
        raise FhirShapeError(f"{where}.participant: no HealthcareService actor")
    return Appointment(
        appointment_id=str(_need(resource, "id", where)),
        department_code=department,
        starts_at=_instant(_need(resource, "start", where), f"{where}.start"),
        doctor_name=doctor,
    )


def visit_from(resource: Resource) -> Visit:
    where = f"Encounter/{resource.get('id', '?')}"
    start = (resource.get("period") or {}).get("start")
    if not start:
        raise FhirShapeError(f"{where}.period.start: missing")
    location_names = [
        (item.get("location") or {}).get("display") for item in resource.get("location") or ()
    ]
    department = (
        _text_of(resource.get("serviceType"))
        or next(filter(None, location_names), None)
        or next(filter(None, map(_text_of, resource.get("type") or ())), None)
    )
    diagnosis = next(filter(None, map(_text_of, resource.get("reasonCode") or ())), None)
    doctor = next(
        (p["individual"]["display"] for p in resource.get("participant") or ()
         if p.get("individual", {}).get("display")), None,
    )  # fmt: skip
    return Visit(
        visit_date=_day(start, f"{where}.period.start"),
        department_name=department or "",
        diagnosis=diagnosis,
        doctor_name=doctor,
    )


def registration_from(encounter: Resource, department: Department, systems: FhirSystems, *,
                      priority_queue: bool) -> Registration:  # fmt: skip
    where = f"Encounter/{encounter.get('id', '?')}"
    number = identifier_value(encounter, systems.own("queue-number"))
    if number is None or not number.isdigit() or int(number) < 1:
        raise FhirShapeError(f"{where}.identifier(queue-number): missing or not a number")
    start = (encounter.get("period") or {}).get("start")
    return Registration(
        visit_id=str(_need(encounter, "id", where)),
        queue_number=int(number),
        department_code=department.code,
        room=department.room,
        floor=department.floor,
        people_ahead=department.waiting_priority if priority_queue else department.waiting,
        estimated_wait_minutes=department.estimated_wait_minutes,
        registered_at=_instant(start, f"{where}.period.start") if start else datetime.now(UTC),
    )


def counter_value(counter: Resource, systems: FhirSystems) -> int:
    return _int_extension(counter, systems.own("last-number"), 0, f"Basic/{counter.get('id', '?')}")


def lease_from(resource: Resource, request: LeaseRequest, systems: FhirSystems) -> NumberLease:
    """The lease a Basic resource records, for the department, day and queue asked for."""
    where = f"Basic/{resource.get('id', '?')}"
    first = _int_extension(resource, systems.own("lease-first"), 0, where)
    last = _int_extension(resource, systems.own("lease-last"), 0, where)
    kiosk = extension_value(resource, systems.own("kiosk-id"), "String")
    if first < 1 or last < first or not kiosk:
        raise FhirShapeError(f"{where}.extension: not a queue number lease")
    return NumberLease(
        lease_id=str(_need(resource, "id", where)),
        kiosk_id=str(kiosk),
        department_code=request.department_code,
        day=request.day,
        priority_queue=request.priority_queue,
        first=first,
        last=last,
    )


# --- encoding -------------------------------------------------------------------------


def counter_key(department_code: str, day: date, priority_queue: bool) -> str:
    return f"{department_code}|{day.isoformat()}|{'priority' if priority_queue else 'normal'}"


def new_counter(key: str, day: date, systems: FhirSystems) -> Resource:
    return {
        "resourceType": "Basic",
        "identifier": [{"system": systems.own("queue-counter"), "value": key}],
        "code": {"coding": [{"system": systems.namespace, "code": "queue-counter"}]},
        "created": day.isoformat(),
        "extension": [{"url": systems.own("last-number"), "valueInteger": 0}],
    }


def advanced_counter(counter: Resource, last: int, systems: FhirSystems) -> Resource:
    url = systems.own("last-number")
    others = [e for e in counter.get("extension") or () if e.get("url") != url]
    return {**counter, "extension": [*others, {"url": url, "valueInteger": last}]}


def new_lease(request: LeaseRequest, first: int, last: int, systems: FhirSystems) -> Resource:
    return {
        "resourceType": "Basic",
        "identifier": [{"system": systems.own("queue-lease"), "value": request.idempotency_key}],
        "code": {"coding": [{"system": systems.namespace, "code": "queue-lease"}]},
        "created": request.day.isoformat(),
        "extension": [
            {"url": systems.own("kiosk-id"), "valueString": request.kiosk_id},
            {"url": systems.own("lease-first"), "valueInteger": first},
            {"url": systems.own("lease-last"), "valueInteger": last},
        ],
    }


def new_encounter(checkin: CheckIn, queue_number: int, location_id: str | None,
                  systems: FhirSystems, now: datetime) -> Resource:  # fmt: skip
    encounter: Resource = {
        "resourceType": "Encounter",
        "identifier": [
            {"system": systems.own("idempotency-key"), "value": checkin.idempotency_key},
            {"system": systems.own("queue-number"), "value": str(queue_number)},
        ],
        "status": "arrived",
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "type": [{"coding": [{"system": systems.own("service"), "code": checkin.service.value}]}],
        "serviceType": {
            "coding": [{"system": systems.own("department"), "code": checkin.department_code}]
        },
        "priority": {
            "coding": [
                {"system": ACT_PRIORITY, "code": "UR" if checkin.priority.is_priority else "R"}
            ]
        },
        "subject": {"reference": f"Patient/{checkin.patient_id}"},
        "period": {"start": now.isoformat(timespec="seconds")},
        "extension": [
            {"url": systems.own("kiosk-id"), "valueString": checkin.kiosk_id},
            {"url": systems.own("priority-group"), "valueCode": checkin.priority.value},
            {"url": systems.own("identity-check"), "valueCode": checkin.identity_check.value},
        ],
    }
    if checkin.appointment_id:
        encounter["appointment"] = [{"reference": f"Appointment/{checkin.appointment_id}"}]
    if location_id:
        encounter["location"] = [{"location": {"reference": f"Location/{location_id}"}}]
    return encounter


def arrived_appointment(appointment: Resource, patient_id: str) -> Resource:
    """The appointment marked arrived, the patient's participation too."""
    participants = []
    for participant in appointment.get("participant") or ():
        if reference_id(participant.get("actor"), "Patient") == patient_id:
            participant = {**participant, "status": "accepted"}
        participants.append(participant)
    return {**appointment, "status": "arrived", "participant": participants}


def new_patient(identity: Identity, systems: FhirSystems) -> Resource:
    assert identity.full_name and identity.birth and identity.sex
    identifiers = [
        {"system": system, "value": value}
        for system, value in (
            (systems.citizen_id, identity.citizen_id),
            (systems.insurance, identity.insurance_number),
        )
        if value
    ]
    patient: Resource = {
        "resourceType": "Patient",
        "identifier": identifiers,
        "name": [{"use": "official", "text": identity.full_name}],
        "gender": identity.sex.value,
        "birthDate": identity.birth.iso(),
    }
    if identity.address:
        patient["address"] = [{"text": identity.address}]
    return patient
