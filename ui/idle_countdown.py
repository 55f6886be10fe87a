"""A "Need more time?" question over the screen, ten seconds before an idle reset.

A patient reading slowly or looking for a card in a bag must not lose the check-in without
warning. When the idle time is up, the window covers the page with this question and a
countdown; a tap anywhere keeps the screen, and the reset happens only when the count ends.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from ui.theme import Metrics, button_font, font_for
from ui.widgets import button, label

COUNTDOWN_SECONDS = 10
_SCRIM = QColor(0, 0, 0, 150)  # the page stays faintly visible: the patient sees what is kept


class IdleCountdown(QWidget):
    """An overlay over its parent: the question, the seconds left and a Continue button."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("idle_countdown")
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._left = 0
        self._reset: Callable[[], None] | None = None
        self._keep: Callable[[], None] | None = None

        self.card = QFrame()
        self.card.setObjectName("idle_card")
        self.card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.card.setStyleSheet("QFrame#idle_card { background: white; border-radius: 24px; }")
        self.question = label("title", name="lbl_more_time")
        self.seconds = label("huge", name="lbl_seconds_left", wrap=False)
        self.explain = label("body", name="lbl_more_time_detail")
        for text in (self.question, self.seconds, self.explain):
            text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.more_time = button("btn_more_time", "primary", self.keep)
        box = QVBoxLayout(self.card)
        box.addWidget(self.question)
        box.addWidget(self.seconds)
        box.addWidget(self.explain)
        box.addWidget(self.more_time)
        self._box = box
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self.card)
        outer.addStretch(1)
        self._outer = outer
        self.hide()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def seconds_left(self) -> int:
        return self._left

    def start(
        self, reset: Callable[[], None], keep: Callable[[], None], seconds: int = COUNTDOWN_SECONDS
    ) -> None:
        """Ask; `reset()` when the count ends, `keep()` when the patient answers."""
        self._reset, self._keep = reset, keep
        self._left = seconds
        self.set_texts()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self._timer.start()

    def keep(self) -> None:
        """The patient is still here: the screen stays as it is."""
        keep = self._keep
        self.cancel()
        if keep is not None:
            keep()

    def finish(self) -> None:
        """The count is over (or fast-forwarded): back to the welcome screen."""
        reset = self._reset
        self.cancel()
        if reset is not None:
            reset()

    def cancel(self) -> None:
        """Drop the question without acting: the flow moved on by itself."""
        self._timer.stop()
        self._reset = self._keep = None
        self.hide()

    def set_texts(self) -> None:
        self.question.setText(QCoreApplication.translate("IdleCountdown", "Need more time?"))
        self.seconds.setText(str(self._left))
        self.explain.setText(
            QCoreApplication.translate(
                "IdleCountdown",
                "In {seconds} seconds the screen goes back to the start. Tap to stay.",
            ).format(seconds=self._left)
        )
        self.more_time.setText(QCoreApplication.translate("IdleCountdown", "Yes, I need more time"))

    def apply_metrics(self, m: Metrics) -> None:
        for text in (self.question, self.seconds, self.explain):
            text.setFont(font_for(m, str(text.property("role"))))
        self.more_time.setFont(button_font(m, "primary"))
        self.more_time.setMinimumHeight(m.button_height)
        pad = m.px(48)
        self._box.setContentsMargins(pad, pad, pad, pad)
        self._box.setSpacing(m.spacing)
        self._outer.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        parent = self.parentWidget()
        if self.isVisible() and parent is not None:
            self.setGeometry(parent.rect())

    def _tick(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self.finish()
        else:
            self.set_texts()

    # A tap anywhere, on the card or around it, is an answer.
    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.keep()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), _SCRIM)
