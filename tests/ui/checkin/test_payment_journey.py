"""A paid visit paid at the kiosk, end to end: a demo kiosk (real UI, the demo hospital over
HTTP, its payment requests, the demo panel's bank), the fee on the confirm screen, the VietQR
code read from the window's pixels, and the ticket the printer gets: "ĐÃ THANH TOÁN" when the
bank confirms, how much and where to pay when the patient gives up or pays at the cashier."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from drivers.printer.document import BoxedNotice, Text
from kiosk.app.controller import KioskApp
from kiosk.app.walkthrough import FIRST_SCREENS, Driver, _new_visit, _present
from kiosk.config import Config
from kiosk.core.flow import Screen
from kiosk.core.payment.vietqr import decode
from kiosk.demo_hospital.catalog import PAID_VISIT_FEES
from kiosk.demo_hospital.server import DemoHospitalServer
from tests.demo_kiosk import running_demo_kiosk
from tests.ui.screens.test_payment_screen import read_codes, screenshot

FEE = "150.000 đ"  # TMH's paid visit


@pytest.fixture(scope="module")
def kiosk(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskApp]:
    with running_demo_kiosk(Config(), tmp_path_factory.mktemp("kiosk")) as app:
        app._show_panel()  # the demo device panel, wired as `kiosk --demo` shows it
        yield app


def _to_the_code(d: Driver) -> str:
    """A paid walk-in to TMH up to the payment screen; the code read from the screen."""
    assert PAID_VISIT_FEES["TMH"] == 150_000
    _present(d, d.devices.show_cccd_qr, "walk_in_paid", Screen.PLACE_CARD)
    d.step("btn_skip_card", *FIRST_SCREENS)
    _new_visit(d)
    d.click_department("TMH")
    d.wait_for(Screen.CONFIRM)
    assert FEE in _texts(d)
    d.click("btn_confirm")
    state = d.wait_for(Screen.PAYING)
    (payload,) = read_codes(screenshot(d.kiosk.window))
    payment = state.registration.payment if state.registration else None
    assert payment is not None and payload == state.payment_code
    qr = decode(payload)
    assert (qr.amount_vnd, qr.reference) == (150_000, payment.reference)
    return payment.reference


def _texts(d: Driver) -> list[str]:
    QApplication.processEvents()
    return [w.text() for w in d.kiosk.window.findChildren(QLabel) if w.isVisible()]


def _printed(d: Driver) -> tuple[object, ...]:
    d.wait_for(Screen.TICKET)
    return d.kiosk.printer.jobs[-1].document.elements


def _panel_press(d: Driver, name: str) -> None:
    """A button of the demo device panel, as staff press it."""
    panel = d.kiosk.panel
    assert panel is not None
    button = panel.findChild(QAbstractButton, name)
    assert button is not None
    button.click()


def test_the_bank_confirms_and_the_ticket_says_paid(driver: Driver) -> None:
    reference = _to_the_code(driver)
    _panel_press(driver, "btn_bank_confirms")
    elements = _printed(driver)
    assert BoxedNotice(("ĐÃ THANH TOÁN", FEE)) in elements
    assert any(isinstance(e, Text) and e.text == f"Mã thanh toán: {reference}" for e in elements)
    hospital = driver.devices.hospital
    assert isinstance(hospital, DemoHospitalServer)
    assert hospital.settle_payment(paid=True, reference=reference) is None  # never twice
    driver.step("btn_done", Screen.WELCOME)


def test_the_patient_gives_up_and_the_ticket_says_where_to_pay(driver: Driver) -> None:
    _to_the_code(driver)
    _panel_press(driver, "btn_patient_gives_up")
    elements = _printed(driver)
    assert not any(isinstance(e, BoxedNotice) and "ĐÃ THANH TOÁN" in e.lines for e in elements)
    assert any(isinstance(e, Text) and e.text == f"Phí khám: {FEE}" for e in elements)
    assert any(isinstance(e, Text) and e.text == "Vui lòng nộp tại quầy thu ngân" for e in elements)
    driver.step("btn_done", Screen.WELCOME)


def test_paying_at_the_cashier_instead(driver: Driver) -> None:
    reference = _to_the_code(driver)
    driver.click("btn_pay_at_cashier")
    elements = _printed(driver)
    assert any(isinstance(e, Text) and e.text == f"Phí khám: {FEE}" for e in elements)
    # The request stays with the hospital: the cashier sees it, the kiosk no longer asks.
    hospital = driver.devices.hospital
    assert isinstance(hospital, DemoHospitalServer)
    assert hospital.settle_payment(paid=False, reference=reference) == reference
    driver.step("btn_done", Screen.WELCOME)
