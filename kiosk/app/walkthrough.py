"""Scripted check-ins through the real UI: the demo's walkthrough and the UI tests' script.

A `Driver` acts like a patient and like the demo panel: it presents sample cards and codes,
clicks the real buttons (by object name, only when visible and enabled), waits for the flow to
reach a screen, and saves what a person would see. `SCENARIOS` are the check-ins the product
must handle; `kiosk --demo --walkthrough DIR` runs them all and saves every screen and ticket.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.app.controller import KioskApp
from kiosk.app.demo_devices import CLONED_PERSONA, DemoDevices
from kiosk.core.domain import IdentityCheck
from kiosk.core.flow import FlowState, Problem, Screen


class WalkthroughError(AssertionError):
    """The product did not do what the script expects of it."""


class Driver:
    def __init__(self, kiosk: KioskApp, out_dir: Path | None = None) -> None:
        self.kiosk = kiosk
        self.out_dir = out_dir
        self.saved = 0
        self._scenario = "session"
        self._shots = 0

    @property
    def state(self) -> FlowState:
        return self.kiosk.controller.state

    def begin(self, scenario: str) -> None:
        self._scenario = scenario
        self._shots = 0

    # --- waiting and looking ------------------------------------------------------------

    def wait_for(self, *screens: Screen, timeout: float = 15.0) -> FlowState:
        """Process events until the flow shows one of `screens`, then save a screenshot."""
        wanted = ", ".join(s.name for s in screens)
        return self.wait_until(lambda state: state.screen in screens, wanted, timeout)

    def wait_until(
        self, condition: Callable[[FlowState], bool], what: str, timeout: float = 15.0
    ) -> FlowState:
        deadline = time.monotonic() + timeout
        while not condition(self.state):
            if time.monotonic() > deadline:
                raise WalkthroughError(f"waited for {what}, still on {self.state.screen.name}")
            QApplication.processEvents()
            time.sleep(0.002)
        QApplication.processEvents()
        self.screenshot(self.state.screen.name.lower())
        return self.state

    def screenshot(self, name: str) -> None:
        if self.out_dir is None:
            return
        _settle(self.kiosk.window)
        self._shots += 1
        path = self.out_dir / self._scenario / f"{self._shots:02d}-{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.kiosk.window.grab().save(str(path))
        self.saved += 1

    def save_last_ticket(self) -> None:
        jobs = self.kiosk.printer.jobs
        if not jobs:
            raise WalkthroughError("no ticket was printed")
        if self.out_dir is not None:
            path = self.out_dir / self._scenario / "ticket.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            jobs[-1].paper.save(path)
            self.saved += 1

    # --- acting like a patient ----------------------------------------------------------

    def button(self, name: str) -> QAbstractButton:
        found = [
            button
            for button in self.kiosk.window.findChildren(QAbstractButton, name)
            if button.isVisible()
        ]
        if not found:
            raise WalkthroughError(f"no visible button {name!r} on {self.state.screen.name}")
        return found[0]

    def click(self, name: str) -> None:
        button = self.button(name)
        if not button.isEnabled():
            raise WalkthroughError(f"button {name!r} is disabled on {self.state.screen.name}")
        _click(button)

    def step(self, name: str, screen: Screen) -> FlowState:
        """Click `name`, then wait for `screen`."""
        self.click(name)
        return self.wait_for(screen)

    def type_digits(self, digits: str) -> None:
        for digit in digits:
            self.click(f"key_{digit}")

    def click_department(self, code: str | None = None) -> None:
        """The department `code`, or the first one offered for the chosen service."""
        if code is None:
            code = self.state.departments_for(self.state.service)[0].code
        self.click(f"btn_department_{code}")

    # --- acting like the demo panel -----------------------------------------------------

    @property
    def devices(self) -> DemoDevices:
        return self.kiosk.demo_devices

    def expire_idle_timer(self) -> None:
        self.kiosk.controller.expire_idle_timer()


def _settle(window: QWidget, passes: int = 8) -> None:
    """Process events until nothing moves: word-wrapped tiles need a few layout passes."""
    before = None
    for _ in range(passes):
        QApplication.processEvents()
        now = [w.geometry().getRect() for w in window.findChildren(QWidget) if w.isVisible()]
        if now == before:
            return
        before = now


def _click(widget: QWidget) -> None:
    center = QPoint(widget.width() // 2, widget.height() // 2)
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, center)


# --- the scenarios -----------------------------------------------------------------------


def _present(d: Driver, show: Callable[[str], None], persona: str, screen: Screen) -> None:
    d.wait_for(Screen.WELCOME)
    show(persona)
    d.wait_for(screen)


def _with_card(d: Driver, persona: str, screen: Screen = Screen.PATIENT_SUMMARY) -> None:
    """The usual CCCD check-in: the card's QR code, then the card on the reader."""
    _present(d, d.devices.show_cccd_qr, persona, Screen.PLACE_CARD)
    _place_card(d, persona, screen)


