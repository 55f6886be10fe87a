"""POST /v1/identity/resolve: the contract, the demo's VNeID-style tokens, and the client."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from kiosk.core.domain import BirthDate, Sex
from kiosk.core.ports import HospitalApi, HospitalProtocolError, HospitalRejected
from kiosk.demo_hospital.codes import PREFIX, issue_token, token_patient_id
from kiosk.demo_hospital.personas import demo_persona
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital import wire
from kiosk.hospital.rest import MAX_RESOLVE_PAYLOAD, RestHospitalClient

from .conftest import TODAY, Contract

RESOLVE = "/v1/identity/resolve"


def _token(persona_key: str) -> str:
    persona = demo_persona(persona_key, TODAY)
    assert persona.patient_id is not None
    return issue_token(persona.patient_id)


def _forged(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("0" if last != "0" else "1")


# --- the tokens ------------------------------------------------------------------------


def test_tokens_are_deterministic_and_bound_to_their_patient() -> None:
    token = issue_token("BN00000001")
    assert token == issue_token("BN00000001")
    assert token.startswith(PREFIX)
    assert token_patient_id(token) == "BN00000001"
    assert token_patient_id(f" {token}\r\n") == "BN00000001"  # as a scanner frames it
    assert token_patient_id(_forged(token)) is None
    assert token_patient_id(token.replace("BN00000001", "BN00000002")) is None
    assert token_patient_id(issue_token("BN00000001", secret=b"another hospital")) is None
    assert token_patient_id("VNEID:1:BN00000001") is None
    assert token_patient_id("") is None
    with pytest.raises(ValueError):
        issue_token("BN 1")


# --- the contract ----------------------------------------------------------------------


def test_resolve_answers_the_persona_behind_a_token(http: httpx.Client, contract: Contract) -> None:
    persona = demo_persona("appointment_today", TODAY)
    response = http.post(RESOLVE, json={"payload": _token("appointment_today")})
    assert response.status_code == 200
    identity = contract.validate("POST", RESOLVE, response)["identity"]
    assert identity["citizen_id"] == persona.identity.citizen_id
    assert identity["insurance_number"] == persona.insurance_number
    assert identity["full_name"] == "Nguyễn Văn An"
    assert identity["birth_date"] == "1978-03-14"
    assert identity["sex"] == "male"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"payload": "VNEID:1:BN99999999:" + "0" * 32}, 404, "identity_not_found"),
        ({"payload": "https://example.vn/booking/42"}, 404, "identity_not_found"),
        ({"payload": "\x00\xff garbage"}, 404, "identity_not_found"),
        ({"payload": ""}, 400, "invalid_request"),
        ({"payload": "x" * (MAX_RESOLVE_PAYLOAD + 1)}, 400, "invalid_request"),
        ({"payload": 42}, 400, "invalid_request"),
        ({}, 400, "invalid_request"),
        ({"payload": "x", "kiosk_id": "k"}, 400, "invalid_request"),
    ],
)
def test_resolve_refusals_follow_the_contract(
    http: httpx.Client, contract: Contract, body: dict[str, Any], status: int, code: str
) -> None:
    response = http.post(RESOLVE, json=body)
    assert contract.refusal("POST", RESOLVE, response) == (status, code)


def test_a_forged_token_is_not_found_and_its_answer_quotes_nothing(
    http: httpx.Client, contract: Contract
) -> None:
    forged = _forged(_token("walk_in_paid"))
    response = http.post(RESOLVE, json={"payload": forged})
    assert response.status_code == 404
    contract.validate("POST", RESOLVE, response)
    assert forged.split(":")[2] not in response.text


def test_request_and_answer_schemas_agree_with_the_wire_code(contract: Contract) -> None:
    validator = contract.request_validator("IdentityPayload")
    validator.validate({"payload": "VNEID:1:BN1:" + "0" * 32})
    assert not validator.is_valid({"payload": ""})
    assert not validator.is_valid({"payload": "x", "other": 1})
    resolved = contract.request_validator("ResolvedIdentity")
    only_card = {
        "citizen_id": None,
        "insurance_number": "DN4010123456789",
        "full_name": None,
        "birth_date": None,
        "sex": None,
        "address": None,
    }
    resolved.validate(only_card)
    assert not resolved.is_valid({**only_card, "insurance_number": None})
    identity = wire.decode_resolved_identity({"identity": only_card})
    assert identity.insurance_number == "DN4010123456789" and identity.citizen_id is None
    with pytest.raises(wire.WireError):
        wire.decode_resolved_identity({"identity": {**only_card, "insurance_number": None}})


# --- the client ------------------------------------------------------------------------


def test_client_resolves_a_token_to_an_identity(client: RestHospitalClient) -> None:
    api: HospitalApi = client
    persona = demo_persona("elderly_80", TODAY)
    identity = api.resolve_identity(_token("elderly_80"))
    assert identity is not None
    assert identity.citizen_id == persona.identity.citizen_id
    assert identity.full_name == persona.identity.full_name
    assert identity.birth == persona.identity.birth
    assert identity.sex == persona.identity.sex
    assert not identity.chip_verified
    assert client.find_patient(identity) is not None  # what the kiosk does next


def test_client_answers_none_for_unknown_and_forged_tokens(client: RestHospitalClient) -> None:
    assert client.resolve_identity("VNEID:1:BN99999999:" + "0" * 32) is None
    assert client.resolve_identity(_forged(_token("child_4"))) is None
    assert client.resolve_identity("not a code anyone issued") is None


@pytest.mark.parametrize("payload", ["", "x" * (MAX_RESOLVE_PAYLOAD + 1)])
def test_client_refuses_a_malformed_payload_without_calling(
    client: RestHospitalClient, hospital: DemoHospitalServer, payload: str
) -> None:
    with pytest.raises(HospitalRejected) as caught:
        client.resolve_identity(payload)
    assert caught.value.code == "invalid_request"
    assert hospital.requests.count(RESOLVE) == 0


def test_client_retries_a_resolve_through_a_brief_outage(
    client: RestHospitalClient, hospital: DemoHospitalServer
) -> None:
    hospital.faults.fail_status(503, count=1, path_prefix=RESOLVE)
    identity = client.resolve_identity(_token("walk_in_insurance"))
    assert identity is not None and identity.sex is Sex.FEMALE
    assert hospital.requests.count(RESOLVE, method="POST") == 2


def test_client_types_an_answer_that_breaks_the_contract() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        broken = {"identity": {"citizen_id": "12", "insurance_number": None}}
        return httpx.Response(200, json=broken)

    with (
        RestHospitalClient("http://his.test", transport=httpx.MockTransport(handler)) as client,
        pytest.raises(HospitalProtocolError),
    ):
        client.resolve_identity("VNEID:1:BN1:" + "0" * 32)


def test_client_keeps_a_partner_identity_with_year_only_birth() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {
            "identity": {
                "citizen_id": "001078012345",
                "insurance_number": None,
                "full_name": "Lê Thị Hoa",
                "birth_date": "1978",
                "sex": "female",
                "address": None,
                "verified_by": "partner",  # servers may add members
            }
        }
        return httpx.Response(200, json=body)

    with RestHospitalClient("http://his.test", transport=httpx.MockTransport(handler)) as client:
        identity = client.resolve_identity("partner-code")
    assert identity is not None
    assert identity.birth == BirthDate(1978) and identity.full_name == "Lê Thị Hoa"


def test_client_never_logs_the_payload(
    client: RestHospitalClient, hospital: DemoHospitalServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = _token("appointment_today")
    hospital.faults.fail_status(503, count=1, path_prefix=RESOLVE)  # a retry logs a warning
    with caplog.at_level(logging.DEBUG):
        client.resolve_identity(token)
        client.resolve_identity(_forged(token))
    assert caplog.records
    signature = token.split(":")[3]
    for record in caplog.records:
        text = record.getMessage()
        assert signature[:8] not in text and "BN00000001" not in text
