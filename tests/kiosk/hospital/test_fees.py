"""Departments' fees on the REST contract: decoded when given, None when not, refused when
not an amount; the demo hospital's price list over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kiosk.demo_hospital.catalog import PAID_VISIT_FEES
from kiosk.hospital.rest import RestHospitalClient
from tests.kiosk.hospital.conftest import Contract

DEPARTMENT: dict[str, Any] = {
    "code": "NOI", "name": "Khám Nội", "name_en": None, "room": "P.105", "floor": 1,
    "directions": "Tầng 1", "directions_en": None, "accepts_insurance": True, "waiting": 3,
    "waiting_priority": 0, "estimated_wait_minutes": 18,
}  # fmt: skip


def _departments(extra: dict[str, Any]) -> list[Any]:
    body = {"departments": [DEPARTMENT | extra]}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with RestHospitalClient("http://his.test", transport=transport, deadline=2.0) as client:
        return list(client.departments())


@pytest.mark.parametrize(
    ("extra", "fee", "share"),
    [
        ({}, None, None),  # a hospital that predates fees
        ({"fee_vnd": None, "insured_share_vnd": None}, None, None),
        ({"fee_vnd": 150_000}, 150_000, None),
        ({"fee_vnd": 150_000, "insured_share_vnd": 8_420}, 150_000, 8_420),
        ({"fee_vnd": 0}, 0, None),  # free: the kiosk shows 0 đ, asks no payment
    ],
)
def test_fees_are_decoded_when_told(
    extra: dict[str, Any], fee: int | None, share: int | None
) -> None:
    (department,) = _departments(extra)
    assert (department.fee_vnd, department.insured_share_vnd) == (fee, share)


@pytest.mark.parametrize("wrong", [-1, "150000", 150_000.0, True, [150_000]])
def test_a_fee_that_is_not_an_amount_drops_the_department(wrong: Any) -> None:
    assert _departments({"fee_vnd": wrong}) == []
    assert _departments({"insured_share_vnd": wrong}) == []


def test_the_demo_hospital_lists_its_fees(
    http: httpx.Client, client: RestHospitalClient, contract: Contract
) -> None:
    body = contract.validate("GET", "/v1/departments", http.get("/v1/departments"))
    assert {d["code"]: d["fee_vnd"] for d in body["departments"]} == PAID_VISIT_FEES
    decoded = {d.code: d.fee_vnd for d in client.departments()}
    assert decoded == PAID_VISIT_FEES
