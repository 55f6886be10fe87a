"""PRINTER_FAULT: the visit is registered but no paper came out; show the number to remember."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.core.flow import FlowState, Problem
from ui.messages import problem_message
from ui.screens.base import Send
from ui.screens.ticket import QueueNumberPage, ticket_rows
from ui.theme import Metrics, Tone
from ui.widgets import IconKind, ToneBox, label


class PrinterFaultPage(QueueNumberPage):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.your_number = label("heading", name="lbl_your_number")
        self.your_number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.advice = ToneBox("lbl_advice")

        self.add_number_beside_details(self.your_number, self.number, self.advice)
        self.content.addWidget(self.done)

    def show_state(self, state: FlowState) -> None:
        message = problem_message(Problem.PRINTER_FAULT)
        self.title.setText(message.what_happened)
        self.your_number.setText(self.tr("Your queue number"))
        ticket = state.ticket
        self.number.setText(ticket.queue_label if ticket else "")
        self.advice.set_message(Tone.WARN, message.what_to_do, icon=IconKind.PRINTER)
        self.details.set_rows(ticket_rows(state, ticket) if ticket else [])
        self.done.setText(self.tr("Done"))

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.advice.apply_scale(metrics.px(64), metrics.px(24))
