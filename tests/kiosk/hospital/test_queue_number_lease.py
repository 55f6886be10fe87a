"""POST /v1/queue-numbers/lease and visits carrying a leased number: contract, demo, client."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from kiosk.core.domain import CheckIn, PriorityGroup, ServiceType
from kiosk.core.ports import HospitalProtocolError, HospitalRejected, LeaseRequest, NumberLease
from kiosk.demo_hospital.personas import demo_persona
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital import wire
from kiosk.hospital.rest import RestHospitalClient

from .conftest import TODAY, Contract

LEASE = "/v1/queue-numbers/lease"


def _key() -> dict[str, str]:
    return {"Idempotency-Key": f'"{uuid.uuid4()}"'}


def _lease_request(**changes: Any) -> dict[str, Any]:
    body = {
        "kiosk_id": "kiosk-lease",
        "department_code": "MAT",
        "day": TODAY.isoformat(),
        "queue": "normal",
        "count": 3,
    }
    return {**body, **changes}


def _client_lease(
    *,
    kiosk_id: str = "kiosk-client",
    department_code: str = "NOI",
    priority_queue: bool = False,
    count: int = 1,
    idempotency_key: str | None = None,
) -> LeaseRequest:
    """What the client asks: by default one number of today's NOI normal queue, a fresh key."""
    key = idempotency_key or str(uuid.uuid4())
    return LeaseRequest(kiosk_id, department_code, TODAY, priority_queue, count, key)


def _visit(kiosk_id: str, leased: int | None, priority: str = "none") -> dict[str, Any]:
    patient_id = demo_persona("walk_in_paid", TODAY).patient_id
    body = {
        "kiosk_id": kiosk_id,
        "patient_id": patient_id,
        "department_code": "MAT",
        "service": "paid",
        "priority": priority,
        "appointment_id": None,
    }
    if leased is not None:
        body["leased_queue_number"] = leased
    return body


def _lease(http: httpx.Client, contract: Contract, **changes: Any) -> dict[str, Any]:
    response = http.post(LEASE, json=_lease_request(**changes), headers=_key())
    assert response.status_code == 201, response.text
    lease: dict[str, Any] = contract.validate("POST", LEASE, response)["lease"]
    return lease


def _register(http: httpx.Client, contract: Contract, body: dict[str, Any]) -> int:
    response = http.post("/v1/visits", json=body, headers=_key())
    assert response.status_code == 201, response.text
    number: int = contract.validate("POST", "/v1/visits", response)["visit"]["queue_number"]
    return number


def test_a_lease_is_a_block_nobody_else_gets_and_replays_by_key(
    http: httpx.Client, contract: Contract
) -> None:
    contract.request_validator("QueueNumberLeaseRequest").validate(_lease_request())
    key = _key()
    first = http.post(LEASE, json=_lease_request(), headers=key)
    assert first.status_code == 201
    lease = contract.validate("POST", LEASE, first)["lease"]
    assert lease["last"] - lease["first"] + 1 == 3
    assert (lease["kiosk_id"], lease["queue"], lease["day"]) == (
        "kiosk-lease",
        "normal",
        TODAY.isoformat(),
    )
    replay = http.post(LEASE, json=_lease_request(), headers=key)
    assert (replay.status_code, replay.content) == (201, first.content)  # one block per key
    reused = http.post(LEASE, json=_lease_request(count=4), headers=key)
    assert contract.refusal("POST", LEASE, reused) == (422, "idempotency_key_reused")

    other = _lease(http, contract, kiosk_id="kiosk-other")
    assert other["first"] > lease["last"]  # disjoint blocks
    walk_in = _register(http, contract, _visit("kiosk-third", None))
    assert walk_in > other["last"]  # the counter moved past both blocks


