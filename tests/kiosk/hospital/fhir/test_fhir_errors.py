"""How failures map onto the typed errors: a lost transaction answer (real server), refused
connections, and answers a FHIR server should not give (scripted with httpx.MockTransport)."""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
import pytest

from kiosk.core.domain import Identity, IdentitySource
from kiosk.core.ports import HospitalProtocolError, HospitalRejected, HospitalUnavailable
from kiosk.hospital.fhir import FhirHospitalClient
from tests.kiosk.hospital.fhir.sekmet import NAMESPACE, SYSTEMS, seed_patient
from tests.kiosk.hospital.fhir.test_fhir_checkin import checkin, new_cccd


def test_a_lost_transaction_answer_is_recovered_by_the_key(make_client, sekmet) -> None:
    """The server committed the transaction but its answer never arrived: the client asks
    again, finds its Encounter by the idempotency key and takes no second number."""
    client, transport = make_client()
    patient = seed_patient(sekmet, new_cccd(), None)
    before = client.register_visit(checkin(patient["id"], "lost-0", department="NHI"))
    lost = []

    def lose_answer(method: str, path: str, body: dict[str, Any] | None) -> None:
        if body and body.get("type") == "transaction" and not lost:
            lost.append(1)
            raise httpx.ReadTimeout("answer lost")

    transport.after = lose_answer
    registration = client.register_visit(checkin(patient["id"], "lost-1", department="NHI"))
    assert lost == [1]
    assert registration.queue_number == before.queue_number + 1
    found = sekmet.search("Encounter", identifier=f"{NAMESPACE}:idempotency-key|lost-1")
    assert [e["id"] for e in found] == [registration.visit_id]


def test_refused_connection_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with FhirHospitalClient(f"http://127.0.0.1:{port}/fhir", SYSTEMS, deadline=1.0) as client:
        with pytest.raises(HospitalUnavailable):
            client.departments()
        assert client.health() is False


def scripted(
    *answers: httpx.Response, **options: Any
) -> tuple[FhirHospitalClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    client = FhirHospitalClient(
        "http://his.test/fhir", SYSTEMS, transport=httpx.MockTransport(handler), **options
    )
    return client, seen


def fhir(status: int, body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(),
                          headers={"content-type": "application/fhir+json"})  # fmt: skip


def outcome(code: str) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": code}]}


def test_503_is_retried_then_unavailable() -> None:
    client, seen = scripted(fhir(503, outcome("transient")), retries=2, deadline=3.0)
    with pytest.raises(HospitalUnavailable):
        client.departments()
    assert len(seen) == 3


def test_503_then_success() -> None:
    empty = {"resourceType": "Bundle", "type": "searchset", "total": 0}
    client, seen = scripted(fhir(503, outcome("transient")), fhir(200, empty), deadline=3.0)
    assert client.departments() == []
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "invalid_request"), (422, "invalid_request"), (403, "forbidden"), (404, "not_found")],
)
def test_client_errors_are_rejections(status: int, code: str) -> None:
    client, _ = scripted(fhir(status, outcome("processing")))
    with pytest.raises(HospitalRejected) as error:
        client.history("p1", 5)
    assert error.value.code == code


def test_500_is_unavailable_without_retry() -> None:
    client, seen = scripted(fhir(500, outcome("exception")))
    with pytest.raises(HospitalUnavailable):
        client.history("p1", 5)
    assert len(seen) == 1


def test_html_answer_is_a_protocol_error() -> None:
    page = httpx.Response(200, content=b"<html>login</html>", headers={"content-type": "text/html"})
    client, _ = scripted(page)
    with pytest.raises(HospitalProtocolError):
        client.departments()


def test_a_patient_without_gender_is_a_protocol_error() -> None:
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": "1990",
               "name": [{"text": "A"}], "gender": "unknown"}  # fmt: skip
    bundle = {"resourceType": "Bundle", "type": "searchset",
              "entry": [{"resource": patient, "search": {"mode": "match"}}]}  # fmt: skip
    client, _ = scripted(fhir(200, bundle))
    with pytest.raises(HospitalProtocolError) as error:
        client.find_patient(Identity(IdentitySource.KEYPAD, citizen_id="079080000001"))
    assert "gender" in str(error.value) and "079080000001" not in str(error.value)


def test_a_batch_answer_of_the_wrong_shape_is_a_protocol_error() -> None:
    client, _ = scripted(
        fhir(200, {"resourceType": "Bundle", "type": "batch-response", "entry": []})
    )
    with pytest.raises(HospitalProtocolError):
        client.register_visit(checkin("p1", "shape-1"))
