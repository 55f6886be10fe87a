"""The sync worker against the real demo hospital over HTTP: order, exactly once, leased
numbers kept, refusals to the follow-up list, backoff, and one request per key at a time."""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime

from kiosk.app.offline_link import POLICY
from kiosk.core.domain import CheckIn, Identity, IdentitySource, Patient, Registration, ServiceType
from kiosk.core.ports import HospitalUnavailable
from kiosk.demo_hospital.personas import demo_persona
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient
from offline_cache import Connectivity, HealthMonitor, OutboxState, Result, SyncWorker

from .conftest import KIOSK_ID, TODAY, Kit, checkin, department, persona_patient_id


def _patient(key: str) -> Patient:
    persona = demo_persona(key, TODAY)
    assert persona.patient_id is not None
    identity = persona.identity
    assert identity.full_name and identity.birth and identity.sex
    return Patient(persona.patient_id, identity.full_name, identity.birth, identity.sex)


def _queue(kit: Kit, count: int, persona: str = "walk_in_paid", **options: object) -> list[str]:
    keys = []
    for _ in range(count):
        item = checkin(persona_patient_id(persona), **options)  # type: ignore[arg-type]
        kit.desk.issue(item, department=department(item.department_code), patient=_patient(persona))
        keys.append(item.idempotency_key)
    return keys


def _run_until_synced(worker: SyncWorker, kit: Kit, key: str, failure: str) -> None:
    """Runs the worker's thread until `key` is synced; `failure` if that takes over 10 s."""
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while kit.outbox.state_of(key) is not OutboxState.SYNCED:
            assert time.monotonic() < deadline, failure
            time.sleep(0.05)
    finally:
        worker.stop()


def _drain(worker: SyncWorker) -> list[Result]:
    results = []
    while (outcome := worker.sync_one(ignore_backoff=True)) is not None:
        results.append(outcome.result)
    return results


def test_items_sync_in_order_exactly_once_with_the_hospitals_numbers(
    kit: Kit, hospital: DemoHospitalServer, client: RestHospitalClient
) -> None:
    keys = _queue(kit, 4)
    worker = SyncWorker(kit.outbox, client, POLICY)
    assert _drain(worker) == [Result.SYNCED] * 4
    numbers = [kit.outbox.hospital_number(key) for key in keys]
    assert numbers == sorted(numbers) and len(set(numbers)) == 4  # in the order issued
    for key in keys:
        assert hospital.registrations_for_key(key) == 1
        assert kit.outbox.state_of(key) is OutboxState.SYNCED
        assert kit.outbox.item(key) is None  # the sealed payload is gone
    with kit.store.read() as conn:
        replaced = conn.execute(
            "SELECT count(*) FROM tickets WHERE hospital_number IS NOT NULL"
        ).fetchone()[0]
    assert replaced == 4
    assert kit.outbox.last_sync() is not None


def test_a_leased_number_is_kept_by_the_hospital(
    kit: Kit, hospital: DemoHospitalServer, client: RestHospitalClient
) -> None:
    kit.numbers.top_up(client, kiosk_id=KIOSK_ID, department_codes=["NOI"], day=TODAY, block=2)
    keys = _queue(kit, 1)
    _queue(kit, 1, department="TMH")  # another department, no lease there: kiosk range
    item = kit.outbox.head()
    assert item is not None and item.leased
    leased = item.provisional_number
    # Somebody registers at the hospital meanwhile: they must not get the leased number.
    other = client.register_visit(
        CheckIn(
            "other-" + keys[0],
            "kiosk-other",
            persona_patient_id("walk_in_paid"),
            "NOI",
            ServiceType.PAID,
            item.checkin.priority,
        )
    )
    assert other.queue_number != leased
    assert _drain(SyncWorker(kit.outbox, client, POLICY)) == [Result.SYNCED] * 2
    assert kit.outbox.hospital_number(keys[0]) == leased


def test_refusals_go_to_the_follow_up_list(
    kit: Kit, hospital: DemoHospitalServer, client: RestHospitalClient
) -> None:
    (refused,) = _queue(kit, 1, persona="insurance_expired", service=ServiceType.INSURANCE)
    (fine,) = _queue(kit, 1)
    outcomes = []
    worker = SyncWorker(kit.outbox, client, POLICY, on_outcome=outcomes.append)
    assert _drain(worker) == [Result.REJECTED, Result.SYNCED]
    assert outcomes[0].reason == "insurance_not_valid"
    (follow_up,) = kit.outbox.follow_ups()
    assert (follow_up.key, follow_up.reason) == (refused, "insurance_not_valid")
    assert follow_up.provisional_label == "K7-B001"
    kit.outbox.resolve_follow_up(refused)
    assert kit.outbox.follow_ups() == []
    assert hospital.registrations_for_key(refused) == 0
    assert hospital.registrations_for_key(fine) == 1


