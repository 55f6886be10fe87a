"""The few kiosk settings staff may change from the staff screens, read from and written to the
kiosk's config file (blocking calls: the staff screens run them on a worker thread).

Only fixed choices are offered, so staff cannot write a value the kiosk would refuse at its
next start; each change still goes through `update_config_file` (validated, atomic). The
running kiosk keeps its settings: they take effect when it restarts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import load_config
from kiosk.config_edit import toml_string, update_config_file
from kiosk.flow import Language

audit = logging.getLogger("kiosk.audit.admin")

IDLE_CHOICES = (30, 60, 90, 120)  # seconds before an untouched screen goes back to welcome


@dataclass(frozen=True)
class KioskSettings:
    idle_seconds: float
    language: Language


class SettingsFile:
    """The settings in the config file at `path`; None: the kiosk runs without a file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @property
    def available(self) -> bool:
        return self.path is not None

    def read(self) -> KioskSettings:
        config = load_config(self._file())
        return KioskSettings(config.kiosk.idle_seconds, config.language)

    def save(self, settings: KioskSettings) -> KioskSettings:
        """Write the settings that differ from the file's; returns what the file now holds."""
        if settings.idle_seconds not in IDLE_CHOICES:
            raise ValueError(f"idle_seconds must be one of {IDLE_CHOICES}")
        path = self._file()
        before = self.read()
        if settings.idle_seconds != before.idle_seconds:
            update_config_file(path, "kiosk", "idle_seconds", f"{float(settings.idle_seconds)}")
            audit.warning("staff set kiosk.idle_seconds to %s", settings.idle_seconds)
        if settings.language is not before.language:
            update_config_file(path, "kiosk", "language", toml_string(settings.language.value))
            audit.warning("staff set kiosk.language to %s", settings.language.value)
        return self.read()

    def _file(self) -> Path:
        if self.path is None:
            raise FileNotFoundError("the kiosk was started without a config file")
        return self.path
