"""What the widgets do between renders: the keypad's own buffer, the spinner's timer, touch
targets at other densities, and forgetting the last patient."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication

from kiosk.core.flow import FlowState, KeypadSubmitted, Language, Problem, Screen
from ui.main_window import KioskWindow
from ui.screens.busy import BusyPage
from ui.screens.keypad import KeypadPage, grouped
from ui.theme import min_touch_px

from .conftest import HOSPITAL, Recorder
from .samples import CITIZEN_ID, sample_states
from .screen_checks import layout_problems, settle, shown, texts
from .test_events import press

KEYPAD = FlowState(screen=Screen.KEYPAD, trail=(Screen.WELCOME,))


def type_digits(window: KioskWindow, digits: str) -> None:
    for digit in digits:
        press(window, f"key_{digit}")


def keypad(window: KioskWindow) -> KeypadPage:
    page = window.current_page()
    assert isinstance(page, KeypadPage)
    return page


def test_grouping_is_the_cards_3_3_3_3() -> None:
    assert grouped("") == "___ ___ ___ ___"
    assert grouped("00104") == "001 04_ ___ ___"
    assert grouped(CITIZEN_ID) == "001 048 012 345"


def test_the_12th_digit_sends_the_number_as_continue_does(
    window: KioskWindow, sent: Recorder
) -> None:
    window.show_state(FlowState())
    window.show_state(KEYPAD)
    settle(window)
    type_digits(window, CITIZEN_ID[:11])
    submit = window.visible_button("key_submit")
    assert submit is not None and not submit.isEnabled()
    press(window, "key_submit")
    assert sent.events == []
    type_digits(window, CITIZEN_ID[11:])
    assert sent.events == [KeypadSubmitted(CITIZEN_ID)]  # no tap on Continue needed
    type_digits(window, "9")  # a 13th digit is ignored, and sends nothing more
    assert keypad(window).digits == CITIZEN_ID
    assert submit.isEnabled()
    press(window, "key_submit")  # Continue sends the very same event
    assert sent.events == [KeypadSubmitted(CITIZEN_ID)] * 2


def test_backspace_and_clear(window: KioskWindow) -> None:
    window.show_state(KEYPAD)
    settle(window)
    type_digits(window, "0010")
    press(window, "key_backspace")
    assert keypad(window).digits == "001"
    assert keypad(window).display.text() == "••1 ___ ___ ___"  # only the last typed shows
    press(window, "key_clear")
    assert keypad(window).digits == ""
    assert not window.visible_button("key_backspace").isEnabled()


def test_invalid_id_keeps_the_digits_to_correct_and_fresh_entry_starts_empty(
    window: KioskWindow,
) -> None:
    window.show_state(FlowState())
    window.show_state(KEYPAD)
    type_digits(window, "999999999999")
    window.show_state(replace(KEYPAD, problem=Problem.ID_INVALID))  # the flow said no
    settle(window)
    page = keypad(window)
    assert page.digits == "999999999999"
    assert page.problem_box.isVisibleTo(window)
    press(window, "key_backspace")  # correcting: the complaint goes away
    assert not page.problem_box.isVisibleTo(window)
    window.show_state(FlowState())  # cancelled
    assert page.digits == ""
    window.show_state(KEYPAD)
    assert page.digits == ""


def test_language_switch_on_the_keypad_keeps_the_digits(window: KioskWindow) -> None:
    window.show_state(FlowState())
    window.show_state(KEYPAD)
    type_digits(window, "0010")
    window.show_state(replace(KEYPAD, language=Language.EN))
    assert keypad(window).digits == "0010"


def test_spinner_runs_only_while_shown(window: KioskWindow) -> None:
    states = sample_states()
    window.show_state(states["looking_up"])
    settle(window)
    page = window.current_page()
    assert isinstance(page, BusyPage)
    assert page.spinner.running
    window.show_state(states["summary"])
    settle(window)
    assert not page.spinner.running


def test_nothing_of_the_patient_stays_after_the_session(window: KioskWindow) -> None:
    states = sample_states()
    for name in ("not_found", "summary", "history", "confirm", "ticket"):
        window.show_state(states[name])
        settle(window)
    window.show_state(FlowState(session=4))
    settle(window)
    everything = " ".join(texts(window, hidden_too=True))
    for personal in ("Trần Văn Hưởng", "345", "Tăng huyết áp", "20/05/1948"):
        assert personal not in everything


@pytest.fixture
def dense_window(font_family: str, sent: Recorder) -> Iterator[KioskWindow]:
    """A 1080×1920 screen of 200 dpi (a small, sharp panel): 15 mm is 119 px there."""
    win = KioskWindow(sent, hospital_name=HOSPITAL, dpi=200)
    win.resize(1080, 1920)
    win.show()
    yield win
    win.close()


def test_touch_targets_follow_the_screen_density(dense_window: KioskWindow) -> None:
    assert min_touch_px(200) == 119
    assert min_touch_px(96) == 80  # never below the floor
    states = sample_states()
    for name in ("welcome", "keypad", "summary", "service", "department", "priority", "ticket"):
        dense_window.show_state(states[name])
        settle(dense_window)
        for button in shown(dense_window, QAbstractButton):
            assert min(button.width(), button.height()) >= 119, (name, button.objectName())


def test_layout_checks_catch_a_window_too_small_for_its_content(window: KioskWindow) -> None:
    """The screenshot checks can fail: a tiny window cannot hold the ticket screen."""
    window.resize(400, 500)
    window.show_state(sample_states()["ticket"])
    settle(window)
    assert layout_problems(window)
    QApplication.processEvents()
