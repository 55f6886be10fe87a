"""What goes on a queue ticket: the queue label and the ticket's content, masked and formatted.

Pure functions: no I/O, no clock. The printer drivers turn a `Ticket` into paper.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.core.domain import (
    CounterSlip,
    Department,
    IdentityCheck,
    Patient,
    PriorityGroup,
    Registration,
    ServiceType,
    Ticket,
    TodayVisit,
)
from kiosk.core.privacy import mask_id, mask_name

_SERVICE_LETTERS = {
    ServiceType.INSURANCE: "B",  # BHYT
    ServiceType.PAID: "D",  # dịch vụ
}
_PRIORITY_PREFIX = "U"  # ưu tiên


def queue_label(queue_number: int, service: ServiceType, priority: PriorityGroup) -> str:
    """`B012`, `D104`, `UB007`: ASCII only, so any printer can also print it as text."""
    if queue_number < 0:
        raise ValueError(f"queue number must not be negative, got {queue_number}")
    prefix = _PRIORITY_PREFIX if priority.is_priority else ""
    return f"{prefix}{_SERVICE_LETTERS[service]}{queue_number:03d}"


def build_ticket(
    *,
    hospital_name: str,
    footer: str,
    patient: Patient,
    department: Department,
    registration: Registration,
    service: ServiceType,
    priority: PriorityGroup,
    issued_at: datetime,
    provisional: bool = False,
    identity_check: IdentityCheck = IdentityCheck.NOT_CHECKED,
) -> Ticket:
    """The ticket for a registered visit; where to go comes from the registration.

    `issued_at` is the kiosk's own clock, so paper and screen agree whatever time zone the
    hospital answers in.
    """
    if registration.department_code != department.code:
        # A mismatch would send the patient to the wrong room: refuse rather than guess.
        raise ValueError(
            f"registration is for department {registration.department_code!r}, "
            f"not {department.code!r}"
        )
    return Ticket(
        hospital_name=hospital_name,
        queue_label=queue_label(registration.queue_number, service, priority),
        department_name=department.name,
        room=registration.room,
        floor=registration.floor,
        directions=department.directions,
        masked_name=mask_name(patient.full_name),
        birth_year=patient.birth.year,
        service=service,
        priority=priority,
        issued_at=issued_at,
        people_ahead=registration.people_ahead,
        estimated_wait_minutes=registration.estimated_wait_minutes,
        visit_id=registration.visit_id,
        footer=footer,
        provisional=provisional,
        identity_check=identity_check,
        fee_vnd=department.fee_vnd if service is ServiceType.PAID else None,
    )


def reprinted_ticket(
    *,
    hospital_name: str,
    footer: str,
    patient: Patient,
    visit: TodayVisit,
    department: Department | None,
    issued_at: datetime,
) -> Ticket:
    """The ticket of a visit registered earlier today, again: same number, marked as a reprint.

    The queue has moved on since, so no wait is promised (the hospital's screens show it).
    """
    return Ticket(
        hospital_name=hospital_name,
        queue_label=visit.queue_label,
        department_name=department.name if department else visit.department_code,
        room=visit.room or (department.room if department else ""),
        floor=visit.floor if visit.room or department is None else department.floor,
        directions=department.directions if department else "",
        masked_name=mask_name(patient.full_name),
        birth_year=patient.birth.year,
        service=visit.service,
        priority=visit.priority,
        issued_at=issued_at,
        people_ahead=0,
        estimated_wait_minutes=0,
        visit_id=visit.visit_id,
        footer=footer,
        provisional=visit.provisional,
        reprint=True,
    )


def counter_slip(
    *,
    hospital_name: str,
    footer: str,
    reason_code: str,
    counter_location: str,
    counter_hours: str,
    citizen_id: str | None,
    full_name: str | None,
    issued_at: datetime,
) -> CounterSlip:
    """The slip a patient takes to the counter: masked identity, no diagnosis, no history."""
    return CounterSlip(
        hospital_name=hospital_name,
        reason_code=reason_code,
        counter_location=counter_location,
        counter_hours=counter_hours,
        masked_id=mask_id(citizen_id) if citizen_id else None,
        masked_name=mask_name(full_name) if full_name else None,
        issued_at=issued_at,
        footer=footer,
    )
