"""resolve_identity over plain FHIR: a code the hospital issued (VNeID-style, booking QR) is an
identifier of its Patient or Appointment in `hospital.fhir_code_system`, found on SEKMET."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest

from kiosk.core.domain import BirthDate, IdentitySource, Sex
from kiosk.core.ports import HospitalRejected
from tests.kiosk.hospital.fhir.sekmet import (
    SYSTEMS,
    TODAY,
    SekmetServer,
    seed_appointment,
    seed_patient,
)

CODE_SYSTEM = "https://his.benhvien.example/fhir/sid/kiosk-code"
CODED = replace(SYSTEMS, code=CODE_SYSTEM)
_numbers = itertools.count(500_000)


def new_numbers() -> tuple[str, str]:
    n = next(_numbers)
    return f"001085{n:06d}", f"GD479{n:010d}"


def with_code(server: SekmetServer, resource: dict[str, Any], code: str) -> dict[str, Any]:
    identifiers = [*resource.get("identifier", []), {"system": CODE_SYSTEM, "value": code}]
    return server.put({**resource, "identifier": identifiers})


def test_a_patients_own_code_resolves_to_their_identity_in_one_round_trip(
    make_client, sekmet
) -> None:
    cccd, bhyt = new_numbers()
    code = f"VNEID:1:{cccd}:5f0e"
    with_code(sekmet, seed_patient(sekmet, cccd, bhyt, name="Đỗ Thị Hoa", gender="female",
                                   birth_date="1979-12-01"), code)  # fmt: skip
    client, transport = make_client(systems=CODED)

    identity = client.resolve_identity(code + "\r\n")  # scanners add a line end

    assert identity is not None
    assert identity.source is IdentitySource.HOSPITAL_RESOLVED
    assert (identity.citizen_id, identity.insurance_number) == (cccd, bhyt)
    assert (identity.full_name, identity.birth, identity.sex) == (
        "Đỗ Thị Hoa",
        BirthDate(1979, 12, 1),
        Sex.FEMALE,
    )
    [(method, path, body)] = transport.sent
    assert (method, path) == ("POST", "/fhir/")  # one batch; the code only in its body
    assert body is not None and body["type"] == "batch"


def test_a_booking_code_resolves_to_the_appointments_patient(make_client, sekmet) -> None:
    cccd, _ = new_numbers()
    patient = seed_patient(sekmet, cccd, None)
    with_code(sekmet, seed_appointment(sekmet, patient["id"], "NOI", TODAY, 10), "LICHHEN:1:x")
    client, _ = make_client(systems=CODED)

    identity = client.resolve_identity("LICHHEN:1:x")

    assert identity is not None and identity.citizen_id == cccd
    assert client.find_patient(identity) is not None  # the flow looks the patient up next


def test_codes_match_exactly_with_fhir_separators_escaped(make_client, sekmet) -> None:
    cccd, _ = new_numbers()
    code = "HIS|2026,07$A\\1"
    with_code(sekmet, seed_patient(sekmet, cccd, None), code)
    client, _ = make_client(systems=CODED)

    assert client.resolve_identity(code) is not None
    assert client.resolve_identity("HIS|2026,07") is None  # a part is not the code
    assert client.resolve_identity("HIS") is None


def test_unknown_and_shared_codes_resolve_to_nobody(make_client, sekmet) -> None:
    for _ in range(2):  # a data error at the hospital: two people carry one code
        with_code(sekmet, seed_patient(sekmet, new_numbers()[0], None), "SHARED-CODE")
    client, _ = make_client(systems=CODED)

    assert client.resolve_identity("https://example.invalid/promo") is None
    assert client.resolve_identity("SHARED-CODE") is None


def test_without_a_code_system_nothing_is_asked(make_client) -> None:
    client, transport = make_client()  # hospital.fhir_code_system = ""

    assert client.resolve_identity("VNEID:1:BN1:abc") is None
    assert transport.sent == []
    with pytest.raises(HospitalRejected) as error:
        client.resolve_identity("x" * 4097)
    assert error.value.code == "invalid_request"
