"""Building blocks shared by the screens: labels, buttons, drawn icons, boxes, a spinner."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from enum import Enum, auto
from functools import partial

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHideEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QRegion,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.theme import BLUE, TONE_COLOURS, Tone, repolish


def label(role: str = "body", *, name: str | None = None, wrap: bool = True) -> QLabel:
    widget = QLabel()
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # patient data is never markup
    if name:
        widget.setObjectName(name)
    return widget


class FitLabel(QLabel):
    """One line of big text (a queue number) drawn at its font's size, or smaller when it
    would not fit the width: a provisional "K01-UB007" must show whole, not cut at the edges."""

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, _event: object) -> None:
        font = QFont(self.font())
        width = QFontMetrics(font).horizontalAdvance(self.text())
        if width > self.width() > 0 and font.pixelSize() > 0:
            font.setPixelSize(max(1, math.floor(font.pixelSize() * self.width() / width)))
        painter = QPainter(self)
        painter.setFont(font)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.rect(), int(self.alignment()), self.text())
        painter.end()


def fit_label(role: str, *, name: str) -> FitLabel:
    widget = FitLabel()
    widget.setProperty("role", role)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setObjectName(name)
    return widget


# Dynamic property: the height a page wants for a button, when more than the theme's minimum.
TOUCH_HEIGHT = "touch_height"


def button(name: str, kind: str, on_click: Callable[[], None]) -> QPushButton:
    widget = QPushButton()
    widget.setObjectName(name)
    widget.setProperty("kind", kind)
    widget.setProperty(TOUCH_HEIGHT, 0)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # touch only: no focus rectangles
    widget.clicked.connect(lambda: on_click())
    return widget


def digit_pad(
    prefix: str,
    on_digit: Callable[[str], None],
    on_backspace: Callable[[], None],
    on_clear: Callable[[], None],
) -> tuple[QGridLayout, list[QPushButton], QPushButton, QPushButton]:
    """Big keys 1 to 9, then backspace, 0 and clear, each growing with its cell: the grid,
    the digit keys (named `<prefix>_<digit>`), the backspace key and the clear key."""
    digits: list[QPushButton] = []
    for digit in "1234567890":
        key = button(f"{prefix}_{digit}", "key", partial(on_digit, digit))
        key.setText(digit)
        digits.append(key)
    backspace = button(f"{prefix}_backspace", "key", on_backspace)
    clear = button(f"{prefix}_clear", "key_text", on_clear)
    grid = QGridLayout()
    for index, key in enumerate([*digits[:9], backspace, digits[9], clear]):
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        grid.addWidget(key, index // 3, index % 3)
    return grid, digits, backspace, clear


def add_part(layout: QBoxLayout, part: QWidget | QLayout) -> None:
    """Adds a widget or a nested layout at the end of `layout`."""
    if isinstance(part, QLayout):
        layout.addLayout(part)
    else:
        layout.addWidget(part)


def show_if(widget: QWidget, visible: bool) -> None:
    """setVisible only on a change: each call re-lays out the window, a millisecond or two."""
    if widget.isHidden() == visible:
        widget.setVisible(visible)


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget of `layout` (for lists rebuilt from the state)."""
    while (item := layout.takeAt(0)) is not None:  # None once the layout is empty
        widget = item.widget()
        inner = item.layout()
        if widget is not None:
            widget.hide()
            widget.setParent(None)  # out of the window at once, not at the next event loop
            widget.deleteLater()
        elif inner is not None:
            clear_layout(inner)


# --- drawn icons ------------------------------------------------------------------------


class IconKind(Enum):
    CARD = auto()
    QR = auto()
    PHONE = auto()
    CHECK = auto()
    WARNING = auto()
    CROSS = auto()
    INFO = auto()
    PRINTER = auto()
    BACKSPACE = auto()
    SHIELD = auto()
    ARROW_UP = auto()
    ARROW_DOWN = auto()


