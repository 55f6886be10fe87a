"""The dependency rule of DESIGN.md, checked on every import statement of the code base."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMPOSITION_ROOT = {
    "kiosk.app",
    "kiosk.backends",
    "kiosk.cli",
    "kiosk.demo_devices",
    "kiosk.doctor",
    "kiosk.offline_link",
    "kiosk.selftest",
    "kiosk.walkthrough",
}
ALLOWED_KIOSK_FOR_DEVICES = {"kiosk", "kiosk.domain", "kiosk.privacy"}


def modules(package: str) -> list[tuple[str, Path]]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize(("name", "path"), modules("kiosk"), ids=lambda v: str(v))
def test_core_imports_no_ui_drivers_or_cache(name: str, path: Path) -> None:
    if name in COMPOSITION_ROOT:
        return
    bad = {m for m in imported(path) if top(m) in {"ui", "drivers", "offline_cache", "PySide6"}}
    assert not bad, f"{name} imports {sorted(bad)}"


@pytest.mark.parametrize(
    ("name", "path"), modules("drivers") + modules("offline_cache"), ids=lambda v: str(v)
)
def test_devices_and_cache_import_only_the_domain(name: str, path: Path) -> None:
    bad = {
        m
        for m in imported(path)
        if top(m) in {"ui", "offline_cache", "PySide6"} - {top(name)}
        or (top(m) == "kiosk" and m not in ALLOWED_KIOSK_FOR_DEVICES)
    }
    assert not bad, f"{name} imports {sorted(bad)}"


@pytest.mark.parametrize(("name", "path"), modules("ui"), ids=lambda v: str(v))
def test_ui_never_talks_to_devices_or_the_network(name: str, path: Path) -> None:
    bad = {
        m
        for m in imported(path)
        if top(m) in {"drivers", "offline_cache", "httpx", "escpos", "sqlite3", "sqlite_utils"}
        or m.startswith(("kiosk.hospital", "kiosk.demo_hospital", "kiosk.app"))
    }
    assert not bad, f"{name} imports {sorted(bad)}"
