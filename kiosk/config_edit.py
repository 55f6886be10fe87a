"""Change one key of a kiosk's TOML config in place, keeping its comments, written atomically.

The edit is line-based (TOML has no round-tripping parser in the standard library): the
key's line in its table is replaced, or added under the table's header, or a new table is
appended. The result is parsed and validated before anything is written, so a file the edit
cannot handle is reported, never damaged; the write goes to a temporary file in the same
folder, is fsynced, then renamed over the old one (a power cut leaves the old or the new file).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.atomic_file import write_atomically
from kiosk.config import Config, ConfigError, parse_config

_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$")


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are a subset TOML reads the same way; JSON leaves
    DEL as it is, which TOML forbids)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    """A config value (as Config holds it) written as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_string(item) for item in value) + "]"
    if isinstance(value, float | int):
        return repr(value)
    if hasattr(value, "value"):  # an enum such as Language
        return toml_string(value.value)
    raise TypeError(f"cannot write {type(value).__name__} to the config")


def set_key(text: str, table: str, key: str, value_toml: str) -> str:
    """`text` with `table.key = value_toml`; `value_toml` is already TOML (see toml_string).
    A replaced value keeps its line's comment, and a value over several lines (an array) is
    replaced whole."""
    lines = text.splitlines(keepends=True)
    key_line = re.compile(rf"^\s*{re.escape(key)}\s*=")
    current: str | None = None
    header_at: int | None = None
    for index, line in enumerate(lines):
        table_match = _TABLE.match(line)
        if table_match:
            current = table_match.group(1)
            if current == table:
                header_at = index
            continue
        if current == table and key_line.match(line):
            end, comment = _value_span(lines, index)
            lines[index:end] = [f"{key} = {value_toml}{comment}\n"]
            return "".join(lines)
    new_line = f"{key} = {value_toml}\n"
    if header_at is not None:
        lines.insert(header_at + 1, new_line)
        return "".join(lines)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines) + f"\n[{table}]\n{new_line}"


def _value_span(lines: list[str], start: int) -> tuple[int, str]:
    """Where the key/value that begins on line `start` ends (exclusive), and the comment after
    it with the spacing before it ("" if none). TOML decides: the shortest run of lines that
    parses is the value, and its comment starts at the first "#" outside a string."""
    for end in range(start + 1, len(lines) + 1):
        head = "".join(lines[start : end - 1])
        last = lines[end - 1].rstrip("\r\n")
        if not _parses(head + last):
            continue
        for at in (i for i, char in enumerate(last) if char == "#"):
            if _parses(head + last[:at]):
                before = last[:at]
                spacing = before[len(before.rstrip()) :]
                return end, spacing + last[at:]
        return end, ""
    return start + 1, ""  # not valid TOML: checked() reports the file


def _parses(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return True


def checked(text: str) -> Config:
    """The config `text` holds; ConfigError if it is not a valid one."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("", f"not valid TOML: {error}") from error
    return parse_config(raw)


def update_config_file(path: Path, changes: Mapping[tuple[str, str], str]) -> Config:
    """Set keys in the file at `path` in one atomic write: `changes` maps (table, key) to a
    TOML value. Returns the validated new config; nothing is written if it is not valid."""
    text = path.read_text(encoding="utf-8")
    for (table, key), value_toml in changes.items():
        text = set_key(text, table, key, value_toml)
    config = checked(text)
    write_atomically(path, text)
    return config
