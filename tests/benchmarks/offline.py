"""Offline layer benchmark: `bench_offline(data_dir)`, registered in run.py as `offline`.

- Outbox commit: OfflineDesk.issue() (number + sealed row + ticket log, one transaction) with
  synchronous=FULL, next to the same with synchronous=OFF (no fsync) in the same run.
- Sync: 1,000 queued check-ins drained by the SyncWorker to the demo hospital in its own
  process on loopback, next to 1,000 plain register_visit calls with the same client.
- Health: time to offline after the hospital stops answering (process frozen with SIGSTOP,
  and process gone), and back online after it returns, with the HealthMonitor and the real
  REST client's health() as the probe. Baseline: how long the production client alone takes
  to give up on a frozen hospital (its 8 s deadline).
"""

from __future__ import annotations

import contextlib
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo_hospital_process import free_loopback_port, launch_demo_hospital  # noqa: E402

from kiosk.core.domain import (  # noqa: E402
    CheckIn,
    Department,
    Patient,
    PriorityGroup,
    ServiceType,
)
from kiosk.core.ports import (  # noqa: E402
    HospitalProtocolError,
    HospitalRejected,
    HospitalUnavailable,
)
from kiosk.core.tickets import queue_label  # noqa: E402
from kiosk.demo_hospital.personas import demo_persona  # noqa: E402
from kiosk.hospital.rest import RestHospitalClient  # noqa: E402
from offline_cache import (  # noqa: E402
    Connectivity,
    ErrorPolicy,
    HealthMonitor,
    OfflineDesk,
    OfflineStore,
    Outbox,
    QueueNumbers,
    SyncWorker,
)

POLICY = ErrorPolicy(
    unavailable=(HospitalUnavailable, HospitalProtocolError), rejected=(HospitalRejected,)
)
KIOSK_ID = "kiosk-bench"
DEPARTMENT = Department("NOI", "Khoa Nội", "P.105", 1, "Tầng 1", True, 0, 0, 0)