# Modules of the drawn QR icon outside its three finder squares (fractions of the side).
_QR_DOTS = ((0.62, 0.62), (0.82, 0.62), (0.72, 0.74), (0.62, 0.86), (0.86, 0.86), (0.46, 0.46))


def paint_icon(painter: QPainter, kind: IconKind, rect: QRectF, colour: QColor) -> None:
    """Draw `kind` in `rect` with strokes in `colour`: simple shapes, readable at any size."""
    s = min(rect.width(), rect.height())
    x0 = rect.center().x() - s / 2
    y0 = rect.center().y() - s / 2

    def p(fx: float, fy: float) -> QPointF:
        return QPointF(x0 + fx * s, y0 + fy * s)

    def r(fx: float, fy: float, fw: float, fh: float) -> QRectF:
        return QRectF(x0 + fx * s, y0 + fy * s, fw * s, fh * s)

    pen = QPen(colour, max(2.0, s * 0.07))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    match kind:
        case IconKind.CARD:
            painter.drawRoundedRect(r(0.04, 0.2, 0.92, 0.6), s * 0.07, s * 0.07)
            painter.setBrush(colour)
            painter.drawRoundedRect(r(0.14, 0.36, 0.2, 0.16), s * 0.02, s * 0.02)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawLine(p(0.46, 0.4), p(0.84, 0.4))
            painter.drawLine(p(0.46, 0.54), p(0.76, 0.54))
            painter.drawLine(p(0.14, 0.67), p(0.84, 0.67))
        case IconKind.QR:
            for fx, fy in ((0.06, 0.06), (0.62, 0.06), (0.06, 0.62)):
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(r(fx, fy, 0.32, 0.32))
                painter.setBrush(colour)
                painter.drawRect(r(fx + 0.1, fy + 0.1, 0.12, 0.12))
            painter.setBrush(colour)
            for fx, fy in _QR_DOTS:
                painter.drawRect(r(fx, fy, 0.1, 0.1))
        case IconKind.PHONE:
            painter.drawRoundedRect(r(0.24, 0.04, 0.52, 0.92), s * 0.08, s * 0.08)
            painter.drawLine(p(0.42, 0.85), p(0.58, 0.85))
            painter.setBrush(colour)
            for fx, fy in ((0.34, 0.2), (0.54, 0.2), (0.34, 0.4)):
                painter.drawRect(r(fx, fy, 0.12, 0.12))
        case IconKind.CHECK:
            painter.drawEllipse(r(0.05, 0.05, 0.9, 0.9))
            path = QPainterPath(p(0.28, 0.52))
            path.lineTo(p(0.44, 0.68))
            path.lineTo(p(0.72, 0.34))
            painter.drawPath(path)
        case IconKind.WARNING:
            path = QPainterPath(p(0.5, 0.06))
            path.lineTo(p(0.96, 0.9))
            path.lineTo(p(0.04, 0.9))
            path.closeSubpath()
            painter.drawPath(path)
            painter.drawLine(p(0.5, 0.36), p(0.5, 0.62))
            painter.drawPoint(p(0.5, 0.76))
        case IconKind.CROSS:
            painter.drawEllipse(r(0.05, 0.05, 0.9, 0.9))
            painter.drawLine(p(0.33, 0.33), p(0.67, 0.67))
            painter.drawLine(p(0.67, 0.33), p(0.33, 0.67))
        case IconKind.INFO:
            painter.drawEllipse(r(0.05, 0.05, 0.9, 0.9))
            painter.drawLine(p(0.5, 0.45), p(0.5, 0.72))
            painter.drawPoint(p(0.5, 0.29))
        case IconKind.PRINTER:
            painter.drawRect(r(0.26, 0.06, 0.48, 0.26))
            painter.drawRoundedRect(r(0.06, 0.32, 0.88, 0.38), s * 0.05, s * 0.05)
            painter.drawRect(r(0.26, 0.56, 0.48, 0.38))
            painter.drawLine(p(0.36, 0.72), p(0.64, 0.72))
            painter.drawLine(p(0.36, 0.83), p(0.64, 0.83))
        case IconKind.BACKSPACE:
            path = QPainterPath(p(0.32, 0.22))
            path.lineTo(p(0.94, 0.22))
            path.lineTo(p(0.94, 0.78))
            path.lineTo(p(0.32, 0.78))
            path.lineTo(p(0.06, 0.5))
            path.closeSubpath()
            painter.drawPath(path)
            painter.drawLine(p(0.48, 0.36), p(0.76, 0.64))
            painter.drawLine(p(0.76, 0.36), p(0.48, 0.64))
        case IconKind.ARROW_UP | IconKind.ARROW_DOWN:
            top, bottom = (0.2, 0.8) if kind is IconKind.ARROW_UP else (0.8, 0.2)
            painter.drawLine(p(0.5, bottom), p(0.5, top))
            tip = QPainterPath(p(0.22, top + (0.28 if top < bottom else -0.28)))
            tip.lineTo(p(0.5, top))
            tip.lineTo(p(0.78, top + (0.28 if top < bottom else -0.28)))
            painter.drawPath(tip)
        case IconKind.SHIELD:
            path = QPainterPath(p(0.5, 0.05))
            path.lineTo(p(0.88, 0.2))
            path.cubicTo(p(0.88, 0.6), p(0.7, 0.82), p(0.5, 0.95))
            path.cubicTo(p(0.3, 0.82), p(0.12, 0.6), p(0.12, 0.2))
            path.closeSubpath()
            painter.drawPath(path)
            tick = QPainterPath(p(0.32, 0.5))
            tick.lineTo(p(0.45, 0.63))
            tick.lineTo(p(0.68, 0.37))
            painter.drawPath(tick)


