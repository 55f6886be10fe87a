"""Issue 17's kinder screens, measured on the real widgets: what a disabled button looks like,
where the primary action sits, what a crowded hall can read, and the "need more time?" warning.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from kiosk.core.flow import FlowState, Language
from ui.main_window import KioskWindow
from ui.messages import provisional_instruction
from ui.screens.history import HistoryPage
from ui.screens.keypad import KeypadPage
from ui.speech import SpeechGuide
from ui.theme import BLUE, DISABLED_BG, DISABLED_INK, PAGE
from ui.widgets import TileButton, WholeRowsScrollArea

from .conftest import HOSPITAL
from .samples import VISITS, in_language, sample_states
from .screen_checks import fitted_pixel_size, rect_in, settle, texts
from .test_behaviour import type_digits
from .test_events import press

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
STATES = sample_states()


def show(window: KioskWindow, state: FlowState, size: tuple[int, int] = (1080, 1920)) -> None:
    window.resize(*size)
    window.show_state(state)
    settle(window)


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(first: QColor, second: QColor) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def darkest(image: QImage, area: QRect) -> QColor:
    """The darkest pixel in `area` (the ink of the text drawn there)."""
    found = QColor("white")
    for y in range(area.top(), area.bottom(), 2):
        for x in range(area.left(), area.right(), 2):
            pixel = image.pixelColor(x, y)
            if luminance(pixel) < luminance(found):
                found = pixel
    return found


def edge_colours(image: QImage) -> set[str]:
    """The colours along the left edge's middle third, two pixels in (the border, if any)."""
    height = image.height()
    return {image.pixelColor(2, y).name() for y in range(height // 3, 2 * height // 3)}


# --- 1. disabled buttons look different -------------------------------------------------


def test_a_disabled_button_is_flat_and_pale_not_a_grey_button(window: KioskWindow) -> None:
    show(window, STATES["keypad"])  # nothing typed: Clear is disabled, the digits are not
    enabled = window.visible_button("key_1")
    disabled = window.visible_button("key_clear")
    assert enabled is not None and enabled.isEnabled()
    assert disabled is not None and not disabled.isEnabled()
    on, off = enabled.grab().toImage(), disabled.grab().toImage()
    # The enabled key has its blue border all along the edge; the disabled one no border at
    # all (no dashes): its edge is its own flat fill.
    assert edge_colours(on) == {QColor(BLUE).name()}
    assert edge_colours(off) == {QColor(DISABLED_BG).name()}
    assert off.pixelColor(off.width() // 2, 6).name() == QColor(DISABLED_BG).name()
    # Its words stay readable (≥ 3:1) but clearly paler than an enabled key's (≥ 7:1).
    ink_on = darkest(on, on.rect().adjusted(8, 8, -8, -8))
    ink_off = darkest(off, off.rect().adjusted(8, 8, -8, -8))
    assert contrast(ink_on, QColor(PAGE)) >= 7
    assert 3 <= contrast(ink_off, QColor(DISABLED_BG)) < 4.5
    assert abs(luminance(ink_off) - luminance(QColor(DISABLED_INK))) < 0.05


# --- 1. the recommended option is not shown as already chosen ----------------------------


@pytest.mark.parametrize("orientation", list(SIZES))
def test_the_recommended_option_is_white_with_a_tag_not_filled(
    window: KioskWindow, orientation: str
) -> None:
    show(window, STATES["service_not_accepted"], SIZES[orientation])
    paid = window.visible_button("btn_service_paid")
    insurance = window.visible_button("btn_service_insurance")
    assert isinstance(paid, TileButton) and isinstance(insurance, TileButton)
    assert paid.recommended and not insurance.recommended
    assert paid.tag.isVisibleTo(window) and paid.tag.text() == "Nên chọn"
    assert not insurance.tag.isVisibleTo(window)
    image = paid.grab().toImage()
    inside = image.pixelColor(image.width() - 30, image.height() - 12)
    assert inside.name() == "#ffffff"  # the fill of every other option, not the primary blue


# --- 1. no Cancel beside a number just issued ---------------------------------------------


@pytest.mark.parametrize("name", ["ticket", "ticket_provisional", "printer_fault"])
def test_no_cancel_beside_a_number_just_issued(window: KioskWindow, name: str) -> None:
    show(window, STATES[name])
    assert window.visible_button("btn_cancel") is None
    assert window.visible_button("btn_done") is not None
    show(window, STATES["confirm"])  # before the number, Cancel is there
    assert window.visible_button("btn_cancel") is not None


# --- 1. the primary action in the same place on every screen -----------------------------

# (screen, primary, secondary)
ACTION_PAIRS = [
    ("birth_date", "key_submit", "btn_skip_card"),
    ("read_failed_code_unknown", "btn_retry", "btn_keypad"),
    ("hospital_unavailable", "btn_retry", "btn_done"),
    ("switch_patient", "btn_switch", "btn_keep_patient"),
    ("summary", "btn_continue", "btn_history"),
]


@pytest.mark.parametrize("orientation", list(SIZES))
@pytest.mark.parametrize(("name", "primary", "secondary"), ACTION_PAIRS)
def test_the_primary_action_is_on_top_in_portrait_and_on_the_right_in_landscape(
    window: KioskWindow, orientation: str, name: str, primary: str, secondary: str
) -> None:
    show(window, STATES[name], SIZES[orientation])
    first, second = window.visible_button(primary), window.visible_button(secondary)
    assert first is not None and second is not None
    main, other = rect_in(window, first), rect_in(window, second)
    if orientation == "portrait" or main.left() == other.left():
        assert main.bottom() < other.top(), f"{primary} is not above {secondary}"
    else:
        assert main.left() > other.right(), f"{primary} is not right of {secondary}"


# --- 1. the read-failed screen follows the live link --------------------------------------

NEEDS_HOSPITAL = STATES["read_failed_code_needs_hospital"]


def test_read_failed_says_the_hospital_is_back_once_it_is(window: KioskWindow) -> None:
    show(window, replace(NEEDS_HOSPITAL, hospital_offline=True))
    down = window.current_page().title.text()
    assert "không trả lời" in down or "gián đoạn" in down
    show(window, replace(NEEDS_HOSPITAL, hospital_offline=False))  # the link came back
    assert window.current_page().title.text() == "Hệ thống bệnh viện đã hoạt động trở lại."
    assert window.visible_button("btn_retry") is not None


def test_read_failed_does_not_claim_a_recovery_it_never_saw(window: KioskWindow) -> None:
    # The call failed a moment before the monitor called the link down: still "down".
    show(window, replace(NEEDS_HOSPITAL, hospital_offline=False))
    assert window.current_page().title.text() != "Hệ thống bệnh viện đã hoạt động trở lại."


# --- 1. the hospital's name on one line, the same in both languages -----------------------


@pytest.mark.parametrize("orientation", list(SIZES))
def test_the_hospital_name_is_one_line_at_full_size_in_both_languages(
    window: KioskWindow, orientation: str
) -> None:
    places = []
    for language in Language:
        show(window, in_language(STATES["summary"], language), SIZES[orientation])
        name = window.hospital
        assert not name.wordWrap()
        assert fitted_pixel_size(name) == name.font().pixelSize()  # not shrunk to fit
        places.append(rect_in(window, name))
    assert places[0] == places[1]  # the language does not move or squeeze it


# --- 1. the camera picture never covers the words under it ----------------------------------


@pytest.mark.parametrize("orientation", list(SIZES))
def test_the_camera_picture_leaves_the_heading_clear_with_the_offline_banner(
    font_family: str, orientation: str
) -> None:
    window = KioskWindow(lambda _event: None, hospital_name=HOSPITAL)
    window.show()
    preview = QWidget()
    window.set_camera_preview(preview)
    show(window, STATES["welcome_offline"], SIZES[orientation])
    picture = rect_in(window, preview)
    assert picture.height() >= 100
    option = preview.parentWidget().parentWidget()
    words = [w for w in option.findChildren(QLabel) if w.isVisibleTo(window) and w.text()]
    assert len(words) == 2
    for text in words:
        assert not picture.intersects(rect_in(window, text)), text.text()
    window.close()


# --- 1. department tiles are shown whole or not at all -----------------------------------


@pytest.mark.parametrize("orientation", list(SIZES))
def test_no_department_tile_is_cut_at_the_edge(window: KioskWindow, orientation: str) -> None:
    show(window, STATES["department"], SIZES[orientation])
    area = window.current_page().findChild(WholeRowsScrollArea)
    assert area is not None
    for page in range(4):
        settle(window)
        shown = area.viewport().mask().boundingRect()
        assert not shown.isEmpty(), "there is more than a screenful: the rows are masked"
        wholly, cut = 0, []
        for tile in area.widget().findChildren(TileButton):
            place = QRect(tile.mapTo(area.viewport(), QPoint(0, 0)), tile.size())
            in_view = place.intersected(area.viewport().rect())
            if in_view.isEmpty():
                continue
            if shown.contains(place):
                wholly += 1
            elif shown.intersects(place):
                cut.append(tile.objectName())
        assert wholly >= 2 and not cut, (page, cut)
        if window.visible_button("btn_scroll_down").isEnabled():
            press(window, "btn_scroll_down")


# --- 2. "need more time?" -------------------------------------------------------------------


class Answers:
    def __init__(self) -> None:
        self.resets = 0
        self.keeps = 0

    def reset(self) -> None:
        self.resets += 1

    def keep(self) -> None:
        self.keeps += 1


def test_the_countdown_appears_counts_down_and_then_resets(window: KioskWindow) -> None:
    show(window, STATES["summary"])
    answers = Answers()
    window.ask_for_more_time(answers.reset, answers.keep)
    countdown = window.idle_countdown
    assert countdown is not None and countdown.isVisible() and countdown.running
    assert countdown.question.text() == "Cần thêm thời gian?"
    assert countdown.seconds_left == 10
    assert countdown.geometry() == window.centralWidget().rect()  # covers the whole screen
    for _ in range(9):
        countdown._timer.timeout.emit()
    assert countdown.seconds.text() == "1" and answers.resets == 0
    countdown._timer.timeout.emit()
    assert answers.resets == 1 and answers.keeps == 0
    assert not countdown.isVisible() and not countdown.running


def test_a_tap_anywhere_keeps_the_screen(window: KioskWindow) -> None:
    show(window, STATES["summary"])
    answers = Answers()
    window.ask_for_more_time(answers.reset, answers.keep)
    countdown = window.idle_countdown
    assert countdown is not None
    QTest.mouseClick(countdown, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))  # not the button
    assert answers.keeps == 1 and answers.resets == 0
    assert not countdown.isVisible()
    assert window.current_page().title.text()  # the screen is still there
    window.ask_for_more_time(answers.reset, answers.keep)
    press_button = countdown.more_time
    QTest.mouseClick(press_button, Qt.MouseButton.LeftButton)
    assert answers.keeps == 2 and answers.resets == 0


def test_the_countdown_really_runs_on_its_timer(window: KioskWindow, qtbot) -> None:
    show(window, STATES["summary"])
    answers = Answers()
    window.ask_for_more_time(answers.reset, answers.keep)
    countdown = window.idle_countdown
    assert countdown is not None
    countdown.cancel()
    countdown.start(answers.reset, answers.keep, seconds=1)
    qtbot.waitUntil(lambda: answers.resets == 1, timeout=3000)
    assert answers.keeps == 0


def test_the_countdown_goes_when_the_flow_moves_on_and_is_skipped_on_welcome(
    window: KioskWindow,
) -> None:
    show(window, STATES["summary"])
    answers = Answers()
    window.ask_for_more_time(answers.reset, answers.keep)
    countdown = window.idle_countdown
    assert countdown is not None
    show(window, replace(STATES["summary"], hospital_offline=True))  # same screen: it stays
    assert countdown.running
    show(window, replace(STATES["summary"], idle_seq=STATES["summary"].idle_seq + 1))
    assert not countdown.running and answers.resets == answers.keeps == 0
    show(window, STATES["welcome"])  # nothing to keep there: the reset runs at once
    window.ask_for_more_time(answers.reset, answers.keep)
    assert answers.resets == 1 and not countdown.isVisible()


# --- 3. history: diagnoses only on request ----------------------------------------------


def test_history_shows_dates_clinics_and_doctors_and_diagnoses_only_on_request(
    window: KioskWindow,
) -> None:
    show(window, STATES["history"])
    page = window.current_page()
    assert isinstance(page, HistoryPage)
    everything = " ".join(texts(window, hidden_too=True))
    assert "08/01/2025 · Khoa Tim mạch" in everything and "BS. Phạm Quốc Bảo" in everything
    diagnoses = [visit.diagnosis for visit in VISITS if visit.diagnosis]
    assert not any(diagnosis in everything for diagnosis in diagnoses)
    details = window.visible_button("btn_history_details")
    assert details is not None and details.text() == "Xem chi tiết (chẩn đoán)"
    press(window, "btn_history_details")
    settle(window)
    shown_now = " ".join(texts(window))
    assert all(diagnosis in shown_now for diagnosis in diagnoses)
    assert window.visible_button("btn_history_details").text() == "Ẩn chi tiết"
    show(window, STATES["summary"])  # left: the details go with the screen
    show(window, STATES["history"])
    assert not any(diagnosis in " ".join(texts(window, hidden_too=True)) for diagnosis in diagnoses)


def test_history_offers_no_details_button_when_there_is_nothing_to_hide(
    window: KioskWindow,
) -> None:
    no_diagnosis = tuple(replace(visit, diagnosis=None) for visit in VISITS)
    show(window, replace(STATES["history"], history=no_diagnosis))
    assert window.visible_button("btn_history_details") is None


# --- 3. keypad: masked but for the last digit --------------------------------------------


def test_the_keypad_masks_every_digit_but_the_last_typed(window: KioskWindow) -> None:
    show(window, STATES["welcome"])
    show(window, STATES["keypad"])
    type_digits(window, "07912")
    page = window.current_page()
    assert isinstance(page, KeypadPage)
    assert page.digits == "07912"
    assert page.display.text() == "••• •2_ ___ ___"
    assert "0791" not in page.display.accessibleName()
    type_digits(window, "3")
    assert page.display.text() == "••• ••3 ___ ___"


def test_the_birth_date_is_not_masked_nor_sent_by_itself(window: KioskWindow, sent) -> None:
    show(window, STATES["birth_date"])
    type_digits(window, "17051990")
    page = window.current_page()
    assert isinstance(page, KeypadPage)
    assert page.display.text() == "17/05/1990"
    assert sent.events == []


# --- 4. one instruction for a provisional number -------------------------------------------


def test_banner_ticket_screen_and_printer_fault_give_the_same_instruction(
    window: KioskWindow,
) -> None:
    sentence = provisional_instruction()
    assert sentence == "Số tạm thời: xin xác nhận tại quầy tiếp đón."
    show(window, STATES["welcome_offline"])
    assert window.offline_banner is not None and window.offline_banner.body.text() == sentence
    show(window, replace(STATES["ticket_provisional"], hospital_offline=True))
    shown = texts(window)
    assert shown.count(sentence) == 2  # the banner and the box beside the number
    show(window, STATES["printer_fault_kiosk_number"])
    assert sentence in texts(window)


# --- 5. the card's name fits both generations ----------------------------------------------


@pytest.mark.parametrize("language", list(Language), ids=lambda lang: lang.value)
def test_every_screen_names_the_card_by_both_generations(
    window: KioskWindow, language: Language
) -> None:
    for name, state in STATES.items():
        show(window, in_language(state, language))
        for text in texts(window):
            if "CCCD" in text:
                assert "Căn cước / CCCD" in text, (name, text)
    show(window, in_language(STATES["welcome"], language))
    assert any("Căn cước / CCCD" in text for text in texts(window))


def test_buttons_still_name_themselves_for_drivers(window: KioskWindow) -> None:
    show(window, STATES["service_not_accepted"])
    tags = [w for w in window.findChildren(QLabel) if w.objectName().endswith("_tag")]
    assert tags and all(isinstance(w.parentWidget(), QAbstractButton) for w in tags)


def test_only_a_disabled_tile_has_pale_words(window: KioskWindow) -> None:
    show(window, STATES["service_not_accepted"])
    paid = window.visible_button("btn_service_paid")
    insurance = window.visible_button("btn_service_insurance")
    assert isinstance(paid, TileButton) and isinstance(insurance, TileButton)
    assert not insurance.isEnabled()

    def ink(tile: TileButton) -> str:
        return tile.heading.palette().color(tile.heading.foregroundRole()).name()

    assert ink(paid) == QColor(BLUE).name()
    assert ink(insurance) == QColor(DISABLED_INK).name()


# --- 6. spoken guidance, only where a voice exists -------------------------------------------


def test_listen_is_offered_only_in_a_language_with_a_voice(font_family: str) -> None:
    guide = SpeechGuide.detect("mock")  # Qt's test engine: English voices, no Vietnamese one
    assert guide is not None and guide.speaks(Language.EN) and not guide.speaks(Language.VI)
    window = KioskWindow(lambda _event: None, hospital_name=HOSPITAL)
    window.show()
    show(window, in_language(STATES["read_failed_code_unknown"], Language.EN))
    assert window.visible_button("btn_listen") is None  # no guidance switched on: no button
    window.enable_spoken_guidance(guide)
    show(window, STATES["read_failed_code_unknown"])
    assert window.visible_button("btn_listen") is None  # no Vietnamese voice: no button
    show(window, in_language(STATES["read_failed_code_unknown"], Language.EN))
    listen = window.visible_button("btn_listen")
    assert listen is not None and listen.text() == "Listen"
    page = window.current_page()
    assert page.instruction().startswith(page.title.text())
    assert page.advice.text() in page.instruction()  # type: ignore[attr-defined]
    press(window, "btn_listen")
    assert guide.engine.state() is not guide.engine.State.Error
    window.close()


def test_the_instruction_read_aloud_carries_no_personal_details(window: KioskWindow) -> None:
    show(window, in_language(STATES["summary"], Language.EN))
    spoken = window.current_page().instruction()
    assert spoken and "Trần Văn Hưởng" not in spoken and "345" not in spoken
