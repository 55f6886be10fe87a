"""KEYPAD: type the 12-digit ID number on big on-screen keys (no OS keyboard); BIRTH_DATE:
the same keys for a date of birth, when a BAC-only chip needs it.

In a crowded hall the ID number shows masked, all but the digit just typed; the 12th digit
sends it at once (the same event as Continue): one tap fewer for every keypad check-in.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen
from PySide6.QtWidgets import (
    QBoxLayout,
    QSizePolicy,
    QWidget,
)

from kiosk.core.flow import BirthDateSubmitted, Event, FlowState, KeypadSubmitted, Pressed, Problem
from ui.messages import problem_message
from ui.screens.base import Page, Send, column, set_direction
from ui.theme import BLUE, BLUE_TINT, INK, LINE, Metrics, Tone
from ui.widgets import TOUCH_HEIGHT, IconKind, ToneBox, button, digit_pad, icon_pixmap, label

ID_GROUPS = (3, 3, 3, 3)  # as printed on the card
DATE_GROUPS = (2, 2, 4)  # dd mm yyyy
_EMPTY_SLOT = "_"
MASK = "•"


def masked(digits: str) -> str:
    """Every digit but the last typed one hidden: `00104` -> `••••4`."""
    return MASK * (len(digits) - 1) + digits[-1:]


def grouped(digits: str, groups: tuple[int, ...] = ID_GROUPS, joiner: str = " ") -> str:
    """`0012 3` -> `001 23_ ___ ___`: the digits in their groups, with empty slots."""
    slots = digits.ljust(sum(groups), _EMPTY_SLOT)
    parts, start = [], 0
    for size in groups:
        parts.append(slots[start : start + size])
        start += size
    return joiner.join(parts)


class DigitSlots(QWidget):
    """A box per digit, in groups (the ID as printed on the card, or a date); the next one is
    marked."""

    def __init__(
        self, groups: tuple[int, ...] = ID_GROUPS, joiner: str = " ", *, mask: bool = False
    ) -> None:
        super().__init__()
        self.setObjectName("lbl_digits")
        self._mask = mask
        self._groups = groups
        self._joiner = joiner
        self._length = sum(groups)
        self._ends = {sum(groups[: i + 1]) - 1 for i in range(len(groups) - 1)}
        self._digits = ""
        self._font_px = 64
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setSizePolicy(policy)

    def shown(self) -> str:
        """The characters drawn in the boxes: the digits, or all but the last one masked."""
        return masked(self._digits) if self._mask else self._digits

    def text(self) -> str:
        return grouped(self.shown(), self._groups, self._joiner)

    def set_digits(self, digits: str) -> None:
        self._digits = digits
        self.setAccessibleName(self.text())
        self.update()

    def set_font_px(self, font_px: int) -> None:
        self._font_px = font_px
        self.setFixedHeight(round(font_px * 1.6))

    def sizeHint(self) -> QSize:
        return QSize(self._font_px * self._length, round(self._font_px * 1.6))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._font_px * 8, round(self._font_px * 1.6))

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        gap = self.width() * 0.012
        group_gap = gap * 4
        breaks = len(self._ends)
        cell = (
            self.width() - gap * (self._length - 1 - breaks) - group_gap * breaks
        ) / self._length
        height = self.height()
        font = QFont(self.font())
        font.setPixelSize(min(self._font_px, round(cell * 1.2)))
        # The bundled font is variable: QPainter needs the weight axis, setBold alone is ignored.
        font.setVariableAxis(QFont.Tag("wght"), 700)
        painter.setFont(font)
        shown = self.shown()
        x = 0.0
        for index in range(self._length):
            rect = QRectF(x, 2, cell, height - 4)
            filled = index < len(self._digits)
            is_next = index == len(self._digits)
            painter.setPen(QPen(QColor(BLUE if is_next else LINE), 6 if is_next else 2))
            painter.setBrush(QColor("white" if filled or is_next else BLUE_TINT))
            painter.drawRoundedRect(rect.adjusted(3, 3, -3, -3), 10, 10)
            if filled:
                painter.setPen(QColor(INK))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, shown[index])
            x += cell + (group_gap if index in self._ends else gap)


class KeypadPage(Page):
    """The 12-digit ID; subclasses change what is typed (GROUPS, the texts, the event)."""

    GROUPS: tuple[int, ...] = ID_GROUPS
    JOINER = " "
    MASKED = True  # an ID number: hidden from the people queueing behind
    AUTO_SUBMIT = True  # the 12th digit sends the number

    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self._digits = ""
        self._length = sum(self.GROUPS)
        self._problem: Problem | None = None
        self.display = DigitSlots(self.GROUPS, self.JOINER, mask=self.MASKED)
        self.count = label("muted", name="lbl_digit_count")
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem_box = ToneBox("lbl_problem")
        self.submit = button("key_submit", "primary", self._submit)
        # Secondary first, primary last, stacked bottom to top: the primary is always on top,
        # as in every other screen's actions (ui.screens.base.arrange_actions).
        self.action_box = QWidget()
        self.action_stack = QBoxLayout(QBoxLayout.Direction.BottomToTop, self.action_box)
        self.action_stack.setContentsMargins(0, 0, 0, 0)
        self.action_stack.addWidget(self.submit)

        self.grid, self.keys, self.backspace, self.clear = digit_pad(
            "key", self._type, self._backspace, self._clear
        )

        self.entry = column(self.display, self.count, self.problem_box)
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.addLayout(self.entry)
        self.body.addLayout(self.grid, 1)
        self.content.addLayout(self.body, 1)

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
        self.title.setText(self.heading())
        self.clear.setText(self.tr("Clear"))
        self.backspace.setAccessibleName(self.tr("Delete the last digit"))
        self.submit.setText(self.tr("Continue"))
        self._refresh()

    def heading(self) -> str:
        return self.tr("Type the 12 digits of your ID number (Căn cước / CCCD)")

    def count_text(self, typed: int) -> str:
        return self.tr("{typed} of 12 digits").format(typed=typed)

    def submitted(self, digits: str) -> Event:
        return KeypadSubmitted(digits)

    def _type(self, digit: str) -> None:
        if len(self._digits) < self._length:
            self._problem = None  # the patient is correcting: the old complaint no longer applies
            self._set_digits(self._digits + digit)
            if self.AUTO_SUBMIT and len(self._digits) == self._length:
                self._submit()

    def _backspace(self) -> None:
        self._problem = None
        self._set_digits(self._digits[:-1])

    def _clear(self) -> None:
        self._problem = None
        self._set_digits("")

    def _submit(self) -> None:
        if len(self._digits) == self._length:
            self._send(self.submitted(self._digits))

    def _set_digits(self, digits: str) -> None:
        self._digits = digits
        self._refresh()

    def _refresh(self) -> None:
        self.display.set_digits(self._digits)
        self.count.setText(self.count_text(len(self._digits)))
        self.submit.setEnabled(len(self._digits) == self._length)
        self.backspace.setEnabled(bool(self._digits))
        self.clear.setEnabled(bool(self._digits))
        if self._problem is not None:
            message = problem_message(self._problem)
            self.problem_box.set_message(Tone.BAD, message.what_happened, message.what_to_do)
        self.problem_box.setVisible(self._problem is not None)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        set_direction(self.body, metrics)
        # The actions sit under the keys in portrait, under the number in landscape, where
        # the keys need the whole height.
        self.entry.removeWidget(self.action_box)
        self.content.removeWidget(self.action_box)
        if metrics.portrait:
            self.content.addWidget(self.action_box)
        else:
            self.entry.addWidget(self.action_box)
        self.action_stack.setSpacing(metrics.spacing)
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


class BirthDatePage(KeypadPage):
    """The date of birth, day month year, for a chip that opens only with it (BAC)."""

    GROUPS = DATE_GROUPS
    JOINER = "/"
    MASKED = False  # a date is checked by eye before it is sent
    AUTO_SUBMIT = False

    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.skip = button("btn_skip_card", "secondary", self.sender_of(Pressed.SKIP_CARD))
        self.action_stack.insertWidget(0, self.skip)  # under Continue

    def show_state(self, state: FlowState) -> None:
        super().show_state(state)
        self.skip.setText(self.tr("Continue without the card"))

    def heading(self) -> str:
        return self.tr("This card's chip needs your date of birth: day, month, year")

    def count_text(self, typed: int) -> str:
        return self.tr("{typed} of 8 digits, e.g. 17051990 for 17/05/1990").format(typed=typed)

    def submitted(self, digits: str) -> Event:
        return BirthDateSubmitted(digits)
