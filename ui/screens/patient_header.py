"""The patient's name and insurance result, at the top of the first choice after identity."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QPushButton

from kiosk.core.flow import FlowState
from ui.messages import insurance_message, insurance_tone
from ui.theme import Metrics, Tone
from ui.widgets import ToneBox, button


class PatientHeader(ToneBox):
    """Who is checking in (so the wrong person notices at once) and what the insurance check
    said, in one box coloured by that result; "details" opens the patient summary."""

    def __init__(self, details: Callable[[], None] | None = None) -> None:
        super().__init__("lbl_patient_header")
        self.details: QPushButton | None = None
        if details is not None:
            self.details = button("btn_details", "secondary", details)
            self._row.addWidget(self.details, 0, Qt.AlignmentFlag.AlignVCenter)

    def show_state(self, state: FlowState) -> None:
        patient = state.patient
        self.setVisible(patient is not None)
        if patient is None:
            return
        if self.details is not None:
            self.details.setText(QCoreApplication.translate("PatientHeader", "Details"))
        status = state.insurance_status
        if status is None:
            body = QCoreApplication.translate("PatientHeader", "No health insurance card")
            self.set_message(Tone.INFO, patient.full_name, body)
            return
        self.set_message(
            insurance_tone(status), patient.full_name, insurance_message(status).what_happened
        )

    def clear(self) -> None:
        self.title.setText("")
        self.body.setText("")

    def apply_metrics(self, metrics: Metrics) -> None:
        self.apply_scale(metrics.px(48), metrics.px(20))
