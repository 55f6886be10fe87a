"""A real third-party FHIR R4 server for the tests: SEKMET (PyPI `sekmet-fhir`) on 127.0.0.1.

Started in its own process with a settings file written here (SQLite in a temp folder, its
workflow simulator off, static bearer token and an OAuth2 client-credentials client), and
seeded through its own FHIR API. Also used by tests/benchmarks/fhir_bench.py.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as day_time
from pathlib import Path
from typing import Any

import httpx

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

SETTINGS = """\
base_url: {url}/fhir
host: 127.0.0.1
port: {port}
data_dir: {data}
db_path: {data}/sekmet.db
own_private_key_path: {data}/keys/sekmet_private.pem
log_inbound: false
simulator: {{enabled: false}}
validation: {{inbound: strict}}
server_auth:
  types: [bearer, smart]
  tokens: [{token}]
  token_lifetime: {lifetime}
  smart_clients:
    - {{client_id: {client_id}, client_secret: {secret}, scopes: "system/*.*"}}
"""


class SekmetServer:
    """`sekmet serve` in its own process; stop() ends it."""

    def __init__(self, data_dir: Path, *, token_lifetime: int = 3600) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.base = f"{self.url}/fhir"
        self.token_url = f"{self.url}/auth/token"
        data_dir.mkdir(parents=True, exist_ok=True)
        settings = data_dir / "settings.yaml"
        settings.write_text(
            SETTINGS.format(url=self.url, port=self.port, data=data_dir, token=STATIC_TOKEN,
                            lifetime=token_lifetime, client_id=CLIENT_ID, secret=CLIENT_SECRET)
        )  # fmt: skip
        self._log = (data_dir / "server.log").open("wb")
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from sekmet.cli import app; app()", "serve", "--config",
             str(settings)],
            cwd=data_dir, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.admin = httpx.Client(
            base_url=self.base + "/",
            headers={"Authorization": f"Bearer {STATIC_TOKEN}", "Accept": "application/fhir+json"},
            timeout=10,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError("sekmet exited at start: see " + str(data_dir / "server.log"))
            try:
                if self.admin.get("metadata").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("sekmet did not start within 30 s")

    def stop(self) -> None:
        self.admin.close()
        self._process.terminate()
        self._process.wait(timeout=10)
        self._log.close()

    # --- seeding and inspection through the server's FHIR API ----------------------

    def create(self, resource: dict[str, Any]) -> dict[str, Any]:
        response = self.admin.post(resource["resourceType"], json=resource)
        response.raise_for_status()
        return response.json()

    def read(self, resource_type: str, resource_id: str) -> dict[str, Any]:
        response = self.admin.get(f"{resource_type}/{resource_id}")
        response.raise_for_status()
        return response.json()

    def put(self, resource: dict[str, Any]) -> dict[str, Any]:
        response = self.admin.put(f"{resource['resourceType']}/{resource['id']}", json=resource)
        response.raise_for_status()
        return response.json()

    def search(self, resource_type: str, **params: str) -> list[dict[str, Any]]:
        response = self.admin.get(resource_type, params={**params, "_count": "500"})
        response.raise_for_status()
        return [e["resource"] for e in response.json().get("entry", [])
                if e.get("search", {}).get("mode", "match") == "match"]  # fmt: skip


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
