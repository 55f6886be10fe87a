"""What every screen page is: a view of the FlowState that sends the patient's intents."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QLayout, QVBoxLayout, QWidget

from kiosk.core.flow import Event, FlowState
from ui.theme import Metrics
from ui.widgets import add_part, label

Send = Callable[[Event], None]


class Page(QWidget):
    """One screen (or a family of screens, like the busy ones) of the kiosk.

    `show_state` sets every text from the state and the current translator, so a language
    switch is just another call. `apply_metrics` adapts sizes and layout to the window.
    """

    # Back is this page's main action (history): a big primary button at the bottom.
    primary_back = False

    def __init__(self, send: Send) -> None:
        super().__init__()
        self.setProperty("page", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._send = send
        self.metrics: Metrics | None = None
        self.title = label("title", name="lbl_title")
        self.content = QVBoxLayout(self)
        self.content.addWidget(self.title)

    def show_state(self, state: FlowState) -> None:
        raise NotImplementedError

    def entered(self) -> None:
        """The flow moved to this page from another one."""

    def left(self) -> None:
        """The flow moved from this page to another one: drop any personal data it shows."""

    def instruction(self) -> str:
        """What the screen asks of the patient, to be read aloud: its title and its advice.
        Never the patient's details (names, numbers): people stand close by."""
        parts = [self.title.text()]
        advice = self.findChild(QLabel, "lbl_advice")
        if advice is not None and advice.isVisibleTo(self) and advice.text():
            parts.append(advice.text())
        return " ".join(part for part in parts if part)

    def apply_metrics(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.content.setContentsMargins(
            metrics.margin, metrics.spacing, metrics.margin, metrics.spacing
        )
        self.content.setSpacing(metrics.spacing)

    def sender_of(self, event: Event) -> Callable[[], None]:
        """A slot that sends `event` (user intents carry no data, or data known now)."""
        return lambda: self._send(event)

    def fill(self, *widgets: QWidget, bottom: QWidget | QLayout) -> None:
        """Under the title: `widgets` from the top, the spare height, then `bottom` (actions)."""
        for widget in widgets:
            self.content.addWidget(widget)
        self.content.addStretch(1)
        add_part(self.content, bottom)


def column(*widgets: QWidget) -> QVBoxLayout:
    """`widgets` stacked from the top, the spare height below them."""
    layout = QVBoxLayout()
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return layout


def columns(*parts: QWidget | QLayout) -> QBoxLayout:
    """`parts` for arrange_columns to set side by side or stack, with the stretch it expects."""
    layout = QBoxLayout(QBoxLayout.Direction.TopToBottom)
    for part in parts:
        add_part(layout, part)
    layout.addStretch(0)
    return layout


def action_row(*buttons: QWidget) -> QHBoxLayout:
    """Buttons sharing the width, secondary first and primary last (see arrange_actions)."""
    row = QHBoxLayout()
    for widget in buttons:
        row.addWidget(widget, 1)
    return row


def set_direction(layout: QBoxLayout, metrics: Metrics) -> None:
    """Stack in portrait, side by side in landscape."""
    layout.setDirection(
        QBoxLayout.Direction.TopToBottom if metrics.portrait else QBoxLayout.Direction.LeftToRight
    )


def arrange_columns(layout: QBoxLayout, metrics: Metrics) -> None:
    """Side by side sharing the width in landscape; stacked in portrait, each part as tall as
    its content with the spare height at the end. The layout's last item must be a stretch."""
    set_direction(layout, metrics)
    last = layout.count() - 1
    for index in range(last):
        layout.setStretch(index, 0 if metrics.portrait else 1)
    layout.setStretch(last, 1 if metrics.portrait else 0)


def arrange_actions(layout: QBoxLayout, metrics: Metrics) -> None:
    """A row of buttons added secondary first, primary last: side by side in landscape with
    the primary on the right; stacked full width in portrait with the primary on top.

    Every screen puts its primary action there (NoticePage and the keypad too), so a patient
    who learnt where "go on" is on one screen finds it in the same place on the next."""
    layout.setDirection(
        QBoxLayout.Direction.BottomToTop if metrics.portrait else QBoxLayout.Direction.LeftToRight
    )
    layout.setSpacing(metrics.spacing)
