"""Strict decoding: any answer off the contract is HospitalProtocolError, never a crash.

These tests put a scripted httpx.MockTransport under the real client to reach shapes the
demo hospital never produces.
"""

from __future__ import annotations

import contextlib
import copy
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.domain import (
    BirthDate,
    CheckIn,
    Identity,
    IdentitySource,
    PriorityGroup,
    ServiceType,
)
from kiosk.core.ports import (
    HospitalError,
    HospitalProtocolError,
    HospitalRejected,
    HospitalUnavailable,
)
from kiosk.hospital.rest import RestHospitalClient

DEPARTMENT: dict[str, Any] = {
    "code": "NOI", "name": "Khám Nội", "name_en": "Internal Medicine", "room": "P.105",
    "floor": 1, "directions": "Tầng 1", "directions_en": "Floor 1", "accepts_insurance": True,
    "waiting": 3, "waiting_priority": 0, "estimated_wait_minutes": 18,
}  # fmt: skip
PATIENT: dict[str, Any] = {
    "patient_id": "BN1", "full_name": "Nguyễn Văn An", "birth_date": "1978-03-14",
    "sex": "male", "citizen_id": "001078012345", "address": "25 Lý Thường Kiệt, Hà Nội",
    "insurance": {"number": "DN4010123456789", "result_code": "000", "valid_from": "2026-01-01",
                  "valid_to": "2026-12-31", "facility_code": "01 - 001"},
}  # fmt: skip
VISIT: dict[str, Any] = {
    "visit_id": "V1", "queue_number": 12, "department_code": "NOI", "room": "P.105",
    "floor": 1, "people_ahead": 11, "estimated_wait_minutes": 66,
    "registered_at": "2026-03-10T08:00:00+07:00",
}  # fmt: skip
IDENTITY = Identity(IdentitySource.KEYPAD, citizen_id="001078012345")
CHECKIN = CheckIn("key-1", "kiosk-1", "BN1", "NOI", ServiceType.PAID, PriorityGroup.NONE)

Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler, **options: Any) -> RestHospitalClient:
    options.setdefault("deadline", 2.0)
    return RestHospitalClient("http://his.test", transport=httpx.MockTransport(handler), **options)


def _answer(status: int, body: Any) -> Handler:
    return lambda request: httpx.Response(status, json=body)