def icon_pixmap(kind: IconKind, size: int, colour: str) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_icon(painter, kind, QRectF(0, 0, size, size), QColor(colour))
    painter.end()
    return pixmap


class Icon(QWidget):
    """A drawn icon that scales with the size the layout gives it."""

    def __init__(self, kind: IconKind, colour: str = BLUE) -> None:
        super().__init__()
        self._kind = kind
        self._colour = QColor(colour)
        self._side = 96
        self.setFixedSize(self._side, self._side)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_icon(self, kind: IconKind, colour: str) -> None:
        self._kind = kind
        self._colour = QColor(colour)
        self.update()

    def set_side(self, side: int) -> None:
        self._side = side
        self.setFixedSize(side, side)

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_icon(painter, self._kind, QRectF(self.rect()).adjusted(2, 2, -2, -2), self._colour)


_TONE_ICONS = {
    Tone.OK: IconKind.CHECK,
    Tone.WARN: IconKind.WARNING,
    Tone.BAD: IconKind.CROSS,
    Tone.INFO: IconKind.INFO,
}


class ToneBox(QFrame):
    """A coloured box with an icon, a bold line and an explanation (status, problem)."""

    def __init__(
        self, name: str | None = None, *, title_role: str = "strong", tone: Tone = Tone.INFO
    ) -> None:
        super().__init__()
        self.setProperty("tone", tone.value)  # the usual tone from the start: no repolish later
        self._icon = Icon(_TONE_ICONS[tone])
        self.title = label(title_role, name=name)
        self.body = label("body")
        text = QVBoxLayout()
        text.setSpacing(8)
        text.addWidget(self.title)
        text.addWidget(self.body)
        self._row = QHBoxLayout(self)
        self._row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        self._row.addLayout(text, 1)

    def set_message(
        self, tone: Tone, title: str, body: str = "", *, icon: IconKind | None = None
    ) -> None:
        if self.property("tone") != tone.value:
            self.setProperty("tone", tone.value)
            repolish(self)
            for child in self.findChildren(QLabel):
                repolish(child)
        self._icon.set_icon(icon or _TONE_ICONS[tone], TONE_COLOURS[tone][0])
        self.title.setText(title)
        self.body.setText(body)
        self.body.setVisible(bool(body))

    def apply_scale(self, icon_side: int, padding: int) -> None:
        self._icon.set_side(icon_side)
        self._row.setContentsMargins(padding, padding, padding, padding)
        self._row.setSpacing(padding)


