"""The hidden gesture that asks for the staff PIN: a long press on the window's top-left corner.

A patient's tap there does nothing (the press is passed on untouched); only a press held for
`hold_ms` without leaving the corner emits `held`.

The filter sits on the window's native handle (QWindow), where the platform delivers every
mouse event of the window before Qt hands it to the widget under the finger. Not on the
application: a Python filter there is called for every event of every object, tens of
milliseconds per screen change on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QWindow
from PySide6.QtWidgets import QWidget

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
        self._handle: QWindow | None = None
        window.installEventFilter(self)  # until it is shown and has its native handle
        if window.windowHandle() is not None:
            self._attach(window.windowHandle())

    @property
    def holding(self) -> bool:
        return self._timer.isActive()

    def remove(self) -> None:
        self._timer.stop()
        self._window.removeEventFilter(self)
        if self._handle is not None:
            self._handle.removeEventFilter(self)

    def _attach(self, handle: QWindow) -> None:
        self._window.removeEventFilter(self)
        self._handle = handle
        handle.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._window:
            handle = self._window.windowHandle()
            if kind == QEvent.Type.Show and handle is not None:
                self._attach(handle)
            return False
        if kind not in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseMove,
        ):
            return False
        assert isinstance(event, QMouseEvent)
        in_corner = self._in_corner(event.position().toPoint())
        if kind is QEvent.Type.MouseButtonPress:
            if event.button() is Qt.MouseButton.LeftButton and in_corner:
                if not self._timer.isActive():
                    self._timer.start()
            else:
                self._timer.stop()
        elif kind is QEvent.Type.MouseButtonRelease or not in_corner:
            self._timer.stop()
        return False  # never consumed: the tap still reaches the widget under it

    def _in_corner(self, local: QPoint) -> bool:
        """`local` in the window's coordinates, as the native window's events give them."""
        return 0 <= local.x() < self._corner_px and 0 <= local.y() < self._corner_px
