"""A kiosk process for the crash tests: check-ins (offline and online) and sync, until killed.

    python tests/offline_cache/crash_driver.py DATA_DIR HOSPITAL_URL COUNT SEED

Prints `READY` once set up, `ISSUED <key>` after each offline check-in returned (the moment
a real kiosk would print), `REGISTERED <key>` after an online one, and `DRAINED` when the
outbox is empty. The parent kills it with SIGKILL at random moments and starts it again.
"""

from __future__ import annotations

import contextlib
import random
import sys
import time
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.app.offline_link import POLICY  # noqa: E402
from kiosk.core.domain import CheckIn, Department, Patient, PriorityGroup, ServiceType  # noqa: E402
from kiosk.core.ports import (  # noqa: E402
    HospitalProtocolError,
    HospitalRejected,
    HospitalUnavailable,
)
from kiosk.core.tickets import queue_label  # noqa: E402
from kiosk.demo_hospital.personas import demo_persona  # noqa: E402
from kiosk.hospital.rest import RestHospitalClient  # noqa: E402
from offline_cache import (  # noqa: E402
    OfflineDesk,
    OfflineStore,
    Outbox,
    QueueNumbers,
    SyncWorker,
)

KIOSK_ID = "kiosk-crash"


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(data_dir: Path, url: str, count: int, seed: int) -> None:
    rng = random.Random(seed)
    today = date.today()
    persona = demo_persona("walk_in_paid", today)
    identity = persona.identity
    assert persona.patient_id and identity.full_name and identity.birth and identity.sex
    patient = Patient(persona.patient_id, identity.full_name, identity.birth, identity.sex)
    store = OfflineStore(data_dir / "offline.sqlite", data_dir / "offline.key")
    numbers = QueueNumbers(store)
    outbox = Outbox(store)
    desk = OfflineDesk(store, numbers, hospital_name="BV", footer="", kiosk_prefix="K9",
                       queue_label=queue_label)  # fmt: skip
    client = RestHospitalClient(url, connect_timeout=0.5, read_timeout=1.0, deadline=2.0)
    worker = SyncWorker(outbox, client, POLICY, backoff_first=0.01, backoff_cap=0.05,
                        idle_poll=0.01)  # fmt: skip
    # Leases are a bonus; without one the kiosk's own range serves.
    with contextlib.suppress(HospitalUnavailable, HospitalRejected, HospitalProtocolError):
        numbers.top_up(client, kiosk_id=KIOSK_ID, department_codes=["NOI"], day=today, block=3)
    worker.start()  # first thing it does: rows in flight at the last kill go back to pending
    say("READY")
    for _ in range(count):
        code = rng.choice(["NOI", "TMH"])
        department = Department(code, code, "P.1", 1, "", True, 0, 0, 0)
        priority = rng.choice([PriorityGroup.NONE, PriorityGroup.ELDERLY_75])
        checkin = CheckIn(str(uuid.uuid4()), KIOSK_ID, persona.patient_id, code,
                          ServiceType.PAID, priority)  # fmt: skip
        if rng.random() < 0.3:
            # Online: bracketed by the outbox row, so a kill mid-request is settled by sync.
            if desk.begin_online(checkin):
                try:
                    registration = client.register_visit(checkin)
                except HospitalUnavailable:
                    desk.issue(checkin, department=department, identity=persona.identity)
                    say(f"ISSUED {checkin.idempotency_key}")
                    continue
                desk.finish_online(checkin, registration)
                say(f"REGISTERED {checkin.idempotency_key}")
            continue
        if rng.random() < 0.3:  # not cached: the worker finds the patient again on sync
            checkin = replace(checkin, patient_id="")
            desk.issue(checkin, department=department, identity=persona.identity)
        else:
            desk.issue(checkin, department=department, patient=patient)
        say(f"ISSUED {checkin.idempotency_key}")
        worker.wake()
    while outbox.size():
        worker.wake()
        time.sleep(0.01)
    say("DRAINED")
    worker.stop()
    store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
