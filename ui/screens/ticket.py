"""TICKET: the queue number, huge, with where to go; take the ticket and finish.

Its only way out is Done (the window shows no Cancel here: beside a number just issued,
"Cancel" reads as "cancel my number")."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.core.domain import Ticket
from kiosk.core.flow import FlowState, Pressed
from ui.messages import provisional_instruction
from ui.phrases import department_directions, department_name, room_floor
from ui.screens.base import Page, Send, arrange_columns, column, columns
from ui.theme import BLUE, Metrics, Tone
from ui.widgets import Icon, IconKind, InfoCard, ToneBox, button, fit_label, label, show_if


def ticket_rows(state: FlowState, ticket: Ticket) -> list[tuple[str, str]]:
    """Where to go, in the patient's language when the hospital gave an English name."""
    department = state.department
    if department is not None:
        name = department_name(department, state.language)
        directions = department_directions(department, state.language)
    else:
        name, directions = ticket.department_name, ticket.directions
    rows = [
        (QCoreApplication.translate("Ticket", "Department"), name),
        (QCoreApplication.translate("Ticket", "Where"), room_floor(ticket.room, ticket.floor)),
    ]
    if directions:
        rows.append((QCoreApplication.translate("Ticket", "How to get there"), directions))
    return rows


class QueueNumberPage(Page):
    """The queue number, huge, in a column beside where to go, and a Done button."""

    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number = fit_label("huge", name="lbl_queue_label")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = InfoCard()
        self.done = button("btn_done", "primary", self.sender_of(Pressed.DONE))

    def add_number_beside_details(self, *number_column: QWidget) -> None:
        """`number_column` (self.number among them) stacked beside the details."""
        self.number_column = column(*number_column)
        self.columns = columns(self.number_column, self.details)
        self.content.addLayout(self.columns, 1)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        arrange_columns(self.columns, metrics)
        self.columns.setSpacing(metrics.spacing * 2)
        self.number_column.setSpacing(metrics.spacing)
        self.details.apply_scale(metrics.px(36), metrics.px(22))


class TicketPage(QueueNumberPage):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.provisional = ToneBox("lbl_provisional")
        self.reprint = ToneBox("lbl_reprint", tone=Tone.INFO)
        self.take_icon = Icon(IconKind.PRINTER)
        self.take = label("heading", name="lbl_take_ticket")

        self.add_number_beside_details(self.number, self.reprint, self.provisional)
        take_row = QHBoxLayout()
        take_row.addWidget(self.take_icon)
        take_row.addWidget(self.take, 1)
        self.take_row = take_row
        self.content.addLayout(take_row)
        self.content.addWidget(self.done)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(self.tr("Your queue number"))
        ticket = state.ticket
        self.number.setText(ticket.queue_label if ticket else "")
        rows = ticket_rows(state, ticket) if ticket else []
        reprint = bool(ticket and ticket.reprint)
        if ticket is not None and not reprint:  # a reprint's queue has moved on: no figures
            rows.append((self.tr("People ahead of you"), str(ticket.people_ahead)))
            rows.append(
                (
                    self.tr("Estimated wait"),
                    self.tr("about {minutes} min").format(minutes=ticket.estimated_wait_minutes),
                )
            )
        self.details.set_rows(rows)
        show_if(self.reprint, reprint)
        if reprint:
            self.reprint.set_message(
                Tone.INFO,
                self.tr("Reprint"),
                self.tr("The number you were given earlier today, printed again."),
                icon=IconKind.PRINTER,
            )
        provisional = bool(ticket and ticket.provisional)
        self.provisional.setVisible(provisional)
        # The same sentence as the offline banner and the paper: one instruction, not three.
        self.provisional.set_message(Tone.WARN, provisional_instruction())
        self.take.setText(self.tr("Please take your ticket from the printer."))
        self.done.setText(self.tr("Done"))

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.take_row.setSpacing(metrics.spacing)
        self.provisional.apply_scale(metrics.px(56), metrics.px(20))
        self.reprint.apply_scale(metrics.px(56), metrics.px(20))
        self.take_icon.set_side(metrics.px(90))
        self.take_icon.set_icon(IconKind.PRINTER, BLUE)
