"""A page that tells the patient something went wrong and what to do: icon, words, buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout

from kiosk.core.flow import Event, Problem
from ui.messages import problem_message
from ui.screens.base import Page, Send
from ui.theme import TONE_COLOURS, Metrics, Tone
from ui.widgets import Icon, IconKind, button, label


class NoticePage(Page):
    """The title says what happened, the advice what to do; buttons sit at the bottom."""

    def __init__(self, send: Send, icon: IconKind = IconKind.WARNING) -> None:
        super().__init__(send)
        self.icon = Icon(icon, TONE_COLOURS[Tone.WARN][0])
        self.advice = label("body", name="lbl_advice")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.advice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.middle = QVBoxLayout()
        self.content.removeWidget(self.title)
        self.content.addStretch(1)
        self.content.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.content.addWidget(self.title)
        self.content.addWidget(self.advice)
        self.content.addLayout(self.middle)
        self.content.addStretch(2)
        self.buttons = QHBoxLayout()
        self.content.addLayout(self.buttons)

    def add_action(self, name: str, kind: str, event: Event) -> QPushButton:
        """A button at the bottom that sends `event`; the primary one is added first."""
        action = button(name, kind, self.sender_of(event))
        self.buttons.addWidget(action, 1)
        return action

    def show_notice(self, kind: IconKind, tone: Tone, what_happened: str, what_to_do: str) -> None:
        self.icon.set_icon(kind, TONE_COLOURS[tone][0])
        self.title.setText(what_happened)
        self.advice.setText(what_to_do)

    def show_problem(
        self, problem: Problem, kind: IconKind = IconKind.WARNING, tone: Tone = Tone.WARN
    ) -> None:
        message = problem_message(problem)
        self.show_notice(kind, tone, message.what_happened, message.what_to_do)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.icon.set_side(metrics.px(180 if metrics.portrait else 150))
        self.buttons.setSpacing(metrics.spacing)
        # The primary is added first and lands where every screen has it (arrange_actions):
        # on top of the stack in portrait, on the right in landscape.
        self.buttons.setDirection(
            QHBoxLayout.Direction.TopToBottom
            if metrics.portrait
            else QHBoxLayout.Direction.RightToLeft
        )
