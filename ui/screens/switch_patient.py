"""SWITCH_PATIENT: someone else's code was shown mid-session; start over for them, or go on."""

from __future__ import annotations

from kiosk.core.flow import FlowState, Pressed
from ui.screens.base import Send
from ui.screens.notice import NoticePage
from ui.theme import Tone
from ui.widgets import IconKind


class SwitchPatientPage(NoticePage):
    def __init__(self, send: Send) -> None:
        super().__init__(send, IconKind.INFO)
        self.switch = self.add_action("btn_switch", "primary", Pressed.SWITCH)
        self.keep = self.add_action("btn_keep_patient", "secondary", Pressed.BACK)

    def show_state(self, state: FlowState) -> None:
        self.show_notice(
            IconKind.INFO,
            Tone.INFO,
            self.tr("This code belongs to someone else"),
            self.tr(
                "Start over for the person whose code was just shown? The check-in on screen "
                "will be cancelled."
            ),
        )
        self.switch.setText(self.tr("Start over for this person"))
        self.keep.setText(self.tr("Go on with the current check-in"))