def _place_card(d: Driver, persona: str, screen: Screen) -> None:
    d.devices.present_card(persona)
    d.wait_for(screen)
    d.devices.take_card_away()  # the patient picks the card up again


def _visit(
    d: Driver, service: str, department: str | None, *, asks_priority: bool = True
) -> FlowState:
    """From the patient summary through service, department and priority to the paper."""
    d.step("btn_continue", Screen.SERVICE)
    d.step(f"btn_service_{service}", Screen.DEPARTMENT)
    d.click_department(department)
    if asks_priority:
        d.wait_for(Screen.PRIORITY)
        d.click("btn_priority_none")
    return _confirm(d)


def _visit_then_done(
    d: Driver, service: str, department: str | None, *, asks_priority: bool = True
) -> None:
    """A whole visit, then Done on the ticket: back to the welcome screen."""
    _visit(d, service, department, asks_priority=asks_priority)
    d.step("btn_done", Screen.WELCOME)


def _confirm(d: Driver) -> FlowState:
    d.wait_for(Screen.CONFIRM)
    d.click("btn_confirm")
    state = d.wait_for(Screen.TICKET, Screen.PRINTER_FAULT)
    if state.screen is Screen.TICKET:
        d.save_last_ticket()
    return state


def appointment_today(d: Driver) -> None:
    _with_card(d, "appointment_today")
    d.step("btn_continue", Screen.APPOINTMENT)
    d.step("btn_appointment_confirm", Screen.PRIORITY)
    d.click("btn_priority_none")
    _confirm(d)
    d.step("btn_done", Screen.WELCOME)


def walk_in_insurance(d: Driver) -> None:
    _with_card(d, "walk_in_insurance")
    d.click("btn_history")
    d.wait_until(lambda state: state.history is not None, "the visit history")
    d.step("btn_back", Screen.PATIENT_SUMMARY)
    _visit_then_done(d, "insurance", "NOI")


def walk_in_paid(d: Driver) -> None:
    _present(d, d.devices.show_cccd_qr, "walk_in_paid", Screen.PLACE_CARD)
    d.step("btn_skip_card", Screen.PATIENT_SUMMARY)  # card left at home: the QR alone
    _visit_then_done(d, "paid", None)


def priority_elderly(d: Driver) -> None:
    # The card first, as many do: the kiosk asks for its QR code, then reads the chip.
    _present(d, d.devices.present_card, "elderly_80", Screen.CARD_NEEDS_ID)
    d.devices.show_cccd_qr("elderly_80")
    d.wait_for(Screen.PATIENT_SUMMARY)
    d.devices.take_card_away()
    _visit_then_done(d, "insurance", "NOI", asks_priority=False)  # age 80: detected, not asked


def child_under_6(d: Driver) -> None:
    _present(d, d.devices.show_bhyt_qr, "child_4", Screen.PATIENT_SUMMARY)  # no ID card yet
    _visit_then_done(d, "insurance", "NHI", asks_priority=False)


def new_patient(d: Driver) -> None:
    _with_card(d, "new_patient", Screen.NOT_FOUND)
    d.step("btn_register_new", Screen.PATIENT_SUMMARY)
    _visit_then_done(d, "paid", "NOI")


def insurance_expired(d: Driver) -> None:
    _with_card(d, "insurance_expired")
    d.step("btn_continue", Screen.SERVICE)
    if d.button("btn_service_insurance").isEnabled():
        raise WalkthroughError("insurance service offered with an expired card")
    d.step("btn_back", Screen.PATIENT_SUMMARY)
    _visit_then_done(d, "paid", "NOI")


def name_mismatch(d: Driver) -> None:
    _with_card(d, "name_mismatch")
    d.step("btn_continue", Screen.SERVICE)
    d.step("btn_counter", Screen.GO_TO_COUNTER)
    d.step("btn_done", Screen.WELCOME)


