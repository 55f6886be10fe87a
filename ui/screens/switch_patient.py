"""SWITCH_PATIENT: someone else's code was shown mid-session; start over for them, or go on."""

from __future__ import annotations

from kiosk.core.flow import FlowState, Pressed
from ui.screens.base import Send
from ui.screens.notice import NoticePage
from ui.theme import Tone
from ui.widgets import IconKind, button


class SwitchPatientPage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send, IconKind.INFO)
        self.switch = button("btn_switch", "primary", self.sender_of(Pressed.SWITCH))
        self.keep = button("btn_keep_patient", "secondary", self.sender_of(Pressed.BACK))
        self.add_button(self.switch)
        self.add_button(self.keep)

    def show_state(self, state: FlowState) -> None:
        self.set_icon(IconKind.INFO, Tone.INFO)
        self.title.setText(self.tr("This code belongs to someone else"))
        self.advice.setText(
            self.tr(
                "Start over for the person whose code was just shown? The check-in on screen "
                "will be cancelled."
            )
        )
        self.switch.setText(self.tr("Start over for this person"))
        self.keep.setText(self.tr("Go on with the current check-in"))
