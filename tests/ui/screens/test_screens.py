"""Every screen and its variants, rendered for real in both orientations and languages.

Each render is checked (nothing clipped, outside the window or overlapping, every button a
fingertip wide and named for test drivers, Cancel and Back exactly where the flow accepts them,
no small print, no full ID number) and the main ones are saved as PNGs under
tests/artifacts/screens/<orientation>/<lang>/<screen>.png for people to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel

from kiosk.core.flow import BUSY_SCREENS, NOT_CANCELLABLE, Language, Screen
from ui.main_window import KioskWindow

from .samples import CITIZEN_ID, INSURANCE_NUMBER, in_language, sample_states
from .screen_checks import layout_problems, min_touch_px, settle, shown, texts

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screens"
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}

# Saved as pictures: one per screen plus the variants worth a look; every sample is checked.
PICTURES = {
    "welcome", "welcome_offline", "ticket_provisional", "ticket_provisional_kiosk_number",
    "printer_fault_kiosk_number", "keypad_invalid",
    "read_failed_code_unknown", "looking_up", "not_found",
    "card_needs_id", "birth_date_invalid", "switch_patient", "place_card",
    "place_card_reading", "place_card_wrong",
    "confirm_printer_down", "summary_chip_verified", "summary_chip_failed", "go_to_counter_forged",
    "not_found_needs_card", "summary", "summary_expired", "history", "appointment",
    "service_not_accepted", "department", "priority", "confirm", "printing", "ticket",
    "printer_fault", "hospital_unavailable", "go_to_counter",
    "welcome_printer_down", "welcome_offline_printer_down", "ticket_reprint",
    "summary_name_from_mrz", "summary_name_from_qr",
}  # fmt: skip


@pytest.mark.parametrize("language", list(Language), ids=lambda lang: lang.value)
@pytest.mark.parametrize("orientation", list(SIZES))
def test_every_screen_renders_cleanly(
    window: KioskWindow, orientation: str, language: Language
) -> None:
    window.resize(*SIZES[orientation])
    out = ARTIFACTS / orientation / language.value
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.png"):
        stale.unlink()
    metrics = window.metrics
    assert metrics is not None and metrics.portrait is (orientation == "portrait")
    touch = min_touch_px(window)
    failures: list[str] = []
    for name, state in sample_states().items():
        window.show_state(in_language(state, language))
        settle(window)
        where = f"{orientation}/{language.value}/{name}"
        failures += [f"{where}: {problem}" for problem in layout_problems(window)]
        for button in shown(window, QAbstractButton):
            if min(button.width(), button.height()) < touch:
                failures.append(f"{where}: {button.objectName()} is {button.size().toTuple()}")
            if not button.objectName().startswith(("btn_", "key_")):
                failures.append(f"{where}: button {button.text()!r} has no driver name")
        cancel = window.visible_button("btn_cancel") is not None
        # No Cancel beside a number just issued (it reads as "cancel my number"): Done.
        cancellable = state.screen not in NOT_CANCELLABLE | {Screen.TICKET, Screen.PRINTER_FAULT}
        if cancel is not cancellable:
            failures.append(f"{where}: Cancel shown={cancel}")
        back = window.visible_button("btn_back") is not None
        if back is not (bool(state.trail) and state.screen not in BUSY_SCREENS):
            failures.append(f"{where}: Back shown={back}")
        for text in shown(window, QLabel):
            if text.text() and text.font().pixelSize() < metrics.note:
                failures.append(f"{where}: small print {text.text()[:30]!r}")
        for shown_text in texts(window):
            if CITIZEN_ID in shown_text or INSURANCE_NUMBER in shown_text:
                failures.append(f"{where}: full ID number on screen")
            if re.search(r"\d{12}", shown_text.replace(" ", "")):
                failures.append(f"{where}: 12 digits in a row: {shown_text!r}")
        if name in PICTURES:
            assert window.grab().save(str(out / f"{name}.png"), "PNG", 80)
    assert not failures, "\n".join(failures)
