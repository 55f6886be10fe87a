"""What goes on a queue ticket: the queue label and the ticket's content, masked and formatted.

Pure functions: no I/O, no clock. The printer drivers turn a `Ticket` into paper.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.core.domain import (
    Department,
    IdentityCheck,
    Patient,
    PriorityGroup,
    Registration,
    ServiceType,
    Ticket,
)
from kiosk.core.privacy import mask_name

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
    )
