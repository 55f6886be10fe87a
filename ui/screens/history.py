"""HISTORY: the patient's recent visits, shown only because they asked; Back returns."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from kiosk.core.domain import Visit
from kiosk.core.flow import FlowState
from ui.messages import history_unavailable_message
from ui.phrases import date_text
from ui.screens.base import Page, Send
from ui.theme import Metrics, Tone
from ui.widgets import ToneBox, clear_layout, label


class HistoryPage(Page):
    primary_back = True

    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.status = label("heading", name="lbl_history_status")
        self.problem_box = ToneBox("lbl_problem")
        self.list_widget = QWidget()
        self.list_widget.setProperty("page", True)
        self.visits = QVBoxLayout(self.list_widget)
        self.visits.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.list_widget)
        self.content.addWidget(self.status)
        self.content.addWidget(self.problem_box)
        self.content.addWidget(self.scroll_area, 1)
        self._visits: tuple[Visit, ...] = ()

    def show_state(self, state: FlowState) -> None:
        self.title.setText(self.tr("Your recent visits"))
        loading = state.history is None
        self.status.setText(self.tr("Loading…"))
        self.status.setVisible(loading)
        if state.problem is not None:
            message = history_unavailable_message()
            self.problem_box.set_message(Tone.WARN, message.what_happened, message.what_to_do)
        self.problem_box.setVisible(state.problem is not None)
        visits = state.history or ()
        if not loading and not visits and state.problem is None:
            self.status.setText(self.tr("No earlier visits are recorded."))
            self.status.setVisible(True)
        self._show_visits(visits)

    def left(self) -> None:
        self._show_visits(())  # health data leaves memory with the screen

    def _show_visits(self, visits: tuple[Visit, ...]) -> None:
        self._visits = visits
        clear_layout(self.visits)
        for visit in visits:
            self.visits.addWidget(self._visit_card(visit))
        self.visits.addStretch(1)

    def _visit_card(self, visit: Visit) -> QFrame:
        card = QFrame()
        card.setProperty("card", True)
        box = QVBoxLayout(card)
        when = label("heading")
        when.setText(f"{date_text(visit.visit_date)} · {visit.department_name}")
        box.addWidget(when)
        if visit.doctor_name:
            doctor = label("body")
            doctor.setText(self.tr("Doctor: {name}").format(name=visit.doctor_name))
            box.addWidget(doctor)
        if visit.diagnosis:
            diagnosis = label("body")
            diagnosis.setText(self.tr("Diagnosis: {text}").format(text=visit.diagnosis))
            box.addWidget(diagnosis)
        if self.metrics is not None:
            pad = self.metrics.px(28)
            box.setContentsMargins(pad, pad, pad, pad)
        return card

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.problem_box.apply_scale(metrics.px(60), metrics.px(22))
        self.visits.setSpacing(metrics.spacing)
        self._show_visits(self._visits)  # the cards' padding follows the new size
