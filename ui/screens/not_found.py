"""NOT_FOUND: no hospital record yet; offer a new one, or explain why the card is needed."""

from __future__ import annotations

from kiosk.core.domain import Identity
from kiosk.core.flow import FlowState, Pressed, Problem
from kiosk.core.privacy import mask_id
from ui.phrases import birth_text
from ui.screens.base import Send
from ui.screens.notice import NoticePage
from ui.theme import Metrics, Tone
from ui.widgets import IconKind, InfoCard


class NotFoundPage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send, IconKind.INFO)
        self.details = InfoCard()
        self.middle.addWidget(self.details)
        self.register = self.add_action("btn_register_new", "primary", Pressed.REGISTER_NEW)
        self.done = self.add_action("btn_done", "primary", Pressed.DONE)

    def show_state(self, state: FlowState) -> None:
        needs_card = state.problem is Problem.NEEDS_CARD_TO_REGISTER
        if needs_card:
            self.show_problem(Problem.NEEDS_CARD_TO_REGISTER, IconKind.INFO, Tone.INFO)
        else:
            self.show_notice(
                IconKind.INFO,
                Tone.INFO,
                self.tr("You have no record at this hospital yet"),
                self.tr("Shall we create a new record with these details?"),
            )
        rows = self._rows(state.identity) if state.identity else []
        self.details.set_rows(rows)
        self.details.setVisible(bool(rows))
        self.register.setText(self.tr("Create a new record"))
        self.register.setVisible(not needs_card)
        self.done.setText(self.tr("Done"))
        self.done.setVisible(needs_card)

    def left(self) -> None:
        self.details.clear()  # nothing of this patient stays in hidden widgets

    def _rows(self, identity: Identity) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        if identity.full_name:
            rows.append((self.tr("Name"), identity.full_name))
        if identity.citizen_id:
            rows.append((self.tr("ID number"), mask_id(identity.citizen_id)))
        if identity.insurance_number and identity.insurance_number != identity.citizen_id:
            rows.append((self.tr("Insurance card"), mask_id(identity.insurance_number)))
        if identity.birth:
            rows.append((self.tr("Date of birth"), birth_text(identity.birth)))
        return rows

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.details.apply_scale(metrics.px(32), metrics.px(16))
