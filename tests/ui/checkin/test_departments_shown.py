"""`kiosk.departments`: a kiosk offers patients only some of the hospital's departments, online
and offline alike, while appointments elsewhere still check in. A demo kiosk (real UI, the demo
hospital's 17 departments over HTTP) configured with two of them and a code it does not know."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication

from kiosk.app.controller import KioskApp
from kiosk.app.walkthrough import (
    FIRST_SCREENS,
    Driver,
    _new_visit,
    _paper,
    _place_card,
    _present,
    _with_card,
)
from kiosk.config import Config, KioskSection
from kiosk.core.department_choice import UnknownCodeWarning, hidden_codes, unknown_codes
from kiosk.core.domain import BirthDate, Department, Patient, ServiceType, Sex
from kiosk.core.flow import CheckInFlow, FlowSettings, FlowState, PatientFound, Screen
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient
from tests.demo_kiosk import running_demo_kiosk

SHOWN = ("TMH", "K99", "DV")  # TMH takes insurance, DV does not; K99 the hospital does not list
WARNING = "kiosk.departments: the hospital lists no department K99: ignored"


@pytest.fixture(scope="module")
def kiosk(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskApp]:
    config = Config(kiosk=KioskSection(departments=SHOWN))
    with running_demo_kiosk(config, tmp_path_factory.mktemp("kiosk")) as app:
        yield app


def tiles(kiosk: KioskApp) -> list[str]:
    """The department codes on the screen, in their order."""
    QApplication.processEvents()
    return [
        button.objectName().removeprefix("btn_department_")
        for button in kiosk.window.findChildren(QAbstractButton)
        if button.objectName().startswith("btn_department_") and button.isVisible()
    ]


def choose_service(d: Driver, service: str) -> list[str]:
    """From the first screen after the identity: the departments offered for `service`."""
    if _new_visit(d).screen is Screen.SERVICE:
        d.step(f"btn_service_{service}", Screen.DEPARTMENT)
    assert d.state.screen is Screen.DEPARTMENT and d.state.service is ServiceType(service)
    return tiles(d.kiosk)


def test_patients_choose_only_the_configured_departments(
    kiosk: KioskApp, driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="kiosk.core.department_choice")
    assert len(kiosk.hospital.departments()) == 17
    _with_card(driver, "walk_in_insurance")
    assert choose_service(driver, "insurance") == ["TMH"]
    driver.step("btn_back", Screen.SERVICE)
    assert choose_service_again(driver, "paid") == ["TMH", "DV"]
    driver.click_department("DV")
    driver.wait_for(Screen.CONFIRM)
    driver.click("btn_confirm")
    paper = _paper(driver)  # the demo bank pays the VietQR code (issue 19)
    assert paper.ticket and paper.ticket.department_name == department_name(kiosk, "DV")
    driver.step("btn_done", Screen.WELCOME)
    # A second patient: the same choice, and staff were warned once about K99.
    _present(driver, driver.devices.show_cccd_qr, "walk_in_paid", Screen.PLACE_CARD)
    driver.step("btn_skip_card", *FIRST_SCREENS)
    assert choose_service(driver, "paid") == ["TMH", "DV"]
    assert caplog.messages.count(WARNING) == 1
    assert not any("K99" in m for m in caplog.messages if m != WARNING)


def choose_service_again(d: Driver, service: str) -> list[str]:
    d.step(f"btn_service_{service}", Screen.DEPARTMENT)
    return tiles(d.kiosk)


def department_name(kiosk: KioskApp, code: str) -> str:
    return next(d.name for d in kiosk.hospital.departments() if d.code == code)


def test_an_appointment_in_a_department_not_offered_still_checks_in(
    kiosk: KioskApp, driver: Driver
) -> None:
    _with_card(driver, "appointment_today", Screen.APPOINTMENT)  # in NOI, not offered here
    driver.click("btn_appointment_confirm")
    state = driver.wait_for(Screen.TICKET)
    assert state.checkin is not None and state.checkin.department_code == "NOI"
    assert state.ticket is not None and state.ticket.department_name == department_name(
        kiosk, "NOI"
    )
    driver.step("btn_done", Screen.WELCOME)


def test_declining_the_appointment_offers_only_the_configured_departments(
    kiosk: KioskApp, driver: Driver
) -> None:
    _with_card(driver, "appointment_today")  # checked in by the test before: another clinic
    if driver.state.screen is Screen.APPOINTMENT:
        driver.step("btn_appointment_other", Screen.SERVICE)
    assert choose_service(driver, "insurance") == ["TMH"]


def test_offline_the_cached_departments_are_filtered_the_same_way(
    kiosk: KioskApp, driver: Driver
) -> None:
    _present(driver, driver.devices.show_cccd_qr, "walk_in_insurance", Screen.PLACE_CARD)
    driver.step("btn_cancel", Screen.WELCOME)  # looked up once online: the kiosk caches it
    driver.devices.hospital_offline(True)
    _present(driver, driver.devices.show_cccd_qr, "walk_in_insurance", Screen.PLACE_CARD)
    _place_card(driver, "walk_in_insurance", *FIRST_SCREENS)
    driver.wait_until(lambda state: state.hospital_offline, "the offline banner")
    assert len(driver.state.departments) == 17  # the cache holds the hospital's whole list
    assert choose_service(driver, "paid") == ["TMH", "DV"]
    driver.click_department("TMH")
    driver.wait_for(Screen.CONFIRM)
    driver.click("btn_confirm")
    state = driver.wait_for(Screen.TICKET)
    assert state.ticket is not None and state.ticket.provisional


# --- the rule, against the demo hospital's list --------------------------------------------------


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Department]]:
    with DemoHospitalServer(tmp_path_factory.mktemp("hospital") / "h.sqlite") as server:
        client = RestHospitalClient(server.url)
        try:
            yield client.departments()
        finally:
            client.close()


def offered(listed: list[Department], shown: tuple[str, ...], service: ServiceType) -> list[str]:
    """What the flow lets a patient choose after the hospital answered with `listed`."""
    flow = CheckInFlow(FlowSettings("K", "H", "", departments=shown), new_key=lambda: "k")
    patient = Patient("P1", "A", BirthDate(1990, 1, 1), Sex.FEMALE)
    flow.state = FlowState(screen=Screen.LOOKING_UP, session=1)
    flow.handle(PatientFound(1, patient, (), tuple(listed)), datetime(2026, 1, 5, 9))
    return [d.code for d in flow.state.departments_for(service)]


def test_every_department_when_none_is_configured(listed: list[Department]) -> None:
    assert len(listed) == 17
    # Every one that sees a woman of 36: all but the children's clinic.
    assert len(offered(listed, (), ServiceType.PAID)) == 16
    assert hidden_codes(listed, ()) == frozenset()


def test_the_hospitals_order_not_the_configs(listed: list[Department]) -> None:
    assert offered(listed, ("DV", "NOI"), ServiceType.PAID) == ["NOI", "DV"]
    assert offered(listed, ("DV", "NOI"), ServiceType.INSURANCE) == ["NOI"]


def test_no_configured_code_listed_shows_every_department_with_a_warning(
    listed: list[Department], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="kiosk.core.department_choice")
    assert len(offered(listed, ("K98", "K99"), ServiceType.PAID)) == 16
    assert unknown_codes(listed, ("K98", "NOI", "K99")) == ("K98", "K99")
    warning = UnknownCodeWarning(("K98", "K99"))
    warning.seen(listed)
    warning.seen(listed)
    assert caplog.messages == [
        "kiosk.departments: the hospital lists none of K98, K99: patients see every department"
    ]
    # The hospital's list changes: a newly missing code is told, once.
    warning = UnknownCodeWarning(("NOI", "TMH"))
    warning.seen(listed)
    warning.seen([d for d in listed if d.code != "TMH"])
    warning.seen([d for d in listed if d.code != "TMH"])
    assert caplog.messages[1:] == [
        "kiosk.departments: the hospital lists no department TMH: ignored"
    ]
