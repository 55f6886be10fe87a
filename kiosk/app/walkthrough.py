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
from kiosk.app.journey import JourneyRecorder
from kiosk.core.domain import IdentityCheck, ServiceType
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
        self.journey = JourneyRecorder(kiosk.window)
        kiosk.controller.state_changed.connect(self.journey.state_changed)

    @property
    def state(self) -> FlowState:
        return self.kiosk.controller.state

    def begin(self, scenario: str) -> None:
        self._scenario = scenario
        self._shots = 0
        self.journey.begin(scenario)

    def identity_presented(self) -> None:
        """From here on the patient's taps count (journey.json)."""
        self.journey.identity_presented()

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
        self.journey.tapped(name)
        _click(button)

    def step(self, name: str, *screens: Screen) -> FlowState:
        """Click `name`, then wait for one of `screens`."""
        self.click(name)
        return self.wait_for(*screens)

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
        """The idle time runs out, then the "Need more time?" count: both fast-forwarded."""
        self.journey.idle_expired()
        self.kiosk.controller.expire_idle_timer(ask=True)
        countdown = self.kiosk.window.idle_countdown
        if countdown is not None and countdown.running:
            self.screenshot("idle_countdown")
        self.kiosk.window.expire_countdown()


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

# Where a known patient lands after the identity: today's appointment, the visit type (when
# both are possible), the department, or the number they already have today.
FIRST_SCREENS = (Screen.APPOINTMENT, Screen.SERVICE, Screen.DEPARTMENT, Screen.ALREADY_CHECKED_IN)
_CHOICE_SCREENS = (Screen.APPOINTMENT, Screen.SERVICE, Screen.DEPARTMENT)


def _present(d: Driver, show: Callable[[str], None], persona: str, *screens: Screen) -> None:
    d.wait_for(Screen.WELCOME)
    show(persona)
    d.identity_presented()
    d.wait_for(*(screens or FIRST_SCREENS))


def _with_card(d: Driver, persona: str, *screens: Screen) -> FlowState:
    """The usual CCCD check-in: the card's QR code, then the card on the reader."""
    _present(d, d.devices.show_cccd_qr, persona, Screen.PLACE_CARD)
    return _place_card(d, persona, *(screens or FIRST_SCREENS))


def _place_card(d: Driver, persona: str, *screens: Screen) -> FlowState:
    d.devices.present_card(persona)
    state = d.wait_for(*screens)
    d.devices.take_card_away()  # the patient picks the card up again
    return state


def _new_visit(d: Driver) -> FlowState:
    """Past a number the patient already has today, to the choice of a new visit."""
    if d.state.screen is Screen.ALREADY_CHECKED_IN:
        return d.step("btn_another_clinic", *_CHOICE_SCREENS)
    return d.state


def _visit(d: Driver, service: str, department: str | None) -> FlowState:
    """From the first screen after the identity through visit type and department to paper."""
    state = _new_visit(d)
    if state.screen is Screen.APPOINTMENT:
        state = d.step("btn_appointment_other", Screen.SERVICE, Screen.DEPARTMENT)
    if state.screen is Screen.SERVICE:
        d.step(f"btn_service_{service}", Screen.DEPARTMENT)
    elif state.service is None or state.service.value != service:
        raise WalkthroughError(f"{service} visit not offered (only {state.service})")
    d.click_department(department)
    return _confirm(d)


def _visit_then_done(d: Driver, service: str, department: str | None) -> None:
    """A whole visit, then Done on the ticket: back to the welcome screen."""
    _visit(d, service, department)
    d.step("btn_done", Screen.WELCOME)


def _confirm(d: Driver) -> FlowState:
    d.wait_for(Screen.CONFIRM)
    d.click("btn_confirm")
    return _paper(d)


def _paper(d: Driver) -> FlowState:
    if d.wait_for(Screen.TICKET, Screen.PRINTER_FAULT, Screen.PAYING).screen is Screen.PAYING:
        d.devices.bank_confirms()  # issue 19: a paid visit's VietQR transfer arrives
    state = d.wait_for(Screen.TICKET, Screen.PRINTER_FAULT)
    if state.screen is Screen.TICKET:
        d.save_last_ticket()
    return state


