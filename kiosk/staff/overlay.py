"""Staff settings layered over the kiosk's config file.

The config file (/etc/hospital-kiosk/kiosk.toml) is root's and read-only to the installed kiosk
(`ProtectSystem=strict`). What staff change goes to `settings.toml` in the kiosk's data folder
(/var/lib/hospital-kiosk, the unit's StateDirectory), which is read at every start on top of the
file. The overlay is itself a kiosk config that holds staff keys only: it is validated like one
(its errors name its own lines), then together with the file (one key can make another
required). `sources` says which file set each value, for `kiosk config check` and the doctor.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from kiosk.atomic_file import write_atomically
from kiosk.config import Config, ConfigError, load_config, parse_config
from kiosk.config_edit import toml_value

OVERLAY_NAME = "settings.toml"
_HEADER = """\
# Staff settings of this kiosk, saved from its staff mode. Each key here overrides the same key
# in the config file {base}
# (`kiosk config check` on that file shows where every value comes from). Written by the kiosk;
# delete a line (or this file) to go back to the config file's value.
"""


class OverlayError(ConfigError):
    """A ConfigError found in the staff settings file (`file`), not in the config file."""

    def __init__(self, file: Path, key: str, problem: str, line: int | None = None) -> None:
        super().__init__(key, problem, line)
        self.file = file


@dataclass(frozen=True)
class Layers:
    config: Config  # what the kiosk runs with: the file, then the staff settings over it
    file: Path
    file_config: Config  # the file alone
    overlay: Path  # where staff settings are kept (it may not exist yet)
    overlay_values: Mapping[str, Any]  # dotted key -> value, as Config holds it
    sources: Mapping[str, Path]  # dotted key -> the file that sets it; absent: a default
    _file_raw: Mapping[str, Any]


def data_folder(config: Config) -> Path:
    """The kiosk's data folder: `kiosk.data_dir`, else $XDG_STATE_HOME/hospital-kiosk (the unit
    sets XDG_STATE_HOME=/var/lib, so both lead to its StateDirectory)."""
    if config.kiosk.data_dir:
        return Path(config.kiosk.data_dir)
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "hospital-kiosk"


def overlay_path(config: Config) -> Path:
    return data_folder(config) / OVERLAY_NAME


def load_layers(path: Path, staff_keys: Collection[str]) -> Layers:
    """The config file at `path` with the staff settings over it. ConfigError names the key and
    line in the file; OverlayError those in the staff settings file."""
    file_config = load_config(path)
    file_raw = tomllib.loads(path.read_text(encoding="utf-8"))
    overlay = overlay_path(file_config)
    try:
        text = overlay.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        raise OverlayError(overlay, "", f"cannot read the staff settings: {error}") from error
    overlay_raw = _overlay_raw(overlay, text, staff_keys)
    config = _merged(path, overlay, file_raw, overlay_raw)
    values = {
        dotted: _value(config, dotted) for dotted in _dotted(overlay_raw) if dotted in staff_keys
    }
    sources = {dotted: path for dotted in _dotted(file_raw)}
    sources.update(dict.fromkeys(values, overlay))
    return Layers(config, path, file_config, overlay, values, sources, file_raw)


def save_overlay(layers: Layers, values: Mapping[str, Any]) -> Config:
    """Replace the staff settings with `values` (dotted key -> value) in one atomic write,
    validated with the config file first: nothing is written if the two would not load."""
    text = _HEADER.format(base=layers.file)
    for table in (f.name for f in fields(Config)):
        keys = sorted(key for key in values if key.split(".")[0] == table)
        if keys:
            text += f"\n[{table}]\n"
            text += "".join(f"{k.split('.', 1)[1]} = {toml_value(values[k])}\n" for k in keys)
    config = _merged(layers.file, layers.overlay, layers._file_raw, tomllib.loads(text))
    layers.overlay.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(layers.overlay, text)
    return config


def describe(layers: Layers) -> list[str]:
    """One line per value a file sets: `key = value  (file)`; secrets only as "(set)"."""
    sections: list[Any] = [(s.name, s.default_factory) for s in fields(Config)]
    secret = {
        f"{name}.{key.name}" for name, kind in sections for key in fields(kind) if not key.repr
    }
    lines = []
    for dotted, source in layers.sources.items():
        value = _value(layers.config, dotted)
        shown = "(set)" if dotted in secret and value else toml_value(value)
        lines.append(f"{dotted} = {shown}  ({source})")
    return lines


def _overlay_raw(overlay: Path, text: str, staff_keys: Collection[str]) -> dict[str, Any]:
    if not text:
        return {}
    try:
        load_config(overlay)  # each value on its own, with its line in the overlay
    except ConfigError as error:
        raise OverlayError(overlay, error.key, error.problem, error.line) from error
    raw = tomllib.loads(text)
    for dotted in _dotted(raw):
        if dotted not in staff_keys:
            problem = "not a staff setting: it belongs in the config file only"
            raise OverlayError(overlay, dotted, problem, _line_of(overlay, dotted))
    return raw


def _merged(
    file: Path, overlay: Path, file_raw: Mapping[str, Any], overlay_raw: Mapping[str, Any]
) -> Config:
    merged = {table: dict(keys) for table, keys in file_raw.items()}
    for table, keys in overlay_raw.items():
        merged.setdefault(table, {}).update(keys)
    try:
        return parse_config(merged)
    except ConfigError as error:
        if not overlay_raw:
            raise
        # One key's value made another wrong or required: say both files are involved.
        problem = f"{error.problem} (with the staff settings in {overlay})"
        raise ConfigError(error.key, problem) from error


def _dotted(raw: Mapping[str, Any]) -> list[str]:
    return [
        f"{table}.{key}" for table, keys in raw.items() if isinstance(keys, dict) for key in keys
    ]


def _value(config: Config, dotted: str) -> Any:
    table, key = dotted.split(".", 1)
    return getattr(getattr(config, table), key)


def _line_of(overlay: Path, dotted: str) -> int | None:
    """The line that sets `dotted` in the overlay (written by save_overlay: plain tables and
    `key = value` lines; a hand edit in another form gets no line)."""
    table, key = dotted.split(".", 1)
    current = ""
    for number, line in enumerate(overlay.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped.strip("[] ")
        elif current == table and stripped.split("=")[0].strip() == key:
            return number
    return None
