"""Qt offscreen, the bundled font, and a kiosk window that records what it sends."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import fontpkg_noto_sans
import pytest
from PySide6.QtWidgets import QApplication

from kiosk.core.flow import Event, FlowState
from ui.main_window import KioskWindow
from ui.theme import install_font

FONT = Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"
HOSPITAL = "Bệnh viện Đa khoa Tỉnh Bình Dương"


@pytest.fixture(scope="session")
def font_family(qapp: QApplication) -> str:
    return install_font(FONT)


class Recorder:
    """The `send` callback: every event the window sent, in order."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)


@pytest.fixture(scope="session")
def _recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="session")
def _window(font_family: str, _recorder: Recorder) -> Iterator[KioskWindow]:
    """One window for the whole run (building one costs ~0.1 s); each test resets it."""
    win = KioskWindow(_recorder, hospital_name=HOSPITAL)
    win.show()
    yield win
    win.close()


@pytest.fixture
def sent(_recorder: Recorder) -> Recorder:
    _recorder.events.clear()
    return _recorder


@pytest.fixture
def window(_window: KioskWindow, sent: Recorder) -> KioskWindow:
    """The kiosk window at 1080×1920, back on the welcome screen, nothing sent yet."""
    _window.resize(1080, 1920)
    _window.show_state(FlowState())
    sent.events.clear()
    return _window