def _reprint(d: Driver) -> FlowState:
    """Already checked in today: the same ticket again, marked as a reprint."""
    d.wait_for(Screen.ALREADY_CHECKED_IN)
    d.click("btn_reprint")
    state = _paper(d)
    if state.ticket is None or not state.ticket.reprint:
        raise WalkthroughError("the ticket printed again is not marked as a reprint")
    return state


def _counter_slip(d: Driver) -> FlowState:
    """Sent to the counter: the slip prints (or its code shows on screen)."""
    state = d.wait_until(
        lambda s: s.screen is Screen.GO_TO_COUNTER and (s.printed or s.printer_problem is not None),
        "the counter slip",
    )
    if state.counter_slip is None:
        raise WalkthroughError("sent to the counter without a slip")
    if state.printed:
        d.save_last_ticket()
    return state


def appointment_today(d: Driver) -> None:
    _with_card(d, "appointment_today", Screen.APPOINTMENT)
    d.click("btn_appointment_confirm")  # the appointment screen is its confirmation
    _paper(d)
    d.step("btn_done", Screen.WELCOME)


def walk_in_insurance(d: Driver) -> None:
    _with_card(d, "walk_in_insurance")
    _visit_then_done(d, "insurance", "NOI")


def walk_in_paid(d: Driver) -> None:
    _present(d, d.devices.show_cccd_qr, "walk_in_paid", Screen.PLACE_CARD)
    d.step("btn_skip_card", *FIRST_SCREENS)  # card left at home: the QR alone
    _visit_then_done(d, "paid", None)


def paid_given_up(d: Driver) -> None:
    """A paid visit whose patient walks away from the VietQR code: the ticket says how much
    and where to pay, and the visit stays registered."""
    _present(d, d.devices.show_cccd_qr, "walk_in_paid", Screen.PLACE_CARD)
    d.step("btn_skip_card", *FIRST_SCREENS)
    _new_visit(d)
    d.click_department("TMH")
    d.wait_for(Screen.CONFIRM)
    d.click("btn_confirm")
    d.wait_for(Screen.PAYING)
    if not d.devices.patient_gives_up():
        raise WalkthroughError("no payment request to give up")
    state = _paper(d)
    if state.ticket is None or state.ticket.paid_reference is not None:
        raise WalkthroughError("a payment given up printed as paid")
    d.step("btn_done", Screen.WELCOME)


def priority_elderly(d: Driver) -> None:
    # The card first, as many do: the kiosk asks for its QR code, then reads the chip while
    # the patient already chooses (no stop at PLACE_CARD); the header says when it is done.
    _present(d, d.devices.present_card, "elderly_80", Screen.CARD_NEEDS_ID)
    d.devices.show_cccd_qr("elderly_80")
    d.wait_for(*FIRST_SCREENS)
    verdict = d.wait_until(lambda state: not state.chip_pending, "the chip's verdict")
    if verdict.identity_check is not IdentityCheck.CHIP_VERIFIED:
        raise WalkthroughError("the chip read in the background did not verify the card")
    d.devices.take_card_away()
    _visit(d, "insurance", "NOI")  # age 80: priority detected, not asked
    if d.state.ticket is None or not d.state.ticket.priority.is_priority:
        raise WalkthroughError("an 80-year-old was not given priority")
    d.step("btn_done", Screen.WELCOME)


def child_under_6(d: Driver) -> None:
    _present(d, d.devices.show_bhyt_qr, "child_4")  # no ID card yet
    _visit_then_done(d, "insurance", "NHI")


def new_patient(d: Driver) -> None:
    _with_card(d, "new_patient", Screen.NOT_FOUND)
    d.step("btn_register_new", *FIRST_SCREENS)
    _visit_then_done(d, "paid", "NOI")