def test_a_visit_with_a_leased_number_keeps_it_once(http: httpx.Client, contract: Contract) -> None:
    lease = _lease(http, contract, queue="priority", count=2)
    body = _visit("kiosk-lease", lease["first"] + 1, priority="elderly_75")
    contract.request_validator("VisitRequest").validate(body)
    assert _register(http, contract, body) == lease["first"] + 1
    # The same number again (another key): taken, so the hospital gives a fresh one.
    again = _register(http, contract, body)
    assert again not in range(lease["first"], lease["last"] + 1)
    # Another kiosk cannot use this kiosk's lease; a normal-queue visit neither.
    stranger = _register(http, contract, _visit("kiosk-x", lease["first"], "elderly_75"))
    assert stranger != lease["first"]
    normal = _lease(http, contract, count=1)
    wrong_queue = _register(http, contract, _visit("kiosk-lease", lease["first"]))
    assert wrong_queue != lease["first"] and wrong_queue > normal["last"]
    assert (
        _register(http, contract, _visit("kiosk-lease", lease["first"], "elderly_75"))
        == (lease["first"])
    )


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"day": (TODAY + timedelta(days=1)).isoformat()}, 400, "invalid_request"),
        ({"day": "10/03/2026"}, 400, "invalid_request"),
        ({"count": 0}, 400, "invalid_request"),
        ({"count": 51}, 400, "invalid_request"),
        ({"count": True}, 400, "invalid_request"),
        ({"queue": "vip"}, 400, "invalid_request"),
        ({"department_code": "XYZ"}, 404, "department_not_found"),
        ({"extra": 1}, 400, "invalid_request"),
    ],
)
def test_lease_refused(
    http: httpx.Client, contract: Contract, changes: dict[str, Any], status: int, code: str
) -> None:
    response = http.post(LEASE, json=_lease_request(**changes), headers=_key())
    assert contract.refusal("POST", LEASE, response) == (status, code)


def test_a_bad_leased_number_is_invalid_request(http: httpx.Client, contract: Contract) -> None:
    for bad in (0, "7", 1.5):
        body = {**_visit("kiosk-lease", None), "leased_queue_number": bad}
        response = http.post("/v1/visits", json=body, headers=_key())
        assert response.status_code == 400
        contract.validate("POST", "/v1/visits", response)


def test_the_client_leases_and_registers_with_the_number(
    client: RestHospitalClient, hospital: DemoHospitalServer
) -> None:
    lease = client.lease_queue_numbers(_client_lease(count=2))
    assert isinstance(lease, NumberLease)
    assert (lease.department_code, lease.day, lease.priority_queue) == ("NOI", TODAY, False)
    assert lease.last == lease.first + 1
    patient_id = demo_persona("walk_in_paid", TODAY).patient_id
    assert patient_id is not None
    checkin = CheckIn(
        str(uuid.uuid4()), "kiosk-client", patient_id, "NOI", ServiceType.PAID, PriorityGroup.NONE
    )
    registration = client.register_visit(checkin, leased_number=lease.last)
    assert registration.queue_number == lease.last
    # A retry sends the same body (with the number) and gets the stored answer.
    assert client.register_visit(checkin, leased_number=lease.last) == registration
    assert hospital.registrations_for_key(checkin.idempotency_key) == 1
    with pytest.raises(HospitalRejected, match="department_not_found"):
        client.lease_queue_numbers(_client_lease(department_code="XYZ", priority_queue=True))
    with pytest.raises(ValueError):
        client.lease_queue_numbers(_client_lease(kiosk_id="k", count=51, idempotency_key="k"))


def test_lease_wire_decoding_is_strict() -> None:
    good = {
        "lease": {
            "lease_id": "L1",
            "kiosk_id": "k",
            "department_code": "NOI",
            "day": "2026-03-10",
            "queue": "priority",
            "first": 4,
            "last": 6,
        }
    }
    assert wire.decode_lease(good).priority_queue
    for member, value in (("queue", "vip"), ("last", 3), ("first", 0), ("day", "2026-3-10")):
        bad = {"lease": {**good["lease"], member: value}}
        with pytest.raises(wire.WireError, match=member):
            wire.decode_lease(bad)
    assert "leased_queue_number" not in wire.visit_body(
        CheckIn("k", "kiosk", "BN1", "NOI", ServiceType.PAID, PriorityGroup.NONE)
    )


def test_a_malformed_lease_answer_is_a_protocol_error(
    client: RestHospitalClient, hospital: DemoHospitalServer
) -> None:
    hospital.faults.schema_invalid(status=201, path_prefix=LEASE, count=1)
    with pytest.raises(HospitalProtocolError):
        client.lease_queue_numbers(_client_lease(kiosk_id="k"))
