"""The patient's name and insurance result, at the top of the first choice after identity."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QPushButton

from kiosk.core.domain import IdentityCheck
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
            tone = Tone.INFO
            body = QCoreApplication.translate("PatientHeader", "No health insurance card")
        else:
            tone, body = insurance_tone(status), insurance_message(status).what_happened
        chip = _chip_line(state)
        self.set_message(tone, patient.full_name, f"{body}\n{chip}" if chip else body)

    def clear(self) -> None:
        self.title.setText("")
        self.body.setText("")

    def apply_metrics(self, metrics: Metrics) -> None:
        self.apply_scale(metrics.px(48), metrics.px(20))


def _chip_line(state: FlowState) -> str:
    """What the card's chip said so far: read while the patient chooses, or verified."""
    if state.chip_pending:
        return QCoreApplication.translate(
            "PatientHeader", "Reading your card's chip: leave the card on the reader."
        )
    if state.identity_check is IdentityCheck.CHIP_VERIFIED:
        return QCoreApplication.translate("PatientHeader", "Verified by the chip")
    return ""