def _mutations(body: dict[str, Any], path: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """Copies of `body` with one member missing or of a wrong type, named by its path."""
    found = []
    target: Any = body
    for step in path:
        target = target[step]
    for key, value in target.items():
        for label, replacement in (
            ("missing", KeyError),
            ("string", "7"),
            ("number", 7),
            ("float", 7.0),
            ("bool", True),
            ("list", []),
            ("null", None),
        ):
            if replacement is None and value is None:
                continue
            if type(replacement) is type(value) and label != "float":
                continue
            mutated = copy.deepcopy(body)
            parent = mutated
            for step in path:
                parent = parent[step]
            if replacement is KeyError:
                del parent[key]
            else:
                parent[key] = replacement
            found.append((f"{'.'.join((*path, key))}:{label}", mutated))
    return found


def _is_lenient(name: str) -> bool:
    """Mutations that stay inside the contract (a nullable member set to null)."""
    nullable = {"name_en", "directions_en", "address", "citizen_id", "insurance", "valid_from",
                "valid_to", "facility_code", "doctor_name", "diagnosis"}  # fmt: skip
    member, label = name.rsplit(":", 1)
    return label == "null" and member.rsplit(".", 1)[-1] in nullable


@pytest.mark.parametrize(
    ("name", "department"), [m for m in _mutations(DEPARTMENT) if not _is_lenient(m[0])]
)
def test_wrong_department_shapes_drop_that_department_only(
    name: str, department: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    # Issue 14: the broken one is dropped with a log line naming the member, the rest offered.
    member = name.split(":")[0].split(".")[-1]
    with _client(_answer(200, {"departments": [department, DEPARTMENT]})) as rest:
        offered = rest.departments()
    assert [d.code for d in offered] == [DEPARTMENT["code"]]
    assert any("dropped" in r.getMessage() and member in r.getMessage() for r in caplog.records)


PATIENT_MUTATIONS = _mutations(PATIENT) + _mutations(PATIENT, ("insurance",))


@pytest.mark.parametrize(
    ("name", "patient"), [m for m in PATIENT_MUTATIONS if not _is_lenient(m[0])]
)
def test_wrong_patient_shapes(name: str, patient: dict[str, Any]) -> None:
    with _client(_answer(200, {"patient": patient})) as rest, pytest.raises(HospitalProtocolError):
        rest.find_patient(IDENTITY)


@pytest.mark.parametrize(("name", "visit"), _mutations(VISIT))
def test_wrong_registration_shapes(name: str, visit: dict[str, Any]) -> None:
    with _client(_answer(201, {"visit": visit})) as rest, pytest.raises(HospitalProtocolError):
        rest.register_visit(CHECKIN)


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("birth_date", "14/03/1978"),
        ("birth_date", "1978-02-30"),
        ("birth_date", "78"),
        ("sex", "nam"),
        ("citizen_id", "00107801234"),
        ("citizen_id", ""),
        ("full_name", ""),
    ],
)
def test_wrong_patient_values(member: str, value: str) -> None:
    with (
        _client(_answer(200, {"patient": {**PATIENT, member: value}})) as rest,
        pytest.raises(HospitalProtocolError) as error,
    ):
        rest.find_patient(IDENTITY)
    assert value not in str(error.value) or not value  # values never end up in messages


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("registered_at", "2026-03-10T08:00:00"),  # no offset: not RFC 3339
        ("registered_at", "2026-03-10 08:00"),
        ("registered_at", "2026-13-10T08:00:00+07:00"),
        ("queue_number", 0),
        ("people_ahead", -1),
        ("estimated_wait_minutes", -5),
    ],
)
def test_wrong_registration_values(member: str, value: Any) -> None:
    with (
        _client(_answer(201, {"visit": {**VISIT, member: value}})) as rest,
        pytest.raises(HospitalProtocolError),
    ):
        rest.register_visit(CHECKIN)


def test_wrong_insurance_result_code() -> None:
    card = {**PATIENT["insurance"], "result_code": "0"}
    with (
        _client(_answer(200, {"patient": {**PATIENT, "insurance": card}})) as rest,
        pytest.raises(HospitalProtocolError),
    ):
        rest.find_patient(IDENTITY)


def test_lenient_where_the_contract_is() -> None:
    card = {**PATIENT["insurance"], "valid_to": None, "facility_code": None}
    patient = {**PATIENT, "birth_date": "1950", "insurance": card, "extra": {"ignored": True}}
    visit = {**VISIT, "registered_at": "2026-03-10T01:00:00Z", "ticket_color": "blue"}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/visits":
            return httpx.Response(201, json={"visit": visit})
        return httpx.Response(200, json={"patient": patient})

    with _client(handler) as rest:
        found = rest.find_patient(IDENTITY)
        registration = rest.register_visit(CHECKIN)
    assert found is not None and found.birth == BirthDate(1950)
    assert found.insurance is not None and found.insurance.valid_to is None
    assert found.insurance.valid_from == date(2026, 1, 1)
    assert registration.registered_at == datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>ok</html>", headers={"content-type": "text/html"}),
        httpx.Response(200, content=b'{"departments": []}'),  # no content type at all
        httpx.Response(200, content=b"\xff\xfe", headers={"content-type": "application/json"}),
        httpx.Response(200, json=[]),
        httpx.Response(200, json={"departments": {}}),
        httpx.Response(200, json={"departments": [1]}),
        httpx.Response(301, headers={"location": "http://elsewhere.test/"}),
        httpx.Response(204),
        httpx.Response(418, text="teapot"),  # a 4xx without the contract's error body
        httpx.Response(400, json={"error": "bad"}),
        httpx.Response(400, json={"error": {"code": 42, "message": ""}}),
    ],
    ids=lambda r: f"{r.status_code}",
)
def test_off_contract_answers(response: httpx.Response) -> None:
    with _client(lambda request: response) as rest, pytest.raises(HospitalProtocolError):
        rest.departments()


