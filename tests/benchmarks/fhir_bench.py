"""FHIR client benchmark: `bench_fhir(data_dir)`, registered in run.py as `fhir`.

One check-in = find_patient -> appointments -> departments -> register_visit, timed from the
lookup to the registration's answer, on loopback:

- FHIR: the kiosk's FhirHospitalClient (OAuth2 client credentials) against SEKMET (PyPI
  `sekmet-fhir`, a third-party FHIR R4 server) in its own process; every patient has a booked
  appointment today, so each check-in also marks it arrived.
- Baseline, same run: the RestHospitalClient against `kiosk demo-hospital` (the REST contract)
  in its own process.

Round trips are counted at the HTTP transport. The naive FHIR sequence (one request per
interaction, no batch or transaction) is stated next to ours.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.core.domain import CheckIn, Identity, IdentitySource, PriorityGroup, ServiceType  # noqa: E402
from kiosk.hospital.fhir import FhirHospitalClient  # noqa: E402
from kiosk.hospital.fhir_auth import ClientCredentials  # noqa: E402
from kiosk.hospital.rest import RestHospitalClient  # noqa: E402
from tests.kiosk.hospital.fhir.sekmet import (  # noqa: E402
    CLIENT_ID,
    CLIENT_SECRET,
    SYSTEMS,
    seed_appointment,
    seed_department,
    seed_patient,
    start_sekmet,
)

Results = dict[str, object]

# find Patient (+Coverage) 1, Coverage 1, Appointment 1, HealthcareService 1, Location 1,
# Encounter by key 1, counter read 1, counter write 1, Encounter create 1, Appointment read 1,
# Appointment write 1.
NAIVE_FHIR_ROUND_TRIPS = 11


class CountingTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return super().handle_request(request)


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "max": ordered[-1],
    }


def _check_in(hospital: Any, identity: Identity, key: str, day: date) -> tuple[float, int]:
    """ms from lookup to registration, and the queue number."""
    started = time.perf_counter()
    patient = hospital.find_patient(identity)
    assert patient is not None
    booked = hospital.appointments(patient.patient_id, day)
    hospital.departments()
    registration = hospital.register_visit(
        CheckIn(
            key, "BENCH", patient.patient_id, "NOI", ServiceType.INSURANCE, PriorityGroup.NONE,
            appointment_id=booked[0].appointment_id if booked else None,
        )
    )  # fmt: skip
    return (time.perf_counter() - started) * 1000, registration.queue_number


def _fhir_run(data_dir: Path, count: int, warmup: int) -> Results:
    server = start_sekmet(data_dir / "sekmet")
    try:
        today = datetime.now().astimezone().date()
        seed_department(server, "NOI", "Khoa Nội", "P.105", floor=1)
        identities = []
        for n in range(count + warmup):
            citizen_id = f"0790{n:08d}"
            patient = seed_patient(server, citizen_id, f"DN47979{n:08d}")
            seed_appointment(server, patient["id"], "NOI", today, 10)
            identities.append(Identity(IdentitySource.CCCD_QR, citizen_id=citizen_id))
        transport = CountingTransport()
        oauth = ClientCredentials(server.token_url, CLIENT_ID, CLIENT_SECRET, scope="system/*.*")
        client = FhirHospitalClient(server.base, SYSTEMS, credentials=oauth, transport=transport)
        with client:
            first_transport = transport.requests
            _check_in(client, identities[0], f"fhir-warm-0-{time.time_ns()}", today)
            first_of_day = transport.requests - first_transport - oauth.fetches
            for n in range(1, warmup):
                _check_in(client, identities[n], f"fhir-warm-{n}-{time.time_ns()}", today)
            before = transport.requests
            samples = []
            for n in range(warmup, warmup + count):
                ms, _ = _check_in(client, identities[n], f"fhir-{n}-{time.time_ns()}", today)
                samples.append(ms)
            per_checkin = (transport.requests - before) / count
        arrived = len(server.search("Appointment", status="arrived"))
    finally:
        server.stop()
    return {
        "samples": samples,
        "round_trips": per_checkin,
        "first_of_day_round_trips": first_of_day,
        "token_fetches": oauth.fetches,
        "appointments_marked_arrived": arrived,
    }


def _rest_run(data_dir: Path, count: int, warmup: int) -> Results:
    from run import ExternalHospital

    from kiosk.demo_hospital.personas import demo_persona

    hospital = ExternalHospital(data_dir)
    try:
        today = datetime.now().date()
        identity = demo_persona("walk_in_insurance", today).identity
        transport = CountingTransport()
        with RestHospitalClient(hospital.url, transport=transport) as client:
            for n in range(warmup):
                _check_in(client, identity, f"rest-warm-{n}-{time.time_ns()}", today)
            before = transport.requests
            samples = [
                _check_in(client, identity, f"rest-{n}-{time.time_ns()}", today)[0]
                for n in range(count)
            ]
            per_checkin = (transport.requests - before) / count
    finally:
        hospital.close()
    return {"samples": samples, "round_trips": per_checkin}


def _ui_kiosk(hospital: Any, data_dir: Path) -> Any:
    from PySide6.QtWidgets import QApplication

    from kiosk.app.controller import KioskApp
    from kiosk.config import Config

    QApplication.instance() or QApplication([])
    kiosk = KioskApp(Config(hospital=hospital), demo=False, data_dir=data_dir)
    kiosk.wait_until_ready()
    kiosk.window.resize(1080, 1920)
    kiosk.window.show()
    return kiosk


def _ui_checkins(kiosk: Any, count: int) -> dict[str, float]:
    """QR shown -> ticket handed to the printer, through the real UI offscreen."""
    from autopilot import summary
    from run import _autopilot

    pilot = _autopilot(kiosk)
    for _ in range(3):  # warm up: imports, fonts, connections, the day's counter
        pilot.check_in_once()
    pilot.durations_ms.clear()
    for _ in range(count):
        pilot.check_in_once()
    return summary(pilot.durations_ms)


def _ui_run(data_dir: Path, count: int) -> Results:
    """The same UI check-in against SEKMET (hospital.kind = "fhir") and the REST demo hospital."""
    from run import ExternalHospital

    from kiosk.config import HospitalSection
    from kiosk.demo_hospital.personas import demo_persona
    from tests.kiosk.hospital.fhir.sekmet import BHYT_SYSTEM, CCCD_SYSTEM

    today = datetime.now().date()
    persona = demo_persona("walk_in_insurance", today)
    identity, insurance = persona.identity, persona.insurance
    assert identity.full_name and identity.birth and identity.sex and insurance
    server = start_sekmet(data_dir / "sekmet-ui")
    try:
        seed_department(server, "NOI", "Khoa Nội", "P.105", floor=1)
        seed_patient(server, identity.citizen_id, insurance.number, name=identity.full_name,
                     gender=identity.sex.value, birth_date=identity.birth.iso())  # fmt: skip
        section = HospitalSection(
            url=server.base, kind="fhir", fhir_citizen_id_system=CCCD_SYSTEM,
            fhir_insurance_system=BHYT_SYSTEM, fhir_token_url=server.token_url,
            fhir_client_id=CLIENT_ID, fhir_client_secret=CLIENT_SECRET, fhir_scope="system/*.*",
        )  # fmt: skip
        kiosk = _ui_kiosk(section, data_dir / "kiosk-fhir")
        try:
            fhir_ms = _ui_checkins(kiosk, count)
        finally:
            kiosk.close()
        encounters = len(server.search("Encounter", status="arrived"))
    finally:
        server.stop()
    rest_hospital = ExternalHospital(data_dir)
    try:
        kiosk = _ui_kiosk(HospitalSection(url=rest_hospital.url), data_dir / "kiosk-rest")
        try:
            rest_ms = _ui_checkins(kiosk, count)
        finally:
            kiosk.close()
    finally:
        rest_hospital.close()
    return {"fhir": fhir_ms, "rest": rest_ms, "fhir_encounters": encounters}


def bench_fhir(data_dir: Path, count: int = 100, warmup: int = 5, ui_count: int = 30) -> Results:
    fhir = _fhir_run(data_dir, count, warmup)
    rest = _rest_run(data_dir, count, warmup)
    ui = _ui_run(data_dir, ui_count)
    fhir_ms = _summary(fhir.pop("samples"))  # type: ignore[arg-type]
    rest_ms = _summary(rest.pop("samples"))  # type: ignore[arg-type]
    ratio = fhir_ms["p95"] / rest_ms["p95"]
    return {
        "check-ins": count,
        "fhir_checkin_ms": fhir_ms,
        "rest_baseline_checkin_ms": rest_ms,
        "p95_ratio_fhir_to_rest": ratio,
        "fhir_round_trips_per_checkin": fhir["round_trips"],
        "fhir_round_trips_first_of_day": fhir["first_of_day_round_trips"],
        "fhir_naive_round_trips": NAIVE_FHIR_ROUND_TRIPS,
        "rest_round_trips_per_checkin": rest["round_trips"],
        "fhir_token_fetches": fhir["token_fetches"],
        "fhir_appointments_marked_arrived": fhir["appointments_marked_arrived"],
        "ui_checkins": ui_count,
        "ui_fhir_qr_to_ticket_ms": ui["fhir"],
        "ui_rest_qr_to_ticket_ms": ui["rest"],
        "ui_fhir_encounters_arrived": ui["fhir_encounters"],
        "target": "FHIR round trips per check-in <= the REST contract's; FHIR p95 <= 250 ms "
        "on loopback; every UI check-in against FHIR made its Encounter",
        "pass": fhir["round_trips"] <= rest["round_trips"]
        and fhir_ms["p95"] <= 250
        and ui["fhir_encounters"] == ui_count + 3,
    }


if __name__ == "__main__":
    import json
    import tempfile

    sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
    with tempfile.TemporaryDirectory(prefix="bench-fhir-") as folder:
        print(json.dumps(bench_fhir(Path(folder)), indent=2))
