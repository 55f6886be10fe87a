"""The flow's state: its settings, everything the screens show, and the helpers that read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kiosk.core.department_choice import suggested
from kiosk.core.domain import (
    Appointment,
    CheckIn,
    CounterSlip,
    Department,
    Identity,
    IdentityCheck,
    Patient,
    PrinterProblem,
    PriorityGroup,
    Registration,
    ServiceType,
    Ticket,
    TodayVisit,
    Visit,
)
from kiosk.core.flow.events import IdentityPresented, Pressed
from kiosk.core.flow.screens import BUSY_SCREENS, Language, Problem, Screen
from kiosk.core.insurance import InsuranceStatus, status_of


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
    counter_location: str = "Quầy tiếp đón, sảnh chính"  # printed on the counter slip
    counter_hours: str = ""  # e.g. "7:00–17:00"; "" prints none
    cashier_location: str = "quầy thu ngân"  # where an unpaid visit is paid ("nộp tại ...")

    def idle_timeout(self, screen: Screen, language: Language) -> float | None:
        """Seconds `screen` waits for the patient before the welcome screen; None: no timer."""
        if screen is Screen.WELCOME:
            # The next patient must find the kiosk in the default language.
            return self.idle_seconds if language is not self.default_language else None
        if screen in BUSY_SCREENS or screen is Screen.PAYING:
            return None  # paying: the payment's own deadline bounds it
        if screen is Screen.TICKET:
            return self.ticket_seconds
        if screen is Screen.PRINTER_FAULT:
            return self.fault_seconds
        if screen is Screen.GO_TO_COUNTER:
            return self.fault_seconds  # the patient may need to note the code on screen
        if screen in (Screen.HOSPITAL_UNAVAILABLE, Screen.READ_FAILED):
            return self.notice_seconds
        return self.idle_seconds


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
    card_down: bool = False  # the reader feels a card (not personal data: outlives the session)
    chip_pending: bool = False  # the chip is read while the patient chooses; no verdict yet
    held: Pressed | None = None  # CONFIRM or REPRINT pressed before the chip's verdict
    waiting: IdentityPresented | None = field(default=None, repr=False)  # SWITCH_PATIENT's
    patient: Patient | None = None
    age: int | None = None
    auto_priority: PriorityGroup = PriorityGroup.NONE
    appointments: tuple[Appointment, ...] = ()
    visits_today: tuple[TodayVisit, ...] = ()
    departments: tuple[Department, ...] = ()  # all the hospital lists: appointments find theirs
    hidden: frozenset[str] = frozenset()  # codes patients may not choose here (kiosk.departments)
    history: tuple[Visit, ...] | None = None  # None: not asked for, or still loading
    recent_departments: tuple[str, ...] = ()  # of the history, kept to suggest (no diagnoses)
    appointment: Appointment | None = None
    service: ServiceType | None = None
    department: Department | None = None
    priority: PriorityGroup | None = None
    checkin: CheckIn | None = None
    registration: Registration | None = None
    payment_code: str | None = field(default=None, repr=False)  # PAYING's VietQR payload
    payment_deadline: datetime | None = None  # kiosk clock: when PAYING gives up waiting
    ticket: Ticket | None = None
    counter_slip: CounterSlip | None = None  # GO_TO_COUNTER's paper
    printed: bool = False  # the printer took this session's ticket or slip
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
        """The departments the patient may choose for `service`, suited to their age and sex,
        those of their recent visits (when they looked at them) first."""
        insured = service is ServiceType.INSURANCE
        offered = [
            d
            for d in self.departments
            if d.code not in self.hidden and (d.accepts_insurance or not insured)
        ]
        patient = self.patient
        sex = patient.sex if patient else None
        return suggested(offered, age=self.age, sex=sex, recent_names=self.recent_departments)

    def department_by_code(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    @property
    def todays_appointment(self) -> Appointment | None:
        """The first appointment today whose department the kiosk can send the patient to and
        where they have not checked in yet."""
        done = {visit.department_code for visit in self.visits_today}
        return next(
            (
                a
                for a in self.appointments
                if self.department_by_code(a.department_code) and a.department_code not in done
            ),
            None,
        )

    @property
    def effective_priority(self) -> PriorityGroup:
        if self.auto_priority.is_priority:
            return self.auto_priority
        return self.priority or PriorityGroup.NONE

    def same_person(self, identity: Identity) -> bool:
        """Whether a code shown now names the patient of this session (any number in common)."""
        known: set[str] = set()
        if self.identity is not None:
            known |= {n for n in (self.identity.citizen_id, self.identity.insurance_number) if n}
        if self.patient is not None:
            known |= {self.patient.citizen_id or ""} - {""}
            if self.patient.insurance is not None:
                known.add(self.patient.insurance.number)
        shown = {n for n in (identity.citizen_id, identity.insurance_number) if n}
        return bool(known & shown)


def automatic_priority(age: int) -> PriorityGroup:
    """Age groups the kiosk detects itself; the other groups the patient declares."""
    if age >= 75:
        return PriorityGroup.ELDERLY_75
    if age < 6:
        return PriorityGroup.CHILD_UNDER_6
    return PriorityGroup.NONE


def typed_birth_date(digits: str, today: date) -> date | None:
    """ddmmyyyy as typed, if it is a real date of someone alive today."""
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        typed = date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return None
    return typed if today.year - 130 <= typed.year and typed <= today else None
