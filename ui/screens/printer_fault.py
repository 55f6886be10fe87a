"""PRINTER_FAULT: the visit is registered but no paper came out; show the number to remember."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.core.flow import FlowState, Problem
from ui.messages import problem_message, provisional_instruction
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
        # No paper: a photo is the patient's copy of the number (staff can read it off a phone).
        self.photo_hint = label("strong", name="lbl_photo_hint")
        self.photo_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.add_number_beside_details(self.your_number, self.number, self.photo_hint, self.advice)
        self.content.addWidget(self.done)

    # Set by the window: whether a channel that reaches people took this fault's alert.
    staff_told = False

    def show_state(self, state: FlowState) -> None:
        message = problem_message(Problem.PRINTER_FAULT)
        self.title.setText(message.what_happened)
        self.your_number.setText(self.tr("Your queue number"))
        ticket = state.ticket
        self.number.setText(ticket.queue_label if ticket else "")
        self.photo_hint.setText(self.tr("Take a photo of this screen."))
        if self.staff_told:
            advice = self.tr(
                "Staff have been told about the printer. Please show them your number."
            )
        else:
            advice = message.what_to_do  # remember the number and show it to staff
        # A provisional number carries the one instruction it has everywhere (banner, paper).
        provisional = provisional_instruction() if ticket and ticket.provisional else ""
        self.advice.set_message(Tone.WARN, advice, provisional, icon=IconKind.PRINTER)
        self.details.set_rows(ticket_rows(state, ticket) if ticket else [])
        self.done.setText(self.tr("Done"))

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.number_column.setSpacing(metrics.spacing // 2)  # four parts share the column
        self.advice.apply_scale(metrics.px(64), metrics.px(24))
