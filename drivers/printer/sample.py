"""The ticket printed when nobody is being checked in: the self-test and staff test prints."""

from __future__ import annotations

from datetime import datetime

from kiosk.core.domain import PriorityGroup, ServiceType, Ticket


def sample_ticket(*, hospital_name: str, footer: str, issued_at: datetime) -> Ticket:
    """A full-sized ticket that is plainly not a patient's (visit id `SAMPLE`)."""
    return Ticket(
        hospital_name=hospital_name,
        queue_label="B001",
        department_name="Khoa Khám bệnh",
        room="101",
        floor=1,
        directions="Rẽ trái sau quầy tiếp đón.",
        masked_name="NGUYỄN V. A.",
        birth_year=1990,
        service=ServiceType.INSURANCE,
        priority=PriorityGroup.NONE,
        issued_at=issued_at,
        people_ahead=3,
        estimated_wait_minutes=10,
        visit_id="SAMPLE",
        footer=footer,
    )
