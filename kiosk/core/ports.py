"""The core's ports: what the kiosk needs from the world, declared where the core can use it.

`HospitalApi` is the one interface to a hospital system; every implementation raises only the
errors below, so the flow can tell a patient what to do next without knowing whether the
hospital speaks REST or FHIR. `TicketPrinter` and `OfflineService` are the printer and the
kiosk's own store, as the effect runner sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from kiosk.core import domain


class HospitalError(Exception):
    """Base of every error a hospital client raises."""


class HospitalUnavailable(HospitalError):
    """No usable answer in time: refused, timed out, or 5xx after the retries allowed."""


class HospitalFailed(HospitalUnavailable):
    """The hospital answered this request with a server error (500): it is there, but this
    request failed. It says nothing about the next patient's request (issue 14)."""


class HospitalProtocolError(HospitalError):
    """The hospital answered, but not as the contract says (bad JSON, wrong shape, status)."""


class HospitalRejected(HospitalError):
    """The hospital understood and said no; `code` is the contract's machine-readable reason.

    Codes of the contract: `insurance_not_valid`, `patient_not_found`, `identity_not_found`,
    `department_not_found`, `idempotency_key_reused`, `request_in_progress`,
    `invalid_request`.
    """

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LeaseRequest:
    """Ask for `count` consecutive queue numbers for one kiosk, department, day and queue.

    A resend with the same `idempotency_key` returns the lease granted the first time.
    """

    kiosk_id: str
    department_code: str
    day: date
    priority_queue: bool  # the department's priority queue, which has its own numbers
    count: int
    idempotency_key: str


@dataclass(frozen=True)
class NumberLease:
    """Queue numbers `first`..`last` reserved for one kiosk, department, day and queue.

    The hospital never gives these numbers to anybody else; a visit registered with one of
    them (`register_visit(..., leased_number=n)`) keeps it. A kiosk leases while online and
    prints the numbers on tickets while the hospital is unreachable.
    """

    lease_id: str
    kiosk_id: str
    department_code: str
    day: date
    priority_queue: bool  # the department's priority queue, which has its own numbers
    first: int
    last: int


class HospitalOutboxApi(Protocol):
    """The calls that settle what the kiosk did while the hospital was away: the outbox sync
    registers queued visits (finding or creating their patients) and tops up leased numbers.
    Each is idempotent or carries an idempotency key, so a resend never does anything twice."""

    def find_patient(self, identity: domain.Identity) -> domain.Patient | None:
        """The patient with this identity's citizen ID (else insurance number), or None."""
        ...

    def create_patient(self, identity: domain.Identity, idempotency_key: str) -> domain.Patient:
        """A new hospital record from the identity, after the patient agreed."""
        ...

    def register_visit(
        self, checkin: domain.CheckIn, *, leased_number: int | None = None
    ) -> domain.Registration:
        """Register the visit; the same idempotency key always yields the same ticket.

        `leased_number`: a number of this kiosk's lease for the department, day and queue,
        already printed on a provisional ticket; the hospital keeps it when it can and
        otherwise gives a new one (the answer says which).
        """
        ...

    def lease_queue_numbers(self, request: LeaseRequest) -> NumberLease:
        """Reserve `request.count` consecutive queue numbers for this kiosk (idempotent by key)."""
        ...


class HospitalApi(HospitalOutboxApi, Protocol):
    """The one interface to a hospital system (REST or FHIR), as the flow uses it."""

    def health(self) -> bool:
        """True when the hospital answers and says it is ready."""
        ...

    def departments(self) -> list[domain.Department]:
        """Departments open for kiosk check-in, with their live waiting counts."""
        ...

    def resolve_identity(self, payload: str) -> domain.Identity | None:
        """Whose code this is, for a payload the kiosk cannot parse itself; None if unknown.

        Safe to retry. The payload is personal data: implementations never log it.
        """
        ...

    def appointments(self, patient_id: str, day: date) -> list[domain.Appointment]:
        """The patient's booked appointments on `day`, earliest first."""
        ...

    def visits_on(self, patient_id: str, day: date) -> list[domain.TodayVisit]:
        """The visits registered for the patient on `day` (today), earliest first: one whose
        ticket was lost or never printed is printed again rather than registered twice."""
        ...

    def history(self, patient_id: str, limit: int) -> list[domain.Visit]:
        """The latest `limit` visits, newest first; only fetched when the patient asks."""
        ...

    def close(self) -> None:
        """Release connections; the client is unusable afterwards."""
        ...


class PaymentApi(Protocol):
    """A hospital that takes payment at the kiosk (the REST contract; FHIR has no such call)."""

    def payment_status(self, reference: str) -> domain.PaymentState:
        """Where the payment request with this reference stands now."""
        ...


class TicketPrinter(Protocol):
    def print_ticket(self, ticket: domain.Ticket | domain.CounterSlip) -> None:
        """Print (a queue ticket or a counter slip) or raise PrinterError."""
        ...


class OfflineUnavailable(Exception):
    """The kiosk's own store cannot serve either (nothing cached, disk full, database locked)."""


class OfflineService(Protocol):
    """The kiosk's own store for when the hospital does not answer (kiosk/app/offline_link.py)."""

    def look_up(
        self, identity: domain.Identity
    ) -> tuple[domain.Patient | None, tuple[domain.Department, ...]]:
        """The cached patient (None: not cached) and departments; OfflineUnavailable if the
        kiosk has no departments to offer."""
        ...

    def queue(
        self,
        checkin: domain.CheckIn,
        department: domain.Department,
        patient: domain.Patient | None,
        identity: domain.Identity | None,
    ) -> domain.Ticket:
        """Commit the visit to the outbox, then return its provisional ticket."""
        ...

    def ticket_printed(self, idempotency_key: str) -> None:
        """The printer took the ticket of this check-in (a check-in without it, registered
        before a crash, is listed for staff to reprint)."""
        ...

    def visits_today(
        self, patient_id: str | None, citizen_id: str | None
    ) -> list[tuple[domain.TodayVisit, bool]]:
        """The patient's check-ins at this kiosk today, provisional ones included, oldest
        first, each with whether its ticket was printed; found by either number."""
        ...