class InfoCard(QFrame):
    """A tinted card of `label: value` rows (patient details, appointment, summary)."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("card", True)
        self._grid = QGridLayout(self)
        self._grid.setColumnStretch(1, 1)
        self._rows: list[tuple[QLabel, QLabel]] = []

    def set_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        # The labels are kept and re-used: creating and deleting them on every screen change
        # costs milliseconds each on the GUI thread.
        while len(self._rows) < len(rows):
            index = len(self._rows)
            key = label("muted")
            key.setWordWrap(False)
            shown = label("strong")
            self._grid.addWidget(key, index, 0, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(shown, index, 1, Qt.AlignmentFlag.AlignTop)
            self._rows.append((key, shown))
        for index, (key, shown) in enumerate(self._rows):
            name, value = rows[index] if index < len(rows) else ("", "")
            key.setText(name)
            shown.setText(value)  # rows not in use keep no personal data either
            show_if(key, index < len(rows))
            show_if(shown, index < len(rows))
        # Spare height goes below the rows, not between them.
        for row in range(len(self._rows) + 1):
            self._grid.setRowStretch(row, 0 if row < len(rows) else 1)

    def clear(self) -> None:
        """Blank every row (the page is hidden): no personal data stays, no re-layout now."""
        for key, shown in self._rows:
            key.clear()
            shown.clear()

    def apply_scale(self, padding: int, spacing: int) -> None:
        self._grid.setContentsMargins(padding, padding, padding, padding)
        self._grid.setHorizontalSpacing(padding)
        self._grid.setVerticalSpacing(spacing)


class TileButton(QPushButton):
    """A big button with a bold heading and lines under it (departments, services, groups).

    One tile may be the recommended choice: a thicker edge and a "Recommended" tag, never a
    filled background, which reads as already chosen.
    """

    def __init__(self, name: str, on_click: Callable[[], None], *, primary: bool = False) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("kind", "recommended" if primary else "tile")
        self.setProperty(TOUCH_HEIGHT, 0)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clicked.connect(lambda: on_click())
        self.tag = label("tag", name=f"{name}_tag", wrap=False)
        self.tag.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.tag.setVisible(primary)
        self.heading = label("heading")
        self._lines: list[QLabel] = []
        self._box = QVBoxLayout(self)
        self._box.setSpacing(6)
        top = QHBoxLayout()  # the tag beside the heading: no extra line, no taller tile
        top.addWidget(self.heading, 1)
        top.addWidget(self.tag, 0, Qt.AlignmentFlag.AlignTop)
        self._box.addLayout(top)
        self._box.addStretch(1)
        self.heading.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    @property
    def recommended(self) -> bool:
        return bool(self.property("kind") == "recommended")

    def set_primary(self, primary: bool) -> None:
        """Mark this tile as the recommended choice (or not)."""
        kind = "recommended" if primary else "tile"
        show_if(self.tag, primary)
        if self.property("kind") != kind:
            self.setProperty("kind", kind)
            for widget in (self, *self.findChildren(QLabel)):
                repolish(widget)

    def set_texts(self, heading: str, lines: Sequence[str] = ()) -> None:
        self.tag.setText(QCoreApplication.translate("Widgets", "Recommended"))
        self.heading.setText(heading)
        while len(self._lines) < len(lines):
            line = label("body")
            line.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self._box.insertWidget(self._box.count() - 1, line)
            self._lines.append(line)
        for index, line in enumerate(self._lines):
            show_if(line, index < len(lines))
            if index < len(lines):
                line.setText(lines[index])
        tag = [self.tag.text()] if self.recommended else []
        self.setAccessibleName(" · ".join([heading, *lines, *tag]))
        self.updateGeometry()

    def apply_scale(self, padding_h: int, padding_v: int, min_height: int = 0) -> None:
        self._box.setContentsMargins(padding_h, padding_v, padding_h, padding_v)
        self.setProperty(TOUCH_HEIGHT, min_height)

    # Grids and scroll areas size rows from sizeHint, not heightForWidth: report the height
    # the wrapped text needs at the width the tile has now, and ask again when it changes.
    def sizeHint(self) -> QSize:
        width = self.width() if self.width() > 1 else self._box.sizeHint().width()
        return QSize(self._box.sizeHint().width(), self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), self.sizeHint().height())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self._box.totalHeightForWidth(width), self.minimumHeight())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()


class WholeRowsScrollArea(QScrollArea):
    """A vertical scroll area that shows its content's widgets only whole.

    A tile cut at the bottom edge shows half a line of text that reads as something else
    ("12 người đang chờ" cut to its top half). The rows of child widgets that do not fit
    wholly are masked off (not drawn, not tappable); the content's geometry and the scroll
    range stay as they are, so paging by rows works unchanged.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(lambda _value: self.clip_to_whole_rows())
        bar.rangeChanged.connect(lambda _low, _high: self.clip_to_whole_rows())
        self._pending = False

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Tiles move when the content lays itself out again: clip once that is done.
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize) and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.clip_to_whole_rows)
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.clip_to_whole_rows()

    def visible_rows(self) -> list[tuple[int, int]]:
        """(top, bottom) of each row of the content's child widgets wholly in view, in the
        content's coordinates."""
        content = self.widget()
        if content is None:
            return []
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        rows: dict[int, int] = {}
        for child in content.findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        ):
            if child.isVisibleTo(content):
                rows[child.y()] = max(rows.get(child.y(), 0), child.y() + child.height())
        return sorted((y, end) for y, end in rows.items() if y >= top and end <= bottom)

    def clip_to_whole_rows(self) -> None:
        self._pending = False
        viewport = self.viewport()
        rows = self.visible_rows()
        if self.verticalScrollBar().maximum() == 0 or not rows:
            viewport.clearMask()  # everything fits, or no row fits whole: show what there is
            return
        top = self.verticalScrollBar().value()
        band = QRect(0, rows[0][0] - top, viewport.width(), rows[-1][1] - rows[0][0])
        viewport.setMask(QRegion(band))


