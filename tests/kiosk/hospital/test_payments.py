"""Payment at the kiosk on the REST contract, against the demo hospital over real HTTP: a paid
visit's request (a VietQR code that reads back to the same transfer), the same request for a
retried registration, the states the kiosk polls for, and the bank's and patient's hooks."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from kiosk.core.domain import CheckIn, PaymentRequest, PaymentState, PriorityGroup, ServiceType
from kiosk.core.payment.request import payment_qr, poll_delay
from kiosk.core.payment.vietqr import VietQrError, decode
from kiosk.core.ports import HospitalRejected
from kiosk.demo_hospital import payments
from kiosk.demo_hospital.catalog import PAID_VISIT_FEES
from kiosk.demo_hospital.personas import demo_persona
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient
from tests.kiosk.hospital.conftest import TODAY, Contract


def _checkin(service: ServiceType = ServiceType.PAID, department: str = "TMH") -> CheckIn:
    patient_id = demo_persona("walk_in_insurance", TODAY).patient_id
    assert patient_id is not None
    return CheckIn(
        str(uuid.uuid4()), "kiosk-pay", patient_id, department, service, PriorityGroup.NONE
    )


def test_a_paid_visit_comes_with_a_request_for_its_fee(client: RestHospitalClient) -> None:
    registration = client.register_visit(_checkin())
    request = registration.payment
    assert request is not None
    assert request.amount_vnd == PAID_VISIT_FEES["TMH"]
    assert request.expires_at > registration.registered_at
    qr = decode(payment_qr(request))
    assert (qr.bank_bin, qr.account, qr.amount_vnd, qr.reference) == (
        request.bank_bin,
        request.account,
        request.amount_vnd,
        request.reference,
    )
    assert client.payment_status(request.reference) is PaymentState.PENDING


def test_an_insured_visit_asks_no_payment(client: RestHospitalClient) -> None:
    assert client.register_visit(_checkin(ServiceType.INSURANCE)).payment is None


def test_a_retried_registration_asks_for_the_same_payment(
    client: RestHospitalClient, hospital: DemoHospitalServer
) -> None:
    checkin = _checkin()
    first = client.register_visit(checkin)
    again = client.register_visit(checkin)
    assert first.payment is not None and again.payment == first.payment
    other = client.register_visit(replace(checkin, idempotency_key=str(uuid.uuid4())))
    assert other.payment is not None and other.payment.reference != first.payment.reference
    assert hospital.registrations_for_key(checkin.idempotency_key) == 1


def test_the_bank_confirms_once(client: RestHospitalClient, hospital: DemoHospitalServer) -> None:
    request = client.register_visit(_checkin()).payment
    assert request is not None
    assert hospital.settle_payment(paid=True, reference=request.reference) == request.reference
    assert client.payment_status(request.reference) is PaymentState.PAID
    # Paid is final: neither a second confirmation nor giving up changes it.
    assert hospital.settle_payment(paid=True, reference=request.reference) is None
    assert hospital.settle_payment(paid=False, reference=request.reference) is None
    assert client.payment_status(request.reference) is PaymentState.PAID


def test_the_patient_gives_up_on_the_newest_request(
    client: RestHospitalClient, hospital: DemoHospitalServer
) -> None:
    request = client.register_visit(_checkin()).payment
    assert request is not None
    assert hospital.settle_payment(paid=False) == request.reference
    assert client.payment_status(request.reference) is PaymentState.CANCELLED


def test_a_request_not_paid_in_time_expires(
    client: RestHospitalClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payments, "PAYMENT_MINUTES", 0)
    request = client.register_visit(_checkin()).payment
    assert request is not None
    assert client.payment_status(request.reference) is PaymentState.EXPIRED


def test_an_unknown_reference_is_refused(client: RestHospitalClient) -> None:
    with pytest.raises(HospitalRejected) as refused:
        client.payment_status("KBNOSUCHREF1")
    assert refused.value.code == "payment_not_found"


def test_the_answers_match_the_contract(http: httpx.Client, contract: Contract) -> None:
    checkin = _checkin()
    body = {
        "kiosk_id": checkin.kiosk_id,
        "patient_id": checkin.patient_id,
        "department_code": "KSK",
        "service": "paid",
        "priority": "none",
        "appointment_id": None,
    }
    headers = {"Idempotency-Key": f'"{checkin.idempotency_key}"'}
    answer = contract.validate(
        "POST", "/v1/visits", http.post("/v1/visits", json=body, headers=headers)
    )
    reference = answer["payment"]["reference"]
    assert answer["payment"]["amount_vnd"] == PAID_VISIT_FEES["KSK"]
    status = contract.validate(
        "GET", "/v1/payments/{reference}", http.get(f"/v1/payments/{reference}")
    )
    assert status["payment"] == {"reference": reference, "state": "pending", "paid_at": None}


REQUEST = PaymentRequest(
    reference="KBABCDEF123456",
    amount_vnd=150_000,
    bank_bin="970436",
    bank_name="Vietcombank",
    account="0011004321987",
    account_name="BENH VIEN",
    expires_at=datetime(2026, 3, 10, 8, 10, tzinfo=UTC),
)


def test_the_kiosk_writes_the_code_when_the_hospital_gives_none() -> None:
    qr = decode(payment_qr(REQUEST))
    assert (qr.amount_vnd, qr.reference) == (150_000, "KBABCDEF123456")


@pytest.mark.parametrize(
    "changed", [{"amount_vnd": 15_000}, {"account": "999"}, {"reference": "KBOTHER00001"}]
)
def test_a_hospital_code_for_another_transfer_is_not_shown(changed: dict[str, object]) -> None:
    foreign = payment_qr(replace(REQUEST, **changed))
    with pytest.raises(VietQrError):
        payment_qr(replace(REQUEST, qr_payload=foreign))
    assert payment_qr(replace(REQUEST, qr_payload=payment_qr(REQUEST))) == payment_qr(REQUEST)


def test_polling_starts_quick_and_backs_off_to_a_cap() -> None:
    delays = [poll_delay(n) for n in range(12)]
    assert delays[0] == 0.25
    assert delays == sorted(delays)
    assert max(delays) == 0.75
