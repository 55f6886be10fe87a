"""Vietnamese first, English on request: the catalogue is complete, compiled and switchable."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.core.flow import Language, Problem
from kiosk.core.insurance import InsuranceStatus
from ui import messages
from ui.i18n import set_language
from ui.main_window import KioskWindow
from ui.translations import update

from .samples import in_language, sample_states
from .screen_checks import settle, texts

PLACEHOLDER = re.compile(r"\{\w+\}")


def catalogue() -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(update.TS).getroot()
    return [
        (context.findtext("name") or "", message.findtext("source") or "", message)
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def test_every_string_has_a_finished_vietnamese_translation() -> None:
    entries = catalogue()
    assert len(entries) > 100
    for context, source, message in entries:
        translation = message.find("translation")
        assert translation is not None
        assert translation.get("type") is None, (
            f"{context}: {source!r} is {translation.get('type')}"
        )
        assert (translation.text or "").strip(), f"{context}: {source!r} is empty"
        placeholders = sorted(PLACEHOLDER.findall(translation.text or ""))
        assert placeholders == sorted(PLACEHOLDER.findall(source)), f"{context}: {source!r}"


def test_catalogue_matches_the_sources_and_the_qm_is_compiled_from_it() -> None:
    # Re-runs lupdate and lrelease into a temporary folder and compares bytes.
    assert update.check() == []


def test_vietnamese_uses_its_diacritics() -> None:
    vietnamese = " ".join(message.findtext("translation") or "" for _, _, message in catalogue())
    for word in ("Khám bảo hiểm y tế", "Khám dịch vụ", "Số thứ tự", "Phòng", "Tầng", "Ưu tiên"):
        assert word.lower() in vietnamese.lower(), word


def in_english_then_vietnamese(
    message: Callable[[], messages.PatientMessage],
) -> tuple[messages.PatientMessage, messages.PatientMessage]:
    """The same patient message worded in English, then in Vietnamese (the language left set)."""
    set_language(Language.EN)
    english = message()
    set_language(Language.VI)
    return english, message()


@pytest.mark.parametrize("problem", list(Problem))
def test_every_problem_is_worded_in_both_languages(font_family: str, problem: Problem) -> None:
    english, vietnamese = in_english_then_vietnamese(lambda: messages.problem_message(problem))
    assert english.what_happened and english.what_to_do
    assert vietnamese.what_happened != english.what_happened
    assert vietnamese.what_to_do != english.what_to_do


@pytest.mark.parametrize("status", list(InsuranceStatus))
def test_every_insurance_status_is_worded_in_both_languages(
    font_family: str, status: InsuranceStatus
) -> None:
    english, vietnamese = in_english_then_vietnamese(lambda: messages.insurance_message(status))
    assert english.what_happened and english.what_to_do
    assert vietnamese.what_happened != english.what_happened
    # Accepted statuses look reassuring, refused ones do not.
    assert (messages.insurance_tone(status).value == "ok") is status.accepted


@pytest.mark.parametrize("name", ["welcome", "summary", "department", "ticket", "go_to_counter"])
def test_switching_language_rewords_the_same_screen(window: KioskWindow, name: str) -> None:
    state = sample_states()[name]
    window.show_state(in_language(state, Language.VI))
    settle(window)
    vietnamese = texts(window)
    window.show_state(in_language(state, Language.EN))
    settle(window)
    english = texts(window)
    window.show_state(in_language(state, Language.VI))
    settle(window)
    assert texts(window) == vietnamese
    assert english != vietnamese
    assert window.visible_button("btn_language").text() == "English"
    window.show_state(in_language(state, Language.EN))
    assert window.visible_button("btn_language").text() == "Tiếng Việt"


def test_vietnamese_is_the_default_and_english_really_is_english(window: KioskWindow) -> None:
    state = sample_states()["department"]
    window.show_state(state)
    settle(window)
    assert window.current_page().title.text() == "Chọn khoa khám"
    window.show_state(replace(state, language=Language.EN))
    settle(window)
    assert window.current_page().title.text() == "Choose a department"
    shown = texts(window)
    assert "Cardiology" in " ".join(shown)
    assert not any("Phòng" in text or "Tầng" in text for text in shown)
    hint = window.findChild(QLabel, "lbl_service")
    assert hint is not None and hint.text() == "Paid service visit"
