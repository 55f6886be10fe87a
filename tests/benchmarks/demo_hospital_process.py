"""`kiosk demo-hospital` in its own process on a free loopback port: the benchmarks that talk to
a hospital over HTTP start it this way, so the kiosk's figures exclude the hospital's work."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def launch_demo_hospital(port: int, db: Path) -> subprocess.Popen[bytes]:
    """Started, not yet answering: see `wait_until_answering`."""
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


def wait_until_answering(url: str, timeout: float = 30.0) -> None:
    """Returns once the hospital at `url` answers its health check; RuntimeError after
    `timeout` seconds."""
    import httpx  # on use, like run.py's other heavy imports

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/v1/health", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("the demo hospital did not start")
