"""KEYPAD: type the 12-digit ID number on big on-screen keys (no OS keyboard)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.flow import FlowState, KeypadSubmitted, Problem
from ui.messages import problem_message
from ui.screens.base import Page, Send, set_direction
from ui.theme import BLUE, BLUE_TINT, INK, LINE, Metrics, Tone
from ui.widgets import TOUCH_HEIGHT, IconKind, ToneBox, button, icon_pixmap, label

ID_LENGTH = 12
_GROUP = 3
_EMPTY_SLOT = "_"


def grouped(digits: str) -> str:
    """`0012 3` -> `001 23_ ___ ___`: the grouping printed on the card, with empty slots."""
    slots = digits.ljust(ID_LENGTH, _EMPTY_SLOT)
    return " ".join(slots[i : i + _GROUP] for i in range(0, ID_LENGTH, _GROUP))


class DigitSlots(QWidget):
    """Twelve boxes in four groups of three, as printed on the card; the next one is marked."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("lbl_digits")
        self._digits = ""
        self._font_px = 64
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setSizePolicy(policy)

    def text(self) -> str:
        return grouped(self._digits)

    def set_digits(self, digits: str) -> None:
        self._digits = digits
        self.setAccessibleName(self.text())
        self.update()

    def set_font_px(self, font_px: int) -> None:
        self._font_px = font_px
        self.setFixedHeight(round(font_px * 1.6))

    def sizeHint(self) -> QSize:
        return QSize(self._font_px * 12, round(self._font_px * 1.6))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._font_px * 8, round(self._font_px * 1.6))

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        gap = self.width() * 0.012
        group_gap = gap * 4
        cell = (self.width() - gap * 8 - group_gap * 3) / ID_LENGTH
        height = self.height()
        font = QFont(self.font())
        font.setPixelSize(min(self._font_px, round(cell * 1.2)))
        # The bundled font is variable: QPainter needs the weight axis, setBold alone is ignored.
        font.setVariableAxis(QFont.Tag("wght"), 700)
        painter.setFont(font)
        x = 0.0
        for index in range(ID_LENGTH):
            rect = QRectF(x, 2, cell, height - 4)
            filled = index < len(self._digits)
            is_next = index == len(self._digits)
            painter.setPen(QPen(QColor(BLUE if is_next else LINE), 6 if is_next else 2))
            painter.setBrush(QColor("white" if filled or is_next else BLUE_TINT))
            painter.drawRoundedRect(rect.adjusted(3, 3, -3, -3), 10, 10)
            if filled:
                painter.setPen(QColor(INK))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._digits[index])
            x += cell + (group_gap if index % _GROUP == _GROUP - 1 else gap)


class KeypadPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self._digits = ""
        self._problem: Problem | None = None
        self.display = DigitSlots()
        self.count = label("muted", name="lbl_digit_count")
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem_box = ToneBox("lbl_problem")
        self.submit = button("key_submit", "primary", self._submit)

        self.keys: list[QPushButton] = []
        grid = QGridLayout()
        self.grid = grid
        order = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
        for index, digit in enumerate(order):
            grid.addWidget(self._digit_key(digit), index // 3, index % 3)
        self.backspace = button("key_backspace", "key", self._backspace)
        self.clear = button("key_clear", "key_text", self._clear)
        grid.addWidget(self.backspace, 3, 0)
        grid.addWidget(self._digit_key("0"), 3, 1)
        grid.addWidget(self.clear, 3, 2)
        for key in (self.backspace, self.clear):
            key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        entry = QVBoxLayout()
        entry.addWidget(self.display)
        entry.addWidget(self.count)
        entry.addWidget(self.problem_box)
        entry.addStretch(1)
        self.entry = entry
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.addLayout(entry)
        self.body.addLayout(grid, 1)
        self.content.addLayout(self.body, 1)

    def _digit_key(self, digit: str) -> QPushButton:
        key = button(f"key_{digit}", "key", lambda: self._type(digit))
        key.setText(digit)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.keys.append(key)
        return key

    @property
    def digits(self) -> str:
        return self._digits

    def entered(self) -> None:
        self._set_digits("")

    def left(self) -> None:
        # The digits are an ID number: keep them no longer than the screen is up.
        self._set_digits("")

    def show_state(self, state: FlowState) -> None:
        self._problem = state.problem
        self.title.setText(self.tr("Type the 12 digits of your ID number (CCCD)"))
        self.clear.setText(self.tr("Clear"))
        self.backspace.setAccessibleName(self.tr("Delete the last digit"))
        self.submit.setText(self.tr("Continue"))
        self._refresh()

    def _type(self, digit: str) -> None:
        if len(self._digits) < ID_LENGTH:
            self._problem = None  # the patient is correcting: the old complaint no longer applies
            self._set_digits(self._digits + digit)

    def _backspace(self) -> None:
        self._problem = None
        self._set_digits(self._digits[:-1])

    def _clear(self) -> None:
        self._problem = None
        self._set_digits("")

    def _submit(self) -> None:
        if len(self._digits) == ID_LENGTH:
            self._send(KeypadSubmitted(self._digits))

    def _set_digits(self, digits: str) -> None:
        self._digits = digits
        self._refresh()

    def _refresh(self) -> None:
        self.display.set_digits(self._digits)
        self.count.setText(self.tr("{typed} of 12 digits").format(typed=len(self._digits)))
        self.submit.setEnabled(len(self._digits) == ID_LENGTH)
        self.backspace.setEnabled(bool(self._digits))
        self.clear.setEnabled(bool(self._digits))
        if self._problem is not None:
            message = problem_message(self._problem)
            self.problem_box.set_message(Tone.BAD, message.what_happened, message.what_to_do)
        self.problem_box.setVisible(self._problem is not None)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        set_direction(self.body, metrics)
        # Continue sits under the keys in portrait, under the number in landscape, where
        # the keys need the whole height.
        self.entry.removeWidget(self.submit)
        self.content.removeWidget(self.submit)
        if metrics.portrait:
            self.content.addWidget(self.submit)
        else:
            self.entry.addWidget(self.submit)
        self.body.setSpacing(metrics.spacing * 2)
        self.grid.setSpacing(metrics.spacing)
        self.entry.setSpacing(metrics.spacing)
        self.display.set_font_px(metrics.px(76))
        side = metrics.px(72)
        self.backspace.setIcon(QIcon(icon_pixmap(IconKind.BACKSPACE, side * 2, BLUE)))
        self.backspace.setIconSize(QSize(side, side))
        self.problem_box.apply_scale(metrics.px(56), metrics.px(20))
        key_height = metrics.px(150) if metrics.portrait else metrics.touch
        for key in [*self.keys, self.backspace, self.clear]:
            key.setProperty(TOUCH_HEIGHT, key_height)
