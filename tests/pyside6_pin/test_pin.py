"""Re-checks the PySide6 pin (pyproject.toml: PySide6 below 6.12) against a given release.

Skipped unless asked. With a version,

    KIOSK_PYSIDE6_CHECK=6.12.1 .venv/bin/pytest -p no:cacheprovider tests/pyside6_pin

installs that PySide6-Essentials (and its shiboken6) with pip into a folder of its own under
the temp folder (kept for the next run) and runs the reproducer, property_of_missing_name.py,
in a subprocess with that folder first on the path; `KIOSK_PYSIDE6_CHECK=installed` runs it
with the virtualenv's own PySide6. The test passes when the release keeps None alive: the pin
may then be raised past it (on Python 3.11, the oldest the kiosk supports).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ASK = "KIOSK_PYSIDE6_CHECK"
REPRODUCER = Path(__file__).with_name("property_of_missing_name.py")


def _install(version: str) -> Path:
    """A folder holding PySide6-Essentials `version` and its shiboken6, installed once."""
    target = Path(tempfile.gettempdir()) / f"kiosk-pyside6-{version}"
    done = target / ".installed"
    if not done.exists():
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--upgrade", "--target"]
        subprocess.run([*pip, str(target), f"PySide6-Essentials=={version}"], check=True)
        done.touch()
    return target


@pytest.mark.skipif(not os.environ.get(ASK), reason=f"set {ASK}=<version> or =installed")
@pytest.mark.timeout(900)  # pip downloads about 100 MB the first time
def test_qobject_property_of_a_missing_name_keeps_none_alive() -> None:
    version = os.environ[ASK]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if version != "installed":
        paths = [str(_install(version)), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    run = subprocess.run(
        [sys.executable, str(REPRODUCER)], env=env, capture_output=True, text=True, timeout=120
    )
    if run.returncode < 0:
        verdict = f"the reproducer died of {signal.Signals(-run.returncode).name}"
    else:
        verdict = f"the reproducer exited {run.returncode}"
    report = f"{verdict}; keep the pin below this PySide6\n{run.stdout}{run.stderr[-1500:]}"
    assert run.returncode == 0, report
    if version != "installed":
        assert f"PySide6 {version} " in run.stdout  # the release asked for, not the venv's
