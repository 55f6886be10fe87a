"""What the flow asks the shell to do: hospital and offline-store calls, printing, the chip
reader, timers and staff alerts. The flow only describes them; kiosk.app performs them.

Each call says here which `Request` it is and which event answers it when it fails: the shell
reports failures with `failed`, the flow reads `request` and `answered_on` back from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from kiosk.core.domain import (
    CheckIn,
    CounterSlip,
    Department,
    Identity,
    Patient,
    PaymentState,
    PrinterProblem,
    Ticket,
)
from kiosk.core.flow.events import PaymentSettled, PrintFailed, Request, RequestFailed
from kiosk.core.flow.screens import Problem, Screen


class Call:
    """Base of the effects that call the hospital or the kiosk's own store (each a frozen
    dataclass with its own `session` field: a plain base keeps the import fast)."""

    request: ClassVar[Request]  # named in the failure, so the flow knows what failed
    answered_on: ClassVar[Screen]  # the screen that waits for the answer: elsewhere it is stale
    session: int

    def failed(self, problem: Problem) -> RequestFailed:
        return RequestFailed(self.session, self.request, problem)


@dataclass(frozen=True)
class ResolveCode(Call):
    """Ask the hospital whose code this is."""

    request = Request.RESOLVE
    answered_on = Screen.LOOKING_UP

    session: int
    payload: str = field(repr=False)


@dataclass(frozen=True)
class LookupPatient(Call):
    """Find the patient, then today's appointments and the departments."""

    request = Request.LOOKUP
    answered_on = Screen.LOOKING_UP

    session: int
    identity: Identity


@dataclass(frozen=True)
class CreatePatient(Call):
    """Create the hospital record, then fetch the departments (answered as PatientFound)."""

    request = Request.CREATE_PATIENT
    answered_on = Screen.CREATING_PATIENT

    session: int
    identity: Identity
    idempotency_key: str


@dataclass(frozen=True)
class LoadHistory(Call):
    request = Request.HISTORY
    answered_on = Screen.HISTORY

    session: int
    patient_id: str
    limit: int


@dataclass(frozen=True)
class RegisterVisit(Call):
    request = Request.REGISTER
    answered_on = Screen.REGISTERING

    session: int
    checkin: CheckIn


@dataclass(frozen=True)
class LookupOffline(Call):
    """The hospital did not answer: the patient and departments from the kiosk's cache."""

    request = Request.OFFLINE_LOOKUP
    answered_on = Screen.LOOKING_UP

    session: int
    identity: Identity


@dataclass(frozen=True)
class QueueOffline(Call):
    """The hospital did not answer: commit the visit to the outbox, answer with a ticket."""

    request = Request.OFFLINE_QUEUE
    answered_on = Screen.REGISTERING

    session: int
    checkin: CheckIn
    department: Department
    patient: Patient | None  # None: a patient the hospital has not confirmed (identity only)
    identity: Identity | None


@dataclass(frozen=True)
class PrintTicket:
    """Print a queue ticket, or the slip of a patient sent to the counter."""

    session: int
    ticket: Ticket | CounterSlip

    def failed(self, problem: Problem) -> PrintFailed:
        """The job broke before the printer could say why: as if it took no data."""
        return PrintFailed(self.session, PrinterProblem.WRITE_FAILED)


@dataclass(frozen=True)
class WatchPayment:
    """Ask the hospital how the payment stands, with backoff, for up to `seconds`; answered
    once, as PaymentSettled (not confirmed in time: EXPIRED). A ticket printed for the
    session ends the watch: the patient chose to pay at the cashier."""

    session: int
    reference: str
    seconds: float

    def failed(self, problem: Problem) -> PaymentSettled:
        """The watch broke: as if never confirmed, so the ticket says where to pay."""
        return PaymentSettled(self.session, PaymentState.EXPIRED)


@dataclass(frozen=True, repr=False)
class ReadCard:
    """Open the chip of the card on the reader, now or when it is placed, with the keys these
    give (the CAN from the ID; BAC from the birth and issue dates); answered as ChipRead or
    ChipFailed, until ReleaseCard."""

    session: int
    citizen_id: str
    birth: date | None
    card_issued: date | None

    def __repr__(self) -> str:
        return f"ReadCard(session={self.session})"  # keys stay out of logs


@dataclass(frozen=True)
class ReleaseCard:
    """Stop waiting for the card and forget its keys."""


@dataclass(frozen=True)
class StartIdleTimer:
    session: int
    seq: int
    seconds: float


@dataclass(frozen=True)
class AlertStaff:
    """Something staff must act on; `reason` carries no personal data."""

    problem: Problem
    reason: str


Effect = (
    ResolveCode
    | LookupPatient
    | CreatePatient
    | LoadHistory
    | RegisterVisit
    | LookupOffline
    | QueueOffline
    | PrintTicket
    | WatchPayment
    | ReadCard
    | ReleaseCard
    | StartIdleTimer
    | AlertStaff
)
# The effects that talk to the hospital or a device: performed off the GUI thread.
CALLS = (
    ResolveCode,
    LookupPatient,
    CreatePatient,
    LoadHistory,
    RegisterVisit,
    LookupOffline,
    QueueOffline,
)
IO_EFFECTS = (*CALLS, PrintTicket, WatchPayment)
IOEffect = Call | PrintTicket | WatchPayment
