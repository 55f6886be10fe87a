"""PATIENT_SUMMARY: who the kiosk found, their insurance status in words, then go on."""

from __future__ import annotations

from kiosk.core.domain import IdentityCheck, NameSource
from kiosk.core.flow import FlowState, Pressed
from kiosk.core.privacy import mask_id
from ui.messages import insurance_message, insurance_tone, priority_name, sex_name
from ui.phrases import age_text
from ui.screens.base import (
    Page,
    Send,
    action_row,
    arrange_actions,
    arrange_columns,
    column,
    columns,
)
from ui.theme import Metrics, Tone
from ui.widgets import IconKind, InfoCard, ToneBox, button

_CHIP_NOTES = frozenset(
    {IdentityCheck.CHIP_VERIFIED, IdentityCheck.CHIP_READ, IdentityCheck.CHIP_FAILED}
)


class PatientSummaryPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.details = InfoCard()
        self.chip = ToneBox("lbl_chip_verified")
        self.insurance = ToneBox("lbl_insurance")
        self.priority = ToneBox("lbl_priority")
        self.continue_ = button("btn_continue", "primary", self.sender_of(Pressed.CONTINUE))
        self.history = button("btn_history", "secondary", self.sender_of(Pressed.HISTORY))

        self.side_columns = (
            column(self.details, self.chip),
            column(self.insurance, self.priority),
        )
        self.columns = columns(*self.side_columns)
        self.buttons = action_row(self.history, self.continue_)
        self.content.addLayout(self.columns, 1)
        self.content.addLayout(self.buttons)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(self.tr("Your details"))
        patient = state.patient
        rows: list[tuple[str, str]] = []
        if patient is not None:
            rows.append((self.tr("Name"), patient.full_name))
            citizen_id = patient.citizen_id or (state.identity and state.identity.citizen_id)
            if citizen_id:
                rows.append((self.tr("ID number"), mask_id(citizen_id)))
            if state.age is not None:
                rows.append((self.tr("Age"), age_text(state.age)))
            rows.append((self.tr("Sex"), sex_name(patient.sex)))
        self.details.set_rows(rows)

        check = state.identity_check
        self.chip.setVisible(check in _CHIP_NOTES)
        name_note = self.name_source_note(state)
        if check is IdentityCheck.CHIP_VERIFIED:
            self.chip.set_message(
                Tone.OK, self.tr("Verified with the card's chip"), name_note, icon=IconKind.SHIELD
            )
        elif check is IdentityCheck.CHIP_READ:
            self.chip.set_message(
                Tone.INFO, self.tr("Read from the card's chip"), name_note, icon=IconKind.CARD
            )
        elif check is IdentityCheck.CHIP_FAILED:
            self.chip.set_message(
                Tone.WARN,
                self.tr("The card's chip could not be read"),
                self.tr("Your details come from the QR code or the number you typed."),
            )

        status = state.insurance_status
        self.insurance.setVisible(status is not None)
        if status is not None:
            message = insurance_message(status)
            self.insurance.set_message(
                insurance_tone(status), message.what_happened, message.what_to_do
            )

        self.priority.setVisible(state.auto_priority.is_priority)
        self.priority.set_message(
            Tone.INFO,
            self.tr("You will be served with priority: {group}").format(
                group=priority_name(state.auto_priority)
            ),
        )
        self.continue_.setText(self.tr("Continue"))
        self.history.setText(self.tr("See my past visits"))

    def name_source_note(self, state: FlowState) -> str:
        """Where the name shown came from, when the chip gave it some other way than DG13."""
        identity, patient = state.identity, state.patient
        if identity is None or patient is None or patient.full_name != identity.full_name:
            return ""  # the name shown is the hospital's own record of it
        if identity.name_source is NameSource.CHIP_MRZ:
            return self.tr("Name as in the chip's machine-readable zone (without accents)")
        if identity.name_source is NameSource.QR_CODE:
            return self.tr("Name from the QR code on the card, matching the chip")
        return ""

    def left(self) -> None:
        self.details.clear()  # nothing of this patient stays in hidden widgets

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        arrange_columns(self.columns, metrics)
        self.columns.setSpacing(metrics.spacing)
        for side in self.side_columns:
            side.setSpacing(metrics.spacing)
        arrange_actions(self.buttons, metrics)
        self.details.apply_scale(metrics.px(32), metrics.px(18))
        for box in (self.chip, self.insurance, self.priority):
            box.apply_scale(metrics.px(60), metrics.px(22))