def insurance_expired(d: Driver) -> None:
    _with_card(d, "insurance_expired")
    state = _new_visit(d)
    if state.screen is not Screen.DEPARTMENT or state.service is not ServiceType.PAID:
        raise WalkthroughError("insurance service offered with an expired card")
    _visit_then_done(d, "paid", "NOI")


def name_mismatch(d: Driver) -> None:
    _with_card(d, "name_mismatch")
    _new_visit(d)
    d.step("btn_counter", Screen.GO_TO_COUNTER)
    _counter_slip(d)
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
        d.identity_presented()
        d.wait_for(Screen.READ_FAILED)  # the card's QR or the keypad would do instead
    finally:
        d.devices.hospital_offline(False)
    d.wait_until(lambda state: not state.hospital_offline, "the hospital back online")
    d.step("btn_retry", Screen.WELCOME)  # the code is not kept: show it again


def printer_out_of_paper(d: Driver) -> None:
    """The printer runs out before the patient starts: the welcome screen says so, and the
    number is shown on screen to be noted or photographed."""
    d.wait_for(Screen.WELCOME)
    d.devices.printer_out_of_paper(True)
    try:
        d.wait_until(lambda state: state.printer_down is not None, "the printer fault known")
        _with_card(d, "walk_in_insurance")
        if d.state.screen is Screen.ALREADY_CHECKED_IN:
            d.click("btn_reprint")
            state = _paper(d)
        else:
            state = _visit(d, "insurance", "NOI")
        if state.screen is not Screen.PRINTER_FAULT:
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
    state = _with_card(d, "walk_in_insurance")
    d.step("btn_language", state.screen)  # back to Vietnamese mid-flow, same screen
    d.step("btn_cancel", Screen.WELCOME)


def keypad_entry(d: Driver) -> None:
    """The ID typed: the 12th digit sends it, the chip confirms it, then a new visit."""
    d.wait_for(Screen.WELCOME)
    d.step("btn_keypad", Screen.KEYPAD)
    digits = d.devices.citizen_id("walk_in_insurance")
    d.type_digits(digits[:-1])
    d.screenshot("keypad_filled")
    d.type_digits(digits[-1])
    d.identity_presented()
    if d.state.screen is Screen.KEYPAD and d.button("key_submit").isEnabled():
        d.click("key_submit")  # a keypad that does not send itself
    d.wait_for(Screen.PLACE_CARD)
    _place_card(d, "walk_in_insurance", *FIRST_SCREENS)  # PACE: the ID alone opens it
    _visit_then_done(d, "insurance", "TMH")


def vneid_code(d: Driver) -> None:
    """A VNeID code of a patient who already has today's number: it prints again."""
    _present(d, d.devices.show_vneid_qr, "walk_in_insurance")
    if d.state.screen is Screen.ALREADY_CHECKED_IN:
        _reprint(d)
    else:
        _visit(d, "insurance", "NOI")
    d.step("btn_done", Screen.WELCOME)


def unreadable_code(d: Driver) -> None:
    d.wait_for(Screen.WELCOME)
    d.devices.show_unknown_qr()
    d.identity_presented()
    d.wait_for(Screen.READ_FAILED)
    d.step("btn_retry", Screen.WELCOME)


def faulty_chip(d: Driver) -> None:
    """The chip fails: the QR's identity goes on, marked; the patient looks at past visits."""
    _present(d, d.devices.show_cccd_qr, "walk_in_insurance", Screen.PLACE_CARD)
    d.devices.faulty_card()
    state = d.wait_for(*FIRST_SCREENS)  # goes on with the QR's identity, marked
    d.devices.take_card_away()
    if state.identity_check is not IdentityCheck.CHIP_FAILED:
        raise WalkthroughError("a chip that failed was not marked for staff")
    if _new_visit(d).screen is Screen.SERVICE:
        d.step("btn_service_insurance", Screen.DEPARTMENT)
    d.step("btn_details", Screen.PATIENT_SUMMARY)  # the chip's mark is explained there
    d.click("btn_history")
    d.wait_until(lambda state: state.history is not None, "the visit history")
    d.step("btn_back", Screen.PATIENT_SUMMARY)
    d.step("btn_continue", Screen.DEPARTMENT)
    d.click_department("MAT")
    _confirm(d)
    d.step("btn_done", Screen.WELCOME)


