"""Crash campaign (issue 14): the real Qt kiosk process (tests/benchmarks/crash_kiosk.py: KioskApp
offscreen, no chip reader) checks patients in non-stop while it is SIGKILLed at random moments
and the demo hospital, in its own process, is killed and restarted at random (flapping). Then
the hospital stays up and the kiosk runs once more, undisturbed, until its outbox is empty.

    python tests/benchmarks/crash_campaign.py [KILLS]      (default 50)

Figures, from the kiosk's store, the hospital's database and the printer's journal:
tickets printed; visits lost (committed by the kiosk, never registered); duplicated (one
check-in registered twice, or one visit printed on two tickets); provisional labels reused;
registered-but-not-printed visits and how many of them the kiosk listed at a restart.
Baseline in the same run: the same kiosk, undisturbed, for as long (tickets printed).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "benchmarks")]

from demo_hospital_process import (  # noqa: E402
    free_loopback_port,
    launch_demo_hospital,
    wait_until_answering,
)

KIOSK_ID = "KIOSK-CRASH"


class FlappingHospital:
    """The demo hospital in its own process; `flap()` kills and restarts it at random."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stop = threading.Event()
        self._flapper: threading.Thread | None = None

    def up(self) -> None:
        if self.process is None:
            self.process = launch_demo_hospital(self.port, self.db)
        wait_until_answering(self.url)

    def down(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def flap(self) -> None:
        rng = random.Random(14)

        def run() -> None:
            while not self._stop.wait(rng.uniform(1.0, 5.0)):
                self.down()
                if self._stop.wait(rng.uniform(0.5, 3.0)):
                    break
                self.up()
                self.restarts += 1

        self._flapper = threading.Thread(target=run, daemon=True)
        self._flapper.start()

    def steady(self) -> None:
        self._stop.set()
        if self._flapper is not None:
            self._flapper.join(30)
        self.up()


def _patient_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT citizen_id FROM patients WHERE citizen_id IS NOT NULL ORDER BY patient_id"
        ).fetchall()
    return [row[0] for row in rows if row[0] and len(row[0]) == 12]


def _start_kiosk(url: str, data_dir: Path, ids: Path) -> subprocess.Popen[str]:
    kiosk = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "benchmarks" / "crash_kiosk.py"), url,
         str(data_dir), str(ids)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert kiosk.stdout is not None
    line = kiosk.stdout.readline()  # READY, once the backends are up
    if "READY" not in line:
        raise RuntimeError("the kiosk did not start")
    return kiosk


