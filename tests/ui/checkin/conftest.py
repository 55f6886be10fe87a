"""One demo kiosk (real UI, demo hospital over HTTP, simulated devices) for the UI check-ins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.app.controller import KioskApp
from kiosk.app.walkthrough import Driver
from kiosk.config import Config
from kiosk.core.flow import Screen
from tests.demo_kiosk import running_demo_kiosk

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "checkins"


@pytest.fixture(scope="module")
def kiosk(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskApp]:
    with running_demo_kiosk(Config(), tmp_path_factory.mktemp("kiosk")) as app:
        yield app


@pytest.fixture
def driver(kiosk: KioskApp, request: pytest.FixtureRequest) -> Iterator[Driver]:
    """A driver saving its screenshots under tests/artifacts/checkins/<test name>/."""
    alerts: list[str] = []
    kiosk.controller.staff_alert.connect(alerts.append)
    drive = Driver(kiosk, ARTIFACTS)
    drive.begin(request.node.name)
    drive.alerts = alerts  # type: ignore[attr-defined]
    drive.wait_for(Screen.WELCOME)
    yield drive
    kiosk.controller.staff_alert.disconnect(alerts.append)
    kiosk.printer.set_problem(None)
    kiosk.demo_devices.hospital_offline(False)
    if kiosk.controller.state.screen is not Screen.WELCOME:
        kiosk.controller.expire_idle_timer()  # a failed test does not fail the next ones
