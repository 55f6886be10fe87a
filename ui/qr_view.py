"""A QR code drawn crisp: whole screen pixels per module, black on white with its quiet zone,
as large as the widget allows (a banking app's camera reads it from arm's length)."""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET_MODULES = 4  # the quiet zone the QR standard asks for around the code


class QrView(QWidget):
    def __init__(self, *, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._modules: list[list[bool]] = []
        self._payload = ""
        self.minimum_side = 0

    @property
    def payload(self) -> str:
        return self._payload

    def set_payload(self, payload: str) -> None:
        if payload == self._payload:
            return
        self._payload = payload
        if payload:
            code = qrcode.QRCode(
                error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_MODULES
            )
            code.add_data(payload)
            code.make(fit=True)
            self._modules = [[bool(cell) for cell in row] for row in code.get_matrix()]
        else:
            self._modules = []
        self.update()

    def clear(self) -> None:
        self.set_payload("")

    def code_rect(self) -> QRect:
        """Where the code (quiet zone included) is drawn, in this widget's pixels."""
        count = len(self._modules)
        if not count:
            return QRect()
        module = min(self.width(), self.height()) // count
        side = module * count
        return QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def sizeHint(self) -> QSize:
        return QSize(self.minimum_side, self.minimum_side)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimum_side, self.minimum_side)

    def paintEvent(self, _event: object) -> None:
        rect = self.code_rect()
        if rect.isEmpty():
            return
        module = rect.width() // len(self._modules)
        painter = QPainter(self)
        painter.fillRect(rect, QColor("white"))
        black = QColor("black")
        for y, row in enumerate(self._modules):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(
                        rect.x() + x * module, rect.y() + y * module, module, module, black
                    )
        painter.end()
