"""SERVICE: an insurance visit (only when the card was accepted) or a paid one, or the counter."""

from __future__ import annotations

from kiosk.core.domain import ServiceType
from kiosk.core.flow import FlowState, Pressed, ServiceChosen
from ui.messages import insurance_message
from ui.screens.base import Page, Send
from ui.screens.patient_header import PatientHeader
from ui.theme import Metrics
from ui.widgets import TileButton, button, label


class ServicePage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.header = PatientHeader(self.sender_of(Pressed.DETAILS))
        self.question = label("body", name="lbl_question")
        self.insurance = TileButton(
            "btn_service_insurance", self.sender_of(ServiceChosen(ServiceType.INSURANCE))
        )
        self.paid = TileButton("btn_service_paid", self.sender_of(ServiceChosen(ServiceType.PAID)))
        self.counter = button("btn_counter", "secondary", self.sender_of(Pressed.COUNTER))
        self.content.insertWidget(0, self.header)
        self.fill(self.question, self.insurance, self.paid, bottom=self.counter)

    def show_state(self, state: FlowState) -> None:
        accepted = state.insurance_accepted
        self.header.show_state(state)
        self.title.setText(self.tr("Choose the type of visit"))
        self.question.setText(self.tr("How will the visit be paid?"))
        if accepted:
            insurance_line = self.tr("Paid by your health insurance card (BHYT).")
        elif state.insurance_status is not None:
            reason = insurance_message(state.insurance_status).what_happened
            insurance_line = self.tr("Not available: {reason}").format(reason=reason)
        else:
            insurance_line = self.tr("Not available today.")
        self.insurance.set_texts(self.tr("Health insurance visit (BHYT)"), [insurance_line])
        self.insurance.setEnabled(accepted)
        self.insurance.set_primary(accepted)
        self.paid.set_texts(
            self.tr("Paid service visit"), [self.tr("You pay the hospital fee yourself.")]
        )
        self.paid.set_primary(not accepted)
        self.counter.setText(self.tr("Go to the reception counter"))
        self.counter.setVisible(not accepted)

    def left(self) -> None:
        self.header.clear()  # nothing of this patient stays in hidden widgets

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.header.apply_metrics(metrics)
        for tile in (self.insurance, self.paid):
            tile.apply_scale(metrics.px(40), metrics.px(30), metrics.px(180))