class _Hospital:
    """`kiosk demo-hospital` in its own process, restartable on the same port."""

    def __init__(self, db: Path) -> None:
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = db
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start and wait until it answers; returns the moment it did (monotonic)."""
        self.process = launch_demo_hospital(self.port, self.db)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return time.monotonic()
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("the demo hospital did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max": ordered[-1],
    }


def _kit(data_dir: Path, name: str) -> tuple[OfflineStore, OfflineDesk, Outbox]:
    store = OfflineStore(data_dir / f"{name}.sqlite", data_dir / f"{name}.key")
    desk = OfflineDesk(
        store,
        QueueNumbers(store),
        hospital_name="BV",
        footer="",
        kiosk_prefix="K1",
        queue_label=queue_label,
    )
    return store, desk, Outbox(store)


def _checkin(kiosk_id: str, patient: Patient) -> CheckIn:
    return CheckIn(
        str(uuid.uuid4()), kiosk_id, patient.patient_id, "NOI", ServiceType.PAID, PriorityGroup.NONE
    )


def _issue_ms(desk: OfflineDesk, patient: Patient, count: int) -> list[float]:
    durations = []
    for _ in range(count):
        checkin = _checkin(KIOSK_ID, patient)
        started = time.perf_counter()
        desk.issue(checkin, department=DEPARTMENT, patient=patient)
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def _commit_figures(data_dir: Path, patient: Patient, count: int = 300) -> dict[str, object]:
    full_store, full_desk, _ = _kit(data_dir, "full")
    off_store, off_desk, _ = _kit(data_dir, "off")
    with off_store.read() as conn:
        conn.execute("PRAGMA synchronous=OFF")
    full: list[float] = []
    off: list[float] = []
    try:
        _issue_ms(full_desk, patient, 20)  # warm up both
        _issue_ms(off_desk, patient, 20)
        for _ in range(count // 50):  # interleaved, so both see the same machine load
            full += _issue_ms(full_desk, patient, 50)
            off += _issue_ms(off_desk, patient, 50)
    finally:
        full_store.close()
        off_store.close()
    return {"commit_full_ms": _summary(full), "baseline_commit_sync_off_ms": _summary(off)}


def _sync_figures(
    data_dir: Path, hospital: _Hospital, patient: Patient, count: int = 1000
) -> dict[str, object]:
    store, desk, outbox = _kit(data_dir, "sync")
    client = RestHospitalClient(hospital.url)
    try:
        _issue_ms(desk, patient, count)
        worker = SyncWorker(outbox, client, POLICY, idle_poll=0.01)
        started = time.perf_counter()
        worker.start()
        while outbox.size():
            time.sleep(0.01)
        sync_s = time.perf_counter() - started
        worker.stop()
        started = time.perf_counter()
        for _ in range(count):
            client.register_visit(_checkin("kiosk-baseline", patient))
        direct_s = time.perf_counter() - started
    finally:
        client.close()
        store.close()
    db = sqlite3.connect(hospital.db)
    (once,) = db.execute(
        "SELECT count(*) = ? AND count(DISTINCT idempotency_key) = ? FROM registrations"
        " WHERE kiosk_id = ?",
        (count, count, KIOSK_ID),
    ).fetchone()
    db.close()
    return {
        "synced": count,
        "sync_s": sync_s,
        "baseline_direct_register_s": direct_s,
        "each_registered_exactly_once": bool(once),
    }


def _health_figures(hospital: _Hospital, runs: int = 4) -> dict[str, object]:
    rng = random.Random(6)
    probe = RestHospitalClient(
        hospital.url, connect_timeout=0.5, read_timeout=1.0, deadline=1.0, retries=0
    )
    monitor = HealthMonitor(probe.health, POLICY)  # production defaults
    monitor.start()
    offline: dict[str, list[float]] = {"frozen": [], "gone": []}
    online: dict[str, list[float]] = {"frozen": [], "gone": []}
    try:
        assert monitor.wait_for(Connectivity.ONLINE, 5)
        for _ in range(runs):
            # An idle, online kiosk; the outage falls anywhere in the probe's cycle.
            time.sleep(rng.uniform(0.2, 1.5))
            stopped = time.monotonic()
            hospital.signal(signal.SIGSTOP)
            assert monitor.wait_for(Connectivity.OFFLINE, 10)
            offline["frozen"].append(time.monotonic() - stopped)
            time.sleep(0.5)
            back = time.monotonic()
            hospital.signal(signal.SIGCONT)
            assert monitor.wait_for(Connectivity.ONLINE, 10)
            online["frozen"].append(time.monotonic() - back)

            time.sleep(rng.uniform(0.2, 1.5))
            stopped = time.monotonic()
            hospital.kill()
            assert monitor.wait_for(Connectivity.OFFLINE, 10)
            offline["gone"].append(time.monotonic() - stopped)
            back = hospital.start()  # from the moment it accepts connections again
            assert monitor.wait_for(Connectivity.ONLINE, 10)
            online["gone"].append(time.monotonic() - back)
    finally:
        monitor.stop()
        probe.close()
    return {
        "to_offline_frozen_s": _summary(offline["frozen"]),
        "to_offline_gone_s": _summary(offline["gone"]),
        "back_online_after_thaw_s": _summary(online["frozen"]),
        "back_online_after_restart_s": _summary(online["gone"]),
        "worst_to_offline_s": max(offline["frozen"] + offline["gone"]),
        "worst_back_online_s": max(online["frozen"] + online["gone"]),
    }


def _naive_deadline(hospital: _Hospital, patient: Patient) -> float:
    """A kiosk without the monitor learns of a frozen hospital when its call gives up."""
    client = RestHospitalClient(hospital.url)  # production timeouts: 8 s deadline
    try:
        client.health()  # an open keep-alive connection, as in a running kiosk
        hospital.signal(signal.SIGSTOP)
        started = time.monotonic()
        # HospitalUnavailable is the expected end: that moment is what is measured.
        with contextlib.suppress(HospitalUnavailable):
            client.register_visit(_checkin("kiosk-naive", patient))
        return time.monotonic() - started
    finally:
        hospital.signal(signal.SIGCONT)
        client.close()


def bench_offline(data_dir: Path) -> dict[str, object]:
    persona = demo_persona("walk_in_paid", date.today())
    identity = persona.identity
    assert persona.patient_id and identity.full_name and identity.birth and identity.sex
    patient = Patient(persona.patient_id, identity.full_name, identity.birth, identity.sex)
    results: dict[str, object] = {}
    results.update(_commit_figures(data_dir, patient))
    hospital = _Hospital(data_dir / "hospital.sqlite")
    hospital.start()
    try:
        results.update(_sync_figures(data_dir, hospital, patient))
        results.update(_health_figures(hospital))
        results["baseline_client_deadline_to_notice_s"] = _naive_deadline(hospital, patient)
    finally:
        hospital.kill()
    commit = results["commit_full_ms"]
    sync_s, offline_s, online_s = (
        results["sync_s"],
        results["worst_to_offline_s"],
        results["worst_back_online_s"],
    )
    assert isinstance(commit, dict)
    assert isinstance(sync_s, float) and isinstance(offline_s, float)
    assert isinstance(online_s, float)
    results["target"] = (
        "commit p95 <= 5 ms; 1,000 synced <= 10 s; offline <= 3 s; back online <= 5 s"
    )
    results["pass"] = (
        commit["p95"] <= 5
        and sync_s <= 10
        and bool(results["each_registered_exactly_once"])
        and offline_s <= 3
        and online_s <= 5
    )
    return results


if __name__ == "__main__":
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-offline-") as tmp:
        print(json.dumps(bench_offline(Path(tmp)), indent=2, default=str))
