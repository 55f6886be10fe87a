"""SEKMET (PyPI `sekmet-fhir`), a real third-party FHIR R4 server, for the tests: started by
kiosk/demo_hospital/fhir_server.py with the tests' credentials, and the tests' own seed helpers
(through the server's FHIR API). Also used by tests/benchmarks/fhir_bench.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from datetime import time as day_time
from pathlib import Path
from typing import Any

from kiosk.demo_hospital.fhir_server import SekmetServer
from kiosk.hospital.fhir_mapping import FhirSystems

STATIC_TOKEN = "kiosk-test-static-token"
CLIENT_ID = "kiosk-01"
CLIENT_SECRET = "kiosk-test-secret"
CCCD_SYSTEM = "urn:oid:2.16.704.0.1.1"  # stand-ins for the hospital's identifier systems
BHYT_SYSTEM = "urn:oid:2.16.704.0.1.2"
NAMESPACE = "urn:hospital-checkin-kiosk"
VN = timezone(timedelta(hours=7))
TODAY = date(2026, 3, 10)
SYSTEMS = FhirSystems(citizen_id=CCCD_SYSTEM, insurance=BHYT_SYSTEM, namespace=NAMESPACE)


def start_sekmet(data_dir: Path, *, token_lifetime: int = 3600) -> SekmetServer:
    """SEKMET running with the tests' static token and OAuth2 client; stop() ends it."""
    server = SekmetServer(data_dir, token=STATIC_TOKEN, oauth_client=(CLIENT_ID, CLIENT_SECRET),
                          token_lifetime=token_lifetime)  # fmt: skip
    server.start()
    server.wait_ready()
    return server


def ext(name: str, kind: str, value: Any) -> dict[str, Any]:
    return {"url": f"{NAMESPACE}:{name}", f"value{kind}": value}


def seed_department(server: SekmetServer, code: str, name: str, room: str, *, floor: int = 2,
                    waiting: int = 3) -> dict[str, Any]:  # fmt: skip
    location = server.create({
        "resourceType": "Location", "status": "active", "name": room,
        "description": f"Tầng {floor}, rẽ trái", "extension": [ext("floor", "Integer", floor)],
    })  # fmt: skip
    return server.put({  # PUT: the id is the department code
        "resourceType": "HealthcareService", "id": code, "active": True, "name": name,
        "location": [{"reference": f"Location/{location['id']}"}],
        "extension": [
            ext("waiting", "Integer", waiting), ext("waiting-priority", "Integer", 1),
            ext("estimated-wait-minutes", "Integer", 12), ext("accepts-insurance", "Boolean", True),
        ],
    })  # fmt: skip


def seed_patient(server: SekmetServer, citizen_id: str | None, insurance: str | None, *,
                 name: str = "Nguyễn Văn An", result_code: str | None = "000",
                 valid_to: date | None = None, gender: str = "male",
                 birth_date: str = "1980-04-02") -> dict[str, Any]:  # fmt: skip
    numbers = ((CCCD_SYSTEM, citizen_id), (BHYT_SYSTEM, insurance))
    identifiers = [{"system": s, "value": v} for s, v in numbers if v]
    patient = server.create({
        "resourceType": "Patient", "identifier": identifiers,
        "name": [{"use": "official", "text": name}], "gender": gender, "birthDate": birth_date,
        "address": [{"text": "12 Lê Lợi, Quận 1, TP Hồ Chí Minh"}],
    })  # fmt: skip
    if insurance:
        coverage: dict[str, Any] = {
            "resourceType": "Coverage", "status": "active",
            "identifier": [{"system": BHYT_SYSTEM, "value": insurance}],
            "beneficiary": {"reference": f"Patient/{patient['id']}"},
            "payor": [{"display": "Bảo hiểm xã hội Việt Nam"}],
            "period": {"start": "2026-01-01", "end": (valid_to or date(2026, 12, 31)).isoformat()},
            "extension": [ext("bhyt-facility", "String", "79 - 024")],
        }  # fmt: skip
        if result_code:
            coverage["extension"].append(ext("bhyt-result-code", "Code", result_code))
        server.create(coverage)
    return patient


def seed_appointment(server: SekmetServer, patient_id: str, department: str, day: date,
                     hour: int, *, status: str = "booked") -> dict[str, Any]:  # fmt: skip
    start = datetime.combine(day, day_time(hour, 0), VN)
    return server.create({
        "resourceType": "Appointment", "status": status,
        "start": start.isoformat(), "end": (start + timedelta(minutes=15)).isoformat(),
        "participant": [
            {"actor": {"reference": f"Patient/{patient_id}"}, "status": "accepted"},
            {"actor": {"reference": f"HealthcareService/{department}"}, "status": "accepted"},
            {"actor": {"reference": "Practitioner/doc-1", "display": "BS. Trần Thị Bình"},
             "status": "accepted"},
        ],
    })  # fmt: skip


def seed_encounter(server: SekmetServer, patient_id: str, day: date, department: str,
                   diagnosis: str) -> dict[str, Any]:  # fmt: skip
    return server.create({
        "resourceType": "Encounter", "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "subject": {"reference": f"Patient/{patient_id}"},
        "serviceType": {"text": department},
        "reasonCode": [{"text": diagnosis}],
        "participant": [{"individual": {"display": "BS. Lê Văn Cường"}}],
        "period": {"start": datetime.combine(day, day_time(9), VN).isoformat()},
    })  # fmt: skip
