"""CheckInFlow: one patient session at the kiosk as a pure state machine.

Events go in (a card was read, the hospital answered, the patient pressed a button, a timer
fired); the next state and the effects to perform come out. The flow never sleeps, never does
I/O and never reads the clock: `now` is an argument. Results of effects come back as events
tagged with the session they belong to, so an answer that arrives after the patient cancelled
cannot bring their data back onto the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum, auto
from typing import TYPE_CHECKING

from kiosk.core.department_choice import hidden_codes
from kiosk.core.domain import (
    Appointment,
    CardProblem,
    CheckIn,
    Department,
    Identity,
    IdentityCheck,
    IdentitySource,
    Patient,
    PrinterProblem,
    PriorityGroup,
    Registration,
    ServiceType,
    Ticket,
    Visit,
)
from kiosk.core.insurance import InsuranceStatus, status_of

if TYPE_CHECKING:
    from kiosk.core.identity.errors import IdentityProblem


class Screen(Enum):
    WELCOME = auto()
    KEYPAD = auto()
    CARD_NEEDS_ID = auto()  # a card was placed first: its chip opens only with the ID number
    PLACE_CARD = auto()  # the ID is known: the chip can confirm it
    BIRTH_DATE = auto()  # a chip that opens only with the birth date (BAC) and none is known
    READ_FAILED = auto()
    LOOKING_UP = auto()
    NOT_FOUND = auto()
    CREATING_PATIENT = auto()
    PATIENT_SUMMARY = auto()
    HISTORY = auto()
    APPOINTMENT = auto()
    SERVICE = auto()
    DEPARTMENT = auto()
    PRIORITY = auto()
    CONFIRM = auto()
    REGISTERING = auto()
    PRINTING = auto()
    TICKET = auto()
    PRINTER_FAULT = auto()
    HOSPITAL_UNAVAILABLE = auto()
    GO_TO_COUNTER = auto()
    SWITCH_PATIENT = auto()  # another person's code mid-session: start over for them?


# Screens that wait for the hospital or the printer: no idle timer, the call's own deadline
# bounds them. Registering and printing cannot be cancelled either: the visit may already exist.
BUSY_SCREENS = frozenset(
    {Screen.LOOKING_UP, Screen.CREATING_PATIENT, Screen.REGISTERING, Screen.PRINTING}
)
NOT_CANCELLABLE = frozenset({Screen.WELCOME, Screen.REGISTERING, Screen.PRINTING})
ACCEPTS_IDENTITY = frozenset(
    {Screen.WELCOME, Screen.KEYPAD, Screen.CARD_NEEDS_ID, Screen.READ_FAILED}
)
# The last patient is done here: the next person's code simply starts their session.
FINISHED = frozenset(
    {
        Screen.TICKET,
        Screen.PRINTER_FAULT,
        Screen.HOSPITAL_UNAVAILABLE,
        Screen.GO_TO_COUNTER,
        Screen.NOT_FOUND,
    }
)
# Mid-session screens where another person's code asks before throwing this session away.
INTERRUPTIBLE = frozenset(
    {
        Screen.PLACE_CARD,
        Screen.PATIENT_SUMMARY,
        Screen.HISTORY,
        Screen.APPOINTMENT,
        Screen.SERVICE,
        Screen.DEPARTMENT,
        Screen.PRIORITY,
        Screen.CONFIRM,
    }
)
DECLARABLE_PRIORITIES = (
    PriorityGroup.PREGNANT,
    PriorityGroup.SEVERE_DISABILITY,
    PriorityGroup.REVOLUTIONARY_MERIT,
)


class Language(Enum):
    VI = "vi"
    EN = "en"


class Problem(Enum):
    """Why the patient is on an error screen; the UI words each one for the patient."""

    CARD_UNREADABLE = auto()
    CARD_REMOVED = auto()
    CARD_ACCESS_DENIED = auto()
    CARD_FORGED = auto()
    CARD_WRONG = auto()
    CODE_UNKNOWN = auto()
    CODE_MALFORMED = auto()
    CODE_NEEDS_HOSPITAL = auto()  # a VNeID or booking code while the hospital does not answer
    ID_INVALID = auto()
    BIRTH_DATE_INVALID = auto()
    NEEDS_CARD_TO_REGISTER = auto()
    HOSPITAL_UNAVAILABLE = auto()
    HOSPITAL_ERROR = auto()
    INSURANCE_NOT_ACCEPTED = auto()
    REGISTRATION_REJECTED = auto()
    PRINTER_FAULT = auto()


class Request(Enum):
    """The hospital calls the flow asks for; a failure names which one failed."""

    RESOLVE = auto()
    LOOKUP = auto()
    CREATE_PATIENT = auto()
    HISTORY = auto()
    REGISTER = auto()
    OFFLINE_LOOKUP = auto()  # the patient from the kiosk's own cache
    OFFLINE_QUEUE = auto()  # the visit into the kiosk's outbox, for a provisional ticket


# Identities the chip can confirm: the kiosk knows the ID number (or will from the hospital
# record) but not that the person holds the card. The hospital vouches for the codes it resolves.
_CHIP_CONFIRMS = frozenset({IdentitySource.CCCD_QR, IdentitySource.BHYT_QR, IdentitySource.KEYPAD})
_RETRY_CARD = {
    CardProblem.REMOVED: Problem.CARD_REMOVED,
    CardProblem.WRONG_CARD: Problem.CARD_WRONG,
}
_IDENTITY_PROBLEMS = {  # kiosk.core.identity.IdentityProblem values: that package loads lazily
    "unknown_payload": Problem.CODE_UNKNOWN,
    "malformed": Problem.CODE_MALFORMED,
    "invalid_id": Problem.ID_INVALID,
    "empty": Problem.CODE_MALFORMED,
}


# --- events -----------------------------------------------------------------------------
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
    """Base of the shell's answers: the session they belong to."""

    session: int


