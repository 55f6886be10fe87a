"""Fees before choosing: the department tiles and the confirm screen say what the visit costs,
in Vietnamese đồng, and say nothing when the hospital did not tell."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.core.domain import Department, ServiceType
from kiosk.core.flow import FlowState, Language, Screen
from ui.main_window import KioskWindow

from .samples import DEPARTMENTS, FOUND
from .screen_checks import layout_problems, settle, texts

PRICED = tuple(
    replace(d, fee_vnd=150_000 + 50_000 * (i % 3), insured_share_vnd=8_420 if i == 8 else None)
    for i, d in enumerate(DEPARTMENTS)
)


def _state(
    screen: Screen,
    service: ServiceType,
    departments: tuple[Department, ...] = PRICED,
    department: Department | None = None,
) -> FlowState:
    trail = (Screen.PATIENT_SUMMARY, Screen.SERVICE)
    return replace(
        FOUND,
        screen=screen,
        service=service,
        departments=departments,
        department=department,
        trail=trail,
    )


def _shown(window: KioskWindow, state: FlowState) -> list[str]:
    window.show_state(state)
    settle(window)
    return texts(window)


def test_each_tile_shows_its_paid_visit_fee(window: KioskWindow) -> None:
    shown = _shown(window, _state(Screen.DEPARTMENT, ServiceType.PAID))
    assert "Phí khám: 150.000 đ" in shown
    assert "Phí khám: 200.000 đ" in shown
    assert layout_problems(window) == []


def test_an_insured_patient_sees_a_share_only_where_the_hospital_knows_it(
    window: KioskWindow,
) -> None:
    shown = _shown(window, _state(Screen.DEPARTMENT, ServiceType.INSURANCE))
    assert not any(text.startswith("Phí khám") for text in shown)
    assert [t for t in shown if "đồng chi trả" in t] == ["Bạn đồng chi trả (BHYT): 8.420 đ"]


def test_confirm_shows_the_fee_of_the_chosen_department(window: KioskWindow) -> None:
    state = _state(Screen.CONFIRM, ServiceType.PAID, department=PRICED[1])
    shown = _shown(window, state)
    assert "Phí khám" in shown
    assert "200.000 đ" in shown
    english = _shown(window, replace(state, language=Language.EN))
    assert "Fee" in english and "200.000 đ" in english


@pytest.mark.parametrize("screen", [Screen.DEPARTMENT, Screen.CONFIRM])
def test_no_fee_told_no_fee_shown(window: KioskWindow, screen: Screen) -> None:
    state = _state(screen, ServiceType.PAID, departments=DEPARTMENTS, department=DEPARTMENTS[1])
    assert not any(text[-1:] == "đ" for text in _shown(window, state))
