"""The contract document is sound, and every answer of the demo hospital conforms to it."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from starlette.routing import Route

from kiosk.core.domain import CheckIn, PriorityGroup, ServiceType
from kiosk.demo_hospital.app import RequestCounter, create_app
from kiosk.demo_hospital.faults import FaultSwitch
from kiosk.demo_hospital.personas import demo_persona
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.demo_hospital.store import HospitalStore
from kiosk.hospital import wire

from .conftest import SEED, TODAY, Contract

LOOKUP = "/v1/patients/lookup"
APPOINTMENTS = "/v1/patients/{patient_id}/appointments"
VISITS_OF = "/v1/patients/{patient_id}/visits"


def _key() -> dict[str, str]:
    return {"Idempotency-Key": f'"{uuid.uuid4()}"'}


def _visit_request(persona_key: str, **changes: Any) -> dict[str, Any]:
    persona = demo_persona(persona_key, TODAY)
    body = {
        "kiosk_id": "kiosk-contract",
        "patient_id": persona.patient_id,
        "department_code": "NOI",
        "service": "insurance",
        "priority": "none",
        "appointment_id": None,
    }
    return {**body, **changes}


# --- the document ----------------------------------------------------------------------


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node))
    return set()


def test_document_is_openapi_31_with_valid_schemas(contract: Contract) -> None:
    document = contract.document
    assert document["openapi"] == "3.1.0"
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    refs = _refs(document)
    assert len(refs) > 20
    resolver = contract.registry.resolver(base_uri="urn:kiosk:openapi")
    for ref in refs:
        resolver.lookup(ref)  # raises if a $ref points nowhere


def test_every_error_status_is_documented_with_the_error_body(contract: Contract) -> None:
    valid_error = {"error": {"code": "invalid_request", "message": "limit must be 1-50"}}
    for path, item in contract.document["paths"].items():
        for method, operation in item.items():
            assert "operationId" in operation
            for status in operation["responses"]:
                schema = contract.response_schema(method, path, int(status))
                validator = Draft202012Validator(schema, registry=contract.registry)
                assert validator.is_valid(valid_error) == (int(status) >= 400), (path, status)


def test_demo_routes_are_exactly_the_contract_operations(
    contract: Contract, tmp_path: Path
) -> None:
    store = HospitalStore(tmp_path / "routes.db", seed=SEED, today=TODAY)
    try:
        app = create_app(store, FaultSwitch(), RequestCounter())
        routes = [route for route in app.routes if isinstance(route, Route)]
        assert len(routes) == len(app.routes)
        served = {
            (route.path, method.lower())
            for route in routes
            for method in (route.methods or set()) - {"HEAD"}
        }
    finally:
        store.close()
    documented = {
        (path, method) for path, item in contract.document["paths"].items() for method in item
    }
    assert served == documented


def test_client_request_bodies_match_the_request_schemas(contract: Contract) -> None:
    new = demo_persona("new_patient", TODAY).identity
    contract.request_validator("NewPatient").validate(wire.new_patient_body(new))
    child = demo_persona("child_4", TODAY).identity
    contract.request_validator("NewPatient").validate(wire.new_patient_body(child))
    for priority in PriorityGroup:
        checkin = CheckIn("k", "kiosk-1", "BN1", "NOI", ServiceType.PAID, priority, None)
        contract.request_validator("VisitRequest").validate(wire.visit_body(checkin))
    lookup = contract.request_validator("PatientLookup")
    lookup.validate({"citizen_id": "001078012345"})
    assert not lookup.is_valid({"citizen_id": "001078012345", "insurance_number": "1234567890"})
    assert not lookup.is_valid({})


# --- the demo's answers ----------------------------------------------------------------


def test_health_and_departments(http: httpx.Client, contract: Contract) -> None:
    health = contract.validate("GET", "/v1/health", http.get("/v1/health"))
    assert health["status"] == "ok"
    departments = contract.validate("GET", "/v1/departments", http.get("/v1/departments"))
    assert len(departments["departments"]) >= 12


@pytest.mark.parametrize(
    ("body", "patient_id"),
    [
        (
            {"citizen_id": demo_persona("appointment_today", TODAY).identity.citizen_id},
            "BN00000001",
        ),
        ({"insurance_number": "TE1790034567891"}, "BN00000005"),  # 15-character card number
        ({"insurance_number": "te1790034567891"}, "BN00000005"),  # as typed, lower case
        ({"insurance_number": "0034567891"}, "BN00000005"),  # the 10-digit SI number
        # Since 2025 the 12-digit personal ID doubles as the insurance number.
        ({"insurance_number": demo_persona("elderly_80", TODAY).identity.citizen_id}, "BN00000004"),
    ],
)
def test_lookup_found(
    http: httpx.Client, contract: Contract, body: dict[str, str], patient_id: str
) -> None:
    answer = contract.validate("POST", LOOKUP, http.post(LOOKUP, json=body))
    assert answer["patient"]["patient_id"] == patient_id


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"citizen_id": demo_persona("new_patient", TODAY).identity.citizen_id}, 404,
         "patient_not_found"),
        ({"insurance_number": "DN4799999999999"}, 404, "patient_not_found"),
        ({}, 400, "invalid_request"),
        ({"citizen_id": "001078012345", "insurance_number": "DN4010123456789"}, 400,
         "invalid_request"),
        ({"citizen_id": "00107801234"}, 400, "invalid_request"),
        ({"citizen_id": 1078012345}, 400, "invalid_request"),
        ({"insurance_number": "XX"}, 400, "invalid_request"),
        ({"name": "Nguyễn Văn An"}, 400, "invalid_request"),
    ],
)  # fmt: skip
def test_lookup_refused(
    http: httpx.Client, contract: Contract, body: dict[str, Any], status: int, code: str
) -> None:
    response = http.post(LOOKUP, json=body)
    assert contract.refusal("POST", LOOKUP, response) == (status, code)


def test_lookup_of_broken_json_is_invalid_request(http: httpx.Client, contract: Contract) -> None:
    response = http.post(
        LOOKUP, content=b'{"citizen_id": ', headers={"content-type": "application/json"}
    )
    assert contract.refusal("POST", LOOKUP, response) == (400, "invalid_request")


def test_create_patient_and_its_idempotency(http: httpx.Client, contract: Contract) -> None:
    body = {
        "citizen_id": "079203001122",
        "insurance_number": "SV4790001234567",
        "full_name": "Ngô Thị Mỹ Duyên",
        "birth_date": "2003-04-05",
        "sex": "female",
        "address": "8 Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
    }
    key = _key()
    first = http.post("/v1/patients", json=body, headers=key)
    assert first.status_code == 201
    patient = contract.validate("POST", "/v1/patients", first)["patient"]
    assert patient["full_name"] == "Ngô Thị Mỹ Duyên"
    assert patient["insurance"]["result_code"] == "000"

    again = http.post("/v1/patients", json=body, headers=key)
    assert (again.status_code, again.content) == (201, first.content)

    reused = http.post("/v1/patients", json={**body, "sex": "male"}, headers=key)
    assert contract.refusal("POST", "/v1/patients", reused) == (422, "idempotency_key_reused")
    exists = http.post("/v1/patients", json=body, headers=_key())
    assert contract.refusal("POST", "/v1/patients", exists) == (409, "patient_exists")
    found = http.post(LOOKUP, json={"citizen_id": "079203001122"})
    assert contract.validate("POST", LOOKUP, found)["patient"] == patient


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, {"citizen_id": "079203009999"}),  # no Idempotency-Key
        ({"Idempotency-Key": '""'}, {"citizen_id": "079203009999"}),
        (None, {"citizen_id": None, "insurance_number": None}),  # no number at all
        (None, {"birth_date": "15/03/2003"}),
        (None, {"sex": "nam"}),
        (None, {"full_name": "   "}),
        (None, {"religion": "none"}),  # closed request body
    ],
)
def test_create_patient_invalid(
    http: httpx.Client, contract: Contract, headers: dict[str, str] | None, body: dict[str, Any]
) -> None:
    base = {
        "citizen_id": "079203009999",
        "insurance_number": None,
        "full_name": "Lý Văn Tài",
        "birth_date": "2003",
        "sex": "male",
        "address": None,
    }
    response = http.post(
        "/v1/patients", json={**base, **body}, headers=_key() if headers is None else headers
    )
    assert contract.refusal("POST", "/v1/patients", response) == (400, "invalid_request")


def test_appointments(http: httpx.Client, contract: Contract) -> None:
    path = "/v1/patients/BN00000001/appointments"
    today = contract.validate(
        "GET", APPOINTMENTS, http.get(path, params={"date": TODAY.isoformat()})
    )
    assert [a["department_code"] for a in today["appointments"]] == ["NOI"]
    other = contract.validate("GET", APPOINTMENTS, http.get(path, params={"date": "2026-03-11"}))
    assert other["appointments"] == []
    for params in ({}, {"date": "10/03/2026"}, {"date": "2026-02-30"}):
        response = http.get(path, params=params)
        assert response.status_code == 400
        contract.validate("GET", APPOINTMENTS, response)
    missing = http.get("/v1/patients/BN99999999/appointments", params={"date": "2026-03-10"})
    assert contract.refusal("GET", APPOINTMENTS, missing) == (404, "patient_not_found")


def test_appointments_of_seeded_patients_are_ordered(
    http: httpx.Client, contract: Contract
) -> None:
    seen = 0
    for number in range(101, 341):
        path = f"/v1/patients/BN{number:08d}/appointments"
        body = contract.validate("GET", APPOINTMENTS, http.get(path, params={"date": "2026-03-10"}))
        starts = [a["starts_at"] for a in body["appointments"]]
        assert starts == sorted(starts)
        seen += len(starts)
    assert seen >= 10  # a good number of seeded patients come by appointment today


def test_past_visits(http: httpx.Client, contract: Contract) -> None:
    path = "/v1/patients/BN00000004/visits"
    visits = contract.validate("GET", VISITS_OF, http.get(path))["visits"]
    dates = [v["visit_date"] for v in visits]
    assert len(dates) == 3 and dates == sorted(dates, reverse=True)
    assert (
        len(contract.validate("GET", VISITS_OF, http.get(path, params={"limit": 1}))["visits"]) == 1
    )
    for limit in ("0", "51", "x", "-1"):
        response = http.get(path, params={"limit": limit})
        assert response.status_code == 400
        contract.validate("GET", VISITS_OF, response)
    missing = http.get("/v1/patients/nobody/visits")
    assert missing.status_code == 404
    contract.validate("GET", VISITS_OF, missing)


def test_register_visit_and_replay(http: httpx.Client, contract: Contract) -> None:
    key = _key()
    body = _visit_request("walk_in_insurance", department_code="TMH")
    first = http.post("/v1/visits", json=body, headers=key)
    assert first.status_code == 201
    visit = contract.validate("POST", "/v1/visits", first)["visit"]
    assert (visit["department_code"], visit["room"], visit["floor"]) == ("TMH", "P.212", 2)
    replay = http.post("/v1/visits", json=body, headers=key)
    assert (replay.status_code, replay.content) == (201, first.content)
    # The bare (unquoted) key form names the same key.
    bare = {"Idempotency-Key": key["Idempotency-Key"].strip('"')}
    assert http.post("/v1/visits", json=body, headers=bare).content == first.content


@pytest.mark.parametrize(
    ("persona", "changes", "status", "code"),
    [
        ("insurance_expired", {}, 422, "insurance_not_valid"),
        ("name_mismatch", {}, 422, "insurance_not_valid"),
        ("walk_in_paid", {}, 422, "insurance_not_valid"),  # no card on record
        ("walk_in_insurance", {"department_code": "DV"}, 400, "invalid_request"),  # paid only
        ("walk_in_insurance", {"patient_id": "BN99999999"}, 404, "patient_not_found"),
        ("walk_in_insurance", {"department_code": "XYZ"}, 404, "department_not_found"),
        ("walk_in_insurance", {"service": "free"}, 400, "invalid_request"),
        ("walk_in_insurance", {"priority": "vip"}, 400, "invalid_request"),
        ("walk_in_insurance", {"appointment_id": "LH-DEMO-0001"}, 400, "invalid_request"),
        ("walk_in_insurance", {"kiosk_id": ""}, 400, "invalid_request"),
    ],
)
def test_register_visit_refused(
    http: httpx.Client,
    contract: Contract,
    persona: str,
    changes: dict[str, Any],
    status: int,
    code: str,
) -> None:
    response = http.post("/v1/visits", json=_visit_request(persona, **changes), headers=_key())
    assert contract.refusal("POST", "/v1/visits", response) == (status, code)


def test_register_visit_key_reused_and_missing(http: httpx.Client, contract: Contract) -> None:
    key = _key()
    body = _visit_request("walk_in_paid", service="paid", department_code="DV")
    assert http.post("/v1/visits", json=body, headers=key).status_code == 201
    reused = http.post("/v1/visits", json={**body, "department_code": "MAT"}, headers=key)
    assert contract.refusal("POST", "/v1/visits", reused) == (422, "idempotency_key_reused")
    no_key = http.post("/v1/visits", json=body)
    assert no_key.status_code == 400
    contract.validate("POST", "/v1/visits", no_key)


def test_concurrent_request_with_the_same_key_gets_409(
    hospital: DemoHospitalServer, http: httpx.Client, contract: Contract
) -> None:
    key = _key()
    body = _visit_request("walk_in_insurance", department_code="MAT")
    hospital.faults.latency(0.5, phase="processing", count=1, path_prefix="/v1/visits")
    answers: list[httpx.Response] = []
    first = threading.Thread(
        target=lambda: answers.append(http.post("/v1/visits", json=body, headers=key))
    )
    first.start()
    time.sleep(0.15)
    second = http.post("/v1/visits", json=body, headers=key)
    first.join()
    assert contract.refusal("POST", "/v1/visits", second) == (409, "request_in_progress")
    assert answers[0].status_code == 201
    third = http.post("/v1/visits", json=body, headers=key)
    assert third.content == answers[0].content
    assert hospital.registrations_for_key(key["Idempotency-Key"].strip('"')) == 1


def test_unknown_route_and_method_answer_the_error_body(
    http: httpx.Client, contract: Contract
) -> None:
    error = {"$ref": "urn:kiosk:openapi#/components/schemas/Error"}
    validator = Draft202012Validator(error, registry=contract.strict_registry)
    missing = http.get("/v1/nothing-here")
    assert missing.status_code == 404
    validator.validate(missing.json())
    wrong_method = http.delete("/v1/visits")
    assert wrong_method.status_code == 405
    validator.validate(wrong_method.json())


def test_injected_503_is_a_contract_error(
    hospital: DemoHospitalServer, http: httpx.Client, contract: Contract
) -> None:
    hospital.faults.fail_status(503, count=1)
    response = http.get("/v1/departments")
    assert contract.refusal("GET", "/v1/departments", response) == (503, "unavailable")


def test_bearer_token_is_enforced(tmp_path: Path, contract: Contract) -> None:
    server = DemoHospitalServer(tmp_path / "auth.db", today=TODAY, token="s3cret")
    with server, httpx.Client(base_url=server.url, trust_env=False) as raw:
        refused = raw.get("/v1/departments")
        assert contract.refusal("GET", "/v1/departments", refused) == (401, "unauthorized")
        assert refused.headers["www-authenticate"] == "Bearer"
        wrong = raw.get("/v1/health", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        allowed = raw.get("/v1/departments", headers={"Authorization": "Bearer s3cret"})
        contract.validate("GET", "/v1/departments", allowed)