@dataclass(frozen=True)
class PatientFound(Answer):
    patient: Patient
    appointments: tuple[Appointment, ...]
    departments: tuple[Department, ...]


@dataclass(frozen=True)
class CodeResolved(Answer):
    identity: Identity


@dataclass(frozen=True)
class CodeNotResolved(Answer):
    pass


@dataclass(frozen=True)
class PatientNotFound(Answer):
    pass


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
class RequestFailed(Answer):
    request: Request
    problem: Problem  # HOSPITAL_UNAVAILABLE, HOSPITAL_ERROR or REGISTRATION_REJECTED


@dataclass(frozen=True)
class TicketPrinted(Answer):
    pass


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
    | QueuedOffline
    | RequestFailed
    | TicketPrinted
    | PrintFailed
    | IdleTimeout
)


# --- effects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolveCode:
    """Ask the hospital whose code this is."""

    session: int
    payload: str = field(repr=False)


@dataclass(frozen=True)
class LookupPatient:
    """Find the patient, then today's appointments and the departments."""

    session: int
    identity: Identity


@dataclass(frozen=True)
class CreatePatient:
    """Create the hospital record, then fetch the departments (answered as PatientFound)."""

    session: int
    identity: Identity
    idempotency_key: str


@dataclass(frozen=True)
class LoadHistory:
    session: int
    patient_id: str
    limit: int


@dataclass(frozen=True)
class RegisterVisit:
    session: int
    checkin: CheckIn


@dataclass(frozen=True)
class LookupOffline:
    """The hospital did not answer: the patient and departments from the kiosk's cache."""

    session: int
    identity: Identity


@dataclass(frozen=True)
class QueueOffline:
    """The hospital did not answer: commit the visit to the outbox, answer with a ticket."""

    session: int
    checkin: CheckIn
    department: Department
    patient: Patient | None  # None: a patient the hospital has not confirmed (identity only)
    identity: Identity | None


@dataclass(frozen=True)
class PrintTicket:
    session: int
    ticket: Ticket


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
    | ReadCard
    | ReleaseCard
    | StartIdleTimer
    | AlertStaff
)
# The effects that talk to the hospital or a device: performed off the GUI thread.
IO_EFFECTS = (
    ResolveCode,
    LookupPatient,
    CreatePatient,
    LoadHistory,
    RegisterVisit,
    LookupOffline,
    QueueOffline,
    PrintTicket,
)
CARD_EFFECTS = (ReadCard, ReleaseCard)


# --- state ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowSettings:
    kiosk_id: str
    hospital_name: str
    ticket_footer: str
    idle_seconds: float = 60.0
    ticket_seconds: float = 20.0
    notice_seconds: float = 30.0  # error and counter screens
    fault_seconds: float = 120.0  # printer fault: the patient must be able to note the number
    history_limit: int = 5
    default_language: Language = Language.VI
    read_chip: bool = False  # a card reader is attached: confirm QR and keypad IDs by the chip
    offline: bool = False  # the kiosk has an outbox: provisional tickets when the hospital is down
    departments: tuple[str, ...] = ()  # the codes patients may choose (kiosk.departments); () = all


