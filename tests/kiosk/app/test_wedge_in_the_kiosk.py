"""A keyboard-wedge scanner configured in a running demo kiosk: its burst starts a check-in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk.app.controller import KioskApp
from kiosk.app.demo_devices import card_issue_date
from kiosk.app.sample_codes import cccd_qr_payload
from kiosk.app.walkthrough import Driver
from kiosk.config import Config, ScannerSection
from kiosk.core.flow import Screen
from tests.ui.test_wedge_filter import type_keys


def test_a_wedge_scan_typed_into_the_kiosk_window_checks_the_patient_in(
    qapp: QApplication, tmp_path: Path
) -> None:
    kiosk = KioskApp(Config(scanner=ScannerSection(kind="wedge")), demo=True, data_dir=tmp_path)
    try:
        kiosk.show(fullscreen=False)
        kiosk.wait_until_ready()
        driver = Driver(kiosk)
        persona = driver.devices.personas["walk_in_paid"]
        identity = persona.identity
        payload = cccd_qr_payload(identity, issue_date=card_issue_date(identity, date.today()))
        type_keys(kiosk.window, payload + "\r", 1_000, 3)
        state = driver.wait_for(Screen.PLACE_CARD)
        assert state.identity is not None and state.identity.citizen_id == identity.citizen_id
    finally:
        kiosk.close()
