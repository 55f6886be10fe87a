"""The hidden gesture that asks for the staff PIN: a long press on the window's top-left corner.

A patient's tap there does nothing (the press is passed on untouched); only a press held for
`hold_ms` without leaving the corner emits `held`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

# The corner's side in pixels: a fingertip and a half on any kiosk screen.
CORNER_PX = 120


class CornerHold(QObject):
    held = Signal()

    def __init__(self, window: QWidget, hold_ms: int, corner_px: int = CORNER_PX) -> None:
        super().__init__(window)
        self._window = window
        self._corner_px = corner_px
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.held.emit)
        # On the application: the press lands on whatever widget is in the corner.
        QApplication.instance().installEventFilter(self)

    @property
    def holding(self) -> bool:
        return self._timer.isActive()

    def remove(self) -> None:
        self._timer.stop()
        QApplication.instance().removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseMove,
        ):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False
        assert isinstance(event, QMouseEvent)
        in_corner = self._in_corner(event.globalPosition().toPoint())
        if kind is QEvent.Type.MouseButtonPress:
            if event.button() is Qt.MouseButton.LeftButton and in_corner:
                if not self._timer.isActive():
                    self._timer.start()
            else:
                self._timer.stop()
        elif kind is QEvent.Type.MouseButtonRelease or not in_corner:
            self._timer.stop()
        return False  # never consumed: the tap still reaches the widget under it

    def _in_corner(self, global_pos: QPoint) -> bool:
        local = self._window.mapFromGlobal(global_pos)
        return 0 <= local.x() < self._corner_px and 0 <= local.y() < self._corner_px
