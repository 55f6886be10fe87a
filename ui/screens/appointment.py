"""APPOINTMENT: today's booked appointment, straight after the identity: confirm it (this is
the confirmation: the ticket comes next) or choose another department."""

from __future__ import annotations

from kiosk.core.flow import FlowState, Pressed
from ui.messages import priority_name
from ui.phrases import department_name, room_floor
from ui.screens.base import Page, Send, action_row, arrange_actions
from ui.screens.confirm import priority_toggle_text
from ui.screens.patient_header import PatientHeader
from ui.theme import Metrics
from ui.widgets import InfoCard, button, label


class AppointmentPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.header = PatientHeader()
        self.question = label("heading", name="lbl_question")
        self.details = InfoCard()
        self.priority = button("btn_priority", "secondary", self.sender_of(Pressed.PRIORITY))
        self.confirm = button(
            "btn_appointment_confirm", "primary", self.sender_of(Pressed.APPOINTMENT_CONFIRM)
        )
        self.other = button(
            "btn_appointment_other", "secondary", self.sender_of(Pressed.APPOINTMENT_DECLINE)
        )
        self.buttons = action_row(self.other, self.confirm)
        self.content.insertWidget(0, self.header)
        self.fill(self.details, self.priority, self.question, bottom=self.buttons)

    def show_state(self, state: FlowState) -> None:
        self.header.show_state(state)
        self.title.setText(self.tr("You have an appointment today"))
        appointment = state.appointment or state.todays_appointment
        rows: list[tuple[str, str]] = []
        if appointment is not None:
            rows.append((self.tr("Time"), appointment.starts_at.strftime("%H:%M")))
            department = state.department_by_code(appointment.department_code)
            if department is not None:
                rows.append((self.tr("Department"), department_name(department, state.language)))
                rows.append((self.tr("Where"), room_floor(department.room, department.floor)))
            if appointment.doctor_name:
                rows.append((self.tr("Doctor"), appointment.doctor_name))
        if state.effective_priority.is_priority:
            rows.append((self.tr("Priority"), priority_name(state.effective_priority)))
        self.details.set_rows(rows)
        self.priority.setText(priority_toggle_text(state))
        self.priority.setVisible(not state.auto_priority.is_priority)
        self.question.setText(self.tr("Do you want to check in for this appointment?"))
        self.confirm.setText(self.tr("Yes, check in"))
        self.other.setText(self.tr("Choose another department"))

    def left(self) -> None:
        self.header.clear()
        self.details.clear()  # nothing of this patient stays in hidden widgets

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.header.apply_metrics(metrics)
        self.details.apply_scale(metrics.px(36), metrics.px(20))
        arrange_actions(self.buttons, metrics)
