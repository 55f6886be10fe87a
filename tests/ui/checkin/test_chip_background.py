"""The card already on the reader: the patient chooses while the chip is read (no stop at the
card step), the header says what the chip said, and nothing registers before its verdict."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.app.demo_devices import CLONED_PERSONA
from kiosk.app.walkthrough import FIRST_SCREENS, Driver
from kiosk.core.domain import IdentityCheck
from kiosk.core.flow import FlowState, Problem, Screen
from tests.ui.checkin.test_checkin import (
    Registrations,
    last_registration,
    last_ticket,
    visible_text,
)

SLOW_APDU = 0.01  # seconds per chip command: a read of ~1 s, like a real reader's


@pytest.fixture
def slow_chip(driver: Driver) -> Iterator[None]:
    virtual = driver.kiosk.backends.card.virtual
    assert virtual is not None
    virtual.apdu_latency = SLOW_APDU
    try:
        yield
    finally:
        virtual.apdu_latency = 0.0


@pytest.fixture
def seen(driver: Driver) -> Iterator[list[tuple[Screen, bool]]]:
    """Every screen shown in the test, with whether the chip's verdict was still awaited."""
    seen: list[tuple[Screen, bool]] = []

    def on_state(state: FlowState) -> None:
        shown = (state.screen, state.chip_pending)
        if not seen or seen[-1] != shown:
            seen.append(shown)

    driver.kiosk.controller.state_changed.connect(on_state)
    yield seen
    driver.kiosk.controller.state_changed.disconnect(on_state)


def card_down_then_qr(driver: Driver, persona: str, *, cloned: bool = False) -> FlowState:
    driver.wait_for(Screen.WELCOME)
    if cloned:
        driver.devices.cloned_card(persona)
    else:
        driver.devices.present_card(persona)
    driver.wait_for(Screen.CARD_NEEDS_ID)
    driver.devices.show_cccd_qr(persona)
    return driver.wait_for(*FIRST_SCREENS)


@pytest.mark.usefixtures("slow_chip")
def test_the_patient_confirms_while_the_chip_is_read_and_registers_after(
    driver: Driver, seen: list[tuple[Screen, bool]]
) -> None:
    registered = Registrations(driver.kiosk)
    state = card_down_then_qr(driver, "walk_in_insurance")
    assert state.chip_pending  # chosen while the chip is still read
    assert "Đang đọc chip trên thẻ" in visible_text(driver.kiosk)
    if state.screen is Screen.ALREADY_CHECKED_IN:
        driver.step("btn_another_clinic", Screen.SERVICE)
    driver.step("btn_service_insurance", Screen.DEPARTMENT)
    driver.click_department("NOI")
    driver.wait_for(Screen.CONFIRM)
    driver.click("btn_confirm")
    assert driver.state.screen is Screen.REGISTERING and driver.state.chip_pending
    assert registered.count == 0  # confirmed first: the visit waits for the verdict
    ticket_state = driver.wait_for(Screen.TICKET)
    driver.devices.take_card_away()
    assert Screen.PLACE_CARD not in {screen for screen, _ in seen}
    assert (Screen.REGISTERING, False) in seen  # registered once the verdict was in
    assert registered.count == 1
    assert last_registration(driver.kiosk)["identity_check"] == "chip_verified"
    assert ticket_state.identity_check is IdentityCheck.CHIP_VERIFIED
    assert last_ticket(driver.kiosk).identity_check is IdentityCheck.CHIP_VERIFIED
    driver.step("btn_done", Screen.WELCOME)


def test_the_header_says_the_chip_verified_the_patient(driver: Driver) -> None:
    state = card_down_then_qr(driver, "walk_in_insurance")
    state = driver.wait_until(lambda s: not s.chip_pending, "the chip's verdict")
    driver.devices.take_card_away()
    assert state.screen in FIRST_SCREENS  # still where the patient was
    assert state.identity_check is IdentityCheck.CHIP_VERIFIED
    text = visible_text(driver.kiosk)
    assert "Đã xác thực bằng chip" in text and "Đang đọc chip" not in text
    driver.step("btn_cancel", Screen.WELCOME)


@pytest.mark.usefixtures("slow_chip")
def test_a_cloned_card_interrupts_the_choosing_with_a_counter_slip(driver: Driver) -> None:
    registered = Registrations(driver.kiosk)
    state = card_down_then_qr(driver, CLONED_PERSONA, cloned=True)
    assert state.chip_pending
    state = driver.wait_for(Screen.GO_TO_COUNTER)
    driver.devices.take_card_away()
    assert state.problem is Problem.CARD_FORGED and state.counter_slip is not None
    assert registered.count == 0
    assert any("failed authentication" in a for a in driver.alerts)  # type: ignore[attr-defined]
    driver.wait_until(lambda s: s.printed or s.printer_problem is not None, "the slip")
    driver.step("btn_done", Screen.WELCOME)
