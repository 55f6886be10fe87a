"""LOOKING_UP, CREATING_PATIENT, REGISTERING, PRINTING: one message and a moving indicator."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.core.flow import FlowState, Screen
from ui.screens.base import Page, Send
from ui.theme import Metrics
from ui.widgets import Spinner, label


class BusyPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.spinner = Spinner()
        self.wait = label("body", name="lbl_wait")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.wait.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.content.removeWidget(self.title)
        self.content.addStretch(2)
        self.content.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        self.content.addWidget(self.title)
        self.content.addWidget(self.wait)
        self.content.addStretch(3)

    def show_state(self, state: FlowState) -> None:
        titles = {
            Screen.LOOKING_UP: self.tr("Looking up your record…"),
            Screen.CREATING_PATIENT: self.tr("Creating your new record…"),
            Screen.REGISTERING: self.tr("Registering your visit…"),
            Screen.PRINTING: self.tr("Printing your ticket…"),
        }
        self.title.setText(titles[state.screen])
        self.wait.setText(self.tr("Please wait a moment."))

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        side = metrics.px(220)
        self.spinner.setFixedSize(side, side)
