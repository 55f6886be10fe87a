"""The patient's journey through one walkthrough scenario, measured: taps, screens, words and
how it ended (`DIR/journey.json`).

Taps count from the moment the identity is presented (a code shown, or the keypad's last digit
typed; the last such moment if a scenario has several) until the outcome: the first paper or
number on screen. Language switches are not counted. Screens count every screen the patient
saw after the welcome screen up to the outcome, except the ones that only wait for the
hospital or the printer. Words are those of the labels and buttons on each screen (not those
scrolled out of sight), the most on any one screen.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from kiosk.core.flow import BUSY_SCREENS, FlowState, Screen

_NOT_COUNTED = frozenset({"btn_language"})
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class Journey:
    name: str
    taps_after_identity: int
    screens: int
    outcome: str
    words_on_screen_max: int


class JourneyRecorder:
    """Follows the flow's states and the driver's taps for one scenario at a time."""

    def __init__(self, window: QWidget) -> None:
        self._window = window
        self.journeys: list[Journey] = []
        self._begin("")

    def _begin(self, name: str) -> None:
        self._name = name
        self._counting = False
        self._taps = 0
        self._screens: list[Screen] = []
        self._words = 0
        self._outcome: str | None = None
        self._idle = False

    def begin(self, name: str) -> None:
        self._begin(name)

    def identity_presented(self) -> None:
        """Taps count from the last identity presented: a session cancelled before it (or
        the person before) is not this patient's journey."""
        if self._outcome is None:
            self._counting = True
            self._taps = 0

    def tapped(self, name: str) -> None:
        if self._counting and self._outcome is None and name not in _NOT_COUNTED:
            self._taps += 1

    def idle_expired(self) -> None:
        self._idle = True

    def state_changed(self, state: FlowState) -> None:
        """Connected after the window's own slot: the page already shows this state."""
        if self._outcome is not None or not self._name:
            return
        if state.screen not in BUSY_SCREENS and self._screens[-1:] != [state.screen]:
            self._screens.append(state.screen)
        if state.screen not in BUSY_SCREENS:
            self._words = max(self._words, words_on_screen(self._window))
        self._outcome = _outcome_of(state)

    def end(self) -> Journey:
        if self._outcome is None:
            outcome = "idle_reset" if self._idle else "cancelled"
        else:
            outcome = self._outcome
        journey = Journey(self._name, self._taps, len(self._screens), outcome, self._words)
        self.journeys.append(journey)
        self._begin("")
        return journey

    def write(self, path: Path) -> None:
        scenarios = [asdict(journey) for journey in self.journeys]
        path.write_text(json.dumps({"scenarios": scenarios}, indent=2, ensure_ascii=False) + "\n")


def _outcome_of(state: FlowState) -> str | None:
    """What the patient leaves with, once they have it; None while they have nothing yet."""
    if state.screen is Screen.PRINTER_FAULT:
        return "number_on_screen"
    if state.screen is Screen.TICKET:
        return "reprint" if state.ticket is not None and state.ticket.reprint else "ticket"
    if state.screen is Screen.GO_TO_COUNTER and state.counter_slip is not None:
        if state.printed:
            return "counter_slip"
        if state.printer_problem is not None:
            return "number_on_screen"  # the slip's code, shown for staff
    return None


def words_on_screen(window: QWidget) -> int:
    """Words a patient would have to read: the labels' and buttons' text on screen (not the
    ones scrolled out of sight)."""
    shown = [w for w in window.findChildren(QWidget) if w.isVisible()]
    shown = [w for w in shown if not w.visibleRegion().isEmpty()]
    texts = [w.text() for w in shown if isinstance(w, QLabel | QAbstractButton)]
    plain = (re.sub(r"<[^>]+>", " ", text) for text in texts)
    return sum(1 for text in plain for word in text.split() if _WORD.search(word))
