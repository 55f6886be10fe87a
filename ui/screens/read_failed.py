"""READ_FAILED: the code could not be used; show it again or type the number.

When the reason was the hospital system being down, the words follow the live link: once it
answers again the screen says so instead of still blaming an outage that is over.
"""

from __future__ import annotations

from kiosk.core.flow import FlowState, Pressed, Problem
from ui.messages import hospital_back_message
from ui.screens.base import Send
from ui.screens.notice import NoticePage
from ui.theme import Tone
from ui.widgets import IconKind


class ReadFailedPage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.retry = self.add_action("btn_retry", "primary", Pressed.RETRY)
        self.keypad = self.add_action("btn_keypad", "secondary", Pressed.KEYPAD)
        # The outage was seen while this screen was up. A call can fail a moment before the
        # health monitor calls the link down: "back" is said only after "down" was seen.
        self._saw_offline = False

    def entered(self) -> None:
        self._saw_offline = False

    def show_state(self, state: FlowState) -> None:
        problem = state.problem or Problem.CODE_MALFORMED
        self._saw_offline = self._saw_offline or state.hospital_offline
        if (
            problem is Problem.CODE_NEEDS_HOSPITAL
            and self._saw_offline
            and not state.hospital_offline
        ):
            back = hospital_back_message(retry_shows_code=True)
            self.show_notice(IconKind.CHECK, Tone.OK, back.what_happened, back.what_to_do)
        else:
            self.show_problem(problem)
        self.retry.setText(self.tr("Try again"))
        self.keypad.setText(self.tr("Type your ID number (Căn cước / CCCD)"))
