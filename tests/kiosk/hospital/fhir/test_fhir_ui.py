"""A whole check-in through the real Qt UI (offscreen) with `hospital.kind = "fhir"`: QR code
and chip, the patient found on SEKMET with their BHYT Coverage, a department chosen, the
Encounter registered there and the ticket printed with its queue number."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from drivers.card.virtual_cccd import VirtualCccdIssuer
from kiosk.app.chip_adapter import card_holder
from kiosk.app.controller import KioskApp
from kiosk.app.demo_devices import card_expiry, card_issue_date
from kiosk.app.sample_codes import cccd_qr_payload
from kiosk.app.walkthrough import Driver, WalkthroughError
from kiosk.config import Config, HospitalSection
from kiosk.core.domain import ServiceType
from kiosk.core.flow import Screen
from kiosk.demo_hospital.personas import demo_persona
from tests.kiosk.hospital.fhir.sekmet import (
    BHYT_SYSTEM,
    CCCD_SYSTEM,
    CLIENT_ID,
    CLIENT_SECRET,
    NAMESPACE,
    SekmetServer,
    seed_patient,
)

# The hurried patient's answer on each screen (walk-in with insurance, no priority).
ANSWERS = {
    Screen.ALREADY_CHECKED_IN: "btn_another_clinic",
    Screen.SERVICE: "btn_service_insurance",
    Screen.DEPARTMENT: "btn_department_NOI",
    Screen.PRIORITY: "btn_priority_none",
    Screen.CONFIRM: "btn_confirm",
}


def press(driver: Driver, name: str, timeout: float = 5.0) -> None:
    """Click `name` as soon as it is shown and enabled (screens may still be settling)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            driver.click(name)
            return
        except WalkthroughError:
            if time.monotonic() > deadline:
                raise
            QApplication.processEvents()
            time.sleep(0.01)


@pytest.fixture
def fhir_kiosk(qapp: QApplication, sekmet: SekmetServer, tmp_path: Path) -> Iterator[KioskApp]:
    section = HospitalSection(
        url=sekmet.base, kind="fhir", fhir_citizen_id_system=CCCD_SYSTEM,
        fhir_insurance_system=BHYT_SYSTEM, fhir_token_url=sekmet.token_url,
        fhir_client_id=CLIENT_ID, fhir_client_secret=CLIENT_SECRET, fhir_scope="system/*.*",
    )  # fmt: skip
    kiosk = KioskApp(Config(hospital=section), demo=False, data_dir=tmp_path)
    kiosk.wait_until_ready()
    kiosk.window.resize(1080, 1920)
    kiosk.window.show()
    yield kiosk
    kiosk.close()


def test_ui_check_in_against_the_fhir_server(fhir_kiosk: KioskApp, sekmet: SekmetServer) -> None:
    today = date.today()
    persona = demo_persona("walk_in_insurance", today)
    identity, insurance = persona.identity, persona.insurance
    assert identity.full_name and identity.birth and identity.sex and insurance
    patient = seed_patient(sekmet, identity.citizen_id, insurance.number, name=identity.full_name,
                           gender=identity.sex.value, birth_date=identity.birth.iso())  # fmt: skip
    issued = card_issue_date(identity, today)
    card = VirtualCccdIssuer().chip(
        card_holder(identity), issued=issued, expires=card_expiry(identity, issued, today)
    )
    assert fhir_kiosk.backends.card is not None and fhir_kiosk.backends.card.virtual is not None
    fhir_kiosk.backends.card.virtual.insert(card)

    driver = Driver(fhir_kiosk)
    driver.wait_for(Screen.WELCOME)
    fhir_kiosk.scanner.show(cccd_qr_payload(identity, issue_date=issued))
    state = driver.wait_for(*ANSWERS)
    while state.screen is not Screen.TICKET:
        press(driver, ANSWERS[state.screen])
        state = driver.wait_for(Screen.TICKET, *(s for s in ANSWERS if s is not state.screen))

    ticket = state.ticket
    assert ticket is not None
    assert not ticket.provisional, "the kiosk served this patient offline"
    assert (ticket.department_name, ticket.room, ticket.service) == (
        "Khoa Nội",
        "P.105",
        ServiceType.INSURANCE,
    )
    [encounter] = sekmet.search("Encounter", subject=f"Patient/{patient['id']}")
    assert encounter["status"] == "arrived"
    assert encounter["id"] == ticket.visit_id
    number = next(
        i["value"] for i in encounter["identifier"] if i["system"] == f"{NAMESPACE}:queue-number"
    )
    assert ticket.queue_label.endswith(f"{int(number):03d}")
    assert fhir_kiosk.printer.jobs[-1].document == fhir_kiosk.backends.ticket_printer.paper(ticket)
