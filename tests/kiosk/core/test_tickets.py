"""Queue labels and ticket content (kiosk.core.tickets): pure functions, no printer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from kiosk.core.domain import (
    BirthDate,
    Department,
    Patient,
    PriorityGroup,
    Registration,
    ServiceType,
    Sex,
    Ticket,
)
from kiosk.core.tickets import build_ticket, queue_label


@pytest.mark.parametrize(
    ("number", "service", "priority", "label"),
    [
        (12, ServiceType.INSURANCE, PriorityGroup.NONE, "B012"),
        (104, ServiceType.PAID, PriorityGroup.NONE, "D104"),
        (7, ServiceType.INSURANCE, PriorityGroup.ELDERLY_75, "UB007"),
        (7, ServiceType.PAID, PriorityGroup.EMERGENCY, "UD007"),
        (0, ServiceType.INSURANCE, PriorityGroup.NONE, "B000"),
        (999, ServiceType.PAID, PriorityGroup.PREGNANT, "UD999"),
        (1000, ServiceType.INSURANCE, PriorityGroup.NONE, "B1000"),
        (123456, ServiceType.INSURANCE, PriorityGroup.CHILD_UNDER_6, "UB123456"),
    ],
)
def test_queue_label(
    number: int, service: ServiceType, priority: PriorityGroup, label: str
) -> None:
    assert queue_label(number, service, priority) == label


@pytest.mark.parametrize("priority", list(PriorityGroup))
@pytest.mark.parametrize("service", list(ServiceType))
def test_queue_label_is_ascii_and_marks_every_priority_group(
    service: ServiceType, priority: PriorityGroup
) -> None:
    label = queue_label(5, service, priority)
    assert label.isascii()
    assert label.startswith("U") == priority.is_priority


def test_queue_label_refuses_a_negative_number() -> None:
    with pytest.raises(ValueError, match="negative"):
        queue_label(-1, ServiceType.INSURANCE, PriorityGroup.NONE)


PATIENT = Patient(
    patient_id="P-0001",
    full_name="Nguyễn Văn An",
    birth=BirthDate(1958, 4, 30),
    sex=Sex.MALE,
    citizen_id="001058012345",
)
DEPARTMENT = Department(
    code="RHM",
    name="Khoa Răng Hàm Mặt",
    room="999",  # stale: the registration's room wins
    floor=9,
    directions="Đi thang máy lên tầng 2, rẽ phải.",
    accepts_insurance=True,
    waiting=3,
    waiting_priority=0,
    estimated_wait_minutes=10,
)
REGISTRATION = Registration(
    visit_id="V-20250307-000123",
    queue_number=7,
    department_code="RHM",
    room="204",
    floor=2,
    people_ahead=12,
    estimated_wait_minutes=35,
    registered_at=datetime(2025, 3, 7, 8, 5),
)


def ticket_for(**changes: Any) -> Ticket:
    """PATIENT's ticket for REGISTRATION at DEPARTMENT; a test names only what it changes."""
    arguments: dict[str, Any] = {
        "hospital_name": "BV",
        "footer": "",
        "patient": PATIENT,
        "department": DEPARTMENT,
        "registration": REGISTRATION,
        "service": ServiceType.INSURANCE,
        "priority": PriorityGroup.NONE,
        "issued_at": REGISTRATION.registered_at,
    }
    return build_ticket(**(arguments | changes))


def test_build_ticket_masks_and_formats() -> None:
    ticket = ticket_for(
        hospital_name="Bệnh viện Đa khoa Tỉnh Quảng Ngãi",
        footer="Cảm ơn quý khách!",
        priority=PriorityGroup.ELDERLY_75,
        issued_at=datetime(2025, 3, 7, 8, 6),
    )
    assert ticket.masked_name == "NGUYỄN V. A."
    assert ticket.birth_year == 1958
    assert ticket.queue_label == "UB007"
    assert (ticket.room, ticket.floor) == ("204", 2)
    assert ticket.department_name == "Khoa Răng Hàm Mặt"
    assert ticket.directions == "Đi thang máy lên tầng 2, rẽ phải."
    assert ticket.issued_at == datetime(2025, 3, 7, 8, 6)
    assert (ticket.people_ahead, ticket.estimated_wait_minutes) == (12, 35)
    assert ticket.visit_id == "V-20250307-000123"
    assert ticket.hospital_name == "Bệnh viện Đa khoa Tỉnh Quảng Ngãi"
    assert ticket.footer == "Cảm ơn quý khách!"
    assert ticket.provisional is False
    # Nothing of the full name or ID number reaches the paper.
    assert "Văn" not in repr(ticket)
    assert PATIENT.citizen_id not in repr(ticket)


def test_build_ticket_marks_a_provisional_paid_ticket() -> None:
    ticket = ticket_for(service=ServiceType.PAID, provisional=True)
    assert ticket.provisional is True
    assert ticket.queue_label == "D007"


def test_build_ticket_refuses_a_registration_for_another_department() -> None:
    other = replace(DEPARTMENT, code="NOI")
    with pytest.raises(ValueError, match="department"):
        ticket_for(department=other)
