"""DEPARTMENT: who is checking in and their insurance result on top, then a scrollable grid of
big department buttons with room, floor and waiting time; the counter when the insurance card
cannot be used."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from kiosk.core.domain import Department, ServiceType
from kiosk.core.flow import DepartmentChosen, FlowState, Language, Pressed
from ui.fees import visit_cost_line
from ui.messages import service_name
from ui.phrases import department_name, people_waiting, room_floor, wait_about
from ui.screens.base import Page, Send
from ui.screens.patient_header import PatientHeader
from ui.theme import BLUE, Metrics
from ui.widgets import IconKind, TileButton, WholeRowsScrollArea, button, icon_pixmap, label


class DepartmentPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.header = PatientHeader(self.sender_of(Pressed.DETAILS))
        self.subtitle = label("strong", name="lbl_service", wrap=False)
        self.empty = label("heading", name="lbl_no_departments")
        self.grid_widget = QWidget()
        self.grid_widget.setProperty("page", True)
        self.grid = QGridLayout(self.grid_widget)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroll_area = WholeRowsScrollArea()  # a tile is shown whole or not at all
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.grid_widget)
        # Scrolling is done with two big buttons, not by dragging: a finger that drags a tile
        # must not choose it, and flick gestures swallow taps. The bar only shows where we are.
        bar = self.scroll_area.verticalScrollBar()
        bar.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        bar.rangeChanged.connect(lambda _low, _high: self._update_scroll_buttons())
        bar.valueChanged.connect(lambda _value: self._update_scroll_buttons())
        self.scroll_up = button("btn_scroll_up", "secondary", lambda: self._scroll(-1))
        self.scroll_down = button("btn_scroll_down", "secondary", lambda: self._scroll(1))
        scroll_row = QHBoxLayout()
        scroll_row.addWidget(self.scroll_up, 1)
        scroll_row.addWidget(self.scroll_down, 1)
        self.scroll_row = scroll_row
        header = QHBoxLayout()
        self.content.removeWidget(self.title)
        header.addWidget(self.title, 1)
        header.addWidget(self.subtitle, 0, Qt.AlignmentFlag.AlignBottom)
        self.content.insertWidget(0, self.header)
        self.content.addLayout(header)
        self.content.addWidget(self.empty)
        self.content.addWidget(self.scroll_area, 1)
        self.content.addLayout(scroll_row)
        self.counter = button("btn_counter", "secondary", self.sender_of(Pressed.COUNTER))
        self.content.addWidget(self.counter)
        self.tiles: list[TileButton] = []
        self._shown: tuple[tuple[Department, ...], Language, ServiceType | None] | None = None

    def show_state(self, state: FlowState) -> None:
        departments = state.departments_for(state.service)
        self.header.show_state(state)
        self.title.setText(self.tr("Choose a department"))
        self.counter.setText(self.tr("Go to the reception counter"))
        # An insurance card the check refused: paid service here, or the counter sorts it out.
        status = state.insurance_status
        self.counter.setVisible(status is not None and not status.accepted)

        service = state.service or ServiceType.PAID
        self.subtitle.setText(service_name(service))
        self.empty.setText(
            self.tr(
                "No department is open for check-in at the kiosk now. "
                "Please go to the reception counter."
            )
        )
        self.empty.setVisible(not departments)
        self.scroll_up.setText(self.tr("Previous page"))
        self.scroll_down.setText(self.tr("Next page"))
        shown = (departments, state.language, state.service)
        if shown != self._shown:
            self._shown = shown
            self._build(departments, state.language, state.service)

    def entered(self) -> None:
        self.scroll_area.verticalScrollBar().setValue(0)

    def left(self) -> None:
        self.header.clear()  # nothing of this patient stays in hidden widgets

    def _scroll(self, direction: int) -> None:
        """A screenful down or up, snapped to whole rows so no tile is ever cut in two."""
        bar = self.scroll_area.verticalScrollBar()
        view = self.scroll_area.viewport().height()
        rows: dict[int, int] = {}  # row top -> row bottom
        for tile in self.tiles:
            rows[tile.y()] = max(rows.get(tile.y(), 0), tile.y() + tile.height())
        tops = sorted(rows)
        if direction > 0:
            # The first row not wholly on screen becomes the top row.
            hidden = [top for top in tops if rows[top] > bar.value() + view]
            target = hidden[0] if hidden else bar.maximum()
        else:
            # The rows that fit in a screenful above the current top row.
            fitting = [top for top in tops if top >= bar.value() - view and top < bar.value()]
            earlier = [top for top in tops if top < bar.value()]
            target = fitting[0] if fitting else earlier[-1] if earlier else 0
        bar.setValue(target)

    def _update_scroll_buttons(self) -> None:
        bar = self.scroll_area.verticalScrollBar()
        scrollable = bar.maximum() > 0
        self.scroll_up.setVisible(scrollable)
        self.scroll_down.setVisible(scrollable)
        self.scroll_up.setEnabled(bar.value() > 0)
        self.scroll_down.setEnabled(bar.value() < bar.maximum())

    def _build(
        self,
        departments: tuple[Department, ...],
        language: Language,
        service: ServiceType | None,
    ) -> None:
        """Update the tiles in place: waiting counts change on every visit, the tiles rarely."""
        previous = {tile.objectName(): tile for tile in self.tiles}
        tiles: list[TileButton] = []
        for department in departments:
            name = f"btn_department_{department.code}"
            tile = previous.pop(name, None) or TileButton(
                name, self.sender_of(DepartmentChosen(department.code))
            )
            lines = [
                room_floor(department.room, department.floor),
                people_waiting(department.waiting),
                wait_about(department.estimated_wait_minutes),
            ]
            cost = visit_cost_line(department, service)
            tile.set_texts(department_name(department, language), [*lines, *filter(None, [cost])])
            tiles.append(tile)
        for gone in previous.values():
            self.grid.removeWidget(gone)
            gone.hide()
            gone.setParent(None)  # out of the window at once, not at the next event loop
            gone.deleteLater()
        if [t.objectName() for t in tiles] != [t.objectName() for t in self.tiles]:
            self.tiles = tiles
            self._place()

    def _place(self) -> None:
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        columns = self.metrics.columns if self.metrics else 2
        for index, tile in enumerate(self.tiles):
            if self.metrics:
                tile.apply_scale(self.metrics.px(28), self.metrics.px(22))
            self.grid.addWidget(tile, index // columns, index % columns)
        for column in range(3):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.grid.setSpacing(metrics.spacing)
        self.scroll_row.setSpacing(metrics.spacing)
        self.header.apply_metrics(metrics)
        side = metrics.px(56)
        for control, kind in (
            (self.scroll_up, IconKind.ARROW_UP),
            (self.scroll_down, IconKind.ARROW_DOWN),
        ):
            control.setIcon(QIcon(icon_pixmap(kind, side * 2, BLUE)))
            control.setIconSize(QSize(side, side))
        # Leave a gap between the tiles and the scroll bar so a thumb on one misses the other.
        self.grid.setContentsMargins(0, 0, metrics.spacing, 0)
        self._place()
