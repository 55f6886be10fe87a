"""A demo kiosk (embedded demo hospital, simulated devices) shown portrait 1080x1920, for the
module-scoped fixtures of the UI tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.app import KioskApp
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
