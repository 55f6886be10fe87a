"""packaging/kiosk.spec leaves out only what the kiosk's code never imports.

A module the spec excludes is missing only from the frozen bundle: the tests and the demo,
which run from source, would never notice. These checks read the spec and the project's
imports, so a new `from PySide6.QtSvg import …` or `np.random` fails here, not on a kiosk.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import PySide6

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "kiosk.spec"
PACKAGES = ("kiosk", "ui", "drivers", "offline_cache")


def _spec_assignment(name: str) -> ast.expr:
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                assert node.value is not None
                return node.value
    raise AssertionError(f"{name} is not assigned in {SPEC}")


def used_qt() -> set[str]:
    return ast.literal_eval(_spec_assignment("USED_QT"))


def excluded_modules() -> list[str]:
    """The spec's excluded modules written out by name (the PySide6 ones are computed)."""
    value = _spec_assignment("EXCLUDED_MODULES")
    assert isinstance(value, ast.List)
    return [e.value for e in value.elts if isinstance(e, ast.Constant)]


def project_sources() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def imported_modules(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_every_qt_module_the_code_uses_is_kept() -> None:
    kept = used_qt()
    for path, source in project_sources().items():
        used = set(re.findall(r"\bPySide6\.(Qt\w+)", source))
        assert used <= kept, f"{path.relative_to(ROOT)} uses {used - kept}, excluded by the spec"


def test_the_kept_qt_modules_are_pyside6_modules() -> None:
    assert used_qt() <= set(PySide6.__all__)
    assert "QtMultimedia" in used_qt()  # the camera


def test_no_excluded_module_is_imported_by_the_code() -> None:
    excluded = excluded_modules()
    assert "PIL" not in excluded  # the camera frames and the tickets
    assert "numpy" in excluded  # 39 MB: the kiosk's frames are byte buffers, not arrays
    for path, source in project_sources().items():
        for name in imported_modules(source):
            hits = [e for e in excluded if name == e or name.startswith(f"{e}.")]
            assert not hits, f"{path.relative_to(ROOT)} imports {name}, excluded by the spec"
