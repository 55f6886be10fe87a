"""`kiosk --self-test` and `kiosk --version`, run as the command IT runs (unfrozen here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from kiosk.app.selftest import CHECKS

ROOT = Path(__file__).resolve().parents[2]


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    env.pop("DISPLAY", None)  # the self-test must not need a screen
    return subprocess.run(
        [sys.executable, "-m", "kiosk.app.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )


def test_self_test_passes_every_check_offscreen_and_times_each() -> None:
    result = kiosk("--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    for name, _ in CHECKS:
        assert re.search(rf"^ok +{name} +\d+ ms ", result.stdout, re.MULTILINE), result.stdout
    assert f"self-test passed: {len(CHECKS)} checks" in result.stdout


def test_self_test_fails_and_names_the_check_that_failed(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("[ticket]\npaper_width_mm = 80\n[kiosk]\nidel_seconds = 5\n")
    result = kiosk("--self-test", "--config", str(config))
    assert result.returncode == 1
    assert re.search(r"^FAIL config .*idel_seconds", result.stdout, re.MULTILINE)
    assert "self-test FAILED (config)" in result.stdout
    # The other checks still ran, on the default config.
    assert re.search(r"^ok +welcome ", result.stdout, re.MULTILINE)


def test_version_prints_the_package_version_without_loading_qt() -> None:
    code = (
        "import sys\n"
        "from kiosk.app.cli import main\n"
        "status = main(['--version'])\n"
        "assert 'PySide6' not in sys.modules, 'Qt imported for --version'\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    version = metadata.version("hospital-checkin-kiosk")
    assert result.stdout.startswith(f"kiosk {version} (")
    assert result.stdout.count("\n") == 1
