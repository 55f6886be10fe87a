"""PRINTER_FAULT: the visit is registered but no paper came out; show the number to remember."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.core.flow import FlowState, Pressed, Problem
from ui.messages import problem_message
from ui.screens.base import Page, Send, arrange_columns, column, columns
from ui.screens.ticket import ticket_rows
from ui.theme import Metrics, Tone
from ui.widgets import IconKind, InfoCard, ToneBox, button, fit_label, label


class PrinterFaultPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.your_number = label("heading", name="lbl_your_number")
        self.your_number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number = fit_label("huge", name="lbl_queue_label")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.advice = ToneBox("lbl_advice")
        self.details = InfoCard()
        self.done = button("btn_done", "primary", self.sender_of(Pressed.DONE))

        self.number_column = column(self.your_number, self.number, self.advice)
        self.columns = columns(self.number_column, self.details)
        self.content.addLayout(self.columns, 1)
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
        arrange_columns(self.columns, metrics)
        self.columns.setSpacing(metrics.spacing * 2)
        self.number_column.setSpacing(metrics.spacing)
        self.details.apply_scale(metrics.px(36), metrics.px(22))
        self.advice.apply_scale(metrics.px(64), metrics.px(24))
