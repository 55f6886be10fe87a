"""APPOINTMENT: today's booked appointment; confirm it or choose another department."""

from __future__ import annotations

from kiosk.core.flow import FlowState, Pressed
from ui.phrases import department_name, room_floor
from ui.screens.base import Page, Send, action_row, arrange_actions
from ui.theme import Metrics
from ui.widgets import InfoCard, button, label


class AppointmentPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.question = label("heading", name="lbl_question")
        self.details = InfoCard()
        self.confirm = button(
            "btn_appointment_confirm", "primary", self.sender_of(Pressed.APPOINTMENT_CONFIRM)
        )
        self.other = button(
            "btn_appointment_other", "secondary", self.sender_of(Pressed.APPOINTMENT_DECLINE)
        )
        self.buttons = action_row(self.other, self.confirm)
        self.fill(self.details, self.question, bottom=self.buttons)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(self.tr("You have an appointment today"))
        appointment = state.todays_appointment
        rows: list[tuple[str, str]] = []
        if appointment is not None:
            rows.append((self.tr("Time"), appointment.starts_at.strftime("%H:%M")))
            department = state.department_by_code(appointment.department_code)
            if department is not None:
                rows.append((self.tr("Department"), department_name(department, state.language)))
                rows.append((self.tr("Where"), room_floor(department.room, department.floor)))
            if appointment.doctor_name:
                rows.append((self.tr("Doctor"), appointment.doctor_name))
        self.details.set_rows(rows)
        self.question.setText(self.tr("Do you want to check in for this appointment?"))
        self.confirm.setText(self.tr("Yes, check in"))
        self.other.setText(self.tr("Choose another department"))

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.details.apply_scale(metrics.px(36), metrics.px(20))
        arrange_actions(self.buttons, metrics)