def hospital_down(d: Driver) -> None:
    """A patient the kiosk saw earlier today checks in while the hospital system is down: a
    provisional ticket from the kiosk's own store; the visit reaches the hospital once it is
    back."""
    _present(d, d.devices.show_cccd_qr, "walk_in_insurance", Screen.PLACE_CARD)
    d.step("btn_cancel", Screen.WELCOME)
    hospital = d.devices.hospital
    before = hospital.visits_registered()
    d.devices.hospital_offline(True)
    try:
        _with_card(d, "walk_in_insurance")  # served from the kiosk's cache
        d.wait_until(lambda state: state.hospital_offline, "the offline banner")
        state = _visit(d, "insurance", "NOI")
        if state.ticket is None or not state.ticket.provisional:
            raise WalkthroughError("no provisional ticket while the hospital was down")
    finally:
        d.devices.hospital_offline(False)
    d.step("btn_done", Screen.WELCOME)
    d.wait_until(lambda state: not state.hospital_offline, "the hospital back online")
    d.wait_until(lambda _: hospital.visits_registered() == before + 1, "the visit synced")


def code_while_hospital_down(d: Driver) -> None:
    """Only the hospital can read a VNeID code: while it is down the patient is told so."""
    d.wait_for(Screen.WELCOME)
    d.devices.hospital_offline(True)
    try:
        d.devices.show_vneid_qr("walk_in_insurance")
        d.wait_for(Screen.READ_FAILED)  # the card's QR or the keypad would do instead
    finally:
        d.devices.hospital_offline(False)
    d.wait_until(lambda state: not state.hospital_offline, "the hospital back online")
    d.step("btn_retry", Screen.WELCOME)  # the code is not kept: show it again


def printer_out_of_paper(d: Driver) -> None:
    d.wait_for(Screen.WELCOME)
    d.devices.printer_out_of_paper(True)
    try:
        _with_card(d, "walk_in_insurance")
        if _visit(d, "insurance", "NOI").screen is not Screen.PRINTER_FAULT:
            raise WalkthroughError("printed a ticket with no paper")
    finally:
        d.devices.printer_out_of_paper(False)
    d.step("btn_done", Screen.WELCOME)


def idle_timeout(d: Driver) -> None:
    _present(d, d.devices.show_cccd_qr, "walk_in_insurance", Screen.PLACE_CARD)
    d.expire_idle_timer()  # walked away without placing the card
    d.wait_for(Screen.WELCOME)


def language_switch(d: Driver) -> None:
    d.wait_for(Screen.WELCOME)
    d.step("btn_language", Screen.WELCOME)
    _with_card(d, "walk_in_insurance")
    d.step("btn_continue", Screen.SERVICE)
    d.step("btn_language", Screen.SERVICE)  # back to Vietnamese mid-flow, same screen
    d.step("btn_cancel", Screen.WELCOME)


def keypad_entry(d: Driver) -> None:
    d.wait_for(Screen.WELCOME)
    d.step("btn_keypad", Screen.KEYPAD)
    d.type_digits(d.devices.citizen_id("walk_in_insurance"))
    d.screenshot("keypad_filled")
    d.step("key_submit", Screen.PLACE_CARD)
    _place_card(d, "walk_in_insurance", Screen.PATIENT_SUMMARY)  # PACE: the ID alone opens it
    d.step("btn_cancel", Screen.WELCOME)


def vneid_code(d: Driver) -> None:
    _present(d, d.devices.show_vneid_qr, "walk_in_insurance", Screen.PATIENT_SUMMARY)
    d.step("btn_cancel", Screen.WELCOME)


def unreadable_code(d: Driver) -> None:
    d.wait_for(Screen.WELCOME)
    d.devices.show_unknown_qr()
    d.wait_for(Screen.READ_FAILED)
    d.step("btn_retry", Screen.WELCOME)


def faulty_chip(d: Driver) -> None:
    _present(d, d.devices.show_cccd_qr, "walk_in_insurance", Screen.PLACE_CARD)
    d.devices.faulty_card()
    state = d.wait_for(Screen.PATIENT_SUMMARY)  # goes on with the QR's identity, marked
    d.devices.take_card_away()
    if state.identity_check is not IdentityCheck.CHIP_FAILED:
        raise WalkthroughError("a chip that failed was not marked for staff")
    _visit_then_done(d, "insurance", "NOI")


def cloned_card(d: Driver) -> None:
    _present(d, d.devices.show_cccd_qr, CLONED_PERSONA, Screen.PLACE_CARD)
    d.devices.cloned_card()
    state = d.wait_for(Screen.GO_TO_COUNTER)  # signed data, wrong chip: staff must look
    d.devices.take_card_away()
    if state.problem is not Problem.CARD_FORGED:
        raise WalkthroughError("a cloned card was not refused")
    d.step("btn_done", Screen.WELCOME)


