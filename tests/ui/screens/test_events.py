"""Each button, pressed like a finger would, sends exactly the flow event it stands for."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from kiosk.core.domain import PriorityGroup, ServiceType
from kiosk.core.flow import DepartmentChosen, Event, Pressed, PriorityChosen, ServiceChosen
from ui.main_window import KioskWindow

from .conftest import Recorder
from .samples import DEPARTMENTS, sample_states
from .screen_checks import settle

STATES = sample_states()

PRESSES: list[tuple[str, str, Event]] = [
    ("welcome", "btn_keypad", Pressed.KEYPAD),
    ("welcome", "btn_language", Pressed.LANGUAGE),
    ("keypad", "btn_back", Pressed.BACK),
    ("keypad", "btn_cancel", Pressed.CANCEL),
    ("read_failed_code_unknown", "btn_retry", Pressed.RETRY),
    ("read_failed_code_unknown", "btn_keypad", Pressed.KEYPAD),
    ("card_needs_id", "btn_keypad", Pressed.KEYPAD),
    ("card_needs_id", "btn_back", Pressed.BACK),
    ("place_card", "btn_skip_card", Pressed.SKIP_CARD),
    ("switch_patient", "btn_switch", Pressed.SWITCH),
    ("birth_date", "btn_skip_card", Pressed.SKIP_CARD),
    ("switch_patient", "btn_keep_patient", Pressed.BACK),
    ("place_card", "btn_cancel", Pressed.CANCEL),
    ("not_found", "btn_register_new", Pressed.REGISTER_NEW),
    ("not_found_needs_card", "btn_done", Pressed.DONE),
    ("summary", "btn_continue", Pressed.CONTINUE),
    ("summary", "btn_history", Pressed.HISTORY),
    ("summary", "btn_cancel", Pressed.CANCEL),
    ("history", "btn_back", Pressed.BACK),
    ("appointment", "btn_appointment_confirm", Pressed.APPOINTMENT_CONFIRM),
    ("appointment", "btn_appointment_other", Pressed.APPOINTMENT_DECLINE),
    ("service", "btn_service_insurance", ServiceChosen(ServiceType.INSURANCE)),
    ("service", "btn_service_paid", ServiceChosen(ServiceType.PAID)),
    ("service_not_accepted", "btn_service_paid", ServiceChosen(ServiceType.PAID)),
    ("service_not_accepted", "btn_counter", Pressed.COUNTER),
    ("priority", "btn_priority_none", PriorityChosen(PriorityGroup.NONE)),
    ("priority", "btn_priority_pregnant", PriorityChosen(PriorityGroup.PREGNANT)),
    (
        "priority",
        "btn_priority_severe_disability",
        PriorityChosen(PriorityGroup.SEVERE_DISABILITY),
    ),
    (
        "priority",
        "btn_priority_revolutionary_merit",
        PriorityChosen(PriorityGroup.REVOLUTIONARY_MERIT),
    ),
    ("confirm", "btn_confirm", Pressed.CONFIRM),
    ("confirm", "btn_back", Pressed.BACK),
    ("ticket", "btn_done", Pressed.DONE),
    ("printer_fault", "btn_done", Pressed.DONE),
    ("hospital_unavailable", "btn_retry", Pressed.RETRY),
    ("hospital_unavailable", "btn_done", Pressed.DONE),
    ("go_to_counter", "btn_done", Pressed.DONE),
    ("go_to_counter", "btn_back", Pressed.BACK),
]


def press(window: KioskWindow, name: str) -> None:
    button = window.visible_button(name)
    assert button is not None, f"no visible {name} on {window.current_page().objectName()}"
    centre = QPoint(button.width() // 2, button.height() // 2)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)


def show(window: KioskWindow, name: str) -> None:
    window.show_state(STATES[name])
    settle(window)


@pytest.mark.parametrize(("state", "name", "expected"), PRESSES, ids=lambda v: str(v))
def test_button_sends_its_event(
    window: KioskWindow, sent: Recorder, state: str, name: str, expected: Event
) -> None:
    show(window, state)
    press(window, name)
    assert sent.events == [expected]


@pytest.mark.parametrize("orientation", [(1080, 1920), (1920, 1080)], ids=["portrait", "land"])
def test_paging_reaches_every_department_and_each_sends_its_code(
    window: KioskWindow, sent: Recorder, orientation: tuple[int, int]
) -> None:
    window.resize(*orientation)
    show(window, "department")
    page = window.current_page()
    assert window.visible_button("btn_scroll_up").isEnabled() is False
    for department in DEPARTMENTS:  # paid service: every department is offered
        name = f"btn_department_{department.code}"
        tile = window.visible_button(name)
        assert tile is not None
        while tile.visibleRegion().boundingRect().height() < tile.height():
            assert window.visible_button("btn_scroll_down").isEnabled(), name
            press(window, "btn_scroll_down")
            settle(window)
        press(window, name)
    assert not window.visible_button("btn_scroll_down").isEnabled()  # at the end
    press(window, "btn_scroll_up")
    assert (
        page.scroll_area.verticalScrollBar().value()
        < page.scroll_area.verticalScrollBar().maximum()
    )
    assert sent.events == [DepartmentChosen(d.code) for d in DEPARTMENTS]


def test_insurance_departments_only_for_an_insurance_visit(window: KioskWindow) -> None:
    state = STATES["department"]
    window.show_state(replace(state, service=ServiceType.INSURANCE))
    settle(window)
    offered = {d.code for d in DEPARTMENTS if d.accepts_insurance}
    for department in DEPARTMENTS:
        visible = window.visible_button(f"btn_department_{department.code}") is not None
        assert visible is (department.code in offered)


def test_insurance_refused_disables_the_insurance_visit_and_says_why(
    window: KioskWindow, sent: Recorder
) -> None:
    show(window, "service_not_accepted")
    insurance = window.visible_button("btn_service_insurance")
    assert insurance is not None and not insurance.isEnabled()
    press(window, "btn_service_insurance")
    assert sent.events == []
    words = " ".join(label.text() for label in insurance.findChildren(QLabel))
    assert "hết hạn" in words  # the reason (expired), in Vietnamese
    assert window.visible_button("btn_counter") is not None
    show(window, "service")
    assert window.visible_button("btn_counter") is None


def test_pregnancy_is_offered_to_women_only(window: KioskWindow) -> None:
    show(window, "priority")
    assert window.visible_button("btn_priority_pregnant") is not None
    show(window, "priority_male")
    assert window.visible_button("btn_priority_pregnant") is None
    assert window.visible_button("btn_priority_severe_disability") is not None


def test_not_found_without_card_offers_only_done(window: KioskWindow) -> None:
    show(window, "not_found_needs_card")
    assert window.visible_button("btn_register_new") is None
    show(window, "not_found")
    assert window.visible_button("btn_done") is None


def test_queue_number_is_shown_on_ticket_and_printer_fault(window: KioskWindow) -> None:
    for name in ("ticket", "printer_fault"):
        show(window, name)
        number = window.current_page().findChild(QLabel, "lbl_queue_label")
        assert number is not None and number.isVisibleTo(window)
        assert number.text() == "UB007"
        assert number.font().pixelSize() >= 200
