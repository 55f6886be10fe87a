"""HISTORY: the patient's recent visits, shown only because they asked; Back returns.

Dates, clinics and doctors are shown; a diagnosis is health data that people standing behind
the patient could read in large type, so it appears only after an explicit "Show details" tap
and is gone again when the screen is left.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.core.domain import Visit
from kiosk.core.flow import FlowState
from ui.messages import history_unavailable_message
from ui.phrases import date_text
from ui.screens.base import Page, Send
from ui.theme import Metrics, Tone, font_for
from ui.widgets import ToneBox, button, clear_layout, label, show_if


class HistoryPage(Page):
    primary_back = True

    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.status = label("heading", name="lbl_history_status")
        self.problem_box = ToneBox("lbl_problem")
        self.details_button = button("btn_history_details", "secondary", self._toggle_details)
        self.list_widget = QWidget()
        self.list_widget.setProperty("page", True)
        self.visits = QVBoxLayout(self.list_widget)
        self.visits.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.list_widget)
        self.content.addWidget(self.status)
        self.content.addWidget(self.problem_box)
        self.content.addWidget(self.details_button)
        self.content.addWidget(self.scroll_area, 1)
        self._visits: tuple[Visit, ...] = ()
        self._details = False

    @property
    def details_shown(self) -> bool:
        return self._details

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

    def entered(self) -> None:
        self._details = False

    def left(self) -> None:
        self._details = False
        self._show_visits(())  # health data leaves memory with the screen

    def _toggle_details(self) -> None:
        self._details = not self._details
        self._show_visits(self._visits)

    def _show_visits(self, visits: tuple[Visit, ...]) -> None:
        self._visits = visits
        has_details = any(visit.diagnosis for visit in visits)
        show_if(self.details_button, has_details)
        self.details_button.setText(
            self.tr("Hide details") if self._details else self.tr("Show details (diagnoses)")
        )
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
        if visit.diagnosis and self._details:  # built only when asked for: not even hidden
            diagnosis = label("body", name="lbl_diagnosis")
            diagnosis.setText(self.tr("Diagnosis: {text}").format(text=visit.diagnosis))
            box.addWidget(diagnosis)
        if self.metrics is not None:
            pad = self.metrics.px(28)
            box.setContentsMargins(pad, pad, pad, pad)
            # Cards built by a tap, between renders, get their fonts here.
            for text in card.findChildren(QLabel):
                text.setFont(font_for(self.metrics, str(text.property("role"))))
        return card

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.problem_box.apply_scale(metrics.px(60), metrics.px(22))
        self.visits.setSpacing(metrics.spacing)
        self._show_visits(self._visits)  # the cards' padding follows the new size
