"""The store wired to the real hospital client (kiosk/app/offline_link.py): cached while online,
served from the cache and the outbox while the demo hospital is stopped, synced once back."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.app.offline_link import OfflineServices, build_offline, short_prefix
from kiosk.config import OfflineSection
from kiosk.core.domain import CheckIn, IdentitySource, PriorityGroup, ServiceType
from kiosk.core.ports import HospitalRejected, HospitalUnavailable, OfflineUnavailable
from kiosk.demo_hospital.personas import demo_persona
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient
from offline_cache import Connectivity

from .conftest import TODAY

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def hospital(tmp_path: Path) -> Iterator[DemoHospitalServer]:
    server = DemoHospitalServer(tmp_path / "hospital.db", today=TODAY)
    server.start()
    yield server
    if server.running:
        server.stop()


@pytest.fixture
def services(hospital: DemoHospitalServer, tmp_path: Path) -> Iterator[OfflineServices]:
    rest = RestHospitalClient(hospital.url, connect_timeout=0.5, read_timeout=1.0, deadline=2.0)
    probe = RestHospitalClient(
        hospital.url, connect_timeout=0.5, read_timeout=1.0, deadline=1.0, retries=0
    )
    built = build_offline(
        OfflineSection(lease_block=0),
        hospital=rest,
        probe_client=probe,
        default_folder=tmp_path / "offline",
        kiosk_id="KIOSK-07",
        hospital_name="Bệnh viện Demo",
        footer="Cảm ơn",
    )
    built.start(lambda _snapshot: None)
    yield built
    built.close()
    rest.close()


def identity(key: str = "walk_in_insurance"):
    return demo_persona(key, TODAY).identity


def visit(patient_id: str, department: str = "NOI") -> CheckIn:
    return CheckIn(
        str(uuid.uuid4()), "KIOSK-07", patient_id, department, ServiceType.PAID, PriorityGroup.NONE
    )


def test_online_answers_are_cached_and_served_when_the_hospital_stops(
    services: OfflineServices, hospital: DemoHospitalServer
) -> None:
    online = services.hospital
    patient = online.find_patient(identity())
    assert patient is not None
    online.departments()
    hospital.stop()
    with pytest.raises(HospitalUnavailable):
        online.find_patient(identity())
    assert services.monitor.state is Connectivity.OFFLINE
    started = time.perf_counter()
    with pytest.raises(HospitalUnavailable):
        online.departments()  # offline: fails at once instead of waiting out its deadline
    assert time.perf_counter() - started < 0.05
    cached, departments = services.link.look_up(identity())
    assert cached is not None and cached.patient_id == patient.patient_id
    assert "NOI" in {d.code for d in departments}


def test_an_online_registration_is_recorded_and_settled(
    services: OfflineServices, hospital: DemoHospitalServer
) -> None:
    patient = services.hospital.find_patient(identity())
    assert patient is not None
    checkin = visit(patient.patient_id)
    registration = services.hospital.register_visit(checkin)
    assert registration.queue_number > 0
    assert services.outbox.size() == 0  # settled: nothing left for the sync
    with pytest.raises(HospitalRejected):
        services.hospital.register_visit(visit(patient.patient_id, department="NOSUCH"))
    assert services.outbox.size() == 0  # a refusal leaves nothing behind either


def test_a_visit_queued_offline_reaches_the_hospital_once_it_is_back(
    services: OfflineServices, hospital: DemoHospitalServer
) -> None:
    patient = services.hospital.find_patient(identity())
    assert patient is not None
    departments = {d.code: d for d in services.hospital.departments()}
    hospital.stop()
    checkin = visit(patient.patient_id)
    with pytest.raises(HospitalUnavailable):
        services.hospital.register_visit(checkin)  # the flow then queues it, same key
    ticket = services.link.queue(checkin, departments["NOI"], patient, None)
    assert ticket.provisional and ticket.queue_label.startswith(short_prefix("KIOSK-07"))
    assert services.outbox.size() == 1
    hospital.start()
    deadline = time.monotonic() + 20
    while services.outbox.size() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert services.outbox.size() == 0
    assert hospital.registrations_for_key(checkin.idempotency_key) == 1


def test_a_patient_never_seen_is_served_from_the_card_alone(
    services: OfflineServices, hospital: DemoHospitalServer
) -> None:
    services.hospital.departments()
    hospital.stop()
    new = identity("new_patient")
    assert new.source is IdentitySource.CHIP
    patient, _ = services.link.look_up(new)
    assert patient is not None and patient.patient_id == ""  # the sync finds or creates it
    typed = replace(new, full_name=None, birth=None, sex=None, source=IdentitySource.KEYPAD)
    patient, _ = services.link.look_up(typed)
    assert patient is None  # a number alone cannot make a record


def test_nothing_cached_means_nothing_to_offer(
    services: OfflineServices, hospital: DemoHospitalServer
) -> None:
    hospital.stop()
    with pytest.raises(OfflineUnavailable):
        services.link.look_up(identity())


def test_short_prefixes() -> None:
    assert short_prefix("KIOSK-01") == "K01"
    assert short_prefix("Sảnh A") == "K1"
