"""The composition root: the window comes first, the backends follow, nothing asked for in
between is lost, and a kiosk whose backends cannot start says so."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.app.controller import KioskApp
from kiosk.app.walkthrough import Driver
from kiosk.config import CodesSection, Config, HospitalSection
from kiosk.core.flow import KeypadSubmitted, Pressed, Screen
from kiosk.demo_hospital.personas import demo_persona

ROOT = Path(__file__).resolve().parents[3]


def test_a_lookup_asked_for_before_the_backends_are_ready_waits_for_them(
    qapp: QApplication, tmp_path: Path
) -> None:
    kiosk = KioskApp(Config(), demo=True, data_dir=tmp_path)
    try:
        citizen_id = demo_persona("walk_in_insurance", date.today()).identity.citizen_id
        assert kiosk.backends is None  # nothing started yet: only the window exists
        kiosk.controller.send(Pressed.KEYPAD)
        kiosk.controller.send(KeypadSubmitted(citizen_id))
        assert kiosk.controller.state.screen is Screen.LOOKING_UP
        kiosk.wait_until_ready()
        Driver(kiosk).wait_for(Screen.PLACE_CARD)
    finally:
        kiosk.close()


def test_backends_that_cannot_start_are_reported(qapp: QApplication, tmp_path: Path) -> None:
    broken = Config(hospital=HospitalSection(url="http://"))
    kiosk = KioskApp(broken, demo=False, data_dir=tmp_path)
    alerts: list[str] = []
    failures: list[str] = []
    kiosk.controller.staff_alert.connect(alerts.append)
    kiosk.backends_failed.connect(failures.append)
    try:
        with pytest.raises(RuntimeError, match="backends failed"):
            kiosk.wait_until_ready()
        QApplication.processEvents()
        assert failures and alerts == ["startup failed: ValueError"]
    finally:
        kiosk.close()


def test_smoke_start_reports_both_readiness_times() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.app.cli", "--demo", "--smoke"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "welcome screen ready in" in result.stdout
    assert "hospital and devices ready in" in result.stdout


def test_a_kiosk_told_the_hospitals_code_shapes_refuses_others_without_asking(
    qapp: QApplication, tmp_path: Path
) -> None:
    config = Config(codes=CodesSection(hospital_patterns=(r"^VNEID:1:", r"^LICHHEN:1:")))
    kiosk = KioskApp(config, demo=True, data_dir=tmp_path)
    try:
        kiosk.wait_until_ready()
        driver = Driver(kiosk)
        requests = kiosk.demo_hospital.requests
        driver.devices.show_unknown_qr()
        driver.wait_for(Screen.READ_FAILED)
        assert requests.count("/v1/identity/resolve") == 0  # refused here, nothing sent
        kiosk.controller.send(Pressed.RETRY)
        driver.devices.show_booking_qr("appointment_today")
        driver.wait_for(Screen.APPOINTMENT)  # a booking code goes straight to its confirmation
        assert requests.count("/v1/identity/resolve") == 1
    finally:
        kiosk.close()
