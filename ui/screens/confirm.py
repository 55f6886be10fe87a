"""CONFIRM: everything the visit will be registered with, one button to do it. The priority is
set from the patient's age; a patient in another priority group says so with the toggle."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.core.flow import FlowState, Pressed
from ui.fees import visit_cost
from ui.messages import priority_name, service_name
from ui.phrases import department_name, room_floor
from ui.screens.base import Page, Send
from ui.theme import Metrics, Tone
from ui.widgets import InfoCard, ToneBox, button, show_if


def priority_toggle_text(state: FlowState) -> str:
    """The priority toggle's words: declare a group, or change the one declared."""
    if state.effective_priority.is_priority:
        return QCoreApplication.translate("Confirm", "Change my priority group")
    return QCoreApplication.translate("Confirm", "I am in a priority group")


class ConfirmPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.details = InfoCard()
        self.printer = ToneBox("lbl_printer_down", tone=Tone.WARN)
        self.priority = button("btn_priority", "secondary", self.sender_of(Pressed.PRIORITY))
        self.confirm = button("btn_confirm", "primary", self.sender_of(Pressed.CONFIRM))
        self.fill(self.details, self.priority, self.printer, bottom=self.confirm)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(self.tr("Please check your choices"))
        rows: list[tuple[str, str]] = []
        if state.patient is not None:
            rows.append((self.tr("Name"), state.patient.full_name))
        if state.department is not None:
            rows.append((self.tr("Department"), department_name(state.department, state.language)))
            rows.append(
                (self.tr("Where"), room_floor(state.department.room, state.department.floor))
            )
        if state.appointment is not None:
            rows.append((self.tr("Appointment"), state.appointment.starts_at.strftime("%H:%M")))
        if state.service is not None:
            rows.append((self.tr("Visit type"), service_name(state.service)))
        cost = visit_cost(state.department, state.service) if state.department else None
        if cost is not None:
            rows.append(cost)
        priority = priority_name(state.effective_priority)
        if state.auto_priority.is_priority:
            priority = self.tr("{group} (from your age)").format(group=priority)
        rows.append((self.tr("Priority"), priority))
        self.details.set_rows(rows)
        self.priority.setText(priority_toggle_text(state))
        show_if(self.priority, not state.auto_priority.is_priority)  # the law decides by age
        show_if(self.printer, state.printer_down is not None)
        if state.printer_down is not None:
            self.printer.set_message(
                Tone.WARN,
                self.tr("The ticket printer is not working right now."),
                self.tr("Your number will be shown on the screen: please note it down."),
            )
        self.confirm.setText(self.tr("Confirm and get my number"))

    def left(self) -> None:
        self.details.clear()  # nothing of this patient stays in hidden widgets

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.details.apply_scale(metrics.px(36), metrics.px(22))
        self.printer.apply_scale(metrics.px(56), metrics.px(20))
