"""A demo kiosk (embedded demo hospital, simulated devices) shown portrait 1080x1920, for the
module-scoped fixtures of the UI tests and the staff benchmark, and a wait that keeps Qt's
events flowing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk.app.controller import KioskApp
from kiosk.config import Config


@contextmanager
def running_demo_kiosk(
    config: Config, data_dir: Path, *, config_path: Path | None = None
) -> Iterator[KioskApp]:
    app = KioskApp(config, demo=True, data_dir=data_dir, config_path=config_path)
    try:
        app.wait_until_ready()
        app.window.resize(1080, 1920)
        app.window.show()
        yield app
    finally:
        app.close()


def wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Process Qt events until `condition` holds; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        QApplication.processEvents()
        time.sleep(0.005)
