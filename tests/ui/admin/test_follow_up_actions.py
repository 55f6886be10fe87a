"""Staff mode's follow-ups for issue 14, through the real demo kiosk offscreen: a quarantined
check-in shown with the hospital's answer and sent again or dropped; a check-in registered
before a crash but never printed, listed and printed from staff mode."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.app.controller import KioskApp
from kiosk.app.walkthrough import Driver
from kiosk.config import AdminSection, Config, KioskSection
from kiosk.core.domain import CheckIn, Department, Patient, PriorityGroup, ServiceType
from kiosk.core.tickets import queue_label
from offline_cache import Connectivity, OfflineDesk, OutboxState, QueueNumbers
from tests.demo_kiosk import running_demo_kiosk, wait

from .test_admin_mode import HOLD, click, open_admin, shot, shown, staff_driver

ANSWER = "HospitalFailed: POST /v1/visits: answered 500"


@pytest.fixture(scope="module")
def kiosk(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskApp]:
    config = Config(kiosk=KioskSection(name="Sảnh B"), admin=AdminSection(hold_seconds=HOLD))
    with running_demo_kiosk(config, tmp_path_factory.mktemp("kiosk")) as app:
        yield app


@pytest.fixture
def driver(kiosk: KioskApp) -> Iterator[Driver]:
    kiosk.admin._quit = lambda code: None  # not the real event loop's exit
    yield from staff_driver(kiosk)
    kiosk.demo_devices.hospital_offline(False)
    offline = kiosk.backends.offline if kiosk.backends else None
    assert offline is not None and offline.monitor.wait_for(Connectivity.ONLINE, 10)


def _listed(kiosk: KioskApp, action: str) -> bool:
    """The follow-ups page shows (this time round) a row with this action's button."""
    buttons = kiosk.admin.follow_ups_page.action_buttons.get(action, [])
    return bool(buttons) and all(b.isVisibleTo(kiosk.window) for b in buttons)


def _desk(kiosk: KioskApp) -> OfflineDesk:
    offline = kiosk.backends.offline if kiosk.backends else None
    assert offline is not None
    return OfflineDesk(offline.store, QueueNumbers(offline.store), hospital_name="Demo",
                       footer="", kiosk_prefix="K9", queue_label=queue_label)  # fmt: skip


def _patient(kiosk: KioskApp) -> Patient:
    persona = kiosk.demo_devices.personas["walk_in_paid"]
    patient = kiosk.hospital.find_patient(persona.identity)
    assert patient is not None
    return patient


def _checkin(patient: Patient, department: str) -> CheckIn:
    return CheckIn(str(uuid.uuid4()), "KIOSK-01", patient.patient_id, department,
                   ServiceType.PAID, PriorityGroup.NONE)  # fmt: skip


def _quarantined(kiosk: KioskApp, department: Department) -> CheckIn:
    """A check-in issued offline and quarantined with the hospital's 500; then back online."""
    offline = kiosk.backends.offline if kiosk.backends else None
    assert offline is not None
    patient = _patient(kiosk)
    kiosk.demo_devices.hospital_offline(True)  # the sync holds still while we set the scene
    assert offline.monitor.wait_for(Connectivity.OFFLINE, 10)
    checkin = _checkin(patient, department.code)
    _desk(kiosk).issue(checkin, department=department, patient=patient)
    offline.outbox.quarantine(checkin.idempotency_key, ANSWER)
    kiosk.demo_devices.hospital_offline(False)
    return checkin


def test_a_quarantined_check_in_is_shown_and_sent_again(kiosk: KioskApp, driver: Driver) -> None:
    offline = kiosk.backends.offline if kiosk.backends else None
    assert offline is not None
    department = kiosk.hospital.departments()[0]
    checkin = _quarantined(kiosk, department)

    open_admin(kiosk, driver)
    click(kiosk, "btn_admin_follow_ups")
    wait(lambda: _listed(kiosk, "retry") and "answered 500" in shown(kiosk))
    assert department.code in shown(kiosk)
    shot(kiosk, "follow_ups_quarantined")
    click(kiosk, kiosk.admin.follow_ups_page.action_buttons["retry"][0].objectName())
    key = checkin.idempotency_key
    wait(lambda: offline.outbox.state_of(key) is OutboxState.SYNCED, timeout=20)
    assert kiosk.demo_hospital.registrations_for_key(key)  # type: ignore[attr-defined] == 1


def test_a_quarantined_check_in_can_be_dropped(kiosk: KioskApp, driver: Driver) -> None:
    offline = kiosk.backends.offline if kiosk.backends else None
    assert offline is not None
    checkin = _quarantined(kiosk, kiosk.hospital.departments()[1])

    open_admin(kiosk, driver)
    click(kiosk, "btn_admin_follow_ups")
    wait(lambda: _listed(kiosk, "drop"))
    click(kiosk, kiosk.admin.follow_ups_page.action_buttons["drop"][0].objectName())
    key = checkin.idempotency_key
    wait(lambda: offline.outbox.state_of(key) is OutboxState.DROPPED)
    wait(lambda: not kiosk.admin.follow_ups_page.action_buttons.get("drop"))


def test_a_registered_visit_never_printed_is_listed_and_printed(
    kiosk: KioskApp, driver: Driver
) -> None:
    offline = kiosk.backends.offline if kiosk.backends else None
    assert offline is not None
    patient = _patient(kiosk)
    department = kiosk.hospital.departments()[2]
    checkin = _checkin(patient, department.code)
    desk = _desk(kiosk)
    # The front path's own steps, then the crash: registered, recorded, never printed.
    assert desk.begin_online(checkin)
    registration = kiosk.hospital.register_visit(checkin)
    label = queue_label(registration.queue_number, checkin.service, checkin.priority)
    desk.finish_online(checkin, registration, printed_label=label)
    [ours] = [v for v in offline.unprinted() if v.key == checkin.idempotency_key]
    assert ours.visit.queue_label == label and not ours.visit.provisional

    printed = kiosk.printer.printed_count
    open_admin(kiosk, driver)
    click(kiosk, "btn_admin_follow_ups")
    wait(lambda: _listed(kiosk, "reprint") and label in shown(kiosk))
    shot(kiosk, "follow_ups_unprinted")
    click(kiosk, kiosk.admin.follow_ups_page.action_buttons["reprint"][-1].objectName())
    wait(lambda: kiosk.printer.printed_count == printed + 1)
    wait(lambda: all(v.key != checkin.idempotency_key for v in offline.unprinted()))
    paper = kiosk.printer.jobs[-1].document
    assert label in str(paper)
