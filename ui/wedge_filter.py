"""Keyboard-wedge scanner capture: key presses reaching the kiosk's windows -> payloads.

Installed on the QApplication, the filter sees every key press as the window system
delivers it to a window, before any widget, so no text field needs focus. It hands each
press to a burst decoder (drivers/scanner/wedge.py, given by the composition root) and
emits `payload_read` when the decoder recognises a scan. Keys are swallowed unless a
text input has focus: the kiosk is touch-only, and a scanned space must not press a
focused button.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication


class BurstDecoder(Protocol):
    def feed(self, timestamp: float, text: str) -> str | None: ...

    def reset(self) -> None: ...


class WedgeKeyFilter(QObject):
    payload_read = Signal(str)

    def __init__(self, decoder: BurstDecoder, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._decoder = decoder

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Only the delivery to the window: the same press travels on to widgets and their
        # parents, and each hop passes application filters again.
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWindow):
            return False
        assert isinstance(event, QKeyEvent)
        if event.isAutoRepeat():
            self._decoder.reset()  # a held key: a person, never a scanner
            return False
        text = _key_text(event)
        payload = self._decoder.feed(event.timestamp() / 1000.0, text)
        if payload is not None:
            self.payload_read.emit(payload)
            return True
        return bool(text) and not _text_input_has_focus()


def _key_text(event: QKeyEvent) -> str:
    if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return "\r"  # some platforms give Enter no text
    return event.text()


def _text_input_has_focus() -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and focus.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
