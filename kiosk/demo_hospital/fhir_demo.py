"""The demo hospital over FHIR R4: SEKMET on 127.0.0.1 seeded with the REST demo's people.

`kiosk --demo` with `hospital.kind = "fhir"` runs this instead of the embedded REST hospital.
It holds what the personas need (personas.py, catalog.py): every department with its room, the
personas' Patient records with their insurance as Coverage, today's appointments, past visits
as finished Encounters, and the codes the demo hospital issues (codes.py) as identifiers in the
`hospital.fhir_code_system`: a persona's VNeID-style code on their Patient, a booking code on
its Appointment. The random extra patients of the REST demo are left out: nobody's card names
them. Seeded in one transaction at the first start, through the server's own FHIR API.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from kiosk.demo_hospital.catalog import DEPARTMENTS, DemoDepartment
from kiosk.demo_hospital.codes import BOOKING_PREFIX, issue_token
from kiosk.demo_hospital.fhir_server import SekmetServer
from kiosk.demo_hospital.personas import DemoPersona, demo_personas
from kiosk.demo_hospital.vietnam import VIETNAM_TZ
from kiosk.hospital.fhir_mapping import ACT_CODE, FhirSystems

# Stand-ins for a hospital's identifier systems, used when the config names none.
DEMO_CITIZEN_ID_SYSTEM = "urn:oid:2.16.704.0.1.1"
DEMO_INSURANCE_SYSTEM = "urn:oid:2.16.704.0.1.2"
DEMO_CODE_SYSTEM = "urn:oid:2.16.704.0.1.9"
_WAITING_SEED = 2026  # the departments' waiting figures, the same at every start

Resource = dict[str, Any]


class FhirDemoHospital:
    """SEKMET with the demo data, under the configured identifier systems (`systems`; the
    demo's stand-ins where the config names none). The kiosk talks to it at `url` with the
    bearer `token` (the composition root puts both in its `[hospital]` section)."""

    def __init__(self, data_dir: Path, systems: FhirSystems, *,
                 today: date | None = None) -> None:  # fmt: skip
        self.today = today or date.today()
        self.systems = replace(
            systems,
            citizen_id=systems.citizen_id or DEMO_CITIZEN_ID_SYSTEM,
            insurance=systems.insurance or DEMO_INSURANCE_SYSTEM,
            code=systems.code or DEMO_CODE_SYSTEM,
        )
        self._server = SekmetServer(data_dir, token=secrets.token_urlsafe(24))
        self._seeded = False

    @property
    def url(self) -> str:
        return self._server.base

    @property
    def token(self) -> str:
        return self._server.token

    @property
    def running(self) -> bool:
        return self._server.running

    def start(self) -> None:
        """The first start waits for the server and seeds it; a later one (the hospital back
        online) only launches the process: the kiosk notices when it answers."""
        self._server.start()
        if self._seeded:
            return
        try:
            self._server.wait_ready()
            self._server.transaction(demo_resources(self.systems, self.today))
        except Exception:
            self._server.stop()
            raise
        self._seeded = True

    def stop(self) -> None:
        self._server.stop()

    def visits_registered(self) -> int:
        """Encounters the kiosks made (status arrived; the personas' past visits are finished)."""
        return self._server.count("Encounter", status="arrived")

    @property
    def server(self) -> SekmetServer:
        return self._server


def demo_resources(systems: FhirSystems, today: date) -> list[Resource]:
    rng = random.Random(_WAITING_SEED)
    resources: list[Resource] = []
    for department in DEPARTMENTS:
        resources += _department(department, systems, rng)
    for persona in demo_personas(today):
        if persona.in_hospital:
            resources += _persona(persona, systems)
    return resources


def ext(systems: FhirSystems, name: str, kind: str, value: Any) -> Resource:
    return {"url": systems.own(name), f"value{kind}": value}


def _department(department: DemoDepartment, systems: FhirSystems,
                rng: random.Random) -> list[Resource]:  # fmt: skip
    waiting = rng.randint(0, 18 if department.accepts_insurance else 6)
    location: Resource = {
        "resourceType": "Location", "id": f"room-{department.code}", "status": "active",
        "name": department.room, "description": department.directions,
        "extension": [ext(systems, "floor", "Integer", department.floor)],
    }  # fmt: skip
    service: Resource = {
        "resourceType": "HealthcareService", "id": department.code, "active": True,
        "name": department.name, "location": [{"reference": f"Location/{location['id']}"}],
        "extension": [
            ext(systems, "accepts-insurance", "Boolean", department.accepts_insurance),
            ext(systems, "waiting", "Integer", waiting),
            ext(systems, "waiting-priority", "Integer", rng.randint(0, 4)),
            ext(systems, "estimated-wait-minutes", "Integer",
                waiting * department.minutes_per_patient),
        ],
    }  # fmt: skip
    if systems.department:
        service["identifier"] = [{"system": systems.department, "value": department.code}]
    return [location, service]


def _persona(persona: DemoPersona, systems: FhirSystems) -> list[Resource]:
    identity, card = persona.identity, persona.insurance
    assert persona.patient_id and identity.full_name and identity.birth and identity.sex
    patient_id = persona.patient_id
    numbers = (
        (systems.citizen_id, identity.citizen_id),
        (systems.insurance, card.number if card else None),
        (systems.code, issue_token(patient_id)),  # the code in the persona's VNeID app
    )
    patient: Resource = {
        "resourceType": "Patient", "id": patient_id,
        "identifier": [{"system": s, "value": v} for s, v in numbers if s and v],
        "name": [{"use": "official", "text": identity.full_name}],
        "gender": identity.sex.value, "birthDate": identity.birth.iso(),
    }  # fmt: skip
    if identity.address:
        patient["address"] = [{"text": identity.address}]
    resources = [patient]
    me = {"reference": f"Patient/{patient_id}"}
    if card is not None:
        coverage: Resource = {
            "resourceType": "Coverage", "id": f"{patient_id}-bhyt", "status": "active",
            "identifier": [{"system": systems.insurance, "value": card.number}],
            "beneficiary": me, "payor": [{"display": "Bảo hiểm xã hội Việt Nam"}],
            "extension": [ext(systems, "bhyt-result-code", "Code", card.result_code)],
        }  # fmt: skip
        period = {
            key: day.isoformat()
            for key, day in (("start", card.valid_from), ("end", card.valid_to))
            if day
        }
        if period:
            coverage["period"] = period
        if card.facility_code:
            coverage["extension"].append(
                ext(systems, "bhyt-facility", "String", card.facility_code)
            )
        resources.append(coverage)
    if persona.appointment is not None:
        resources += _appointment(persona, me, systems)
    for n, visit in enumerate(persona.history, start=1):
        encounter: Resource = {
            "resourceType": "Encounter", "id": f"{patient_id}-visit-{n}", "status": "finished",
            "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
            "subject": me, "serviceType": {"text": visit.department_name},
            "period": {"start": datetime.combine(visit.visit_date, time(9), VIETNAM_TZ)
                       .isoformat()},
        }  # fmt: skip
        if visit.diagnosis:
            encounter["reasonCode"] = [{"text": visit.diagnosis}]
        if visit.doctor_name:
            encounter["participant"] = [{"individual": {"display": visit.doctor_name}}]
        resources.append(encounter)
    return resources


def _appointment(persona: DemoPersona, me: Resource, systems: FhirSystems) -> list[Resource]:
    appointment = persona.appointment
    assert appointment is not None
    booking_code = issue_token(appointment.appointment_id, prefix=BOOKING_PREFIX)
    participants = [
        {"actor": me, "status": "accepted"},
        {"actor": {"reference": f"HealthcareService/{appointment.department_code}"},
         "status": "accepted"},
    ]  # fmt: skip
    resources: list[Resource] = []
    if appointment.doctor_name:
        doctor = {
            "resourceType": "Practitioner", "id": f"{appointment.appointment_id}-doctor",
            "name": [{"text": appointment.doctor_name}],
        }  # fmt: skip
        resources.append(doctor)
        participants.append({
            "actor": {"reference": f"Practitioner/{doctor['id']}",
                      "display": appointment.doctor_name},
            "status": "accepted",
        })  # fmt: skip
    starts = appointment.starts_at
    booked: Resource = {
        "resourceType": "Appointment", "id": appointment.appointment_id, "status": "booked",
        "start": starts.isoformat(), "end": (starts + timedelta(minutes=15)).isoformat(),
        "participant": participants,
    }  # fmt: skip
    if systems.code:  # the code on the booking confirmation
        booked["identifier"] = [{"system": systems.code, "value": booking_code}]
    return [*resources, booked]
