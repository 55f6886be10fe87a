"""`kiosk demo-hospital` in its own process on a free loopback port: the benchmarks that talk to
a hospital over HTTP start it this way, so the kiosk's figures exclude the hospital's work."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def launch_demo_hospital(port: int, db: Path) -> subprocess.Popen[bytes]:
    """Started, not yet answering: the caller waits in its own way."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk.app.cli",
            "demo-hospital",
            "--port",
            str(port),
            "--db",
            str(db),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
