"""The systemd watchdog hears of a wedged check-in flow, not only of a live GUI thread
(issue 14): the keep-alives stop when the flow has waited on one busy screen far longer than
any answer can take, and go on while it moves."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk.app.controller import KioskApp
from kiosk.config import Config
from kiosk.core.flow import KeypadSubmitted, Pressed, Screen
from kiosk.demo_hospital.personas import demo_persona


class Keepalives:
    def __init__(self) -> None:
        self.sent = 0

    def alive(self) -> None:
        self.sent += 1


def test_a_flow_stuck_on_a_busy_screen_stops_the_keepalives(
    qapp: QApplication, tmp_path: Path
) -> None:
    kiosk = KioskApp(Config(), demo=True, data_dir=tmp_path)  # no backends: nothing answers
    keepalives = Keepalives()
    kiosk._systemd = keepalives  # type: ignore[assignment]
    try:
        kiosk._keepalive_tick()
        assert keepalives.sent == 1 and kiosk.controller.busy_seconds() == 0.0
        citizen_id = demo_persona("walk_in_insurance", date.today()).identity.citizen_id
        kiosk.controller.send(Pressed.KEYPAD)
        kiosk.controller.send(KeypadSubmitted(citizen_id))
        assert kiosk.controller.state.screen is Screen.LOOKING_UP
        time.sleep(0.05)
        assert kiosk.controller.busy_seconds() >= 0.05
        kiosk._keepalive_tick()
        assert keepalives.sent == 2  # waiting a little is what busy screens do
        # As if no answer had come for ten minutes: far past every effect's bound.
        kiosk.controller._busy_since = time.monotonic() - 600
        kiosk._keepalive_tick()
        assert keepalives.sent == 2
        kiosk.controller.send(Pressed.CANCEL)  # the flow moves again
        assert kiosk.controller.busy_seconds() == 0.0
        kiosk._keepalive_tick()
        assert keepalives.sent == 3
    finally:
        kiosk.close()
