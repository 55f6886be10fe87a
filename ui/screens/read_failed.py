"""READ_FAILED: the code could not be used; show it again or type the number."""

from __future__ import annotations

from kiosk.core.flow import FlowState, Pressed, Problem
from ui.screens.base import Send
from ui.screens.notice import NoticePage


class ReadFailedPage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.retry = self.add_action("btn_retry", "primary", Pressed.RETRY)
        self.keypad = self.add_action("btn_keypad", "secondary", Pressed.KEYPAD)

    def show_state(self, state: FlowState) -> None:
        self.show_problem(state.problem or Problem.CODE_MALFORMED)
        self.retry.setText(self.tr("Try again"))
        self.keypad.setText(self.tr("Type your ID number (CCCD)"))
