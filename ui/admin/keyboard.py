"""An on-screen keyboard for the staff settings' text fields: a kiosk has no keyboard.

It types into whichever field it is pointed at (`attach`); its keys never take the focus, so
the field keeps its cursor. Letters, digits and what URLs, device paths and kiosk names need;
a USB keyboard plugged in for maintenance types into the same fields, accents included.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from ui.theme import Metrics, repolish
from ui.widgets import button

_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl:", "zxcvbnm./-")
_KEY_NAMES = {":": "colon", ".": "dot", "/": "slash", "-": "dash", "_": "underscore"}


class OnScreenKeyboard(QWidget):
    def __init__(self, on_touch: Callable[[], None]) -> None:
        super().__init__()
        self._on_touch = on_touch
        self._target: QLineEdit | None = None
        self._upper = False
        self.letter_keys: list[QPushButton] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.grid = grid
        for row, chars in enumerate(_ROWS):
            for column, char in enumerate(chars):
                grid.addWidget(self._char_key(char), row, column)
        self.shift = button("key_shift", "keycap", self._toggle_shift)
        self.space = button("key_space", "keycap", lambda: self._type(" "))
        self.underscore = self._char_key("_")
        self.backspace = button("key_backspace", "keycap", self._backspace)
        self.backspace.setText("⌫")
        self.done = button("key_done", "keycap", self._close)
        bottom = ((self.shift, 0, 2), (self.underscore, 2, 1), (self.space, 3, 4))
        for widget, column, span in (*bottom, (self.backspace, 7, 1), (self.done, 8, 2)):
            grid.addWidget(widget, len(_ROWS), column, 1, span)
        for widget in self.findChildren(QPushButton):
            widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        for column in range(len(_ROWS[0])):
            grid.setColumnStretch(column, 1)  # every key as wide as the next
        self._label_letters()
        self.hide()

    def attach(self, field: QLineEdit) -> None:
        self._target = field
        self.show()

    def retranslate(self) -> None:
        self.shift.setText(self.tr("Shift"))
        self.space.setText(self.tr("Space"))
        self.done.setText(self.tr("Done"))

    def apply_metrics(self, metrics: Metrics) -> None:
        self.grid.setSpacing(max(metrics.spacing // 3, 2))

    def _char_key(self, char: str) -> QPushButton:
        name = _KEY_NAMES.get(char, char)
        key = button(f"key_{name}", "keycap", lambda: self._type(key.text()))
        key.setText(char)
        if char.isalpha():
            self.letter_keys.append(key)
        return key

    def _type(self, text: str) -> None:
        self._on_touch()
        if self._target is not None and self._target.isEnabled():
            self._target.insert(text)

    def _backspace(self) -> None:
        self._on_touch()
        if self._target is not None and self._target.isEnabled():
            self._target.backspace()

    def _toggle_shift(self) -> None:
        self._on_touch()
        self._upper = not self._upper
        self._label_letters()

    def _label_letters(self) -> None:
        for key in self.letter_keys:
            key.setText(key.text().upper() if self._upper else key.text().lower())
        self.shift.setProperty("kind", "primary" if self._upper else "keycap")
        repolish(self.shift)

    def _close(self) -> None:
        self._on_touch()
        if self._target is not None:
            self._target.clearFocus()
        self._target = None
        self.hide()