class Spinner(QWidget):
    """A busy indicator whose timer runs only while it is on screen."""

    _STEP_MS = 60
    _DOTS = 12

    def __init__(self, colour: str = BLUE) -> None:
        super().__init__()
        self._colour = QColor(colour)
        self._phase = 0
        self._timer = QTimer(self)
        self._timer.setInterval(self._STEP_MS)
        self._timer.timeout.connect(self._advance)
        self.setFixedSize(160, 160)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def showEvent(self, event: QShowEvent) -> None:
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def _advance(self) -> None:
        self._phase = (self._phase + 1) % self._DOTS
        self.update()

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        side = min(self.width(), self.height())
        centre = QPointF(self.width() / 2, self.height() / 2)
        ring = side * 0.38
        dot = side * 0.075
        for index in range(self._DOTS):
            # The dot at the current phase is darkest, the ones behind it fade out.
            age = (self._phase - index) % self._DOTS
            colour = QColor(self._colour)
            colour.setAlphaF(max(0.15, 1.0 - age / self._DOTS))
            painter.setBrush(colour)
            angle = 2 * math.pi * index / self._DOTS - math.pi / 2
            painter.drawEllipse(
                QPointF(centre.x() + ring * math.cos(angle), centre.y() + ring * math.sin(angle)),
                dot,
                dot,
            )
