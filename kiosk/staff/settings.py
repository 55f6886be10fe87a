"""The kiosk settings staff may change from the staff screens (blocking calls: the staff
screens run them on a worker thread).

Values are keyed by their dotted config key ("kiosk.idle_seconds") and typed as the config
holds them. The config file stays as its owner wrote it (on an installed kiosk it is root's and
read-only to the kiosk): a save writes the staff settings file in the kiosk's data folder, which
is layered over the config file at every start (kiosk/staff/overlay.py), in one atomic write
validated first, so a value the kiosk would refuse at its next start is reported and nothing is
written. The running kiosk keeps its settings: they take effect when it restarts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from kiosk.config import Config, ConfigError, load_config
from kiosk.core.domain import Department
from kiosk.staff.overlay import Layers, load_layers, save_overlay

audit = logging.getLogger("kiosk.audit.admin")

IDLE_CHOICES = (30, 60, 90, 120)  # seconds before an untouched screen goes back to welcome
CACHE_HOURS_CHOICES = (12, 24, 48, 72)  # how long a looked-up patient may be served offline

# The address keys each printer kind needs (the others are kept in the file, unused).
PRINTER_ADDRESS: dict[str, tuple[str, ...]] = {
    "network": ("printer.host", "printer.port"),
    "usb": ("printer.vendor_id", "printer.product_id"),
    "serial": ("printer.device", "printer.baudrate"),
    "cups": ("printer.cups_printer",),
    "file": ("printer.path",),
    "simulated": (),
}

EDITABLE: tuple[str, ...] = (
    "kiosk.id",
    "kiosk.name",
    "hospital.url",
    "kiosk.departments",
    "printer.kind",
    *(key for keys in PRINTER_ADDRESS.values() for key in keys),
    "card.reader",
    "card.reader_name",
    "camera.source",
    "camera.name_contains",
    "kiosk.idle_seconds",
    "kiosk.language",
    "offline.enabled",
    "offline.patient_cache_hours",
)

Settings = dict[str, Any]  # dotted key -> value, as Config holds it


@dataclass(frozen=True)
class Detected:
    """What the staff may pick from instead of typing."""

    readers: tuple[str, ...]  # PC/SC reader names
    serial_ports: tuple[str, ...]  # device paths
    departments: tuple[Department, ...] | None  # None: the hospital did not answer


def settings_of(config: Config) -> Settings:
    return {key: getattr(getattr(config, key.split(".")[0]), key.split(".")[1]) for key in EDITABLE}


def parse_number(key: str, text: str) -> int | float:
    """A number typed into a text field, as the key's type; ConfigError naming the key."""
    section, name = key.split(".")
    default = getattr(_section_type(section)(), name)
    try:
        return int(text) if isinstance(default, int) else float(text)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise ConfigError(key, f"must be {kind}") from None


def layered_config(path: Path | None) -> Config:
    """What the kiosk runs with: the config file at `path` with the staff settings over it
    (the defaults without a file)."""
    return load_config(None) if path is None else staff_layers(path).config


def staff_layers(path: Path) -> Layers:
    return load_layers(path, EDITABLE)


class SettingsFile:
    """The settings of the kiosk whose config file is at `path`; None: it runs without one."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @property
    def available(self) -> bool:
        return self.path is not None

    def read(self) -> Settings:
        return settings_of(staff_layers(self._file()).config)

    def save(self, settings: Mapping[str, Any]) -> Settings:
        """Save the settings that differ from what the kiosk runs with; returns the new ones."""
        unknown = set(settings) - set(EDITABLE)
        if unknown:
            raise ValueError(f"not settable from the staff screens: {', '.join(sorted(unknown))}")
        if settings.get("kiosk.idle_seconds", IDLE_CHOICES[0]) not in IDLE_CHOICES:
            raise ValueError(f"kiosk.idle_seconds must be one of {IDLE_CHOICES}")
        layers = staff_layers(self._file())
        before = settings_of(layers.config)
        changed = {key: value for key, value in settings.items() if value != before[key]}
        if not changed:
            return before
        in_file = settings_of(layers.file_config)
        kept = {**layers.overlay_values, **changed}
        # A value equal to the config file's leaves the overlay: the file's own shows through.
        staff = {key: value for key, value in kept.items() if value != in_file[key]}
        config = save_overlay(layers, staff)
        # Keys only: a URL or a name is not personal data, but the audit names what changed.
        audit.warning("staff changed settings: %s", ", ".join(sorted(changed)))
        return settings_of(config)

    def _file(self) -> Path:
        if self.path is None:
            raise FileNotFoundError("the kiosk was started without a config file")
        return self.path


@dataclass(frozen=True)
class DeviceLists:
    """How this machine's devices are listed: passed in by the composition root (from drivers/),
    so staff code imports no hardware library. Each may raise: staff may still type."""

    readers: Callable[[], list[str]]  # PC/SC reader names
    serial_ports: Callable[[], list[str]]  # device paths


def detect(departments: Callable[[], list[Department]], devices: DeviceLists) -> Detected:
    """Card readers and serial ports on this machine and the hospital's departments; whatever
    cannot be asked is left empty (staff may still type)."""
    try:
        listed: tuple[Department, ...] | None = tuple(departments())
    except Exception as error:  # noqa: BLE001 — the page says the list is missing
        audit.info("settings: the departments could not be listed (%s)", type(error).__name__)
        listed = None
    return Detected(_names(devices.readers), _names(devices.serial_ports), listed)


def _names(list_devices: Callable[[], list[str]]) -> tuple[str, ...]:
    try:
        return tuple(list_devices())
    except Exception:  # noqa: BLE001 — e.g. no pcscd: nothing to offer
        return ()


def _section_type(section: str) -> Any:
    return next(f.default_factory for f in fields(Config) if f.name == section)
