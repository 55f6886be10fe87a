"""HOSPITAL_UNAVAILABLE and GO_TO_COUNTER: the kiosk cannot finish; say why and what next."""

from __future__ import annotations

from kiosk.core.flow import FlowState, Pressed, Problem
from ui.messages import PatientMessage, insurance_message, problem_message
from ui.screens.base import Send
from ui.screens.notice import NoticePage
from ui.theme import Metrics, Tone
from ui.widgets import IconKind, ToneBox


class HospitalUnavailablePage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.retry = self.add_action("btn_retry", "primary", Pressed.RETRY)
        self.done = self.add_action("btn_done", "secondary", Pressed.DONE)

    def show_state(self, state: FlowState) -> None:
        self.show_problem(state.problem or Problem.HOSPITAL_UNAVAILABLE)
        self.retry.setText(self.tr("Try again"))
        self.done.setText(self.tr("Done"))


class GoToCounterPage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send, IconKind.INFO)
        self.reason = ToneBox("lbl_reason")
        self.middle.addWidget(self.reason)
        self.done = self.add_action("btn_done", "primary", Pressed.DONE)

    def show_state(self, state: FlowState) -> None:
        problem = state.problem or Problem.REGISTRATION_REJECTED
        reason = problem_message(problem)
        status = state.insurance_status
        if problem is Problem.INSURANCE_NOT_ACCEPTED and status is not None:
            # The insurance status says more than "not accepted": name the actual reason.
            reason = PatientMessage(insurance_message(status).what_happened, reason.what_to_do)
        title = self.tr("Please go to the reception counter")
        self.show_notice(IconKind.INFO, Tone.INFO, title, reason.what_to_do)
        self.reason.set_message(Tone.WARN, reason.what_happened)
        self.done.setText(self.tr("Done"))

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.reason.apply_scale(metrics.px(60), metrics.px(24))
