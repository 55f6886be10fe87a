"""CheckInFlow, over 500 lines because its match arms are the one table of the screens' moves.

Each arm is one transition: (screen, event) → (next state, effects). Stale or out-of-place
events change nothing. docs/screens.md lists the transitions these arms allow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from kiosk.core.department_choice import hidden_codes
from kiosk.core.domain import (
    CardProblem,
    CheckIn,
    Identity,
    IdentityCheck,
    IdentitySource,
    PaymentRequest,
    PaymentState,
    PriorityGroup,
    ServiceType,
)
from kiosk.core.flow.effects import (
    CALLS,
    AlertStaff,
    CreatePatient,
    Effect,
    LoadHistory,
    LookupOffline,
    LookupPatient,
    PrintTicket,
    QueueOffline,
    ReadCard,
    RegisterVisit,
    ReleaseCard,
    ResolveCode,
    StartIdleTimer,
    WatchPayment,
)
from kiosk.core.flow.events import (
    Answer,
    BirthDateSubmitted,
    CardSensed,
    ChipFailed,
    ChipRead,
    CodeNotResolved,
    CodeResolved,
    CodeToResolve,
    CodeUnreadable,
    DepartmentChosen,
    Event,
    HistoryLoaded,
    HospitalReachable,
    IdentityPresented,
    IdleTimeout,
    KeypadSubmitted,
    PatientFound,
    PatientNotFound,
    PaymentSettled,
    Pressed,
    PrinterChanged,
    PrintFailed,
    PriorityChosen,
    QueuedOffline,
    Request,
    RequestFailed,
    ServiceChosen,
    TicketPrinted,
    VisitRegistered,
)
from kiosk.core.flow.screens import (
    ACCEPTS_IDENTITY,
    BUSY_SCREENS,
    DECLARABLE_PRIORITIES,
    FINISHED,
    INTERRUPTIBLE,
    NOT_CANCELLABLE,
    Language,
    Problem,
    Screen,
)
from kiosk.core.flow.state import FlowSettings, FlowState, automatic_priority, typed_birth_date
from kiosk.core.tickets import build_ticket, counter_slip, reprinted_ticket

# Identities the chip can confirm: the kiosk knows the ID number (or will from the hospital
# record) but not that the person holds the card. The hospital vouches for the codes it resolves.
_CHIP_CONFIRMS = frozenset({IdentitySource.CCCD_QR, IdentitySource.BHYT_QR, IdentitySource.KEYPAD})
# The screen each request's answer is awaited on: a failure that finds another screen is stale.
_MAX_PAYMENT_SECONDS = 15 * 60.0  # a patient does not stand at the kiosk longer than this
_WAITING_SCREEN = {call.request: call.answered_on for call in CALLS}
_SHOWS_DETAILS = frozenset({Screen.SERVICE, Screen.DEPARTMENT})
_SHOWS_PRIORITY = frozenset({Screen.CONFIRM, Screen.APPOINTMENT})
# Where the chip is read behind the patient's choosing (the card was already down): leaving them
# for any other screen stops the read; its verdict would come too late to matter.
_READS_IN_BACKGROUND = (INTERRUPTIBLE - {Screen.PLACE_CARD}) | {
    Screen.SWITCH_PATIENT,
    Screen.REGISTERING,  # a confirm pressed before the verdict waits here for it
}
_RETRY_CARD = {
    CardProblem.REMOVED: Problem.CARD_REMOVED,
    CardProblem.WRONG_CARD: Problem.CARD_WRONG,
}
# On the counter slip, for staff: why the kiosk sent this patient to them (no personal data).
COUNTER_CODES = {
    Problem.INSURANCE_NOT_ACCEPTED: "QT-BHYT",
    Problem.CARD_FORGED: "QT-CHIP",
    Problem.REGISTRATION_REJECTED: "QT-TUCHOI",
    Problem.HOSPITAL_ERROR: "QT-HETHONG",
    Problem.NEEDS_CARD_TO_REGISTER: "QT-HOSOMOI",
}
_IDENTITY_PROBLEMS = {  # kiosk.core.identity.IdentityProblem values: that package loads lazily
    "unknown_payload": Problem.CODE_UNKNOWN,
    "malformed": Problem.CODE_MALFORMED,
    "invalid_id": Problem.ID_INVALID,
    "empty": Problem.CODE_MALFORMED,
}


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
        if isinstance(event, CardSensed):
            s = replace(s, card_down=event is CardSensed.PLACED)
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
                session == s.session
                and seq == s.idle_seq
                and s.screen not in BUSY_SCREENS
                and s.screen is not Screen.PAYING  # the visit exists: its ticket must print
            ):
                return self._welcome(s)
            case Pressed.BACK if s.trail and s.screen not in BUSY_SCREENS:
                back = replace(s, history=None, problem=None, waiting=None)
                return self._go(back, s.trail[-1], pop=True)
            case IdentityPresented(identity=identity) if s.screen in ACCEPTS_IDENTITY:
                return self._look_up(replace(s, card_issued=event.card_issued), identity)
            case IdentityPresented() if s.screen in FINISHED or (
                s.screen in INTERRUPTIBLE and not s.same_person(event.identity)
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
            case CardSensed.PLACED if s.chip_pending:
                return replace(s, card_reading=True), []  # the background read has begun
            case CardSensed.TAKEN if s.chip_pending and not s.card_reading:
                # Taken before its read began: no verdict will come without the card.
                return self._chip_failed(s, CardProblem.REMOVED, now)
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
                came_from = (
                    Screen.CARD_NEEDS_ID if s.screen is Screen.CARD_NEEDS_ID else Screen.WELCOME
                )
                return self._go(replace(s, problem=None), Screen.KEYPAD, push=came_from)
            case KeypadSubmitted(digits=digits) if s.screen is Screen.KEYPAD:
                # Imported here: kiosk.core.identity adds ~6 ms to the flow's ~40 ms import and the
                # kiosk's start never needs it otherwise (measured with cached bytecode).
                from kiosk.core.identity import IdentityError, identity_from_keypad

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
                found = replace(found, visits_today=event.visits_today)
                if s.screen is Screen.LOOKING_UP and (read := self._chip_read_for(found)):
                    if s.card_down:  # read while the patient chooses: no stop to wait for it
                        return self._known(replace(found, chip_pending=True), [read])
                    return self._go(found, Screen.PLACE_CARD, effects=[read])
                return self._known(found)
            case PatientNotFound() if s.screen is Screen.LOOKING_UP:
                if read := self._chip_read_for(s):
                    return self._go(replace(s, problem=None), Screen.PLACE_CARD, effects=[read])
                return self._not_found(s, now)
            case ChipRead(identity=chip) if s.screen is Screen.PLACE_CARD or s.chip_pending:
                # The chip's data replaces what the code said; a BHYT number only the code has.
                shown = s.identity.insurance_number if s.identity else None
                confirmed = replace(chip, insurance_number=chip.insurance_number or shown)
                verified = chip.chip_verified
                checked = IdentityCheck.CHIP_VERIFIED if verified else IdentityCheck.CHIP_READ
                return self._card_done(replace(s, identity=confirmed), checked, now)
            case ChipFailed(problem=problem) if s.screen is Screen.PLACE_CARD or s.chip_pending:
                return self._chip_failed(s, problem, now)
            case Pressed.SKIP_CARD if s.screen in (Screen.PLACE_CARD, Screen.BIRTH_DATE):
                return self._card_done(s, IdentityCheck.CARD_SKIPPED, now)
            case BirthDateSubmitted(digits=digits) if s.screen is Screen.BIRTH_DATE:
                birth = typed_birth_date(digits, now.date())
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
                    replace(s, history=None), Screen.HISTORY, push=s.screen, effects=[effect]
                )
            case HistoryLoaded(visits=visits) if s.screen is Screen.HISTORY:
                recent = tuple(dict.fromkeys(visit.department_name for visit in visits))
                loaded = replace(s, history=visits, recent_departments=recent)
                return self._go(loaded, Screen.HISTORY, keep_trail=True)
            case Pressed.DETAILS if s.screen in _SHOWS_DETAILS and s.patient:
                return self._go(s, Screen.PATIENT_SUMMARY, push=s.screen)
            case Pressed.CONTINUE if s.screen is Screen.PATIENT_SUMMARY and s.trail:
                return self._go(s, s.trail[-1], pop=True)  # back to the choice it came from
            case Pressed.REPRINT if s.screen is Screen.ALREADY_CHECKED_IN:
                if s.chip_pending:
                    return self._hold(s, Pressed.REPRINT)
                return self._reprint(s, now)
            case Pressed.ANOTHER_CLINIC if s.screen is Screen.ALREADY_CHECKED_IN:
                return self._choose(s, push=Screen.ALREADY_CHECKED_IN)
            case Pressed.APPOINTMENT_CONFIRM if s.screen is Screen.APPOINTMENT:
                return self._register(s)
            case Pressed.APPOINTMENT_DECLINE if s.screen is Screen.APPOINTMENT:
                declined = replace(s, appointment=None, department=None, service=None)
                return self._service_or_department(declined, push=Screen.APPOINTMENT)
            case ServiceChosen(service=service) if s.screen is Screen.SERVICE and (
                service is ServiceType.PAID or s.insurance_accepted
            ):
                return self._go(
                    replace(s, service=service, appointment=None),
                    Screen.DEPARTMENT,
                    push=Screen.SERVICE,
                )
            case Pressed.COUNTER if s.screen in (Screen.SERVICE, Screen.DEPARTMENT):
                return self._to_counter(s, Problem.INSURANCE_NOT_ACCEPTED, now, push=s.screen)
            case DepartmentChosen(code=code) if s.screen is Screen.DEPARTMENT:
                department = next((d for d in s.departments_for(s.service) if d.code == code), None)
                if department is None:
                    return s, []
                return self._go(
                    replace(s, department=department), Screen.CONFIRM, push=Screen.DEPARTMENT
                )
            case Pressed.PRIORITY if s.screen in _SHOWS_PRIORITY:
                return self._go(s, Screen.PRIORITY, push=s.screen)
            case PriorityChosen(group=group) if s.screen is Screen.PRIORITY and (
                group is PriorityGroup.NONE or group in DECLARABLE_PRIORITIES
            ):
                # Back where the toggle was pressed, with the group chosen.
                back_to = s.trail[-1] if s.trail else Screen.CONFIRM
                return self._go(replace(s, priority=group), back_to, pop=bool(s.trail))
            case Pressed.CONFIRM if s.screen is Screen.CONFIRM:
                return self._register(s)
            case VisitRegistered(registration=registration) if (
                s.screen is Screen.REGISTERING and s.held is None  # held: nothing was sent yet
            ):
                if s.department is None or registration.department_code != s.department.code:
                    # A ticket for another room would send the patient the wrong way.
                    alert = AlertStaff(Problem.HOSPITAL_ERROR, "hospital: registered elsewhere")
                    return self._to_counter(s, Problem.HOSPITAL_ERROR, now, effects=[alert])
                registered = replace(s, registration=registration)
                if registration.payment is not None and s.service is ServiceType.PAID:
                    return self._pay(registered, registration.payment, now)
                return self._print(registered, now)
            case PaymentSettled(state=state) if s.screen is Screen.PAYING:
                payment = s.registration.payment if s.registration else None
                paid = payment.reference if payment and state is PaymentState.PAID else None
                return self._print(s, now, paid_reference=paid)
            case Pressed.COUNTER if s.screen is Screen.PAYING:
                return self._print(s, now)  # the patient pays at the cashier instead
            case QueuedOffline(ticket=ticket) if s.screen is Screen.REGISTERING and s.held is None:
                if ticket.service is ServiceType.PAID:
                    # No payment while the hospital is away: the provisional ticket says where.
                    fee = ticket.fee_vnd or (s.department.fee_vnd if s.department else None)
                    ticket = replace(ticket, fee_vnd=fee, pay_at=self._settings.cashier_location)
                return self._go(
                    replace(s, ticket=ticket),
                    Screen.PRINTING,
                    effects=[PrintTicket(s.session, ticket)],
                )
            case TicketPrinted() if s.screen is Screen.PRINTING:
                return self._go(replace(s, printer_down=None, printed=True), Screen.TICKET)
            case TicketPrinted() if s.screen is Screen.GO_TO_COUNTER and s.counter_slip:
                printed = replace(s, printer_down=None, printed=True)
                return self._go(printed, Screen.GO_TO_COUNTER, keep_trail=True)
            case PrintFailed(problem=problem) if s.screen is Screen.GO_TO_COUNTER:
                # No slip: the screen shows its code for staff instead.
                alert = AlertStaff(Problem.PRINTER_FAULT, f"printer: {problem.value}")
                failed = replace(s, printer_problem=problem, printer_down=problem)
                return self._go(failed, Screen.GO_TO_COUNTER, keep_trail=True, effects=[alert])
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
                return self._request_failed(s, request, problem, now)
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

    def _chip_failed(
        self, s: FlowState, problem: CardProblem, now: datetime
    ) -> tuple[FlowState, list[Effect]]:
        match problem:
            case CardProblem.REMOVED | CardProblem.WRONG_CARD:
                # Worth another try: the reader stays ready for the card (from the background
                # too: the patient is asked for it again, nothing chosen is registered yet).
                again = _RETRY_CARD[problem]
                retry = replace(s, problem=again, card_reading=False, chip_pending=False, held=None)
                return self._go(retry, Screen.PLACE_CARD, keep_trail=not s.chip_pending)
            case CardProblem.NEEDS_BIRTH_DATE if s.card_birth is None:
                return self._go(replace(s, problem=None, card_reading=False), Screen.BIRTH_DATE)
            case CardProblem.FORGED:
                alert = AlertStaff(Problem.CARD_FORGED, "card: chip failed authentication")
                refused = replace(s, card_reading=False)
                return self._to_counter(refused, Problem.CARD_FORGED, now, effects=[alert])
            case _:
                # The chip cannot help; the patient goes on with the code's identity, marked.
                cause = (
                    Problem.CARD_ACCESS_DENIED
                    if problem is CardProblem.ACCESS_DENIED
                    else Problem.CARD_UNREADABLE
                )
                alert = AlertStaff(cause, f"card: chip not read ({problem.value}), code ID used")
                return self._card_done(s, IdentityCheck.CHIP_FAILED, now, effects=[alert])

    def _card_done(
        self,
        s: FlowState,
        check: IdentityCheck,
        now: datetime,
        effects: list[Effect] | None = None,
    ) -> tuple[FlowState, list[Effect]]:
        if s.chip_pending:
            return self._verdict_in_background(s, check, now, effects)
        done = replace(s, identity_check=check, card_reading=False, problem=None)
        if done.patient is not None:
            return self._known(done, effects)
        return self._not_found(done, now, effects)

    def _verdict_in_background(
        self, s: FlowState, check: IdentityCheck, now: datetime, effects: list[Effect] | None
    ) -> tuple[FlowState, list[Effect]]:
        """The chip's verdict while the patient chooses: they stay where they are (the header
        shows it), unless a confirm or reprint was waiting for it."""
        done = replace(s, identity_check=check, card_reading=False, chip_pending=False, held=None)
        out = [*(effects or []), ReleaseCard()]  # the card's keys are not needed any more
        if s.screen is not Screen.REGISTERING:
            return done, out
        if s.held is Pressed.REPRINT:
            state, more = self._reprint(done, now)
        else:
            state, more = self._register(done)
        return state, out + more

    def _hold(self, s: FlowState, pressed: Pressed) -> tuple[FlowState, list[Effect]]:
        """Confirmed before the chip's verdict: nothing is sent until it is in (the read's own
        deadline bounds the wait)."""
        return self._go(replace(s, held=pressed), Screen.REGISTERING, keep_trail=True)

    def _not_found(
        self, s: FlowState, now: datetime, effects: list[Effect] | None = None
    ) -> tuple[FlowState, list[Effect]]:
        identity = s.identity
        if identity is None or not identity.can_register_new_patient:
            # Only the counter can make this record: the patient gets a slip for it.
            return self._to_counter(s, Problem.NEEDS_CARD_TO_REGISTER, now, effects=effects)
        return self._go(replace(s, problem=None), Screen.NOT_FOUND, effects=effects)

    def _known(
        self, s: FlowState, effects: list[Effect] | None = None
    ) -> tuple[FlowState, list[Effect]]:
        """The patient is known: a visit today first, else what they most likely came for."""
        if s.visits_today:
            return self._go(s, Screen.ALREADY_CHECKED_IN, effects=effects)
        return self._choose(s, effects=effects)

    def _choose(
        self, s: FlowState, *, push: Screen | None = None, effects: list[Effect] | None = None
    ) -> tuple[FlowState, list[Effect]]:
        """Today's appointment goes straight to its confirmation; otherwise the visit type,
        asked only when both are possible, then the department."""
        appointment = s.todays_appointment
        if appointment is None:
            return self._service_or_department(s, push=push, effects=effects)
        department = s.department_by_code(appointment.department_code)
        insured = s.insurance_accepted and department is not None and department.accepts_insurance
        chosen = replace(
            s,
            appointment=appointment,
            department=department,
            service=ServiceType.INSURANCE if insured else ServiceType.PAID,
        )
        return self._go(chosen, Screen.APPOINTMENT, push=push, effects=effects)

    def _service_or_department(
        self, s: FlowState, *, push: Screen | None = None, effects: list[Effect] | None = None
    ) -> tuple[FlowState, list[Effect]]:
        if s.insurance_accepted:
            return self._go(s, Screen.SERVICE, push=push, effects=effects)
        # Paid service is the only choice: not asked (the department screen says why).
        paid = replace(s, service=ServiceType.PAID)
        return self._go(paid, Screen.DEPARTMENT, push=push, effects=effects)

    def _reprint(self, s: FlowState, now: datetime) -> tuple[FlowState, list[Effect]]:
        if s.patient is None or not s.visits_today:
            return s, []
        visit = s.visits_today[-1]
        ticket = reprinted_ticket(
            hospital_name=self._settings.hospital_name,
            footer=self._settings.ticket_footer,
            patient=s.patient,
            visit=visit,
            department=s.department_by_code(visit.department_code),
            issued_at=now,
        )
        return self._go(
            replace(s, ticket=ticket), Screen.PRINTING, effects=[PrintTicket(s.session, ticket)]
        )

    def _to_counter(
        self,
        s: FlowState,
        problem: Problem,
        now: datetime,
        *,
        push: Screen | None = None,
        effects: list[Effect] | None = None,
    ) -> tuple[FlowState, list[Effect]]:
        """Sent to the counter, never empty-handed: a slip saying why, where and when."""
        patient, identity = s.patient, s.identity
        slip = counter_slip(
            hospital_name=self._settings.hospital_name,
            footer=self._settings.ticket_footer,
            reason_code=COUNTER_CODES[problem],
            counter_location=self._settings.counter_location,
            counter_hours=self._settings.counter_hours,
            citizen_id=(patient.citizen_id if patient else None)
            or (identity.citizen_id if identity else None),
            full_name=(patient.full_name if patient else None)
            or (identity.full_name if identity else None),
            issued_at=now,
        )
        sent = replace(s, problem=problem, counter_slip=slip, printed=False)
        out = [*(effects or []), PrintTicket(s.session, slip)]
        return self._go(sent, Screen.GO_TO_COUNTER, push=push, effects=out)

    def _register(self, s: FlowState) -> tuple[FlowState, list[Effect]]:
        if s.patient is None or s.department is None or s.service is None:
            return s, []
        if s.chip_pending:
            return self._hold(s, Pressed.CONFIRM)
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

    def _pay(
        self, s: FlowState, payment: PaymentRequest, now: datetime
    ) -> tuple[FlowState, list[Effect]]:
        """Show the VietQR code until the hospital says paid, or the request runs out."""
        # Imported here, like kiosk.core.identity: only paid visits need it.
        from kiosk.core.payment.request import payment_qr
        from kiosk.core.payment.vietqr import VietQrError

        assert s.registration is not None
        # The hospital's own clock sets the time allowed; the kiosk's counts it down.
        seconds = (payment.expires_at - s.registration.registered_at).total_seconds()
        seconds = min(seconds, _MAX_PAYMENT_SECONDS)
        try:
            code = payment_qr(payment)
        except VietQrError:
            alert = AlertStaff(Problem.HOSPITAL_ERROR, "hospital: payment code unusable")
            state, effects = self._print(s, now)
            return state, [alert, *effects]
        if seconds <= 0:
            return self._print(s, now)
        paying = replace(s, payment_code=code, payment_deadline=now + timedelta(seconds=seconds))
        watch = WatchPayment(s.session, payment.reference, seconds)
        return self._go(paying, Screen.PAYING, effects=[watch])

    def _print(
        self, s: FlowState, now: datetime, *, paid_reference: str | None = None
    ) -> tuple[FlowState, list[Effect]]:
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
        if s.service is ServiceType.PAID:
            where = self._settings.cashier_location
            ticket = replace(ticket, paid_reference=paid_reference, pay_at=where)
        return self._go(
            replace(s, ticket=ticket, payment_code=None),
            Screen.PRINTING,
            effects=[PrintTicket(s.session, ticket)],
        )

    def _request_failed(
        self, s: FlowState, request: Request, problem: Problem, now: datetime
    ) -> tuple[FlowState, list[Effect]]:
        if s.screen is not _WAITING_SCREEN[request] or s.held is not None:
            return s, []  # stale, or a confirm held for the chip: nothing was sent yet
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
            return self._to_counter(s, problem, now, effects=[alert])
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
            card_down=s.card_down,
            idle_seq=s.idle_seq,
        )
        card_open = (
            s.chip_pending
            or s.screen is Screen.PLACE_CARD
            or (s.screen is Screen.SWITCH_PATIENT and s.trail[-1:] == (Screen.PLACE_CARD,))
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
        if s.chip_pending and screen not in _READS_IN_BACKGROUND:
            out.append(ReleaseCard())  # gone past the choosing: the verdict no longer matters
            s = replace(s, chip_pending=False, card_reading=False, held=None)
        seq = s.idle_seq
        seconds = self._settings.idle_timeout(screen, s.language)
        if seconds is not None:
            seq += 1
            out.append(StartIdleTimer(s.session, seq, seconds))
        return replace(s, screen=screen, trail=trail, idle_seq=seq), out