def _lines(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _outbox_size(store: Path) -> int:
    with sqlite3.connect(store) as conn:
        (size,) = conn.execute(
            "SELECT count(*) FROM outbox WHERE state IN ('pending', 'online')"
        ).fetchone()
    return int(size)


def run_campaign(kills: int, work: Path) -> dict[str, object]:
    data_dir = work / "kiosk"
    data_dir.mkdir()
    hospital = FlappingHospital(work / "hospital.sqlite")
    hospital.up()
    ids = work / "ids.json"
    ids.write_text(json.dumps(_patient_ids(hospital.db)))
    rng = random.Random(2026)
    hospital.flap()
    started = time.monotonic()
    for _ in range(kills):
        kiosk = _start_kiosk(hospital.url, data_dir, ids)
        time.sleep(rng.uniform(0.2, 4.0))  # a random moment of a random check-in
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait(10)
    campaign_seconds = time.monotonic() - started
    hospital.steady()
    # Undisturbed: the kiosk restarts once more and drains its outbox to the hospital.
    kiosk = _start_kiosk(hospital.url, data_dir, ids)
    store = data_dir / "offline" / "kiosk.sqlite"
    ends = time.monotonic() + 120
    time.sleep(3)
    while _outbox_size(store) and time.monotonic() < ends:
        time.sleep(0.5)
    kiosk.send_signal(signal.SIGKILL)  # mid-check-in too: the last run is checked as well
    kiosk.wait(10)
    final = _start_kiosk(hospital.url, data_dir, ids)  # lists what the last kill left
    time.sleep(3)
    while _outbox_size(store) and time.monotonic() < ends + 60:
        time.sleep(0.5)
    final.send_signal(signal.SIGTERM)  # possibly mid-check-in too
    try:
        final.wait(20)
    except subprocess.TimeoutExpired:
        final.kill()
    subprocess.run(
        [sys.executable, str(ROOT / "tests" / "benchmarks" / "crash_kiosk.py"), hospital.url,
         str(data_dir), str(ids), "--list"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=True,
    )  # fmt: skip
    figures = _reconcile(data_dir, store, hospital.db, kills)
    figures["hospital_restarts"] = hospital.restarts
    hospital.down()
    # Baseline: the same kiosk, a steady hospital of its own (none of its patients checked in
    # yet), never killed, for as long as the campaign.
    calm = work / "baseline"
    calm.mkdir()
    hospital = FlappingHospital(work / "baseline-hospital.sqlite")
    hospital.up()
    baseline = _start_kiosk(hospital.url, calm, ids)
    time.sleep(campaign_seconds)
    baseline.send_signal(signal.SIGTERM)
    try:
        baseline.wait(20)
    except subprocess.TimeoutExpired:
        baseline.kill()
    hospital.down()
    return {
        "campaign_seconds": round(campaign_seconds, 1),
        **figures,
        "baseline_tickets_printed_undisturbed": len(_lines(calm / "printed.jsonl")),
    }


def _reconcile(data_dir: Path, store: Path, hospital_db: Path, kills: int) -> dict[str, object]:
    printed = _lines(data_dir / "printed.jsonl")
    restarts = _lines(data_dir / "restarts.jsonl")
    listed = {key for start in restarts for key in start["unprinted"]}  # type: ignore[attr-defined]
    with sqlite3.connect(store) as conn:
        rows = conn.execute(
            "SELECT o.idempotency_key, o.state, t.label, t.provisional, t.visit_id,"
            " o.visit_id, o.department_code FROM outbox o"
            " LEFT JOIN tickets t USING (idempotency_key)"
        ).fetchall()
    with sqlite3.connect(hospital_db) as conn:
        registered = Counter(
            key for (key,) in conn.execute(
                "SELECT idempotency_key FROM registrations WHERE kiosk_id = ?", (KIOSK_ID,)
            )
        )  # fmt: skip
    printed_visits = Counter(str(p["visit_id"]) for p in printed if p["visit_id"])
    printed_labels = Counter(str(p["label"]) for p in printed if p["provisional"])
    committed = [r for r in rows if r[1] not in ("rejected", "dropped")]
    lost = [r[0] for r in committed if registered[r[0]] == 0]
    # A label is a department's (its ticket names the department): reused = twice in one.
    provisional_labels = Counter((r[6], r[2]) for r in rows if r[3] == 1 and r[2])
    unprinted_truth = []
    for key, _state, label, provisional, ticket_visit, outbox_visit, _code in committed:
        if registered[key] == 0:
            continue
        visit = ticket_visit or outbox_visit
        shown = printed_labels[label] if provisional else printed_visits.get(str(visit), 0)
        if not shown:
            unprinted_truth.append(key)
    found = [key for key in unprinted_truth if key in listed]
    return {
        "kills": kills,
        "tickets_printed": len(printed),
        "provisional_tickets_printed": sum(1 for p in printed if p["provisional"]),
        "check_ins_committed": len(committed),
        "visits_registered": sum(registered.values()),
        "visits_lost": len(lost),
        "visits_duplicated": sum(n - 1 for n in registered.values() if n > 1)
        + sum(n - 1 for n in printed_visits.values() if n > 1),
        "provisional_labels_reused": sum(n - 1 for n in provisional_labels.values() if n > 1),
        "registered_not_printed": len(unprinted_truth),
        "registered_not_printed_listed_at_restart": len(found),
        "listed_but_printed": len(listed - set(unprinted_truth)),
    }


def main() -> int:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory(prefix="crash-campaign-") as work:
        results = run_campaign(kills, Path(work))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