def cloned_card(d: Driver) -> None:
    _present(d, d.devices.show_cccd_qr, CLONED_PERSONA, Screen.PLACE_CARD)
    d.devices.cloned_card()
    state = d.wait_for(Screen.GO_TO_COUNTER)  # signed data, wrong chip: staff must look
    d.devices.take_card_away()
    if state.problem is not Problem.CARD_FORGED:
        raise WalkthroughError("a cloned card was not refused")
    _counter_slip(d)
    d.step("btn_done", Screen.WELCOME)


def another_persons_code(d: Driver) -> None:
    """Someone else's code mid-session: the kiosk asks before throwing the session away."""
    state = _with_card(d, "walk_in_insurance")
    d.devices.show_cccd_qr("walk_in_paid")  # the next person in the queue, too early
    d.wait_for(Screen.SWITCH_PATIENT)
    d.step("btn_keep_patient", state.screen)
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
    d.identity_presented()
    if d.state.screen is Screen.KEYPAD and d.button("key_submit").isEnabled():
        d.click("key_submit")
    d.wait_for(Screen.PLACE_CARD)
    d.devices.present_card("new_patient_old_chip")
    d.wait_for(Screen.BIRTH_DATE)
    birth = d.devices.personas["new_patient_old_chip"].identity.birth
    born = birth.as_date() if birth is not None else None
    assert born is not None
    d.type_digits(born.strftime("%d%m%Y"))
    d.screenshot("birth_date_filled")
    if d.state.screen is Screen.BIRTH_DATE and d.button("key_submit").isEnabled():
        d.click("key_submit")
    d.wait_for(Screen.NOT_FOUND)  # no record yet; the chip's data can make one
    d.devices.take_card_away()
    d.step("btn_register_new", *FIRST_SCREENS)
    _visit_then_done(d, "paid", "NOI")


def booking_code(d: Driver) -> None:
    """The booking confirmation's QR code: only the hospital reads it, and goes straight to
    the appointment's confirmation."""
    _present(d, d.devices.show_booking_qr, "appointment_today", *FIRST_SCREENS)
    if d.state.appointment is None and d.state.screen is not Screen.ALREADY_CHECKED_IN:
        raise WalkthroughError("the booking code did not find its appointment")
    d.step("btn_cancel", Screen.WELCOME)


def appointment_reprint(d: Driver) -> None:
    """The appointment's booking code again, after its check-in: the hospital no longer
    offers the appointment; the patient's ticket prints again, marked as a reprint."""
    _present(d, d.devices.show_booking_qr, "appointment_today")
    if d.state.screen is Screen.APPOINTMENT:
        raise WalkthroughError("an appointment already checked in was offered again")
    _reprint(d)
    d.step("btn_done", Screen.WELCOME)


def counter_slip_printer_down(d: Driver) -> None:
    """Sent to the counter while the printer is out of paper: the slip's code on screen."""
    d.wait_for(Screen.WELCOME)
    d.devices.printer_out_of_paper(True)
    try:
        _with_card(d, "name_mismatch")
        _new_visit(d)
        d.step("btn_counter", Screen.GO_TO_COUNTER)
        state = _counter_slip(d)
        if state.printed:
            raise WalkthroughError("a slip printed with no paper")
    finally:
        d.devices.printer_out_of_paper(False)
    d.step("btn_done", Screen.WELCOME)


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
    Scenario("22-appointment-already-checked-in-reprint", appointment_reprint),
    Scenario("23-counter-slip-printer-down", counter_slip_printer_down),
    Scenario("24-paid-given-up", paid_given_up),
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
        driver.journey.end()
    kiosk.window.resize(*LANDSCAPE)
    driver.begin("landscape-walk-in-insurance")
    walk_in_insurance(driver)
    driver.journey.end()
    driver.journey.write(out_dir / "journey.json")
    return driver.saved + 1
