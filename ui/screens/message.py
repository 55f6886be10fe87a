"""HOSPITAL_UNAVAILABLE: the hospital system cannot finish; say so and offer to try again."""

from __future__ import annotations

from kiosk.core.flow import FlowState, Pressed, Problem
from ui.messages import hospital_back_message
from ui.screens.base import Send
from ui.screens.notice import NoticePage
from ui.theme import Tone
from ui.widgets import IconKind


class HospitalUnavailablePage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.retry = self.add_action("btn_retry", "primary", Pressed.RETRY)
        self.done = self.add_action("btn_done", "secondary", Pressed.DONE)
        self._saw_offline = False  # as on READ_FAILED: "back" only after "down" was seen

    def entered(self) -> None:
        self._saw_offline = False

    def show_state(self, state: FlowState) -> None:
        self._saw_offline = self._saw_offline or state.hospital_offline
        if self._saw_offline and not state.hospital_offline:
            back = hospital_back_message(retry_shows_code=False)
            self.show_notice(IconKind.CHECK, Tone.OK, back.what_happened, back.what_to_do)
        else:
            self.show_problem(state.problem or Problem.HOSPITAL_UNAVAILABLE)
        self.retry.setText(self.tr("Try again"))
        self.done.setText(self.tr("Done"))
