"""PLACE_CARD: the ID is known; the chip on the card confirms it is this patient's."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.core.flow import FlowState, Pressed
from ui.screens.base import Send
from ui.screens.notice import NoticePage
from ui.theme import Metrics, Tone
from ui.widgets import IconKind, Spinner, show_if


class PlaceCardPage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send, IconKind.CARD)
        self.spinner = Spinner()
        self.middle.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        self.skip = self.add_action("btn_skip_card", "secondary", Pressed.SKIP_CARD)

    def show_state(self, state: FlowState) -> None:
        reading = state.card_reading
        if reading:
            self.show_notice(
                IconKind.CARD,
                Tone.INFO,
                self.tr("Reading the card's chip…"),
                self.tr("Keep the card still on the reader."),
            )
        elif state.problem is not None:  # taken away too soon, or someone else's card
            self.show_problem(state.problem)
        else:
            self.show_notice(
                IconKind.CARD,
                Tone.INFO,
                self.tr("Now place your ID card (Căn cước / CCCD) on the card reader"),
                self.tr(
                    "The kiosk reads the chip to confirm your details. "
                    "Keep the card there until the next screen appears."
                ),
            )
        show_if(self.spinner, reading)
        show_if(self.skip, not reading)
        self.skip.setText(self.tr("Continue without the card"))

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        side = metrics.px(120)
        self.spinner.setFixedSize(side, side)
