"""ALREADY_CHECKED_IN: the patient has a number for today already. Print that ticket again,
or register for another department as well."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.core.flow import FlowState, Pressed
from ui.phrases import department_name, room_floor
from ui.screens.base import Page, Send, action_row, arrange_actions
from ui.screens.patient_header import PatientHeader
from ui.theme import Metrics
from ui.widgets import InfoCard, button, fit_label, label


class AlreadyCheckedInPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.header = PatientHeader()
        self.number = fit_label("huge", name="lbl_queue_label")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = InfoCard()
        self.question = label("heading", name="lbl_question")
        self.reprint = button("btn_reprint", "primary", self.sender_of(Pressed.REPRINT))
        self.other = button(
            "btn_another_clinic", "secondary", self.sender_of(Pressed.ANOTHER_CLINIC)
        )
        self.buttons = action_row(self.other, self.reprint)
        self.content.insertWidget(0, self.header)
        self.fill(self.number, self.details, self.question, bottom=self.buttons)

    def show_state(self, state: FlowState) -> None:
        self.header.show_state(state)
        self.title.setText(self.tr("You already have a number for today"))
        visit = state.visits_today[-1] if state.visits_today else None
        self.number.setText(visit.queue_label if visit else "")
        rows: list[tuple[str, str]] = []
        if visit is not None:
            department = state.department_by_code(visit.department_code)
            name = department_name(department, state.language) if department else ""
            rows.append((self.tr("Department"), name or visit.department_code))
            room, floor = visit.room, visit.floor
            if not room and department is not None:
                room, floor = department.room, department.floor
            if room:
                rows.append((self.tr("Where"), room_floor(room, floor)))
        self.details.set_rows(rows)
        self.question.setText(self.tr("Lost your ticket? We can print it again."))
        self.reprint.setText(self.tr("Print my ticket again"))
        self.other.setText(self.tr("Another department"))

    def left(self) -> None:
        self.header.clear()
        self.number.setText("")
        self.details.clear()  # nothing of this patient stays in hidden widgets

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.header.apply_metrics(metrics)
        self.details.apply_scale(metrics.px(36), metrics.px(22))
        arrange_actions(self.buttons, metrics)
