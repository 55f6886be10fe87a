"""Hostile hospital (issue 14): the slowest hospital call per hostile mode with the kiosk's
production client settings (connect 2 s, read 5 s, deadline 8 s, 2 resends), next to a plain
httpx client with the same per-phase timeouts (what httpx alone guarantees), and provisional
tickets among 20 patients after one poison registration, with the hospital up.

    python tests/benchmarks/hostile.py
"""

from __future__ import annotations

import functools
import json
import queue
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

import httpx  # noqa: E402

from kiosk.core.domain import CheckIn, PriorityGroup, ServiceType  # noqa: E402
from kiosk.core.ports import HospitalError  # noqa: E402
from kiosk.demo_hospital.server import DemoHospitalServer  # noqa: E402
from kiosk.hospital.rest import RestHospitalClient  # noqa: E402
from kiosk.hospital.tls import tls_context  # noqa: E402
from tests.kiosk.hospital.hostile_hospital import DribbleRelay, HostileHospital  # noqa: E402
from tests.kiosk.hospital.tls_certs import Authority, https_server  # noqa: E402

MODES = ("slow_headers", "slow_body", "silence", "oversized", "malformed")
BASELINE_CAP = 40.0  # seconds a plain client is given before it is called "still waiting"


def _visit() -> CheckIn:
    return CheckIn(str(uuid.uuid4()), "KIOSK-BENCH", "BN00000150", "NOI", ServiceType.PAID,
                   PriorityGroup.NONE)  # fmt: skip


def _timed(call: Callable[[], object], cap: float | None = None) -> float:
    """Seconds the call took; with `cap`, run on a thread and give up waiting at `cap`."""
    done = threading.Event()

    def run() -> None:
        try:
            call()
        except (HospitalError, httpx.HTTPError):
            pass
        finally:
            done.set()

    started = time.monotonic()
    if cap is None:
        run()
    else:
        threading.Thread(target=run, daemon=True).start()
        done.wait(cap)
    return time.monotonic() - started


def _kiosk_client(url: str, **extra: object) -> RestHospitalClient:
    return RestHospitalClient(url, **extra)  # type: ignore[arg-type]  # production defaults


def _plain_client(url: str, **extra: object) -> httpx.Client:
    timeout = httpx.Timeout(5.0, connect=2.0)
    return httpx.Client(base_url=url, timeout=timeout, **extra)  # type: ignore[arg-type]


def _figure(ours: float, theirs: float) -> dict[str, object]:
    plain = round(theirs, 2) if theirs < BASELINE_CAP else f"> {BASELINE_CAP:.0f}"
    return {"kiosk_s": round(ours, 2), "baseline_plain_httpx_s": plain}


BODY = {"kiosk_id": "K", "patient_id": "BN00000150", "department_code": "NOI",
        "service": "paid", "priority": "none", "appointment_id": None,
        "identity_check": "not_checked"}  # fmt: skip


def hostile_calls(demo_url: str) -> dict[str, object]:
    results: dict[str, object] = {}
    hostile = HostileHospital(demo_url)
    try:
        for mode in MODES:
            hostile.set(mode, prefix="/v1/visits")
            with _kiosk_client(hostile.url) as rest:
                ours = _timed(lambda rest=rest: rest.register_visit(_visit()))  # type: ignore[misc]
            with _plain_client(hostile.url) as plain:
                send = functools.partial(plain.post, "/v1/visits", json=BODY)
                theirs = _timed(send, cap=BASELINE_CAP)
            hostile.clear()
            results[mode] = _figure(ours, theirs)
    finally:
        hostile.stop()
    with tempfile.TemporaryDirectory() as folder:
        authority = Authority(Path(folder), "hospital-ca")
        with https_server(authority.issue("hospital", server=True)) as url:
            relay = DribbleRelay(urlsplit(url).port or 0, pace=0.05)
            try:
                context = tls_context(str(authority.files.cert))
                relayed = f"https://127.0.0.1:{relay.port}"
                with _kiosk_client(relayed, ssl_context=context) as rest:
                    ours = _timed(rest.departments)
                with _plain_client(relayed, verify=context) as plain:
                    theirs = _timed(lambda: plain.get("/v1/health").read(), cap=BASELINE_CAP)
            finally:
                relay.stop()
        results["slow_tls"] = _figure(ours, theirs)
    return results


def poison_figure(demo_url: str, folder: Path) -> dict[str, object]:
    """One registration the hospital answers 500 to every time; 20 patients after it."""
    from kiosk.app.effects import EffectRunner
    from kiosk.app.offline_link import build_offline
    from kiosk.config import OfflineSection
    from kiosk.core.domain import BirthDate, Patient, Sex
    from kiosk.core.flow import Event, QueuedOffline, QueueOffline, RegisterVisit, VisitRegistered

    hostile = HostileHospital(demo_url)
    hostile.poison(lambda body: body.get("patient_id") == "BN00000200")
    rest = _kiosk_client(hostile.url)
    probe = RestHospitalClient(hostile.url, connect_timeout=0.5, read_timeout=1.0, deadline=1.0,
                               retries=0)  # fmt: skip
    services = build_offline(OfflineSection(lease_block=0), hospital=rest, probe_client=probe,
                             default_folder=folder, kiosk_id="KIOSK-BENCH", hospital_name="Demo",
                             footer="")  # fmt: skip
    services.start(lambda _snapshot: None)
    events: queue.Queue[Event] = queue.Queue()
    runner = EffectRunner(services.hospital, None, events.put, datetime.now,  # type: ignore[arg-type]
                          offline=services.link)  # fmt: skip
    try:
        services.hospital.departments()

        noi = {d.code: d for d in services.hospital.departments()}["NOI"]

        def register(patient_id: str) -> bool:
            """Online, or as the flow does when that fails: queued, a provisional ticket."""
            checkin = CheckIn(str(uuid.uuid4()), "KIOSK-BENCH", patient_id, "NOI",
                              ServiceType.PAID, PriorityGroup.NONE)  # fmt: skip
            runner.run(RegisterVisit(1, checkin))
            if isinstance(events.get(timeout=30), VisitRegistered):
                return True
            patient = Patient(patient_id, "NGUYỄN VĂN THỬ", BirthDate(1980), Sex.MALE)
            runner.run(QueueOffline(1, checkin, noi, patient, None))
            assert isinstance(events.get(timeout=30), QueuedOffline)
            return False

        register("BN00000200")  # the poison: queued, the sync keeps trying it
        online = 0
        for index in range(20):
            services.worker.wake()
            online += register(f"BN{101 + index:08d}")
            time.sleep(0.25)
        return {"provisional_among_next_20": 20 - online, "poisoned_requests": hostile.poisoned}
    finally:
        runner.shutdown()
        services.close()
        rest.close()
        hostile.stop()


def main() -> int:
    with (
        tempfile.TemporaryDirectory(prefix="hostile-") as folder,
        DemoHospitalServer(Path(folder) / "hospital.db") as demo,
    ):
        results = {
            "deadline_s": 8.0,
            "slowest_call": hostile_calls(demo.url),
            "poison": poison_figure(demo.url, Path(folder) / "offline"),
        }
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
