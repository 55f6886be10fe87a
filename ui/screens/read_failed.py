"""READ_FAILED: the code could not be used; show it again or type the number."""

from __future__ import annotations

from kiosk.core.flow import FlowState, Pressed, Problem
from ui.messages import problem_message
from ui.screens.base import Send
from ui.screens.notice import NoticePage
from ui.theme import Tone
from ui.widgets import IconKind, button


class ReadFailedPage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.retry = button("btn_retry", "primary", self.sender_of(Pressed.RETRY))
        self.keypad = button("btn_keypad", "secondary", self.sender_of(Pressed.KEYPAD))
        self.add_button(self.retry)
        self.add_button(self.keypad)

    def show_state(self, state: FlowState) -> None:
        self.set_icon(IconKind.WARNING, Tone.WARN)
        self.show_message(problem_message(state.problem or Problem.CODE_MALFORMED))
        self.retry.setText(self.tr("Try again"))
        self.keypad.setText(self.tr("Type your ID number (CCCD)"))