def test_identity_alone_is_found_or_created_before_registering(
    kit: Kit, hospital: DemoHospitalServer, client: RestHospitalClient
) -> None:
    known = demo_persona("walk_in_paid", TODAY)
    new = demo_persona("new_patient", TODAY).identity
    nobody = Identity(IdentitySource.KEYPAD, citizen_id="001099000001")  # no name: can't create
    keys = []
    for identity in (known.identity, new, nobody):
        item = checkin()
        kit.desk.issue(item, department=department(), identity=identity)
        keys.append(item.idempotency_key)
    worker = SyncWorker(kit.outbox, client, POLICY)
    assert _drain(worker) == [Result.SYNCED, Result.SYNCED, Result.REJECTED]
    assert hospital.registrations_for_key(keys[0]) == 1
    assert hospital.registrations_for_key(keys[1]) == 1
    assert client.find_patient(new) is not None
    assert [f.reason for f in kit.outbox.follow_ups()] == ["patient_not_found"]


def test_unavailable_backs_off_with_jitter_then_syncs_once(
    kit: Kit, own_hospital: DemoHospitalServer
) -> None:
    (key,) = _queue(kit, 1)
    with RestHospitalClient(
        own_hospital.url, connect_timeout=0.3, read_timeout=0.3, deadline=0.6, retries=0
    ) as client:
        worker = SyncWorker(kit.outbox, client, POLICY, backoff_first=2.0, rng=random.Random(1))
        own_hospital.stop()
        delays = []
        for attempt in range(3):
            before = time.time()
            outcome = worker.sync_one(ignore_backoff=True)
            assert outcome is not None and outcome.result is Result.RETRY
            item = kit.outbox.head()
            assert item is not None and item.attempts == attempt + 1
            delays.append(item.next_attempt_at - before)
        for attempt, delay in enumerate(delays):
            base = 2.0 * 2**attempt
            assert 0.5 * base - 0.1 <= delay <= base + 1.0
        assert worker.sync_one() is None  # not due yet: backoff respected
        own_hospital.start()
        assert _drain(worker) == [Result.SYNCED]
    assert own_hospital.registrations_for_key(key) == 1


def test_a_lost_answer_is_retried_under_the_same_key_and_registers_once(
    kit: Kit, hospital: DemoHospitalServer
) -> None:
    (key,) = _queue(kit, 1)
    # The hospital registers, then the answer is late past the client's deadline.
    hospital.faults.latency(1.0, phase="response", path_prefix="/v1/visits", count=1)
    with RestHospitalClient(hospital.url, read_timeout=0.3, deadline=0.4, retries=0) as client:
        worker = SyncWorker(kit.outbox, client, POLICY)
        first = worker.sync_one(ignore_backoff=True)
        assert first is not None and first.result is Result.RETRY
        assert hospital.registrations_for_key(key) == 1
        time.sleep(0.8)  # the first request finished on the hospital's side
        assert _drain(worker) == [Result.SYNCED]
    assert hospital.registrations_for_key(key) == 1


