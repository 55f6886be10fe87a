"""`kiosk --demo` with `hospital.kind = "fhir"`: the real KioskApp in demo mode against SEKMET
seeded with the demo hospital's people, driven through the real UI (offscreen) by the
walkthrough's scenarios, with what each must leave on the FHIR server."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.app.cli import main
from kiosk.app.controller import KioskApp
from kiosk.app.walkthrough import (
    Driver,
    appointment_today,
    booking_code,
    hospital_down,
    vneid_code,
    walk_in_insurance,
)
from kiosk.config import Config, HospitalSection
from kiosk.core.domain import Ticket
from kiosk.core.flow import Screen
from kiosk.demo_hospital.fhir_demo import FhirDemoHospital
from tests.demo_kiosk import running_demo_kiosk


@pytest.fixture(scope="module")
def kiosk(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskApp]:
    config = Config(hospital=HospitalSection(kind="fhir"))  # the demo supplies the rest
    with running_demo_kiosk(config, tmp_path_factory.mktemp("kiosk-fhir")) as app:
        yield app


@pytest.fixture
def driver(kiosk: KioskApp) -> Iterator[Driver]:
    drive = Driver(kiosk)
    drive.wait_for(Screen.WELCOME)
    yield drive
    kiosk.demo_devices.hospital_offline(False)


def fhir_demo(kiosk: KioskApp) -> FhirDemoHospital:
    hospital = kiosk.demo_hospital
    assert isinstance(hospital, FhirDemoHospital)
    return hospital


def encounters_of(kiosk: KioskApp, patient_id: str) -> list[dict]:
    return fhir_demo(kiosk).server.search(
        "Encounter", subject=f"Patient/{patient_id}", status="arrived"
    )


def printed_ticket(kiosk: KioskApp) -> Ticket:
    """The kiosk's last ticket, once the printer's last job is checked to be its paper."""
    ticket = kiosk.recent_tickets.newest_first()[0]
    assert kiosk.printer.jobs[-1].document == kiosk.backends.ticket_printer.paper(ticket)
    return ticket


def test_the_demo_kiosk_talks_fhir_to_sekmet(kiosk: KioskApp) -> None:
    assert fhir_demo(kiosk).url.startswith("http://127.0.0.1:")
    assert {d.code for d in kiosk.hospital.departments()} >= {"NOI", "NHI", "TMH", "KSK"}


def test_booking_code_then_check_in_with_the_appointment(driver: Driver) -> None:
    kiosk = driver.kiosk
    booking_code(driver)  # resolved over FHIR: the Appointment's identifier
    appointment_today(driver)

    ticket = printed_ticket(kiosk)
    assert not ticket.provisional
    [encounter] = encounters_of(kiosk, "BN00000001")
    assert encounter["id"] == ticket.visit_id
    assert encounter["appointment"] == [{"reference": "Appointment/LH-DEMO-0001"}]
    assert fhir_demo(kiosk).server.read("Appointment", "LH-DEMO-0001")["status"] == "arrived"


def test_walk_in_without_an_appointment(driver: Driver) -> None:
    kiosk = driver.kiosk
    before = kiosk.demo_hospital.visits_registered()
    walk_in_insurance(driver)

    ticket = printed_ticket(kiosk)
    assert not ticket.provisional and ticket.room
    [encounter] = encounters_of(kiosk, "BN00000002")
    assert encounter["id"] == ticket.visit_id and "appointment" not in encounter
    assert kiosk.demo_hospital.visits_registered() == before + 1


def test_vneid_code_resolves_over_fhir(driver: Driver) -> None:
    vneid_code(driver)


def test_the_panels_offline_switch_stops_the_fhir_server(driver: Driver) -> None:
    # Provisional ticket while SEKMET is stopped; the visit reaches it once it runs again.
    hospital_down(driver)
    assert fhir_demo(driver.kiosk).running


def test_without_sekmet_the_fhir_demo_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # as in the packaged kiosk
    assert main(["--demo", "--hospital", "fhir"]) == 2
    message = capsys.readouterr().err
    assert "sekmet-fhir" in message and "Traceback" not in message
