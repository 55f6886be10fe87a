"""The layers of the README's architecture section, checked on every import statement.

Each package may import only what its line in ALLOWED says (absolute and relative imports,
at module top or inside functions), the pure core only the standard library and itself, and
no module may take part in an import circle.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("kiosk", "drivers", "offline_cache", "ui")

# Our own packages each layer may import (third-party libraries are checked separately below).
# The prefix matched is the longest one listed in LAYERS.
LAYERS = {
    "kiosk": set(),  # the package itself: a docstring
    "kiosk.core": {"kiosk.core"},
    "drivers": {"drivers"},
    "kiosk.atomic_file": set(),
    "kiosk.config": {"kiosk.config", "kiosk.config_lines", "kiosk.core", "kiosk.staff.pin"},
    "kiosk.config_lines": set(),
    "kiosk.config_edit": {"kiosk.config", "kiosk.atomic_file"},
    "kiosk.hospital": {"kiosk.core", "kiosk.hospital"},
    "kiosk.alerts": {"kiosk.core", "kiosk.alerts"},
    "kiosk.staff": {
        "kiosk.core",
        "kiosk.staff",
        "kiosk.config",
        "kiosk.config_edit",
        "kiosk.atomic_file",
    },
    "kiosk.demo_hospital": {"kiosk.core", "kiosk.hospital", "kiosk.demo_hospital"},
    "offline_cache": {"kiosk.core", "offline_cache"},
    "ui": {"kiosk.core", "kiosk.staff", "kiosk.config", "ui"},
    "kiosk.app": {"kiosk", "drivers", "offline_cache", "ui"},
}
# Libraries that talk to hardware, the network, the disk's databases or draw widgets: only the
# layers named may import them.
LIBRARIES = {
    "PySide6": {"ui", "kiosk.app"},
    "smartcard": {"drivers", "kiosk.app"},
    "serial": {"drivers", "kiosk.app"},
    "usb": {"drivers", "kiosk.app"},
    "escpos": {"drivers", "kiosk.app"},
    "zxingcpp": {"drivers", "kiosk.app"},
    "httpx": {"kiosk.hospital", "kiosk.app"},
    "sqlite_utils": {"offline_cache", "kiosk.demo_hospital", "kiosk.app"},
    "starlette": {"kiosk.demo_hospital", "kiosk.app"},
    "uvicorn": {"kiosk.demo_hospital", "kiosk.app"},
}
STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def modules() -> list[tuple[str, Path]]:
    found = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return found


def imports(name: str, path: Path) -> Iterator[str]:
    """Every module named by an import statement anywhere in the file, relative ones resolved."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module
            # `from package import module` names a module too
            yield from (f"{module}.{alias.name}" for alias in node.names)


OURS = {name for name, _ in modules()}


def layer_of(name: str) -> str:
    matches = [layer for layer in LAYERS if name == layer or name.startswith(layer + ".")]
    assert matches, f"{name} belongs to no layer: add it to LAYERS"
    return max(matches, key=len)


def within(name: str, prefixes: set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def our_imports(name: str, path: Path) -> set[str]:
    return {m for m in imports(name, path) if m in OURS}


@pytest.mark.parametrize(("name", "path"), modules(), ids=lambda v: str(v))
def test_each_layer_imports_only_what_it_may(name: str, path: Path) -> None:
    allowed = LAYERS[layer_of(name)]
    bad = {m for m in our_imports(name, path) if not within(m, allowed)}
    assert not bad, f"{name} ({layer_of(name)}) imports {sorted(bad)}"


@pytest.mark.parametrize(("name", "path"), modules(), ids=lambda v: str(v))
def test_device_network_and_widget_libraries_stay_in_their_layers(name: str, path: Path) -> None:
    layer = layer_of(name)
    bad = {
        m
        for m in imports(name, path)
        if m.split(".")[0] in LIBRARIES and not within(layer, LIBRARIES[m.split(".")[0]])
    }
    assert not bad, f"{name} ({layer}) imports {sorted(bad)}"


@pytest.mark.parametrize(
    ("name", "path"),
    [(n, p) for n, p in modules() if layer_of(n) == "kiosk.core"],
    ids=lambda v: str(v),
)
def test_the_core_imports_the_standard_library_and_itself_only(name: str, path: Path) -> None:
    bad = {
        m
        for m in imports(name, path)
        if m.split(".")[0] not in STDLIB and not within(m, {"kiosk.core"})
    }
    assert not bad, f"{name} imports {sorted(bad)}"


def test_drivers_know_nothing_of_the_kiosk() -> None:
    bad = {
        (name, m)
        for name, path in modules()
        if name.startswith("drivers")
        for m in imports(name, path)
        if m.split(".")[0] in {"kiosk", "ui", "offline_cache"}
    }
    assert not bad


def test_no_import_circles() -> None:
    graph = {name: our_imports(name, path) - {name} for name, path in modules()}
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            # a module's own package __init__ is not an edge back to it
            if node.startswith(target + "."):
                continue
            if state.get(target) == 1:
                circles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, "\n".join(" → ".join(c) for c in circles)