def another_persons_code(d: Driver) -> None:
    """Someone else's code mid-session: the kiosk asks before throwing the session away."""
    _with_card(d, "walk_in_insurance")
    d.step("btn_continue", Screen.SERVICE)
    d.devices.show_cccd_qr("walk_in_paid")  # the next person in the queue, too early
    d.wait_for(Screen.SWITCH_PATIENT)
    d.step("btn_keep_patient", Screen.SERVICE)
    d.devices.show_cccd_qr("elderly_80")  # and now they really mean it
    d.wait_for(Screen.SWITCH_PATIENT)
    state = d.step("btn_switch", Screen.PLACE_CARD)
    if state.identity is None or state.identity.citizen_id != d.devices.citizen_id("elderly_80"):
        raise WalkthroughError("the switch did not start the new person's session")
    d.step("btn_cancel", Screen.WELCOME)


def birth_date_for_the_chip(d: Driver) -> None:
    """A new patient types their ID; their card's chip opens only with the birth date (BAC)."""
    d.wait_for(Screen.WELCOME)
    d.step("btn_keypad", Screen.KEYPAD)
    d.type_digits(d.devices.citizen_id("new_patient_old_chip"))
    d.step("key_submit", Screen.PLACE_CARD)
    d.devices.present_card("new_patient_old_chip")
    d.wait_for(Screen.BIRTH_DATE)
    birth = d.devices.personas["new_patient_old_chip"].identity.birth
    born = birth.as_date() if birth is not None else None
    assert born is not None
    d.type_digits(born.strftime("%d%m%Y"))
    d.screenshot("birth_date_filled")
    d.click("key_submit")
    d.wait_for(Screen.NOT_FOUND)  # no record yet; the chip's data can make one
    d.devices.take_card_away()
    d.step("btn_register_new", Screen.PATIENT_SUMMARY)
    d.step("btn_cancel", Screen.WELCOME)


def booking_code(d: Driver) -> None:
    """The booking confirmation's QR code: only the hospital reads it, and finds the visit."""
    _present(d, d.devices.show_booking_qr, "appointment_today", Screen.PATIENT_SUMMARY)
    d.step("btn_continue", Screen.APPOINTMENT)
    d.step("btn_cancel", Screen.WELCOME)


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[Driver], None]


SCENARIOS = (
    # The booking code first: once its appointment is checked in, a FHIR hospital no longer
    # lists it (it is "arrived"), as a real hospital would not.
    Scenario("01-booking-code", booking_code),
    Scenario("02-appointment-today", appointment_today),
    Scenario("03-walk-in-insurance", walk_in_insurance),
    Scenario("04-walk-in-paid", walk_in_paid),
    Scenario("05-priority-age-80", priority_elderly),
    Scenario("06-child-under-6", child_under_6),
    Scenario("07-new-patient", new_patient),
    Scenario("08-insurance-expired", insurance_expired),
    Scenario("09-name-mismatch", name_mismatch),
    Scenario("10-hospital-down", hospital_down),
    Scenario("11-printer-out-of-paper", printer_out_of_paper),
    Scenario("12-idle-timeout", idle_timeout),
    Scenario("13-language-switch", language_switch),
    Scenario("14-keypad", keypad_entry),
    Scenario("15-unreadable-code", unreadable_code),
    Scenario("16-vneid-code", vneid_code),
    Scenario("17-faulty-chip", faulty_chip),
    Scenario("18-cloned-card", cloned_card),
    Scenario("19-code-while-hospital-down", code_while_hospital_down),
    Scenario("20-another-persons-code", another_persons_code),
    Scenario("21-birth-date-for-the-chip", birth_date_for_the_chip),
)

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)


def run_walkthrough(kiosk: KioskApp, out_dir: Path) -> int:
    """Every scenario in portrait, the main one again in landscape; returns files saved."""
    kiosk.wait_until_ready()
    driver = Driver(kiosk, out_dir)
    kiosk.window.resize(*PORTRAIT)
    kiosk.window.show()
    for scenario in SCENARIOS:
        driver.begin(scenario.name)
        scenario.run(driver)
    kiosk.window.resize(*LANDSCAPE)
    driver.begin("landscape-walk-in-insurance")
    walk_in_insurance(driver)
    return driver.saved
