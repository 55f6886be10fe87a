"""WELCOME: invite the patient to tap their ID card or show a QR code; offer the keypad."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.core.flow import FlowState, Pressed
from ui.screens.base import Page, Send
from ui.theme import Metrics, Tone
from ui.widgets import Icon, IconKind, ToneBox, button, label


class _Option(QFrame):
    """One way to identify: big drawn icons above the words."""

    def __init__(self, icons: list[IconKind]) -> None:
        super().__init__()
        self.setProperty("card", True)
        self.icons = [Icon(kind) for kind in icons]
        self.preview: QWidget | None = None
        self.heading = label("heading")
        self.detail = label("body")
        for text in (self.heading, self.detail):
            text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        icon_row = QHBoxLayout()
        icon_row.addStretch(1)
        for icon in self.icons:
            icon_row.addWidget(icon)
        icon_row.addStretch(1)
        self.icon_row = icon_row
        self.box = QVBoxLayout(self)
        self.box.addLayout(icon_row)
        self.box.addWidget(self.heading)
        self.box.addWidget(self.detail)
        self.box.addStretch(1)

    def show_camera(self, preview: QWidget) -> None:
        """The live picture takes the icons' place: people aim better seeing themselves."""
        for icon in self.icons:
            icon.hide()
        self.preview = preview
        self.box.insertWidget(0, preview)

    def apply_metrics(self, m: Metrics) -> None:
        if self.preview is not None:
            self.preview.setFixedHeight(m.px(300 if m.portrait else 360))
        side = m.px(170 if m.portrait else 150)
        for icon in self.icons:
            icon.set_side(side)
        pad = m.px(32)
        self.box.setContentsMargins(pad, pad, pad, pad)
        self.box.setSpacing(m.px(16))
        self.icon_row.setSpacing(m.spacing)


class WelcomePage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.card = _Option([IconKind.QR, IconKind.CARD])
        self.or_label = label("heading")
        self.or_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr = _Option([IconKind.PHONE])
        self.options = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.options.addWidget(self.card, 1)
        self.options.addWidget(self.or_label)
        self.options.addWidget(self.qr, 1)
        self.keypad = button("btn_keypad", "secondary", self.sender_of(Pressed.KEYPAD))
        self.emergency = ToneBox("lbl_emergency", title_role="note", tone=Tone.BAD)
        self.content.addStretch(1)
        self.content.addLayout(self.options)
        self.content.addStretch(2)
        self.content.addWidget(self.keypad)
        self.content.addWidget(self.emergency)

    def show_camera(self, preview: QWidget) -> None:
        self.qr.show_camera(preview)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(self.tr("Welcome! Check in for your visit here."))
        self.card.heading.setText(self.tr("Chip ID card (CCCD)"))
        self.card.detail.setText(
            self.tr("Show the QR code on its front to the camera, then place it on the reader.")
        )
        self.or_label.setText(self.tr("or"))
        self.qr.heading.setText(self.tr("Show a QR code to the camera"))
        self.qr.detail.setText(
            self.tr("The QR code in the VNeID app or on your health insurance card (BHYT).")
        )
        self.keypad.setText(self.tr("Type your ID number (CCCD)"))
        self.emergency.set_message(
            Tone.BAD,
            self.tr("Emergency? Go straight to the Emergency department, or tell a staff member."),
        )

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.card.apply_metrics(metrics)
        self.qr.apply_metrics(metrics)
        self.options.setDirection(
            QBoxLayout.Direction.TopToBottom
            if metrics.portrait
            else QBoxLayout.Direction.LeftToRight
        )
        self.options.setSpacing(metrics.spacing)
        self.emergency.apply_scale(metrics.px(56), metrics.px(20))
