"""The flow's answers from devices, the patient and the shell (results of effects and timers).

Answers to effects carry the session they belong to, so one that arrives after the patient
cancelled cannot bring their data back onto the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum, auto
from typing import TYPE_CHECKING

from kiosk.core.domain import (
    Appointment,
    CardProblem,
    Department,
    Identity,
    Patient,
    PaymentState,
    PrinterProblem,
    PriorityGroup,
    Registration,
    ServiceType,
    Ticket,
    TodayVisit,
    Visit,
)
from kiosk.core.flow.screens import Problem

if TYPE_CHECKING:
    from kiosk.core.identity.errors import IdentityProblem

# From devices


@dataclass(frozen=True)
class IdentityPresented:
    identity: Identity
    card_issued: date | None = None  # from the CCCD QR: with the birth date, the BAC keys


@dataclass(frozen=True)
class CodeToResolve:
    """A code in no format the kiosk knows (a VNeID or booking code): the hospital may know it."""

    payload: str = field(repr=False)  # whatever it is, it stays out of logs and reprs


class CardSensed(Enum):
    """The card reader felt a card arrive or leave (before anything is read from it)."""

    PLACED = auto()
    TAKEN = auto()


@dataclass(frozen=True)
class HospitalReachable:
    """The health monitor's verdict changed: the banner and the offline path follow it."""

    online: bool


@dataclass(frozen=True)
class PrinterChanged:
    """The printer's own report (status polling): what stops it printing, or None."""

    problem: PrinterProblem | None


@dataclass(frozen=True)
class CodeUnreadable:
    problem: IdentityProblem  # from kiosk.core.identity


# From the patient (user intents)


class Pressed(Enum):
    """Buttons that carry no data: the patient's plain intents."""

    KEYPAD = auto()
    REGISTER_NEW = auto()
    CONTINUE = auto()  # go on from the patient summary
    HISTORY = auto()
    APPOINTMENT_CONFIRM = auto()
    APPOINTMENT_DECLINE = auto()
    COUNTER = auto()
    CONFIRM = auto()
    RETRY = auto()
    BACK = auto()
    CANCEL = auto()
    DONE = auto()
    LANGUAGE = auto()
    SKIP_CARD = auto()  # go on without placing the card
    SWITCH = auto()  # start over for the person whose code was just shown
    PRIORITY = auto()  # change the priority shown on the confirm screen
    DETAILS = auto()  # the patient's details (and from there the past visits)
    REPRINT = auto()  # print today's ticket again
    ANOTHER_CLINIC = auto()  # already checked in today, and wants another department too


@dataclass(frozen=True)
class KeypadSubmitted:
    digits: str


@dataclass(frozen=True)
class BirthDateSubmitted:
    digits: str = field(repr=False)  # ddmmyyyy: personal data


@dataclass(frozen=True)
class ServiceChosen:
    service: ServiceType


@dataclass(frozen=True)
class DepartmentChosen:
    code: str


@dataclass(frozen=True)
class PriorityChosen:
    group: PriorityGroup


# From the shell (results of effects and timers), tagged with their session


@dataclass(frozen=True)
class Answer:
    """Base of the shell's answers: the session they belong to. The answers that add nothing
    to it inherit its dataclass methods undecorated (each decorator costs ~0.4 ms of start)."""

    session: int


@dataclass(frozen=True)
class PatientFound(Answer):
    patient: Patient
    appointments: tuple[Appointment, ...]
    departments: tuple[Department, ...]
    visits_today: tuple[TodayVisit, ...] = ()  # registered earlier today, oldest first


@dataclass(frozen=True)
class CodeResolved(Answer):
    identity: Identity


class CodeNotResolved(Answer):
    """The hospital does not know the code."""


class PatientNotFound(Answer):
    """No record of this identity, at the hospital or in the kiosk's cache."""


@dataclass(frozen=True)
class QueuedOffline(Answer):
    """The visit is in the kiosk's outbox (committed): print this provisional ticket."""

    ticket: Ticket


@dataclass(frozen=True)
class ChipRead(Answer):
    identity: Identity  # from the chip: source CHIP, chip_verified when the issuer's signature is


@dataclass(frozen=True)
class ChipFailed(Answer):
    problem: CardProblem


@dataclass(frozen=True)
class HistoryLoaded(Answer):
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class VisitRegistered(Answer):
    registration: Registration


@dataclass(frozen=True)
class PaymentSettled(Answer):
    """How the payment request ended: paid, or not (expired, cancelled, or never confirmed)."""

    state: PaymentState


class Request(Enum):
    """The calls the flow asks for (each `Call` effect says which it is); a failure names it."""

    RESOLVE = auto()
    LOOKUP = auto()
    CREATE_PATIENT = auto()
    HISTORY = auto()
    REGISTER = auto()
    OFFLINE_LOOKUP = auto()  # the patient from the kiosk's own cache
    OFFLINE_QUEUE = auto()  # the visit into the kiosk's outbox, for a provisional ticket


@dataclass(frozen=True)
class RequestFailed(Answer):
    request: Request
    problem: Problem  # HOSPITAL_UNAVAILABLE, HOSPITAL_ERROR or REGISTRATION_REJECTED


class TicketPrinted(Answer):
    """The printer took the whole ticket."""


@dataclass(frozen=True)
class PrintFailed(Answer):
    problem: PrinterProblem


@dataclass(frozen=True)
class IdleTimeout(Answer):
    seq: int


Event = (
    IdentityPresented
    | CodeToResolve
    | CardSensed
    | HospitalReachable
    | PrinterChanged
    | CodeUnreadable
    | Pressed
    | KeypadSubmitted
    | BirthDateSubmitted
    | ServiceChosen
    | DepartmentChosen
    | PriorityChosen
    | CodeResolved
    | CodeNotResolved
    | PatientFound
    | PatientNotFound
    | ChipRead
    | ChipFailed
    | HistoryLoaded
    | VisitRegistered
    | PaymentSettled
    | QueuedOffline
    | RequestFailed
    | TicketPrinted
    | PrintFailed
    | IdleTimeout
)
