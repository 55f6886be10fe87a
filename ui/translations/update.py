"""Refresh the Vietnamese catalogue from the UI sources, then compile it.

    python ui/translations/update.py            # lupdate + lrelease
    python ui/translations/update.py --check    # fail if the .ts or .qm is out of date

After lupdate, translate every new entry in kiosk_vi.ts (Qt Linguist, `pyside6-linguist`, or a
text editor), then run the script again so the .qm matches.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
UI = HERE.parent
TS = HERE / "kiosk_vi.ts"
QM = HERE / "kiosk_vi.qm"


def _tool(name: str) -> str:
    """The PySide6 tool next to this interpreter, else the one on PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found next to {sys.executable} nor on PATH")
    return found


def sources() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if HERE not in p.parents)


def lupdate(ts: Path) -> None:
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            *map(str, sources()),
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            "vi_VN",
            "-ts",
            str(ts),
        ],
        check=True,
        capture_output=True,
    )


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run(
        [_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True
    )


def check() -> list[str]:
    """What is out of date, as sentences; empty when the .ts and .qm match the sources."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh_ts = Path(tmp) / TS.name
        shutil.copy(TS, fresh_ts)
        lupdate(fresh_ts)
        if fresh_ts.read_bytes() != TS.read_bytes():
            problems.append(f"{TS.name} does not match the sources: run update.py")
        fresh_qm = Path(tmp) / QM.name
        lrelease(TS, fresh_qm)
        if not QM.exists() or fresh_qm.read_bytes() != QM.read_bytes():
            problems.append(f"{QM.name} is not compiled from {TS.name}: run update.py")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    args = parser.parse_args()
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    lupdate(TS)
    lrelease(TS, QM)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
