"""The health monitor: offline on failures and on silence, back online by the probe."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app.offline_link import POLICY
from kiosk.core.ports import HospitalRejected, HospitalUnavailable
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient
from offline_cache import Connectivity, HealthMonitor, HealthSnapshot

from .conftest import TODAY


class _Probe:
    def __init__(self) -> None:
        self.ok = True
        self.calls = 0

    def __call__(self) -> bool:
        self.calls += 1
        return self.ok


@pytest.fixture
def probe() -> _Probe:
    return _Probe()


@pytest.fixture
def monitor(probe: _Probe) -> Iterator[HealthMonitor]:
    health = HealthMonitor(
        probe,
        POLICY,
        call_timeout=0.3,
        online_probe_interval=None,
        offline_probe_interval=0.05,
        outbox_size=lambda: 3,
    )
    health.start()
    yield health
    health.stop()


def test_an_unavailable_call_goes_offline_and_the_probe_brings_it_back(
    monitor: HealthMonitor, probe: _Probe
) -> None:
    seen: list[HealthSnapshot] = []
    monitor.add_listener(seen.append)
    probe.ok = False
    with pytest.raises(HospitalUnavailable), monitor.watch():
        raise HospitalUnavailable("refused")
    assert monitor.state is Connectivity.OFFLINE
    time.sleep(0.2)
    assert monitor.state is Connectivity.OFFLINE  # the probe keeps failing
    probe.ok = True
    assert monitor.wait_for(Connectivity.ONLINE, 1.0)
    # The state changes before the listeners hear of it (they run on the probe's thread).
    deadline = time.monotonic() + 1.0
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [s.state for s in seen] == [Connectivity.OFFLINE, Connectivity.ONLINE]
    assert seen[0].outbox_size == 3


def test_a_refusal_is_an_answer(monitor: HealthMonitor, probe: _Probe) -> None:
    probe.ok = False
    with pytest.raises(HospitalUnavailable), monitor.watch():
        raise HospitalUnavailable("x")
    with pytest.raises(HospitalRejected), monitor.watch():
        raise HospitalRejected("insurance_not_valid")
    assert monitor.state is Connectivity.ONLINE
    with pytest.raises(ValueError), monitor.watch():
        raise ValueError("a local bug says nothing about the hospital")
    assert monitor.state is Connectivity.ONLINE


class _Transitions:
    """Every change the listeners saw (wait_for could miss a short OFFLINE spell)."""

    def __init__(self, monitor: HealthMonitor) -> None:
        self.seen: list[tuple[Connectivity, float]] = []
        self.offline = threading.Event()
        monitor.add_listener(self)

    def __call__(self, snapshot: HealthSnapshot) -> None:
        self.seen.append((snapshot.state, time.monotonic()))
        if snapshot.state is Connectivity.OFFLINE:
            self.offline.set()


def _hang(monitor: HealthMonitor, release: threading.Event) -> threading.Thread:
    def hanging_call() -> None:
        with monitor.watch():
            release.wait(5)

    thread = threading.Thread(target=hanging_call)
    thread.start()
    return thread


def test_a_call_that_hangs_goes_offline_after_the_call_timeout(monitor: HealthMonitor) -> None:
    transitions = _Transitions(monitor)
    release = threading.Event()
    started = time.monotonic()
    thread = _hang(monitor, release)
    try:
        assert transitions.offline.wait(2.0)
        took = transitions.seen[0][1] - started
    finally:
        release.set()
        thread.join()
    assert 0.25 <= took <= 0.8
    assert monitor.wait_for(Connectivity.ONLINE, 1.0)  # the probe (and the call) answered


def test_a_call_hanging_on_does_not_undo_the_probes_verdict(monitor: HealthMonitor) -> None:
    transitions = _Transitions(monitor)
    release = threading.Event()
    thread = _hang(monitor, release)
    try:
        assert transitions.offline.wait(2.0)
        assert monitor.wait_for(Connectivity.ONLINE, 1.0)  # the probe answers
        time.sleep(0.6)  # twice the call timeout again, the call still hanging
        states = [state for state, _ in transitions.seen]
        assert states == [Connectivity.OFFLINE, Connectivity.ONLINE]
    finally:
        release.set()
        thread.join()


def test_with_the_real_client_offline_and_back(tmp_path: Path) -> None:
    server = DemoHospitalServer(tmp_path / "h.db", today=TODAY)
    server.start()
    probe_client = RestHospitalClient(
        server.url, connect_timeout=0.3, read_timeout=0.5, deadline=0.5, retries=0
    )
    health = HealthMonitor(
        probe_client.health,
        POLICY,
        call_timeout=1.0,
        online_probe_interval=0.2,
        offline_probe_interval=0.2,
    )
    health.start()
    try:
        assert health.wait_for(Connectivity.ONLINE, 1.0)
        stopped = time.monotonic()
        server.stop()
        assert health.wait_for(Connectivity.OFFLINE, 3.0)
        assert time.monotonic() - stopped <= 3.0
        started = time.monotonic()
        server.start()
        assert health.wait_for(Connectivity.ONLINE, 5.0)
        assert time.monotonic() - started <= 5.0
    finally:
        health.stop()
        probe_client.close()
        server.stop()


def test_a_probe_that_ends_after_stop_tells_nobody(probe: _Probe) -> None:
    """At shutdown the store closes right after the monitor stops: a probe still in flight
    must not wake listeners that read it."""
    released = threading.Event()
    started = threading.Event()

    def slow_failing_probe() -> bool:
        started.set()
        released.wait(2.0)
        return False

    health = HealthMonitor(
        slow_failing_probe,
        POLICY,
        call_timeout=0.3,
        online_probe_interval=0.01,
        offline_probe_interval=0.05,
        outbox_size=lambda: 0,
    )
    seen: list[HealthSnapshot] = []
    health.add_listener(seen.append)
    health.start()
    assert started.wait(2.0)
    health.stop()
    released.set()
    time.sleep(0.1)
    assert seen == []
    assert health.state is Connectivity.ONLINE