class _SlowHospital:
    """Records how many requests per key are in flight at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight: dict[str, int] = {}
        self.worst = 0
        self.calls = 0

    def find_patient(self, identity: Identity) -> Patient | None:
        raise AssertionError("not used")

    def create_patient(self, identity: Identity, idempotency_key: str) -> Patient:
        raise AssertionError("not used")

    def register_visit(self, checkin: CheckIn, *, leased_number: int | None = None) -> Registration:
        key = checkin.idempotency_key
        with self.lock:
            self.calls += 1
            self.in_flight[key] = self.in_flight.get(key, 0) + 1
            self.worst = max(self.worst, self.in_flight[key])
        time.sleep(0.02)
        with self.lock:
            self.in_flight[key] -= 1
        if self.calls % 2:
            raise HospitalUnavailable("flaky")
        return Registration(
            "V", self.calls, checkin.department_code, "P", 1, 0, 0, datetime.now().astimezone()
        )


def test_never_two_requests_in_flight_for_one_key(kit: Kit) -> None:
    _queue(kit, 5)
    fake = _SlowHospital()
    worker = SyncWorker(kit.outbox, fake, POLICY, backoff_first=0.001, backoff_cap=0.002)
    worker.start()  # the worker thread, plus two more threads poking at the same outbox

    def poke() -> None:
        for _ in range(20):
            worker.sync_one(ignore_backoff=True)

    pokers = [threading.Thread(target=poke) for _ in range(2)]
    for thread in pokers:
        thread.start()
    for thread in pokers:
        thread.join()
    deadline = time.monotonic() + 5
    while kit.outbox.size() and time.monotonic() < deadline:
        worker.wake()
        time.sleep(0.01)
    worker.stop()
    assert kit.outbox.size() == 0
    assert fake.worst == 1


def test_the_worker_thread_drains_what_the_desk_queues(
    kit: Kit, hospital: DemoHospitalServer, client: RestHospitalClient
) -> None:
    worker = SyncWorker(kit.outbox, client, POLICY, idle_poll=0.05)
    worker.start()
    try:
        keys = _queue(kit, 3)
        worker.wake()
        deadline = time.monotonic() + 5
        while kit.outbox.size() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
    assert [hospital.registrations_for_key(k) for k in keys] == [1, 1, 1]


def test_offline_pauses_the_worker_and_coming_back_drains_it(
    kit: Kit, own_hospital: DemoHospitalServer
) -> None:
    probe = RestHospitalClient(
        own_hospital.url, connect_timeout=0.3, read_timeout=0.5, deadline=0.5, retries=0
    )
    client = RestHospitalClient(own_hospital.url, connect_timeout=0.3, deadline=1.0, retries=0)
    monitor = HealthMonitor(
        probe.health,
        POLICY,
        outbox_size=kit.outbox.size,
        last_sync=kit.outbox.last_sync,
        online_probe_interval=0.2,
        offline_probe_interval=0.2,
    )
    worker = SyncWorker(kit.outbox, client, POLICY, monitor=monitor, backoff_first=30.0)
    monitor.start()
    worker.start()
    try:
        own_hospital.stop()
        assert monitor.wait_for(Connectivity.OFFLINE, 3.0)
        keys = _queue(kit, 3)
        worker.wake()
        time.sleep(0.5)
        snapshot = monitor.snapshot()
        assert (snapshot.state, snapshot.outbox_size) == (Connectivity.OFFLINE, 3)
        head = kit.outbox.head()
        assert head is not None and head.attempts == 0  # offline: nothing sent in vain
        own_hospital.start()
        # Back online by itself; the 30 s backoff is cut short by the return.
        deadline = time.monotonic() + 5
        while kit.outbox.size() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kit.outbox.size() == 0
        assert monitor.snapshot().last_sync is not None
    finally:
        worker.stop()
        monitor.stop()
        probe.close()
        client.close()
    assert [own_hospital.registrations_for_key(k) for k in keys] == [1, 1, 1]


def test_the_idle_worker_tops_up_leases(
    kit: Kit, hospital: DemoHospitalServer, client: RestHospitalClient
) -> None:
    worker = SyncWorker(
        kit.outbox,
        client,
        POLICY,
        idle_poll=0.02,
        when_idle=lambda: kit.numbers.top_up(
            client, kiosk_id=KIOSK_ID, department_codes=["TMH"], day=TODAY, block=2
        ),
    )
    worker.start()
    try:
        deadline = time.monotonic() + 3
        while not kit.numbers.leased_left(TODAY, "TMH", True) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
    assert kit.numbers.leased_left(TODAY, "TMH", False) == 2
    assert kit.numbers.leased_left(TODAY, "TMH", True) == 2


# --- issue 14: poison rows, damaged rows, one body per key ---------------------------------


def test_a_poison_row_backs_off_is_quarantined_and_the_rows_behind_it_go_on(
    kit: Kit, hospital: DemoHospitalServer, client: RestHospitalClient
) -> None:
    poison, *later = _queue(kit, 3)
    hospital.faults.fail_status(500, count=1)  # the first attempt of the first row only
    worker = SyncWorker(kit.outbox, client, POLICY, backoff_first=60.0, max_attempts=2)
    first = worker.sync_one()
    assert first is not None and first.key == poison and first.result is Result.RETRY
    assert "500" in (first.reason or "")  # the hospital's answer, kept for staff
    # The poison row waits out its backoff; the rows behind it do not wait with it.
    assert [worker.sync_one().result for _ in later] == [Result.SYNCED] * 2  # type: ignore[union-attr]
    hospital.faults.fail_status(500)  # now it fails every time
    quarantined = worker.sync_one(ignore_backoff=True)
    assert quarantined is not None and quarantined.result is Result.QUARANTINED
    hospital.faults.clear()
    [row] = kit.outbox.quarantined()
    assert row.key == poison and row.attempts == 2 and "500" in row.last_error
    assert worker.sync_one(ignore_backoff=True) is None  # quarantined rows are left alone
    assert kit.outbox.release(poison)  # staff: try again
    again = worker.sync_one()
    assert again is not None and again.result is Result.SYNCED
    assert hospital.registrations_for_key(poison) == 1
    assert kit.outbox.quarantined() == []


def test_staff_can_drop_a_quarantined_row(kit: Kit, client: RestHospitalClient) -> None:
    [key] = _queue(kit, 1)
    kit.outbox.quarantine(key, "HospitalFailed: POST /v1/visits: answered 500")
    assert kit.outbox.drop(key)
    assert kit.outbox.state_of(key) is OutboxState.DROPPED
    assert not kit.outbox.drop(key) and not kit.outbox.release(key)  # once only
    assert SyncWorker(kit.outbox, client, POLICY).sync_one(ignore_backoff=True) is None


def test_a_damaged_row_is_quarantined_and_the_sync_thread_goes_on(
    kit: Kit, hospital: DemoHospitalServer, client: RestHospitalClient
) -> None:
    damaged, healthy = _queue(kit, 2)
    with kit.store.write() as conn:
        conn.execute("UPDATE outbox SET payload = x'01deadbeef' WHERE idempotency_key = ?",
                     (damaged,))  # fmt: skip
    worker = SyncWorker(kit.outbox, client, POLICY, idle_poll=0.05)
    _run_until_synced(worker, kit, healthy, "the row behind the damaged one never went")
    [row] = kit.outbox.quarantined()
    assert row.key == damaged and row.last_error == "unreadable_row"
    assert hospital.registrations_for_key(healthy) == 1


class _HugeNumberHospital:
    """Answers one registration with a queue number of 2**63, then behaves."""

    def __init__(self, real: RestHospitalClient) -> None:
        self.real = real
        self.calls = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def register_visit(self, checkin: CheckIn, *, leased_number: int | None = None) -> Registration:
        self.calls += 1
        registration = self.real.register_visit(checkin, leased_number=leased_number)
        if self.calls == 1:
            return Registration(**{**registration.__dict__, "queue_number": 2**63})
        return registration


def test_the_sync_loop_survives_any_exception_and_goes_on(
    kit: Kit, client: RestHospitalClient
) -> None:
    """2**63 does not fit SQLite's integer: the loop logs it and tries again later."""
    [key] = _queue(kit, 1)
    huge = _HugeNumberHospital(client)
    worker = SyncWorker(kit.outbox, huge, POLICY, idle_poll=0.05, backoff_first=0.05)
    _run_until_synced(worker, kit, key, "the sync thread died")
    assert huge.calls == 2


def test_a_row_sent_online_keeps_its_body_when_queued_offline(
    kit: Kit, hospital: DemoHospitalServer, client: RestHospitalClient
) -> None:
    """Issue 14: it went out without a leased number, so it never gets one (same key, same
    body), even when leased numbers are left; the hospital registers it once, no 422."""
    kit.numbers.top_up(client, kiosk_id=KIOSK_ID, department_codes=["NOI"], day=TODAY, block=3)
    item = checkin(persona_patient_id("walk_in_paid"))
    assert kit.desk.begin_online(item)
    client.register_visit(item)  # the answer is lost on the way back: the flow queues it
    issued = kit.desk.issue(item, department=department("NOI"), patient=_patient("walk_in_paid"))
    assert not issued.leased and issued.ticket.queue_label.startswith("K7-")
    assert kit.numbers.leased_left(TODAY, "NOI", False) == 3  # the lease is not touched
    outcome = SyncWorker(kit.outbox, client, POLICY).sync_one(ignore_backoff=True)
    assert outcome is not None and outcome.result is Result.SYNCED
    assert hospital.registrations_for_key(item.idempotency_key) == 1
