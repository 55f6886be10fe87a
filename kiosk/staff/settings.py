"""The kiosk settings staff may change from the staff screens, read from and written to the
kiosk's config file (blocking calls: the staff screens run them on a worker thread).

Values are keyed by their dotted config key ("kiosk.idle_seconds") and typed as the config
holds them. A save writes every changed key in one atomic edit that is validated first
(`update_config_file`), so a value the kiosk would refuse at its next start is reported and
nothing is written. The running kiosk keeps its settings: they take effect when it restarts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from kiosk.config import Config, ConfigError, load_config
from kiosk.config_edit import toml_string, update_config_file
from kiosk.core.domain import Department

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


class SettingsFile:
    """The settings in the config file at `path`; None: the kiosk runs without a file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @property
    def available(self) -> bool:
        return self.path is not None

    def read(self) -> Settings:
        return settings_of(load_config(self._file()))

    def save(self, settings: Mapping[str, Any]) -> Settings:
        """Write the settings that differ from the file's; returns what the file now holds."""
        unknown = set(settings) - set(EDITABLE)
        if unknown:
            raise ValueError(f"not settable from the staff screens: {', '.join(sorted(unknown))}")
        if settings.get("kiosk.idle_seconds", IDLE_CHOICES[0]) not in IDLE_CHOICES:
            raise ValueError(f"kiosk.idle_seconds must be one of {IDLE_CHOICES}")
        path = self._file()
        before = self.read()
        changed = {key: value for key, value in settings.items() if value != before[key]}
        if not changed:
            return before
        changes = {_table_and_key(key): _toml(value) for key, value in changed.items()}
        update_config_file(path, changes)
        # Keys only: a URL or a name is not personal data, but the audit names what changed.
        audit.warning("staff changed settings: %s", ", ".join(sorted(changed)))
        return self.read()

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


def _table_and_key(dotted: str) -> tuple[str, str]:
    table, key = dotted.split(".", 1)
    return table, key


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(toml_string(item) for item in value) + "]"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "value"):  # an enum such as Language
        return toml_string(value.value)
    raise TypeError(f"cannot write {type(value).__name__} to the config")


def _section_type(section: str) -> Any:
    return next(f.default_factory for f in fields(Config) if f.name == section)
