"""GO_TO_COUNTER: the kiosk cannot finish; the patient leaves with a slip saying why, where and
when (or, if the printer fails, the slip's code on screen to tell staff)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.core.flow import FlowState, Pressed, Problem
from ui.messages import PatientMessage, insurance_message, problem_message
from ui.screens.base import Send
from ui.screens.notice import NoticePage
from ui.theme import Metrics, Tone
from ui.widgets import IconKind, ToneBox, fit_label


class CounterSlipPage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send, IconKind.INFO)
        self.reason = ToneBox("lbl_reason")
        self.code = fit_label("huge", name="lbl_counter_code")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.slip = ToneBox("lbl_counter_slip")
        for widget in (self.reason, self.code, self.slip):
            self.middle.addWidget(widget)
        self.done = self.add_action("btn_done", "primary", Pressed.DONE)

    def show_state(self, state: FlowState) -> None:
        problem = state.problem or Problem.REGISTRATION_REJECTED
        reason = problem_message(problem)
        status = state.insurance_status
        if problem is Problem.INSURANCE_NOT_ACCEPTED and status is not None:
            # The insurance status says more than "not accepted": name the actual reason.
            reason = PatientMessage(insurance_message(status).what_happened, reason.what_to_do)
        slip = state.counter_slip
        where = slip.counter_location if slip else ""
        if slip is not None and slip.counter_hours:
            where = self.tr("{place}, open {hours}").format(place=where, hours=slip.counter_hours)
        self.show_notice(
            IconKind.INFO, Tone.INFO, self.tr("Please go to the reception counter"), where
        )
        self.reason.set_message(Tone.WARN, reason.what_happened)
        failed = state.printer_problem is not None and not state.printed
        # The code is what staff need; on screen only when the paper could not carry it.
        self.code.setText(slip.reason_code if slip else "")
        self.code.setVisible(failed and slip is not None)
        if failed:
            self.slip.set_message(
                Tone.WARN,
                self.tr("The slip could not be printed."),
                self.tr("Tell the staff this code, or take a photo of this screen."),
            )
        elif state.printed:
            self.slip.set_message(Tone.OK, self.tr("Take your slip and show it at the counter."))
        else:
            self.slip.set_message(Tone.INFO, self.tr("Printing your slip for the counter…"))
        self.done.setText(self.tr("Done"))

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.reason.apply_scale(metrics.px(60), metrics.px(24))
        self.slip.apply_scale(metrics.px(60), metrics.px(24))
