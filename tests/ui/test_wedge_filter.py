"""WedgeKeyFilter with synthesised QKeyEvents delivered to the window, as the platform does."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from drivers.scanner.wedge import WedgeDecoder
from ui.wedge_filter import WedgeKeyFilter

CCCD = "001078012345||Nguyễn Văn An|14031978|Nam|25 Lý Thường Kiệt, Hà Nội|15082021"


class Screen(QWidget):
    """A touch screen's button (which Space would press) and a staff text field."""

    def __init__(self) -> None:
        super().__init__()
        self.button = QPushButton("Tiếp tục")
        self.field = QLineEdit()
        self.clicks = 0
        self.button.clicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.button)
        layout.addWidget(self.field)

    def _clicked(self) -> None:
        self.clicks += 1


@pytest.fixture
def screen(qtbot: QtBot) -> Screen:
    widget = Screen()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


@pytest.fixture
def payloads(qapp: QApplication) -> Iterator[list[str]]:
    """What a WedgeKeyFilter installed on the application reads, in order."""
    key_filter = WedgeKeyFilter(WedgeDecoder())
    read: list[str] = []
    key_filter.payload_read.connect(read.append)
    qapp.installEventFilter(key_filter)
    yield read
    qapp.removeEventFilter(key_filter)


def press(widget: QWidget, text: str, ms: int, *, autorepeat: bool = False) -> None:
    """One key press and release, stamped `ms`, into the widget's window."""
    window = widget.windowHandle()
    assert window is not None
    if text == "\r":
        key = Qt.Key.Key_Return
    elif text.isascii() and text.isalnum():
        key = Qt.Key(ord(text.upper()))
    elif text == " ":
        key = Qt.Key.Key_Space
    else:
        key = Qt.Key.Key_unknown
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text, autorepeat)
        event.setTimestamp(ms)
        QCoreApplication.sendEvent(window, event)


def type_keys(widget: QWidget, text: str, start_ms: int, gap_ms: int) -> int:
    ms = start_ms
    for char in text:
        press(widget, char, ms)
        ms += gap_ms
    return ms


@pytest.mark.ui
def test_a_scan_is_one_payload_and_presses_no_button(screen: Screen, payloads: list[str]) -> None:
    screen.button.setFocus()
    assert QApplication.focusWidget() is screen.button
    type_keys(screen, CCCD + "\r", 1_000, 3)
    assert payloads == [CCCD]
    assert screen.clicks == 0  # the spaces in the name did not reach the focused button


@pytest.mark.ui
def test_vietnamese_keys_sent_decomposed_arrive_composed(
    screen: Screen, payloads: list[str]
) -> None:
    type_keys(screen, unicodedata.normalize("NFD", CCCD) + "\r", 5_000, 2)
    assert payloads == [CCCD]


@pytest.mark.ui
def test_a_person_typing_triggers_nothing(screen: Screen, payloads: list[str]) -> None:
    type_keys(screen, "001078012345\r", 10_000, 150)
    assert payloads == []


@pytest.mark.ui
def test_a_held_key_is_a_person_even_when_it_repeats_fast(
    screen: Screen, payloads: list[str]
) -> None:
    press(screen, "1", 20_000)
    for i in range(1, 10):
        press(screen, "1", 20_000 + 20 * i, autorepeat=True)
    press(screen, "\r", 20_200)
    assert payloads == []


@pytest.mark.ui
def test_a_focused_text_field_still_gets_typing_and_a_scan_is_read_once(
    screen: Screen, payloads: list[str]
) -> None:
    screen.field.setFocus()
    assert QApplication.focusWidget() is screen.field
    type_keys(screen, "1234", 30_000, 150)
    assert screen.field.text() == "1234"
    # Keys pass on to the field here, through its parents too: each hop must not be fed
    # to the decoder again, or every character would be doubled.
    type_keys(screen, "VNEID:1:BN00000001\r", 31_000, 3)
    assert payloads == ["VNEID:1:BN00000001"]
