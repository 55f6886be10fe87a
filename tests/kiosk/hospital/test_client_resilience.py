"""How RestHospitalClient copes with a slow, failing, broken or absent hospital (real HTTP)."""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from kiosk.core.domain import CheckIn, PriorityGroup, Registration, ServiceType
from kiosk.core.ports import (
    HospitalError,
    HospitalProtocolError,
    HospitalRejected,
    HospitalUnavailable,
)
from kiosk.demo_hospital.faults import Phase
from kiosk.demo_hospital.personas import demo_persona
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient

from .conftest import TODAY
from .hostile_hospital import LoopbackServer

APPOINTMENT_TODAY = demo_persona("appointment_today", TODAY)
SLACK = 0.25  # scheduling noise allowed on top of a deadline


class RecordingTransport(httpx.BaseTransport):
    """The real transport, remembering each request's method, path and headers."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def recording() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def fast_client(
    hospital: DemoHospitalServer, recording: RecordingTransport
) -> Iterator[RestHospitalClient]:
    with RestHospitalClient(
        hospital.url,
        connect_timeout=0.3,
        read_timeout=0.3,
        deadline=1.0,
        retries=2,
        transport=recording,
    ) as rest:
        yield rest


def _checkin(department: str = "NOI") -> CheckIn:
    assert APPOINTMENT_TODAY.patient_id
    return CheckIn(
        str(uuid.uuid4()),
        "kiosk-resilience",
        APPOINTMENT_TODAY.patient_id,
        department,
        ServiceType.INSURANCE,
        PriorityGroup.NONE,
    )


def _elapsed(call: Callable[[], object]) -> tuple[float, HospitalError | None]:
    started = time.monotonic()
    try:
        call()
    except HospitalError as error:  # the test inspects which one it was
        return time.monotonic() - started, error
    return time.monotonic() - started, None


# --- timeouts and the deadline --------------------------------------------------------


def test_slow_hospital_gives_unavailable_within_the_deadline(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient
) -> None:
    hospital.faults.latency(3.0)
    elapsed, error = _elapsed(fast_client.departments)
    assert isinstance(error, HospitalUnavailable)
    assert 0.3 <= elapsed <= 1.0 + SLACK
    assert hospital.requests.count("/v1/departments") >= 2  # it did retry inside the deadline


def test_read_timeout_is_clipped_to_the_deadline(hospital: DemoHospitalServer) -> None:
    hospital.faults.latency(3.0, path_prefix="/v1/departments")
    with RestHospitalClient(hospital.url, read_timeout=5.0, deadline=0.5) as rest:
        elapsed, error = _elapsed(rest.departments)
    assert isinstance(error, HospitalUnavailable)
    assert elapsed <= 0.5 + SLACK


def test_one_slow_answer_is_retried_into_success(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient
) -> None:
    hospital.faults.latency(1.0, count=1, path_prefix="/v1/patients/lookup")
    elapsed, error = _elapsed(lambda: fast_client.find_patient(APPOINTMENT_TODAY.identity))
    assert error is None and elapsed < 1.0
    assert hospital.requests.count("/v1/patients/lookup") == 2


def test_health_is_false_when_slow(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient
) -> None:
    hospital.faults.latency(1.0, count=1, path_prefix="/v1/health")
    started = time.monotonic()
    assert fast_client.health() is False  # a probe answers False rather than raising
    assert time.monotonic() - started < 0.3 + SLACK  # and makes one attempt only


# --- 5xx -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [502, 503, 504])
def test_transient_statuses_are_retried_then_unavailable(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient, status: int
) -> None:
    hospital.faults.fail_status(status)
    with pytest.raises(HospitalUnavailable):
        fast_client.departments()
    assert hospital.requests.count("/v1/departments") == 3  # first try + 2 retries


def test_a_single_503_is_retried_into_success(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient
) -> None:
    hospital.faults.fail_status(503, count=1)
    assert fast_client.departments()
    assert hospital.requests.count("/v1/departments") == 2


def test_lookup_post_is_retried_as_a_safe_request(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient
) -> None:
    hospital.faults.fail_status(503, count=2, path_prefix="/v1/patients/lookup")
    assert fast_client.find_patient(APPOINTMENT_TODAY.identity) is not None
    assert hospital.requests.count("/v1/patients/lookup") == 3


def test_500_is_not_retried(hospital: DemoHospitalServer, fast_client: RestHospitalClient) -> None:
    hospital.faults.fail_status(500)
    with pytest.raises(HospitalUnavailable):
        fast_client.departments()
    assert hospital.requests.count("/v1/departments") == 1


# --- broken answers -------------------------------------------------------------------


def test_malformed_json_is_a_protocol_error(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient
) -> None:
    hospital.faults.malformed_json()
    with pytest.raises(HospitalProtocolError):
        fast_client.departments()
    with pytest.raises(HospitalProtocolError):
        fast_client.find_patient(APPOINTMENT_TODAY.identity)
    assert hospital.requests.count("/v1/") == 2  # not retried: the answer is known, and wrong
    assert fast_client.health() is False


def test_schema_invalid_json_is_a_protocol_error_everywhere(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient
) -> None:
    hospital.faults.schema_invalid()
    calls = [
        fast_client.departments,
        lambda: fast_client.find_patient(APPOINTMENT_TODAY.identity),
        lambda: fast_client.appointments("BN00000001", TODAY),
        lambda: fast_client.history("BN00000001", 5),
    ]
    for call in calls:
        with pytest.raises(HospitalProtocolError):
            call()
    hospital.faults.clear()
    hospital.faults.schema_invalid(status=201, path_prefix="/v1/visits")
    with pytest.raises(HospitalProtocolError):
        fast_client.register_visit(_checkin())


def test_unexpected_success_status_is_a_protocol_error(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient
) -> None:
    hospital.faults.schema_invalid(status=200, path_prefix="/v1/visits")  # contract says 201
    with pytest.raises(HospitalProtocolError, match="unexpected status 200"):
        fast_client.register_visit(_checkin())


# --- exactly-once registration --------------------------------------------------------


def test_lost_response_is_retried_with_the_same_key_and_registers_once(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient, recording: RecordingTransport
) -> None:
    # The hospital registers and stores the answer, but the answer comes too late.
    hospital.faults.latency(1.0, phase="response", count=1, path_prefix="/v1/visits")
    checkin = _checkin("RHM")
    registration = fast_client.register_visit(checkin)
    assert registration.department_code == "RHM"
    sent = [r for r in recording.requests if r.url.path == "/v1/visits"]
    assert len(sent) == 2
    assert {r.headers["idempotency-key"] for r in sent} == {f'"{checkin.idempotency_key}"'}
    assert len({r.content for r in sent}) == 1  # the same body too
    assert hospital.registrations_for_key(checkin.idempotency_key) == 1
    assert fast_client.register_visit(checkin) == registration


def test_retry_while_the_first_request_runs_waits_for_its_answer(
    hospital: DemoHospitalServer,
) -> None:
    hospital.faults.latency(0.5, phase="processing", count=1, path_prefix="/v1/visits")
    checkin = _checkin("DALIEU")
    answers: dict[str, Registration] = {}

    def first_kiosk_attempt() -> None:
        with RestHospitalClient(hospital.url) as rest:
            answers["first"] = rest.register_visit(checkin)

    first = threading.Thread(target=first_kiosk_attempt)
    first.start()
    time.sleep(0.15)
    with RestHospitalClient(hospital.url, retries=6) as rest:
        answers["second"] = rest.register_visit(checkin)  # 409 in progress, then the answer
    first.join()
    assert answers["first"] == answers["second"]
    assert hospital.registrations_for_key(checkin.idempotency_key) == 1


def test_request_in_progress_without_retries_left_is_a_rejection(
    hospital: DemoHospitalServer,
) -> None:
    hospital.faults.latency(0.5, phase="processing", count=1, path_prefix="/v1/visits")
    checkin = _checkin("YHCT")
    with RestHospitalClient(hospital.url) as first_rest:
        first = threading.Thread(target=first_rest.register_visit, args=(checkin,))
        first.start()
        time.sleep(0.15)
        with (
            RestHospitalClient(hospital.url, retries=0) as rest,
            pytest.raises(HospitalRejected) as refused,
        ):
            rest.register_visit(checkin)
        first.join()
    assert refused.value.code == "request_in_progress"
    assert hospital.registrations_for_key(checkin.idempotency_key) == 1


# --- a hospital that goes away and comes back -------------------------------------------


def test_stopped_hospital_refuses_then_restarts_on_the_same_port(
    own_hospital: DemoHospitalServer,
) -> None:
    port = own_hospital.port
    with RestHospitalClient(
        own_hospital.url, connect_timeout=0.3, read_timeout=0.3, deadline=1.0
    ) as rest:
        first = rest.register_visit(_checkin("NOI"))  # keeps a keep-alive connection open
        own_hospital.stop()
        elapsed, error = _elapsed(rest.departments)
        assert isinstance(error, HospitalUnavailable)
        assert elapsed < 1.0 + SLACK
        assert rest.health() is False

        own_hospital.start()
        assert own_hospital.port == port
        assert rest.health() is True
        second = rest.register_visit(_checkin("NOI"))
        assert second.queue_number == first.queue_number + 1  # the data survived the restart
        assert own_hospital.visits_registered() == 2


@pytest.mark.parametrize("phase", ["processing", "response"])
def test_hospital_restart_mid_registration_still_registers_once(
    own_hospital: DemoHospitalServer, phase: Phase
) -> None:
    """The hospital goes down while working (processing) or after committing (response)."""
    own_hospital.faults.latency(5.0, phase=phase, count=1, path_prefix="/v1/visits")
    checkin = _checkin("THAN")
    with RestHospitalClient(own_hospital.url, read_timeout=0.3, deadline=0.5, retries=0) as rest:
        with pytest.raises(HospitalUnavailable):
            rest.register_visit(checkin)
        own_hospital.stop()
        committed = own_hospital.registrations_for_key(checkin.idempotency_key)
        assert committed == (1 if phase == "response" else 0)
        own_hospital.start()
        registration = rest.register_visit(checkin)  # the outbox's retry, same key
        assert rest.register_visit(checkin) == registration
    assert registration.department_code == "THAN"
    assert own_hospital.registrations_for_key(checkin.idempotency_key) == 1


def test_connection_refused_is_retried_quickly(own_hospital: DemoHospitalServer) -> None:
    own_hospital.stop()
    with RestHospitalClient(own_hospital.url, deadline=3.0, retries=2) as rest:
        elapsed, error = _elapsed(lambda: rest.find_patient(APPOINTMENT_TODAY.identity))
    assert isinstance(error, HospitalUnavailable)
    assert elapsed < 1.0  # refused connections fail fast; only the short backoffs add up


# --- logs ---------------------------------------------------------------------------------


def test_logs_carry_no_personal_data(
    hospital: DemoHospitalServer, fast_client: RestHospitalClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    identity = APPOINTMENT_TODAY.identity
    hospital.faults.fail_status(503, count=1, path_prefix="/v1/patients/lookup")
    patient = fast_client.find_patient(identity)
    assert patient is not None
    fast_client.register_visit(_checkin())
    fast_client.history(patient.patient_id, 5)
    text = caplog.text
    assert "POST /v1/patients/lookup -> 503" in text  # method, template, status, time
    assert "ms" in text
    for secret in (identity.citizen_id, identity.full_name, APPOINTMENT_TODAY.insurance_number,
                   identity.address, "Tăng huyết áp"):  # fmt: skip
        assert secret and secret not in text


# --- a server that sends its headers a byte at a time (issue 14) ----------------------------


class TricklingServer(LoopbackServer):
    """Answers its first `healthy` requests on each connection at once (keep-alive), then
    sends the next answer's headers one byte every 0.1 s: always within a read timeout."""

    BODY = b'{"departments": []}'
    ANSWER = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n" + BODY
    )

    def __init__(self, healthy: int) -> None:
        self._healthy = healthy
        super().__init__()
        self.url = f"http://127.0.0.1:{self.port}"

    def serve(self, conn: socket.socket) -> None:
        for _ in range(self._healthy):
            conn.recv(65536)
            conn.sendall(self.ANSWER)
        conn.recv(65536)
        while not self.stopping.is_set():
            self.pace(conn, b"X-Slow: yes\r\n", 0.1)


@pytest.mark.parametrize("healthy", [0, 1], ids=["new connection", "kept-alive connection"])
def test_slow_headers_end_within_the_deadline(healthy: int) -> None:
    server = TricklingServer(healthy)
    try:
        with RestHospitalClient(server.url, read_timeout=0.3, deadline=1.0, retries=0) as rest:
            for _ in range(healthy):
                assert rest.departments() == []
            elapsed, error = _elapsed(rest.departments)
        assert isinstance(error, HospitalUnavailable)
        assert 1.0 <= elapsed <= 1.0 + SLACK
    finally:
        server.stop()
