"""Looking at a rendered KioskWindow the way a tester would: settled, measured, read."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QWidget,
)

from ui.main_window import KioskWindow
from ui.widgets import FitLabel, TileButton

MM_PER_INCH = 25.4


def settle(window: QWidget, max_passes: int = 8) -> None:
    """Process events until no widget moves: nested layouts settle over several passes."""
    before = None
    for _ in range(max_passes):
        QApplication.processEvents()
        now = [(w.geometry().getRect(), w.isVisible()) for w in window.findChildren(QWidget)]
        if now == before:
            return
        before = now


def shown(window: QWidget, kind: type[QWidget]) -> list[QWidget]:
    return [w for w in window.findChildren(kind) if w.isVisibleTo(window)]


def rect_in(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def visible_rect_in(window: QWidget, widget: QWidget) -> QRect:
    """The part of `widget` not clipped away by its parents (a scroll area's viewport)."""
    seen = widget.visibleRegion().boundingRect()
    return QRect(widget.mapTo(window, seen.topLeft()), seen.size())


def _scrolled(widget: QWidget) -> bool:
    """Inside a scroll area's viewport, where being out of view is the point."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def name_of(widget: QWidget) -> str:
    text = widget.text()[:30] if isinstance(widget, QLabel | QAbstractButton) else ""
    return f"{type(widget).__name__}#{widget.objectName() or '?'} {text!r}"


def fitted_pixel_size(text: FitLabel) -> float:
    """The pixel size a FitLabel draws its text at: its font's, or smaller to fit its width."""
    font_px = text.font().pixelSize()
    width = QFontMetrics(text.font()).horizontalAdvance(text.text())
    return font_px * min(1.0, text.width() / width) if width else font_px


def layout_problems(window: KioskWindow) -> list[str]:
    """Clipped text, widgets outside the window, buttons on top of each other."""
    problems = []
    frame = window.rect()
    for widget in shown(window, QWidget):
        if not _scrolled(widget) and not frame.contains(rect_in(window, widget)):
            problems.append(f"{name_of(widget)} outside the window: {rect_in(window, widget)}")
    for text in shown(window, QLabel):
        if not text.text():
            continue
        if text.wordWrap():
            needed = text.heightForWidth(text.width())
            if needed > text.height() + 1:
                problems.append(f"{name_of(text)} needs {needed}px, has {text.height()}px")
        elif isinstance(text, FitLabel):
            if fitted_pixel_size(text) < text.font().pixelSize() * 0.5:
                problems.append(f"{name_of(text)} shrunk below half its size to fit")
        elif text.sizeHint().width() > text.width() + 1:
            problems.append(f"{name_of(text)} needs {text.sizeHint().width()}px wide")
    buttons = shown(window, QAbstractButton)
    for button in buttons:
        if isinstance(button, TileButton):
            continue  # its labels are checked above
        if button.sizeHint().width() > button.width() + 1:
            problems.append(f"{name_of(button)} text needs {button.sizeHint().width()}px wide")
    for index, first in enumerate(buttons):
        for second in buttons[index + 1 :]:
            if visible_rect_in(window, first).intersects(visible_rect_in(window, second)):
                problems.append(f"{name_of(first)} overlaps {name_of(second)}")
    return problems


def min_touch_px(window: QWidget) -> float:
    """15 mm at the density of the screen the window is on."""
    return 15 / MM_PER_INCH * window.screen().physicalDotsPerInch()


def texts(window: QWidget, *, hidden_too: bool = False) -> list[str]:
    found = [w for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton)]
    if not hidden_too:
        found = [w for w in found if w.isVisibleTo(window)]
    return [w.text() for w in found if w.text()]
