"""PRIORITY: declare a priority group the kiosk cannot detect itself, or none."""

from __future__ import annotations

from kiosk.core.domain import PriorityGroup, Sex
from kiosk.core.flow import DECLARABLE_PRIORITIES, FlowState, PriorityChosen
from ui.messages import priority_name
from ui.screens.base import Page, Send
from ui.theme import Metrics
from ui.widgets import TileButton, label


class PriorityPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.explain = label("body", name="lbl_explain")
        self.content.addWidget(self.explain)
        self.tiles: dict[PriorityGroup, TileButton] = {}
        for group in DECLARABLE_PRIORITIES:
            tile = TileButton(f"btn_priority_{group.value}", self.sender_of(PriorityChosen(group)))
            self.tiles[group] = tile
            self.content.addWidget(tile)
        self.content.addStretch(1)
        none = PriorityGroup.NONE
        self.tiles[none] = TileButton(
            f"btn_priority_{none.value}", self.sender_of(PriorityChosen(none)), primary=True
        )
        self.content.addWidget(self.tiles[none])

    def show_state(self, state: FlowState) -> None:
        self.title.setText(self.tr("Do you belong to a priority group?"))
        self.explain.setText(
            self.tr("People in these groups are seen first. Staff may ask to see a document.")
        )
        female = state.patient is not None and state.patient.sex is Sex.FEMALE
        for group, tile in self.tiles.items():
            tile.set_texts(priority_name(group))
            tile.setVisible(group is not PriorityGroup.PREGNANT or female)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        for tile in self.tiles.values():
            tile.apply_scale(metrics.px(40), metrics.px(26), metrics.px(130))