def test_contract_refusals_carry_their_code() -> None:
    body = {"error": {"code": "insurance_not_valid", "message": "card expired"}}
    with _client(_answer(422, body)) as rest, pytest.raises(HospitalRejected) as refused:
        rest.register_visit(CHECKIN)
    assert (refused.value.code, refused.value.message) == ("insurance_not_valid", "card expired")


def test_a_404_that_is_not_patient_not_found_is_not_none() -> None:
    """A hospital without the lookup route must not look like "no such patient"."""
    body = {"error": {"code": "not_found", "message": "no route"}}
    with _client(_answer(404, body)) as rest, pytest.raises(HospitalRejected) as refused:
        rest.find_patient(IDENTITY)
    assert refused.value.code == "not_found"


def test_headers_sent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"visit": VISIT})

    with _client(handler, token="t0ken") as rest:
        rest.register_visit(CheckIn('we"ird\\key', "k", "BN1", "NOI", ServiceType.PAID,
                                    PriorityGroup.NONE))  # fmt: skip
    request = seen[0]
    assert request.headers["authorization"] == "Bearer t0ken"
    assert request.headers["idempotency-key"] == '"we\\"ird\\\\key"'  # RFC 8941 sf-string
    assert json.loads(request.content) == {
        "kiosk_id": "k", "patient_id": "BN1", "department_code": "NOI", "service": "paid",
        "priority": "none", "appointment_id": None, "identity_check": "not_checked",
    }  # fmt: skip


def test_patient_ids_are_escaped_in_paths() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(200, json={"visits": []})

    with _client(handler) as rest:
        rest.history("BN/../1 2", 5)
    assert seen == ["/v1/patients/BN%2F..%2F1%202/visits?limit=5"]


def test_non_ascii_idempotency_key_is_a_caller_error() -> None:
    with _client(_answer(201, {"visit": VISIT})) as rest, pytest.raises(ValueError):
        rest.register_visit(CheckIn("khóa", "k", "BN1", "NOI", ServiceType.PAID,
                                    PriorityGroup.NONE))  # fmt: skip


def test_transport_errors_are_unavailable_and_retried_with_the_same_key() -> None:
    keys: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["idempotency-key"])
        if len(keys) < 3:
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(201, json={"visit": VISIT})

    checkin = CheckIn(str(uuid.uuid4()), "k", "BN1", "NOI", ServiceType.PAID, PriorityGroup.NONE)
    with _client(handler, retries=2) as rest:
        assert rest.register_visit(checkin).visit_id == "V1"
    assert len(keys) == 3 and len(set(keys)) == 1

    def always_down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with _client(always_down, retries=0) as rest, pytest.raises(HospitalUnavailable):
        rest.departments()


def test_constructor_checks_its_arguments() -> None:
    for bad in ("his.test", "ftp://his.test", "http://"):
        with pytest.raises(ValueError):
            RestHospitalClient(bad)
    with pytest.raises(ValueError):
        RestHospitalClient("http://his.test", deadline=0)
    with pytest.raises(ValueError):
        RestHospitalClient("http://his.test", retries=-1)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from([*DEPARTMENT, "departments", "x"]), children, max_size=6)
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(body=json_values, status=st.sampled_from([200, 400, 404, 409, 422]))
def test_no_answer_crashes_the_client(body: Any, status: int) -> None:
    # HospitalError is the only kind of failure allowed; anything else fails the test.
    with _client(_answer(status, body), retries=0) as rest, contextlib.suppress(HospitalError):
        rest.departments()
