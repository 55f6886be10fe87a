"""packaging/linux/cage-session starts cage, then becomes the kiosk: the unit's main process is
the kiosk itself (NotifyAccess=main accepts its READY/WATCHDOG), and its exit status is the
unit's.

cage is replaced by a stand-in that does what cage does for the session: it sets
WAYLAND_DISPLAY and runs its client (everything after `--`), here until it is killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

SESSION = Path(__file__).resolve().parents[2] / "packaging" / "linux" / "cage-session"
CAGE = '#!/bin/sh\n[ "$1" = "--" ] && shift\nWAYLAND_DISPLAY=wayland-7 exec "$@"\n'
KIOSK = """#!/bin/sh
echo "$$ $QT_QPA_PLATFORM $WAYLAND_DISPLAY $XDG_RUNTIME_DIR $*" >"$RUNTIME_DIRECTORY/kiosk-saw"
exit "$KIOSK_EXIT"
"""


def _executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def session_env(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(bin_dir / "cage", CAGE)
    runtime = tmp_path / "run"
    runtime.mkdir()
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "KIOSK": str(_executable(tmp_path / "kiosk", KIOSK)),
        "RUNTIME_DIRECTORY": str(runtime),
        "KIOSK_EXIT": "0",
    }


@pytest.fixture
def run_session() -> Iterator[object]:
    """Runs the session in a process group of its own, killed afterwards (cage's stand-in)."""
    started: list[subprocess.Popen[bytes]] = []

    def run(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[bytes], bytes]:
        # A file, not a pipe: cage's stand-in keeps its copy open after the session ends.
        stderr = Path(env["RUNTIME_DIRECTORY"]) / "stderr"
        with stderr.open("wb") as sink:
            process = subprocess.Popen(
                ["sh", str(SESSION), *args], env=env, stderr=sink, start_new_session=True
            )
        started.append(process)
        process.wait(timeout=20)
        return process, stderr.read_bytes()

    yield run
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)


@pytest.mark.parametrize("status", [0, 1, 2, 139])
def test_the_session_becomes_the_kiosk(
    session_env: dict[str, str], run_session, status: int
) -> None:
    env = {**session_env, "KIOSK_EXIT": str(status)}
    process, _ = run_session(env, "/etc/hospital-kiosk/kiosk.toml")
    assert process.returncode == status  # the kiosk's own status reaches systemd
    saw = (Path(env["RUNTIME_DIRECTORY"]) / "kiosk-saw").read_text().split()
    runtime = env["RUNTIME_DIRECTORY"]
    # Same process: the kiosk is the unit's main process.
    assert saw == [
        str(process.pid),
        "wayland",
        "wayland-7",
        runtime,  # the Wayland socket goes to the unit's own runtime folder
        "--config",
        "/etc/hospital-kiosk/kiosk.toml",
    ]


def test_cage_ending_before_its_display_is_up_is_a_failure(
    session_env: dict[str, str], run_session
) -> None:
    _executable(Path(session_env["PATH"].split(":")[0]) / "cage", "#!/bin/sh\nexit 0\n")
    process, stderr = run_session(session_env, "kiosk.toml")
    assert process.returncode == 1
    assert b"cage ended before its display was up" in stderr
    assert not (Path(session_env["RUNTIME_DIRECTORY"]) / "kiosk-saw").exists()


def test_a_cage_that_never_comes_up_is_given_up_on(
    session_env: dict[str, str], run_session
) -> None:
    _executable(Path(session_env["PATH"].split(":")[0]) / "cage", "#!/bin/sh\nexec sleep 30\n")
    process, stderr = run_session({**session_env, "CAGE_WAIT_TENTHS": "5"}, "kiosk.toml")
    assert process.returncode == 1
    assert b"display was not up after" in stderr