@dataclass(frozen=True)
class FlowState:
    """Everything the screens show. A new session starts with no personal data at all."""

    screen: Screen = Screen.WELCOME
    session: int = 0
    language: Language = Language.VI
    hospital_offline: bool = False  # not personal data: it outlives the session
    printer_down: PrinterProblem | None = None  # as last reported or seen; outlives it too
    identity: Identity | None = None
    identity_check: IdentityCheck = IdentityCheck.NOT_CHECKED
    card_issued: date | None = field(default=None, repr=False)
    card_birth: date | None = field(default=None, repr=False)  # typed for a BAC-only chip
    card_reading: bool = False  # a card is on the reader and being read
    waiting: IdentityPresented | None = field(default=None, repr=False)  # SWITCH_PATIENT's
    patient: Patient | None = None
    age: int | None = None
    auto_priority: PriorityGroup = PriorityGroup.NONE
    appointments: tuple[Appointment, ...] = ()
    departments: tuple[Department, ...] = ()  # all the hospital lists: appointments find theirs
    hidden: frozenset[str] = frozenset()  # codes patients may not choose here (kiosk.departments)
    history: tuple[Visit, ...] | None = None  # None: not asked for, or still loading
    appointment: Appointment | None = None
    service: ServiceType | None = None
    department: Department | None = None
    priority: PriorityGroup | None = None
    checkin: CheckIn | None = None
    registration: Registration | None = None
    ticket: Ticket | None = None
    problem: Problem | None = None
    printer_problem: PrinterProblem | None = None
    trail: tuple[Screen, ...] = field(default=(), repr=False)  # where Back goes
    idle_seq: int = 0

    @property
    def insurance_status(self) -> InsuranceStatus | None:
        if self.patient is None:
            return None
        insurance = self.patient.insurance
        return status_of(insurance.result_code if insurance else None)

    @property
    def insurance_accepted(self) -> bool:
        status = self.insurance_status
        return status is not None and status.accepted

    def departments_for(self, service: ServiceType | None) -> tuple[Department, ...]:
        """The departments the patient may choose for `service`."""
        insured = service is ServiceType.INSURANCE
        return tuple(
            d
            for d in self.departments
            if d.code not in self.hidden and (d.accepts_insurance or not insured)
        )

    def department_by_code(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    @property
    def todays_appointment(self) -> Appointment | None:
        """The first appointment today whose department the kiosk can send the patient to."""
        return next(
            (a for a in self.appointments if self.department_by_code(a.department_code)), None
        )

    @property
    def effective_priority(self) -> PriorityGroup:
        if self.auto_priority.is_priority:
            return self.auto_priority
        return self.priority or PriorityGroup.NONE


def _typed_birth_date(digits: str, today: date) -> date | None:
    """ddmmyyyy as typed, if it is a real date of someone alive today."""
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        typed = date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return None
    return typed if today.year - 130 <= typed.year and typed <= today else None


def _same_person(s: FlowState, identity: Identity) -> bool:
    """Whether a code shown now names the patient of this session (any number in common)."""
    known: set[str] = set()
    if s.identity is not None:
        known |= {n for n in (s.identity.citizen_id, s.identity.insurance_number) if n}
    if s.patient is not None:
        known |= {s.patient.citizen_id or ""} - {""}
        if s.patient.insurance is not None:
            known.add(s.patient.insurance.number)
    shown = {n for n in (identity.citizen_id, identity.insurance_number) if n}
    return bool(known & shown)


def automatic_priority(age: int) -> PriorityGroup:
    """Age groups the kiosk detects itself; the other groups the patient declares."""
    if age >= 75:
        return PriorityGroup.ELDERLY_75
    if age < 6:
        return PriorityGroup.CHILD_UNDER_6
    return PriorityGroup.NONE


# --- the machine ------------------------------------------------------------------------


class CheckInFlow:
    """Holds the current state; `handle` is the only way it changes."""

    def __init__(self, settings: FlowSettings, new_key: Callable[[], str]) -> None:
        self._settings = settings
        self._new_key = new_key
        self.state = FlowState(language=settings.default_language)

    def handle(self, event: Event, now: datetime) -> list[Effect]:
        self.state, effects = self._next(self.state, event, now)
        return effects

    # Each branch returns (state, effects). Stale or out-of-place events leave the state alone.
    def _next(self, s: FlowState, event: Event, now: datetime) -> tuple[FlowState, list[Effect]]:
        match event:
            case HospitalReachable(online=online):
                return replace(s, hospital_offline=not online), []
            case PrinterChanged(problem=problem):
                return replace(s, printer_down=problem), []
            case Pressed.LANGUAGE:
                other = Language.EN if s.language is Language.VI else Language.VI
                return self._go(replace(s, language=other), s.screen, keep_trail=True)
            case Pressed.CANCEL if s.screen not in NOT_CANCELLABLE:
                return self._welcome(s)
            case Pressed.DONE if s.screen in FINISHED:
                return self._welcome(s)
            case IdleTimeout(session=session, seq=seq) if (
                session == s.session and seq == s.idle_seq and s.screen not in BUSY_SCREENS
            ):
                return self._welcome(s)
            case Pressed.BACK if s.trail and s.screen not in BUSY_SCREENS:
                back = replace(s, history=None, problem=None, waiting=None)
                return self._go(back, s.trail[-1], pop=True)
            case IdentityPresented(identity=identity) if s.screen in ACCEPTS_IDENTITY:
                return self._look_up(replace(s, card_issued=event.card_issued), identity)
            case IdentityPresented() if s.screen in FINISHED or (
                s.screen in INTERRUPTIBLE and not _same_person(s, event.identity)
            ):
                if s.screen in FINISHED:
                    return self._start_over(s, event)
                return self._go(replace(s, waiting=event), Screen.SWITCH_PATIENT, push=s.screen)
            case Pressed.SWITCH if s.screen is Screen.SWITCH_PATIENT and s.waiting:
                return self._start_over(s, s.waiting)
            case CodeToResolve(payload=payload) if s.screen in ACCEPTS_IDENTITY:
                return self._go(
                    replace(s, problem=None),
                    Screen.LOOKING_UP,
                    effects=[ResolveCode(s.session, payload)],
                )
            case CardSensed.PLACED if s.screen in (Screen.WELCOME, Screen.READ_FAILED):
                return self._go(replace(s, problem=None), Screen.CARD_NEEDS_ID, push=Screen.WELCOME)
            case CardSensed.PLACED if s.screen is Screen.PLACE_CARD:
                return self._go(
                    replace(s, card_reading=True, problem=None), Screen.PLACE_CARD, keep_trail=True
                )
            case CardSensed.TAKEN if s.screen is Screen.PLACE_CARD and s.card_reading:
                return self._go(replace(s, card_reading=False), Screen.PLACE_CARD, keep_trail=True)
            case CodeUnreadable(problem=problem) if s.screen in ACCEPTS_IDENTITY:
                return self._go(
                    replace(s, problem=_IDENTITY_PROBLEMS[problem.value]), Screen.READ_FAILED
                )
            case Pressed.KEYPAD if s.screen in (
                Screen.WELCOME,
                Screen.READ_FAILED,
                Screen.CARD_NEEDS_ID,
            ):
                back = Screen.CARD_NEEDS_ID if s.screen is Screen.CARD_NEEDS_ID else Screen.WELCOME
                return self._go(replace(s, problem=None), Screen.KEYPAD, push=back)
            case KeypadSubmitted(digits=digits) if s.screen is Screen.KEYPAD:
                from kiosk.core.identity import IdentityError, identity_from_keypad  # fast start

                try:
                    identity = identity_from_keypad(digits)
                except IdentityError:
                    return self._go(
                        replace(s, problem=Problem.ID_INVALID), Screen.KEYPAD, keep_trail=True
                    )
                return self._look_up(s, identity)
            case Pressed.RETRY if s.screen is Screen.READ_FAILED:
                return self._go(replace(s, problem=None), Screen.WELCOME)
            case Pressed.RETRY if s.screen is Screen.HOSPITAL_UNAVAILABLE and s.checkin:
                # Same check-in, same idempotency key: a retry can never register twice.
                return self._go(
                    replace(s, problem=None),
                    Screen.REGISTERING,
                    effects=[RegisterVisit(s.session, s.checkin)],
                )
            case Pressed.RETRY if s.screen is Screen.HOSPITAL_UNAVAILABLE and s.identity:
                return self._look_up(replace(s, problem=None), s.identity)
            case Pressed.RETRY if s.screen is Screen.HOSPITAL_UNAVAILABLE:
                # The code was never resolved and is not kept: show it again.
                return self._go(replace(s, problem=None), Screen.WELCOME)
            case _:
                return self._next_in_session(s, event, now)

    def _next_in_session(
        self, s: FlowState, event: Event, now: datetime
    ) -> tuple[FlowState, list[Effect]]:
        if isinstance(event, Answer) and event.session != s.session:
            return s, []  # an answer for a session that has already ended
        match event:
            case CodeResolved(identity=identity) if s.screen is Screen.LOOKING_UP:
                return self._look_up(s, identity)
            case CodeNotResolved() if s.screen is Screen.LOOKING_UP and s.identity is None:
                return self._go(replace(s, problem=Problem.CODE_UNKNOWN), Screen.READ_FAILED)
            case PatientFound() if s.screen in (Screen.LOOKING_UP, Screen.CREATING_PATIENT):
                age = event.patient.birth.age_on(now.date())
                found = replace(
                    s,
                    patient=event.patient,
                    age=age,
                    auto_priority=automatic_priority(age),
                    appointments=event.appointments,
                    departments=event.departments,
                    hidden=hidden_codes(event.departments, self._settings.departments),
                )
                if s.screen is Screen.LOOKING_UP and (read := self._chip_read_for(found)):
                    return self._go(found, Screen.PLACE_CARD, effects=[read])
                return self._go(found, Screen.PATIENT_SUMMARY)
            case PatientNotFound() if s.screen is Screen.LOOKING_UP:
                if read := self._chip_read_for(s):
                    return self._go(replace(s, problem=None), Screen.PLACE_CARD, effects=[read])
                return self._not_found(s)
            case ChipRead(identity=chip) if s.screen is Screen.PLACE_CARD:
                # The chip's data replaces what the code said; a BHYT number only the code has.
                shown = s.identity.insurance_number if s.identity else None
                read = replace(chip, insurance_number=chip.insurance_number or shown)
                verified = chip.chip_verified
                checked = IdentityCheck.CHIP_VERIFIED if verified else IdentityCheck.CHIP_READ
                return self._card_done(replace(s, identity=read), checked)
            case ChipFailed(problem=problem) if s.screen is Screen.PLACE_CARD:
                return self._chip_failed(s, problem)
            case Pressed.SKIP_CARD if s.screen in (Screen.PLACE_CARD, Screen.BIRTH_DATE):
                return self._card_done(s, IdentityCheck.CARD_SKIPPED)
            case BirthDateSubmitted(digits=digits) if s.screen is Screen.BIRTH_DATE:
                birth = _typed_birth_date(digits, now.date())
                if birth is None:
                    return self._go(
                        replace(s, problem=Problem.BIRTH_DATE_INVALID),
                        Screen.BIRTH_DATE,
                        keep_trail=True,
                    )
                again = replace(s, card_birth=birth, problem=None)
                read = self._chip_read_for(again)
                assert read is not None  # BIRTH_DATE is reached only from a chip read
                return self._go(again, Screen.PLACE_CARD, effects=[read])
            case Pressed.REGISTER_NEW if (
                s.screen is Screen.NOT_FOUND and s.identity and s.problem is None
            ):
                return self._go(
                    s,
                    Screen.CREATING_PATIENT,
                    effects=[CreatePatient(s.session, s.identity, self._new_key())],
                )
            case Pressed.HISTORY if s.screen is Screen.PATIENT_SUMMARY and s.patient:
                effect = LoadHistory(s.session, s.patient.patient_id, self._settings.history_limit)
                return self._go(
                    replace(s, history=None),
                    Screen.HISTORY,
                    push=Screen.PATIENT_SUMMARY,
                    effects=[effect],
                )
            case HistoryLoaded(visits=visits) if s.screen is Screen.HISTORY:
                return self._go(replace(s, history=visits), Screen.HISTORY, keep_trail=True)
            case Pressed.CONTINUE if s.screen is Screen.PATIENT_SUMMARY:
                if s.todays_appointment:
                    return self._go(s, Screen.APPOINTMENT, push=Screen.PATIENT_SUMMARY)
                return self._go(s, Screen.SERVICE, push=Screen.PATIENT_SUMMARY)
            case Pressed.APPOINTMENT_CONFIRM if s.screen is Screen.APPOINTMENT:
                return self._appointment_confirmed(s)
            case Pressed.APPOINTMENT_DECLINE if s.screen is Screen.APPOINTMENT:
                return self._go(
                    replace(s, appointment=None), Screen.SERVICE, push=Screen.APPOINTMENT
                )
            case ServiceChosen(service=service) if s.screen is Screen.SERVICE and (
                service is ServiceType.PAID or s.insurance_accepted
            ):
                return self._go(
                    replace(s, service=service, appointment=None),
                    Screen.DEPARTMENT,
                    push=Screen.SERVICE,
                )
            case Pressed.COUNTER if s.screen is Screen.SERVICE:
                return self._go(
                    replace(s, problem=Problem.INSURANCE_NOT_ACCEPTED),
                    Screen.GO_TO_COUNTER,
                    push=Screen.SERVICE,
                )
            case DepartmentChosen(code=code) if s.screen is Screen.DEPARTMENT:
                department = next((d for d in s.departments_for(s.service) if d.code == code), None)
                if department is None:
                    return s, []
                return self._after_department(
                    replace(s, department=department), push=Screen.DEPARTMENT
                )
            case PriorityChosen(group=group) if s.screen is Screen.PRIORITY and (
                group is PriorityGroup.NONE or group in DECLARABLE_PRIORITIES
            ):
                return self._go(replace(s, priority=group), Screen.CONFIRM, push=Screen.PRIORITY)
            case Pressed.CONFIRM if s.screen is Screen.CONFIRM:
                return self._register(s)
            case VisitRegistered(registration=registration) if s.screen is Screen.REGISTERING:
                if s.department is None or registration.department_code != s.department.code:
                    # A ticket for another room would send the patient the wrong way.
                    alert = AlertStaff(Problem.HOSPITAL_ERROR, "hospital: registered elsewhere")
                    return self._go(
                        replace(s, problem=Problem.HOSPITAL_ERROR),
                        Screen.GO_TO_COUNTER,
                        effects=[alert],
                    )
                return self._print(replace(s, registration=registration), now)
            case QueuedOffline(ticket=ticket) if s.screen is Screen.REGISTERING:
                return self._go(
                    replace(s, ticket=ticket),
                    Screen.PRINTING,
                    effects=[PrintTicket(s.session, ticket)],
                )
            case TicketPrinted() if s.screen is Screen.PRINTING:
                return self._go(replace(s, printer_down=None), Screen.TICKET)
            case PrintFailed(problem=problem) if s.screen is Screen.PRINTING:
                alert = AlertStaff(Problem.PRINTER_FAULT, f"printer: {problem.value}")
                return self._go(
                    replace(
                        s,
                        problem=Problem.PRINTER_FAULT,
                        printer_problem=problem,
                        printer_down=problem,
                    ),
                    Screen.PRINTER_FAULT,
                    effects=[alert],
                )
            case RequestFailed(request=request, problem=problem):
                return self._request_failed(s, request, problem)
            case _:
                return s, []

    # --- steps ---------------------------------------------------------------------------

    def _look_up(self, s: FlowState, identity: Identity) -> tuple[FlowState, list[Effect]]:
        looking = replace(s, identity=identity, problem=None)
        return self._go(looking, Screen.LOOKING_UP, effects=[LookupPatient(s.session, identity)])

    def _chip_read_for(self, s: FlowState) -> ReadCard | None:
        """The chip read that would confirm this identity, if the kiosk can and should ask."""
        identity = s.identity
        if (
            not self._settings.read_chip
            or identity is None
            or identity.source not in _CHIP_CONFIRMS
            or s.identity_check is not IdentityCheck.NOT_CHECKED  # asked once per session
        ):
            return None
        # A BHYT code has no ID number, the hospital record may; and the birth date for BAC.
        citizen_id = identity.citizen_id or (s.patient.citizen_id if s.patient else None)
        if citizen_id is None:
            return None
        known = identity.birth or (s.patient.birth if s.patient else None)
        birth = s.card_birth or (known.as_date() if known else None)
        return ReadCard(s.session, citizen_id, birth, s.card_issued)

    def _chip_failed(self, s: FlowState, problem: CardProblem) -> tuple[FlowState, list[Effect]]:
        match problem:
            case CardProblem.REMOVED | CardProblem.WRONG_CARD:
                # Worth another try: the reader stays ready for the card.
                again = _RETRY_CARD[problem]
                return self._go(
                    replace(s, problem=again, card_reading=False),
                    Screen.PLACE_CARD,
                    keep_trail=True,
                )
            case CardProblem.NEEDS_BIRTH_DATE if s.card_birth is None:
                return self._go(replace(s, problem=None, card_reading=False), Screen.BIRTH_DATE)
            case CardProblem.FORGED:
                alert = AlertStaff(Problem.CARD_FORGED, "card: chip failed authentication")
                return self._go(
                    replace(s, problem=Problem.CARD_FORGED, card_reading=False),
                    Screen.GO_TO_COUNTER,
                    effects=[alert],
                )
            case _:
                # The chip cannot help; the patient goes on with the code's identity, marked.
                cause = (
                    Problem.CARD_ACCESS_DENIED
                    if problem is CardProblem.ACCESS_DENIED
                    else Problem.CARD_UNREADABLE
                )
                alert = AlertStaff(cause, f"card: chip not read ({problem.value}), code ID used")
                return self._card_done(s, IdentityCheck.CHIP_FAILED, effects=[alert])

    def _card_done(
        self, s: FlowState, check: IdentityCheck, effects: list[Effect] | None = None
    ) -> tuple[FlowState, list[Effect]]:
        done = replace(s, identity_check=check, card_reading=False, problem=None)
        if done.patient is not None:
            return self._go(done, Screen.PATIENT_SUMMARY, effects=effects)
        return self._not_found(done, effects)

    def _not_found(
        self, s: FlowState, effects: list[Effect] | None = None
    ) -> tuple[FlowState, list[Effect]]:
        identity = s.identity
        if identity is None or not identity.can_register_new_patient:
            problem: Problem | None = Problem.NEEDS_CARD_TO_REGISTER
        else:
            problem = None
        return self._go(replace(s, problem=problem), Screen.NOT_FOUND, effects=effects)

    def _appointment_confirmed(self, s: FlowState) -> tuple[FlowState, list[Effect]]:
        appointment = s.todays_appointment
        if appointment is None:
            return s, []
        department = s.department_by_code(appointment.department_code)
        insured = s.insurance_accepted and department is not None and department.accepts_insurance
        chosen = replace(
            s,
            appointment=appointment,
            department=department,
            service=ServiceType.INSURANCE if insured else ServiceType.PAID,
        )
        return self._after_department(chosen, push=Screen.APPOINTMENT)

    def _after_department(self, s: FlowState, push: Screen) -> tuple[FlowState, list[Effect]]:
        if s.auto_priority.is_priority:
            return self._go(replace(s, priority=s.auto_priority), Screen.CONFIRM, push=push)
        return self._go(s, Screen.PRIORITY, push=push)

    def _register(self, s: FlowState) -> tuple[FlowState, list[Effect]]:
        if s.patient is None or s.department is None or s.service is None:
            return s, []
        checkin = CheckIn(
            idempotency_key=self._new_key(),
            kiosk_id=self._settings.kiosk_id,
            patient_id=s.patient.patient_id,
            department_code=s.department.code,
            service=s.service,
            priority=s.effective_priority,
            appointment_id=s.appointment.appointment_id if s.appointment else None,
            identity_check=s.identity_check,
        )
        if not s.patient.patient_id:
            # A patient the kiosk knows only from the card (served offline): straight to the
            # outbox; the sync finds or creates the record before registering.
            queue = QueueOffline(s.session, checkin, s.department, None, s.identity)
            return self._go(replace(s, checkin=checkin), Screen.REGISTERING, effects=[queue])
        return self._go(
            replace(s, checkin=checkin),
            Screen.REGISTERING,
            effects=[RegisterVisit(s.session, checkin)],
        )

    def _print(self, s: FlowState, now: datetime) -> tuple[FlowState, list[Effect]]:
        from kiosk.core.tickets import build_ticket  # first needed here: keeps the start fast

        assert s.patient and s.department and s.service and s.registration
        ticket = build_ticket(
            hospital_name=self._settings.hospital_name,
            footer=self._settings.ticket_footer,
            patient=s.patient,
            department=s.department,
            registration=s.registration,
            service=s.service,
            priority=s.effective_priority,
            issued_at=now,
            identity_check=s.identity_check,
        )
        return self._go(
            replace(s, ticket=ticket), Screen.PRINTING, effects=[PrintTicket(s.session, ticket)]
        )

    def _request_failed(
        self, s: FlowState, request: Request, problem: Problem
    ) -> tuple[FlowState, list[Effect]]:
        waiting_for = {
            Request.RESOLVE: Screen.LOOKING_UP,
            Request.LOOKUP: Screen.LOOKING_UP,
            Request.CREATE_PATIENT: Screen.CREATING_PATIENT,
            Request.HISTORY: Screen.HISTORY,
            Request.REGISTER: Screen.REGISTERING,
            Request.OFFLINE_LOOKUP: Screen.LOOKING_UP,
            Request.OFFLINE_QUEUE: Screen.REGISTERING,
        }[request]
        if s.screen is not waiting_for:
            return s, []
        if problem is Problem.HOSPITAL_UNAVAILABLE and self._settings.offline:
            offline = self._offline_effect(s, request)
            if offline is not None:  # the kiosk serves from its own store instead
                return self._go(s, s.screen, keep_trail=True, effects=[offline])
        if request is Request.HISTORY:
            # The history is a courtesy: say it could not be loaded and let them go on.
            return self._go(
                replace(s, problem=problem, history=()), Screen.HISTORY, keep_trail=True
            )
        alert = AlertStaff(problem, f"hospital: {request.name.lower()} failed")
        if request is Request.RESOLVE and problem is Problem.HOSPITAL_UNAVAILABLE:
            # Only the hospital reads this code; the card's QR or the keypad work without it.
            return self._go(
                replace(s, problem=Problem.CODE_NEEDS_HOSPITAL), Screen.READ_FAILED, effects=[alert]
            )
        if problem is Problem.REGISTRATION_REJECTED:
            return self._go(replace(s, problem=problem), Screen.GO_TO_COUNTER, effects=[alert])
        return self._go(replace(s, problem=problem), Screen.HOSPITAL_UNAVAILABLE, effects=[alert])

    def _offline_effect(self, s: FlowState, request: Request) -> Effect | None:
        if request is Request.LOOKUP and s.identity is not None:
            return LookupOffline(s.session, s.identity)
        if request is Request.REGISTER and s.checkin is not None and s.department is not None:
            confirmed = s.patient if s.patient and s.patient.patient_id else None
            return QueueOffline(s.session, s.checkin, s.department, confirmed, s.identity)
        return None

    def _start_over(self, s: FlowState, shown: IdentityPresented) -> tuple[FlowState, list[Effect]]:
        """A new session for the person whose code was shown: nothing of this one survives."""
        fresh, released = self._welcome(s)
        state, effects = self._look_up(
            replace(fresh, card_issued=shown.card_issued), shown.identity
        )
        return state, released + effects

    def _welcome(self, s: FlowState) -> tuple[FlowState, list[Effect]]:
        # A fresh state: nothing of the last patient survives, not even their language.
        fresh = FlowState(
            session=s.session + 1,
            language=self._settings.default_language,
            hospital_offline=s.hospital_offline,
            printer_down=s.printer_down,
            idle_seq=s.idle_seq,
        )
        card_open = s.screen is Screen.PLACE_CARD or (
            s.screen is Screen.SWITCH_PATIENT and s.trail[-1:] == (Screen.PLACE_CARD,)
        )
        return fresh, [ReleaseCard()] if card_open else []

    def _go(
        self,
        s: FlowState,
        screen: Screen,
        *,
        push: Screen | None = None,
        pop: bool = False,
        keep_trail: bool = False,
        effects: list[Effect] | None = None,
    ) -> tuple[FlowState, list[Effect]]:
        if pop:
            trail = s.trail[:-1]
        elif push is not None:
            trail = (*s.trail, push)
        elif keep_trail:
            trail = s.trail
        else:
            trail = ()
        out = list(effects or [])
        if s.screen is Screen.PLACE_CARD and screen not in (
            Screen.PLACE_CARD,
            Screen.SWITCH_PATIENT,
        ):
            out.append(ReleaseCard())  # the card's keys are not needed any more
        seq = s.idle_seq
        seconds = self._idle_seconds(screen, s.language)
        if seconds is not None:
            seq += 1
            out.append(StartIdleTimer(s.session, seq, seconds))
        return replace(s, screen=screen, trail=trail, idle_seq=seq), out

    def _idle_seconds(self, screen: Screen, language: Language) -> float | None:
        settings = self._settings
        if screen is Screen.WELCOME:
            # The next patient must find the kiosk in the default language.
            return settings.idle_seconds if language is not settings.default_language else None
        if screen in BUSY_SCREENS:
            return None
        if screen is Screen.TICKET:
            return settings.ticket_seconds
        if screen is Screen.PRINTER_FAULT:
            return settings.fault_seconds
        if screen in (Screen.HOSPITAL_UNAVAILABLE, Screen.GO_TO_COUNTER, Screen.READ_FAILED):
            return settings.notice_seconds
        return settings.idle_seconds
