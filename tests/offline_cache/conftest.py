"""Fixtures: an offline store on disk, the desk and outbox over it, a real demo hospital."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.core.domain import CheckIn, Department, PriorityGroup, ServiceType
from kiosk.core.tickets import queue_label
from kiosk.demo_hospital.personas import demo_persona
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient
from offline_cache import (
    LookupCache,
    OfflineDesk,
    OfflineStore,
    Outbox,
    QueueNumbers,
)

TODAY = date.today()  # the desk numbers by the local day; the hospital must agree
KIOSK_ID = "kiosk-test"


@dataclass
class Kit:
    store: OfflineStore
    cache: LookupCache
    numbers: QueueNumbers
    outbox: Outbox
    desk: OfflineDesk

    def close(self) -> None:
        self.store.close()


def open_kit(data_dir: Path, **store_options: object) -> Kit:
    store = OfflineStore(
        data_dir / "offline.sqlite", data_dir / "keys" / "offline.key", **store_options
    )  # type: ignore[arg-type]
    numbers = QueueNumbers(store)
    desk = OfflineDesk(
        store,
        numbers,
        hospital_name="Bệnh viện Demo",
        footer="Vui lòng xác nhận tại quầy",
        kiosk_prefix="K7",
        queue_label=queue_label,
    )
    return Kit(store, LookupCache(store), numbers, Outbox(store), desk)


@pytest.fixture
def kit(tmp_path: Path) -> Iterator[Kit]:
    opened = open_kit(tmp_path)
    yield opened
    opened.close()


def checkin(
    patient_id: str = "",
    *,
    department: str = "NOI",
    service: ServiceType = ServiceType.PAID,
    priority: PriorityGroup = PriorityGroup.NONE,
) -> CheckIn:
    return CheckIn(str(uuid.uuid4()), KIOSK_ID, patient_id, department, service, priority)


def department(code: str = "NOI") -> Department:
    return Department(code, "Khoa Nội", "P.105", 1, "Tầng 1", True, 3, 1, 15)


def persona_patient_id(key: str) -> str:
    patient_id = demo_persona(key, TODAY).patient_id
    assert patient_id is not None
    return patient_id


@pytest.fixture(scope="session")
def shared_hospital(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoHospitalServer]:
    """A demo hospital on the local day, as the desk numbers by it."""
    with DemoHospitalServer(tmp_path_factory.mktemp("hospital") / "h.db", today=TODAY) as server:
        yield server


@pytest.fixture
def client(hospital: DemoHospitalServer) -> Iterator[RestHospitalClient]:
    with RestHospitalClient(
        hospital.url, connect_timeout=0.5, read_timeout=1.0, deadline=2.0, retries=1
    ) as rest:
        yield rest


def now() -> datetime:
    return datetime.now().astimezone()
