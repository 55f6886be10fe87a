"""WELCOME: invite the patient to show their ID card's QR code (either generation: the CCCD or
the 2024 Căn cước) or another QR code; offer the keypad."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.core.flow import FlowState, Pressed
from ui.screens.base import Page, Send
from ui.theme import Metrics, Tone
from ui.widgets import Icon, IconKind, ToneBox, button, label, show_if


class _PreviewSlot(QWidget):
    """Holds the live picture: asks for its full height, gives way down to its minimum.

    The words under the picture keep the height they need; with the offline banner or in
    landscape a fixed-height picture used to be pushed over the heading below it.
    """

    def __init__(self, preview: QWidget) -> None:
        super().__init__()
        self.preferred = 300
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(preview)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.preferred)


class _Option(QFrame):
    """One way to identify: big drawn icons above the words."""

    def __init__(self, icons: list[IconKind]) -> None:
        super().__init__()
        self.setProperty("card", True)
        self.icons = [Icon(kind) for kind in icons]
        self.preview: _PreviewSlot | None = None
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
        self.preview = _PreviewSlot(preview)
        self.box.insertWidget(0, self.preview, 1)
        self.box.setStretch(self.box.count() - 1, 0)  # spare height goes to the picture

    def apply_metrics(self, m: Metrics, *, compact: bool = False) -> None:
        if self.preview is not None:
            self.preview.preferred = m.px(300 if m.portrait else 360)
            self.preview.setMinimumHeight(m.px(100))
            self.preview.setMaximumHeight(self.preview.preferred)
            self.preview.updateGeometry()
        side = m.px(60 if compact else 170 if m.portrait else 130)
        for icon in self.icons:
            icon.set_side(side)
        pad = m.px(12 if compact else 32)
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
        # Said before the patient starts, not after four taps: a number still comes, on screen.
        self.printer = ToneBox("lbl_printer_down", title_role="body", tone=Tone.WARN)
        self.compact = False  # smaller icons while two notices take the room
        self.content.addStretch(1)
        self.content.addLayout(self.options)
        self.content.addStretch(2)
        self.content.addWidget(self.printer)
        self.content.addWidget(self.keypad)
        self.content.addWidget(self.emergency)

    def show_camera(self, preview: QWidget) -> None:
        self.qr.show_camera(preview)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(self.tr("Welcome! Check in for your visit here."))
        # Both generations: the CCCD (QR on the front) and the 2024 Căn cước (QR on the back).
        self.card.heading.setText(self.tr("ID card (Căn cước / CCCD)"))
        self.card.detail.setText(
            self.tr("Show its QR code (front or back) to the camera, then place it on the reader.")
        )
        self.or_label.setText(self.tr("or"))
        self.qr.heading.setText(self.tr("Show a QR code to the camera"))
        self.qr.detail.setText(
            self.tr("The QR code in the VNeID app or on your health insurance card (BHYT).")
        )
        self.keypad.setText(self.tr("Type your ID number (Căn cước / CCCD)"))
        printer_down = state.printer_down is not None
        show_if(self.printer, printer_down)
        # The printer's line and the offline banner together take the icons' room.
        compact = printer_down and state.hospital_offline
        if self.compact is not compact:
            self.compact = compact
            if self.metrics is not None:
                self.apply_metrics(self.metrics)
        if printer_down:
            self.printer.set_message(
                Tone.WARN,
                self.tr(
                    "The ticket printer is not working: your number will be shown on the screen."
                ),
                icon=IconKind.PRINTER,
            )
        self.emergency.set_message(
            Tone.BAD,
            self.tr("Emergency? Go straight to the Emergency department, or tell a staff member."),
        )

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.card.apply_metrics(metrics, compact=self.compact)
        self.qr.apply_metrics(metrics, compact=self.compact)
        self.options.setDirection(
            QBoxLayout.Direction.TopToBottom
            if metrics.portrait
            else QBoxLayout.Direction.LeftToRight
        )
        self.options.setSpacing(metrics.spacing)
        self.emergency.apply_scale(metrics.px(56), metrics.px(20))
        self.printer.apply_scale(metrics.px(56), metrics.px(20))
