"""packaging/linux/cage-session passes the kiosk's exit status to systemd through cage.

cage itself is replaced by a stand-in that runs its client the way cage does (everything
after `--`) and, like cage, exits 0 whatever the client did.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SESSION = Path(__file__).resolve().parents[2] / "packaging" / "linux" / "cage-session"


def _executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def session_env(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(bin_dir / "cage", '#!/bin/sh\n[ "$1" = "--" ] && shift\n"$@"\nexit 0\n')
    kiosk = _executable(
        tmp_path / "kiosk",
        '#!/bin/sh\necho "$QT_QPA_PLATFORM $*" >"$RUNTIME_DIRECTORY/args"\nexit "$KIOSK_EXIT"\n',
    )
    runtime = tmp_path / "run"
    runtime.mkdir()
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "KIOSK": str(kiosk),
        "RUNTIME_DIRECTORY": str(runtime),
    }


@pytest.mark.parametrize("status", [0, 1, 2, 139])
def test_the_kiosk_status_is_the_session_status(session_env: dict[str, str], status: int) -> None:
    env = {**session_env, "KIOSK_EXIT": str(status)}
    result = subprocess.run(
        ["sh", str(SESSION), "/etc/hospital-kiosk/kiosk.toml"],
        env=env,
        capture_output=True,
        timeout=10,
    )
    assert result.returncode == status
    args = (Path(env["RUNTIME_DIRECTORY"]) / "args").read_text()
    assert args == "wayland --config /etc/hospital-kiosk/kiosk.toml\n"


def test_cage_ending_without_the_kiosk_is_a_failure(session_env: dict[str, str]) -> None:
    bin_dir = Path(session_env["PATH"].split(":")[0])
    _executable(bin_dir / "cage", "#!/bin/sh\nexit 0\n")  # e.g. no display to take
    result = subprocess.run(
        ["sh", str(SESSION), "kiosk.toml"], env=session_env, capture_output=True, timeout=10
    )
    assert result.returncode == 1
    assert b"cage ended before the kiosk reported" in result.stderr
