"""Kill -9 the kiosk at random points of offline check-ins, online check-ins and sync; restart
it; in the end every check-in it reported reaches the demo hospital exactly once."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from kiosk.demo_hospital.server import DemoHospitalServer

from .conftest import TODAY

DRIVER = Path(__file__).with_name("crash_driver.py")
RUNS = 50
PER_RUN = 12


def _run_driver(data_dir: Path, url: str, seed: int, kill_after: float | None) -> list[str]:
    """Start the driver; SIGKILL it `kill_after` seconds after READY (None: let it finish)."""
    process = subprocess.Popen(
        [sys.executable, str(DRIVER), str(data_dir), url, str(PER_RUN if kill_after else 0),
         str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.strip())
            if line.startswith("READY"):
                ready.set()

    reader = threading.Thread(target=read)
    reader.start()
    if kill_after is not None:
        ready.wait(15)
        time.sleep(kill_after)
        process.send_signal(signal.SIGKILL)
    process.wait(30)
    reader.join(5)
    stderr = process.stderr.read() if process.stderr else ""
    if kill_after is None:
        assert process.returncode == 0, stderr[-2000:]
        assert lines[-1] == "DRAINED"
    else:
        assert process.returncode in (0, -signal.SIGKILL), stderr[-2000:]
    return lines


def test_kill_9_anywhere_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    hospital = DemoHospitalServer(tmp_path / "hospital.sqlite", today=TODAY)
    hospital.start()
    # Slow registrations a little, so kills also land while a request is in flight.
    hospital.faults.latency(0.02, phase="processing", path_prefix="/v1/visits")
    rng = random.Random(20260310)
    reported: list[str] = []
    killed = 0
    try:
        for run in range(RUNS):
            lines = _run_driver(tmp_path, hospital.url, run, rng.uniform(0.0, 0.3))
            reported += [line.split()[1] for line in lines if line.split()[0] in
                         ("ISSUED", "REGISTERED")]  # fmt: skip
            killed += "DRAINED" not in lines
        _run_driver(tmp_path, hospital.url, RUNS, None)  # the last restart drains everything
    finally:
        hospital.stop()

    outbox = sqlite3.connect(tmp_path / "offline.sqlite")
    rows = dict(outbox.execute("SELECT idempotency_key, state FROM outbox").fetchall())
    outbox.close()
    hospital_db = sqlite3.connect(tmp_path / "hospital.sqlite")
    per_key = dict(
        hospital_db.execute(
            "SELECT idempotency_key, count(*) FROM registrations WHERE kiosk_id = 'kiosk-crash'"
            " GROUP BY idempotency_key"
        ).fetchall()
    )
    hospital_db.close()

    print(f"{RUNS} runs, {killed} killed mid-work, {len(reported)} check-ins reported,"
          f" {len(rows)} outbox rows, {sum(per_key.values())} registrations")  # fmt: skip
    assert killed >= RUNS * 0.7  # most runs really died mid-work
    assert len(reported) >= RUNS  # and real work was done between the kills
    missing = [key for key in reported if key not in rows]
    assert not missing, "check-ins reported to the patient but lost"
    assert set(rows.values()) == {"synced"}
    assert {key: 1 for key in rows} == per_key  # every row once; nothing the kiosk doesn't know
