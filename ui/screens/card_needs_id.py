"""CARD_NEEDS_ID: a card was placed before anything else; its chip opens only with the ID."""

from __future__ import annotations

from kiosk.core.flow import FlowState, Pressed
from ui.screens.base import Send
from ui.screens.notice import NoticePage
from ui.theme import Tone
from ui.widgets import IconKind


class CardNeedsIdPage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send, IconKind.QR)
        self.keypad = self.add_action("btn_keypad", "secondary", Pressed.KEYPAD)

    def show_state(self, state: FlowState) -> None:
        self.show_notice(
            IconKind.QR,
            Tone.INFO,
            self.tr("Now show the QR code on your ID card to the camera"),
            self.tr(
                "The card's chip opens only with your ID number. Show the card's QR code (on "
                "the front or the back), then place the card on the reader again. Or type the "
                "12 digits."
            ),
        )
        self.keypad.setText(self.tr("Type your ID number (Căn cước / CCCD)"))
