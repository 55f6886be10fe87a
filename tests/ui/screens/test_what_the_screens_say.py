"""What the patient is told, and only when it is true: where the name on the summary came
from, printer trouble before they start, the photo hint when no paper came out, a reprint."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.app.ticket_paper import PROVISIONAL_NOTICE
from kiosk.core.domain import NameSource
from kiosk.core.flow import FlowState, Language
from ui.main_window import KioskWindow
from ui.messages import provisional_instruction
from ui.screens.welcome import WelcomePage

from .samples import in_language, sample_states
from .screen_checks import settle, texts

STATES = sample_states()
MRZ_NOTE = "Họ tên theo vùng MRZ của chip (không dấu)"
QR_NOTE = "Họ tên theo mã QR trên thẻ, khớp với chip"


def show(window: KioskWindow, state: FlowState) -> list[str]:
    window.show_state(state)
    settle(window)
    return texts(window)


def shown_label(window: KioskWindow, name: str) -> QLabel | None:
    """The visible label named `name` (other pages may hold hidden ones of that name)."""
    found = [w for w in window.findChildren(QLabel, name) if w.isVisibleTo(window)]
    assert len(found) <= 1, name
    return found[0] if found else None


# --- the name's source on the summary -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "note"), [("summary_name_from_mrz", MRZ_NOTE), ("summary_name_from_qr", QR_NOTE)]
)
def test_the_summary_says_where_a_chip_name_came_from(
    window: KioskWindow, name: str, note: str
) -> None:
    assert note in show(window, STATES[name])
    english = show(window, in_language(STATES[name], Language.EN))
    assert note not in english
    assert any("chip" in text and "Name" in text for text in english)


def test_no_name_note_when_the_name_shown_is_the_hospitals_or_the_dg13s(
    window: KioskWindow,
) -> None:
    plain = show(window, STATES["summary_chip_verified"])  # DG13 gave the name
    assert MRZ_NOTE not in plain and QR_NOTE not in plain
    mrz = STATES["summary_name_from_mrz"]
    assert mrz.identity is not None and mrz.identity.name_source is NameSource.CHIP_MRZ
    # The hospital's record spells the name its own way: that is the name on screen.
    on_record = replace(mrz, patient=STATES["summary"].patient)
    assert MRZ_NOTE not in show(window, on_record)


# --- printer trouble known before the patient starts ----------------------------------------


def test_the_welcome_screen_says_the_printer_is_down_and_the_number_comes_on_screen(
    window: KioskWindow,
) -> None:
    show(window, STATES["welcome"])
    assert shown_label(window, "lbl_printer_down") is None
    show(window, STATES["welcome_printer_down"])
    line = shown_label(window, "lbl_printer_down")
    assert line is not None
    assert line.text() == ("Máy in phiếu đang gặp sự cố: số thứ tự của bạn sẽ hiện trên màn hình.")
    show(window, replace(STATES["welcome_printer_down"], printer_down=None))  # fixed again
    assert shown_label(window, "lbl_printer_down") is None


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_with_the_offline_banner_too_the_welcome_icons_give_way_and_come_back(
    window: KioskWindow, size: tuple[int, int]
) -> None:
    window.resize(*size)
    show(window, STATES["welcome"])
    page = window.current_page()
    assert isinstance(page, WelcomePage)
    full = page.card.icons[0].height()
    show(window, STATES["welcome_offline_printer_down"])
    assert page.card.icons[0].height() < full
    show(window, STATES["welcome"])
    assert page.card.icons[0].height() == full


# --- no paper: photograph the screen ---------------------------------------------------------


def test_the_printer_fault_screen_asks_for_a_photo_beside_the_number(
    window: KioskWindow,
) -> None:
    show(window, STATES["printer_fault"])
    hint = shown_label(window, "lbl_photo_hint")
    number = shown_label(window, "lbl_queue_label")
    assert hint is not None and number is not None
    assert hint.text() == "Hãy chụp ảnh màn hình này."
    assert hint.parentWidget() is number.parentWidget()
    assert 0 < hint.y() - number.y() - number.height() < window.height() // 10
    advice = shown_label(window, "lbl_advice")
    assert advice is not None  # what is true about staff: only told when a channel took it
    assert "nhân viên" in advice.text() and "đã được báo" not in advice.text()


def test_the_staff_are_said_to_be_told_only_when_a_channel_took_the_alert(
    window: KioskWindow,
) -> None:
    state = STATES["printer_fault"]
    show(window, state)
    not_told = shown_label(window, "lbl_advice")
    assert not_told is not None
    before = not_told.text()
    window.set_staff_told(state.session)
    show(window, state)
    told = shown_label(window, "lbl_advice")
    assert told is not None and told.text() != before
    assert shown_label(window, "lbl_photo_hint") is not None  # the hint either way


# --- a reprint --------------------------------------------------------------------------------


def test_a_reprint_says_so_and_shows_no_stale_queue_figures(window: KioskWindow) -> None:
    fresh = show(window, STATES["ticket"])
    assert "Số người trước bạn" in fresh
    assert shown_label(window, "lbl_reprint") is None
    reprint = show(window, STATES["ticket_reprint"])
    banner = shown_label(window, "lbl_reprint")
    assert banner is not None and banner.text() == "Bản in lại"
    assert not any("trước bạn" in text or "phút" in text for text in reprint)
    english = show(window, in_language(STATES["ticket_reprint"], Language.EN))
    assert "Reprint" in english
    assert not any("ahead" in text or "wait" in text.lower() for text in english)


# --- one sentence for a provisional number, on paper too -------------------------------------


def test_the_paper_says_the_provisional_sentence_the_screen_says(window: KioskWindow) -> None:
    show(window, STATES["ticket_provisional"])
    heading, instruction = PROVISIONAL_NOTICE
    assert f"{heading.capitalize()}: {instruction}." == provisional_instruction()
