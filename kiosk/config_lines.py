"""Where a dotted config key sits in the TOML text, so `kiosk config check` can name the line.

tomllib gives values without positions, so this scans the text the way a reader would: table
headers (`[hospital]`) set the current table, and `key =` lines (dotted or quoted keys too)
name a key under it. Multi-line strings are skipped. A key the file does not contain (one the
config requires but is missing) is found at its table's header instead.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_PART = re.compile(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""")
_INDEX = re.compile(r"\[\d+\]$")


def key_line(text: str, dotted: str) -> int | None:
    """The 1-based line that sets `dotted` (e.g. "hospital.url", "ticket.hidden_fields[2]"),
    else the line of the nearest enclosing table's header, else None."""
    wanted = _split(_INDEX.sub("", dotted))
    best: tuple[int, int] | None = None  # (parts matched, line)
    table: tuple[str, ...] = ()
    in_string: str | None = None  # the delimiter of the multi-line string being skipped
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header:
            table = _split(header.group(1))
            if wanted[: len(table)] == table and (best is None or len(table) > best[0]):
                best = (len(table), number)
            continue
        key = _KEY.match(line)
        if key:
            full = table + _split(key.group(1))
            if full == wanted:
                return number
            rest = line[key.end() :]
            for delimiter in ('"""', "'''"):
                if rest.count(delimiter) % 2 == 1:
                    in_string = delimiter
    return best[1] if best else None


def _split(key: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _PART.findall(key))
