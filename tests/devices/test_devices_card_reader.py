from __future__ import annotations

import threading
import time

import pytest

from drivers.card.simulated import SimulatedCardReader
from kiosk.domain import BirthDate, CardError, CardProblem, Identity, IdentitySource, Sex

HOLDER = Identity(
    source=IdentitySource.CCCD_QR,
    citizen_id="001090012345",
    insurance_number="DN4790123456789",
    full_name="Nguyễn Văn An",
    birth=BirthDate(1990, 2, 1),
    sex=Sex.MALE,
    address="Hà Nội",
)


class Recorder:
    """Listener pair that remembers every report and the thread it arrived on."""

    def __init__(self) -> None:
        self.reports: list[tuple[Identity | CardError, threading.Thread]] = []
        self.arrived = threading.Event()

    def on_identity(self, identity: Identity) -> None:
        self._record(identity)

    def on_error(self, error: CardError) -> None:
        self._record(error)

    def _record(self, report: Identity | CardError) -> None:
        self.reports.append((report, threading.current_thread()))
        self.arrived.set()

    @property
    def outcomes(self) -> list[Identity | CardError]:
        return [report for report, _ in self.reports]


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)


@pytest.fixture
def reader():
    card_reader = SimulatedCardReader()
    yield card_reader
    card_reader.close()


@pytest.fixture
def recorder(reader):
    listener = Recorder()
    reader.set_listener(listener.on_identity, listener.on_error)
    return listener


def test_present_delivers_a_chip_verified_copy_synchronously(reader, recorder):
    reader.present(HOLDER)
    [(identity, thread)] = recorder.reports
    assert thread is threading.current_thread()
    assert isinstance(identity, Identity)
    assert identity.source is IdentitySource.CHIP
    assert identity.chip_verified
    assert identity.insurance_number is None  # the chip holds no insurance number
    assert (identity.citizen_id, identity.full_name, identity.birth, identity.sex) == (
        HOLDER.citizen_id,
        HOLDER.full_name,
        HOLDER.birth,
        HOLDER.sex,
    )
    assert identity.address == HOLDER.address


def test_latency_delivers_from_another_thread_after_the_delay(reader, recorder):
    started = time.monotonic()
    reader.present(HOLDER, latency=0.05)
    assert recorder.reports == []  # present() returned before the read finished
    assert recorder.arrived.wait(5)
    elapsed = time.monotonic() - started
    [(identity, thread)] = recorder.reports
    assert thread is not threading.current_thread()
    assert isinstance(identity, Identity) and identity.chip_verified
    assert elapsed >= 0.05


@pytest.mark.parametrize("problem", list(CardProblem))
def test_faulty_card_delivers_the_problem(reader, recorder, problem):
    reader.present_faulty(problem)
    [error] = recorder.outcomes
    assert isinstance(error, CardError)
    assert error.problem is problem


def test_faulty_card_with_latency(reader, recorder):
    reader.present_faulty(CardProblem.FORGED, latency=0.02)
    assert recorder.arrived.wait(5)
    [(error, thread)] = recorder.reports
    assert isinstance(error, CardError) and error.problem is CardProblem.FORGED
    assert thread is not threading.current_thread()


def test_removing_the_card_during_a_read_reports_removed_once(reader, recorder):
    reader.present(HOLDER, latency=0.3)
    reader.remove()
    time.sleep(0.4)  # past the latency: the interrupted read must not report as well
    [error] = recorder.outcomes
    assert isinstance(error, CardError) and error.problem is CardProblem.REMOVED


def test_remove_without_a_read_in_progress_reports_nothing(reader, recorder):
    reader.remove()
    reader.present(HOLDER)
    reader.remove()
    assert len(recorder.outcomes) == 1


def test_another_card_displaces_the_one_being_read(reader, recorder):
    other = Identity(**{**HOLDER.__dict__, "citizen_id": "079301001234", "sex": Sex.FEMALE})
    reader.present(HOLDER, latency=0.3)
    reader.present(other)
    time.sleep(0.4)
    first, second = recorder.outcomes
    assert isinstance(first, CardError) and first.problem is CardProblem.REMOVED
    assert isinstance(second, Identity) and second.citizen_id == "079301001234"


def test_close_drops_a_read_in_progress_and_refuses_more(reader, recorder):
    reader.present(HOLDER, latency=0.1)
    reader.close()
    time.sleep(0.2)
    assert recorder.outcomes == []
    with pytest.raises(RuntimeError):
        reader.present(HOLDER)


def test_present_without_listener_is_an_error():
    with pytest.raises(RuntimeError):
        SimulatedCardReader().present(HOLDER)


def test_a_chip_always_has_a_personal_id(reader, recorder):
    with pytest.raises(ValueError):
        reader.present(Identity(source=IdentitySource.KEYPAD, full_name="An"))


def test_listener_may_call_back_into_the_reader(reader):
    seen: list[Identity] = []

    def on_identity(identity: Identity) -> None:
        seen.append(identity)
        reader.remove()  # would deadlock if listeners ran under the reader's lock

    reader.set_listener(on_identity, lambda error: None)
    reader.present(HOLDER, latency=0.01)
    wait_until(lambda: bool(seen))
    assert len(seen) == 1


def test_many_threads_presenting_get_exactly_one_report_each(reader):
    lock = threading.Lock()
    count = 0

    def count_report(_report: object) -> None:
        nonlocal count
        with lock:
            count += 1

    reader.set_listener(count_report, count_report)
    workers = [
        threading.Thread(target=reader.present, args=(HOLDER,), kwargs={"latency": 0.001})
        for _ in range(50)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    # Each card either finished or was displaced by the next one: 50 reports in all.
    wait_until(lambda: count >= 50)
    time.sleep(0.05)  # and no late extra report
    assert count == 50
