"""The screens' transitions, found by driving the pure flow: the generator of docs/screens.md.

From the welcome screen, every event below is tried in every state reached so far, under each
combination of the settings that change the path (a chip reader, an offline store); each event
that changes the screen is one row. The patients, departments and identities are the flow
tests' own.

Rewrite the file after changing the flow: `.venv/bin/python -m tests.kiosk.core.flow.screen_graph`
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from kiosk.core.domain import (
    CardProblem,
    PaymentState,
    PrinterProblem,
    PriorityGroup,
    ServiceType,
)
from kiosk.core.flow import (
    BirthDateSubmitted,
    CardSensed,
    CheckInFlow,
    ChipFailed,
    ChipRead,
    CodeNotResolved,
    CodeResolved,
    CodeToResolve,
    CodeUnreadable,
    DepartmentChosen,
    Event,
    FlowSettings,
    FlowState,
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
    Problem,
    QueuedOffline,
    Request,
    RequestFailed,
    Screen,
    ServiceChosen,
    TicketPrinted,
    VisitRegistered,
)
from kiosk.core.identity import IdentityProblem
from tests.kiosk.core.flow.test_flow import (
    APPOINTMENT,
    CHIP_IDENTITY,
    CITIZEN_ID,
    DEPARTMENTS,
    NOW,
    SETTINGS,
    TODAYS,
    patient,
    registration,
)
from tests.kiosk.core.flow.test_flow_chip import QR_IDENTITY
from tests.kiosk.core.flow.test_flow_payment import PAYMENT
from tests.ui.screens.samples import TICKET

DOC = Path(__file__).resolve().parents[4] / "docs" / "screens.md"
OTHER_PERSON = replace(CHIP_IDENTITY, citizen_id="079190000001", full_name="Trần Thị Bình")

# (label, the event in a given state): answers carry the state's session, the timer its seq.
Stimulus = tuple[str, Callable[[FlowState], Event]]


def _stimuli() -> list[Stimulus]:
    found = [
        ("PatientFound", ()),
        ("PatientFound (appointment today)", (APPOINTMENT,)),
    ]
    # What the effect runner reports: only a registration can be refused.
    failures = [
        *((r, p) for r in Request for p in (Problem.HOSPITAL_UNAVAILABLE, Problem.HOSPITAL_ERROR)),
        (Request.REGISTER, Problem.REGISTRATION_REJECTED),
    ]
    return [
        ("IdentityPresented (CCCD QR)", lambda s: IdentityPresented(QR_IDENTITY, date(2021, 4, 1))),
        ("IdentityPresented (chip)", lambda s: IdentityPresented(CHIP_IDENTITY)),
        ("IdentityPresented (another person)", lambda s: IdentityPresented(OTHER_PERSON)),
        ("CodeToResolve", lambda s: CodeToResolve("VNEID-CODE")),
        ("CodeUnreadable", lambda s: CodeUnreadable(IdentityProblem.MALFORMED)),
        *((f"CardSensed.{c.name}", lambda s, c=c: c) for c in CardSensed),
        ("HospitalReachable", lambda s: HospitalReachable(online=s.hospital_offline)),
        ("PrinterChanged", lambda s: PrinterChanged(PrinterProblem.OUT_OF_PAPER)),
        *((f"Pressed.{p.name}", lambda s, p=p: p) for p in Pressed),
        ("KeypadSubmitted (valid ID)", lambda s: KeypadSubmitted(CITIZEN_ID)),
        ("KeypadSubmitted (invalid ID)", lambda s: KeypadSubmitted("123")),
        ("BirthDateSubmitted (valid)", lambda s: BirthDateSubmitted("17051990")),
        ("BirthDateSubmitted (invalid)", lambda s: BirthDateSubmitted("31021990")),
        *(
            (f"ServiceChosen.{v.name}", lambda s, v=v: ServiceChosen(v))
            for v in (ServiceType.INSURANCE, ServiceType.PAID)
        ),
        ("DepartmentChosen", lambda s: DepartmentChosen("NOI")),
        *(
            (f"PriorityChosen.{g.name}", lambda s, g=g: PriorityChosen(g))
            for g in (PriorityGroup.NONE, PriorityGroup.PREGNANT)
        ),
        ("CodeResolved", lambda s: CodeResolved(s.session, QR_IDENTITY)),
        ("CodeNotResolved", lambda s: CodeNotResolved(s.session)),
        *(
            (label, lambda s, a=a: PatientFound(s.session, patient(), a, DEPARTMENTS))
            for label, a in found
        ),
        (
            "PatientFound (no insurance card)",
            lambda s: PatientFound(s.session, patient(result_code=None), (), DEPARTMENTS),
        ),
        (
            "PatientFound (a visit today already)",
            lambda s: PatientFound(s.session, patient(), (), DEPARTMENTS, (TODAYS,)),
        ),
        ("PatientNotFound", lambda s: PatientNotFound(s.session)),
        ("ChipRead", lambda s: ChipRead(s.session, CHIP_IDENTITY)),
        *((f"ChipFailed.{p.name}", lambda s, p=p: ChipFailed(s.session, p)) for p in CardProblem),
        ("HistoryLoaded", lambda s: HistoryLoaded(s.session, ())),
        ("VisitRegistered", lambda s: VisitRegistered(s.session, registration())),
        (
            "VisitRegistered (another department)",
            lambda s: VisitRegistered(s.session, registration(department_code="NHI")),
        ),
        (
            "VisitRegistered (payment asked)",
            lambda s: VisitRegistered(s.session, replace(registration(), payment=PAYMENT)),
        ),
        *(
            (f"PaymentSettled.{p.name}", lambda s, p=p: PaymentSettled(s.session, p))
            for p in (PaymentState.PAID, PaymentState.EXPIRED)
        ),
        ("QueuedOffline", lambda s: QueuedOffline(s.session, TICKET)),
        *(
            (
                f"RequestFailed({r.name}, {p.name})",
                lambda s, r=r, p=p: RequestFailed(s.session, r, p),
            )
            for r, p in failures
        ),
        ("TicketPrinted", lambda s: TicketPrinted(s.session)),
        ("PrintFailed", lambda s: PrintFailed(s.session, PrinterProblem.OUT_OF_PAPER)),
        ("IdleTimeout", lambda s: IdleTimeout(s.session, s.idle_seq)),
    ]


STIMULI = _stimuli()
# Settings that change which screens follow which: each combination is explored.
VARIANTS = {
    (read_chip, offline): replace(SETTINGS, read_chip=read_chip, offline=offline)
    for read_chip, offline in itertools.product((False, True), repeat=2)
}


@dataclass(frozen=True)
class Move:
    source: Screen
    event: str  # the stimulus's label
    target: Screen

    def sort_key(self) -> tuple[int, int, int]:
        return self.source.value, _ORDER[self.event], self.target.value


_ORDER = {label: index for index, (label, _) in enumerate(STIMULI)}


def _key(state: FlowState) -> tuple[object, ...]:
    """What the flow's guards read: states that differ only elsewhere (counters, the language,
    the banners, the ticket's content) lead to the same screens, so one of them is explored."""
    return (
        state.screen,
        state.trail,
        state.problem is None,
        state.identity,
        state.identity_check,
        state.card_reading,
        state.card_down,
        state.chip_pending,
        state.held,
        state.card_birth,
        state.waiting is None,
        state.patient,
        state.appointments,
        state.visits_today,
        state.service,
        state.department,
        state.checkin is None,
        state.registration is None,
    )


def _explore(settings: FlowSettings) -> set[Move]:
    start = CheckInFlow(settings, new_key=lambda: "key").state
    seen = {_key(start)}
    queue = [start]
    moves: set[Move] = set()
    while queue:
        state = queue.pop()
        for label, make in STIMULI:
            flow = CheckInFlow(settings, new_key=lambda: "key")
            flow.state = state
            flow.handle(make(state), NOW)
            after = flow.state
            if after.screen is not state.screen:
                moves.add(Move(state.screen, label, after.screen))
            if _key(after) not in seen:
                seen.add(_key(after))
                queue.append(after)
    return moves


def transitions() -> dict[Move, set[tuple[bool, bool]]]:
    """Every screen change, with the settings (read_chip, offline) under which it happens."""
    found: dict[Move, set[tuple[bool, bool]]] = {}
    for variant, settings in VARIANTS.items():
        for move in _explore(settings):
            found.setdefault(move, set()).add(variant)
    return found


def _condition(variants: set[tuple[bool, bool]]) -> str:
    if len(variants) == len(VARIANTS):
        return ""
    words = []
    for index, (yes, no) in enumerate(
        (("chip reader", "no chip reader"), ("offline store", "no offline store"))
    ):
        values = {variant[index] for variant in variants}
        if len(values) == 1:
            words.append(yes if values.pop() else no)
    return ", ".join(words)


def markdown(found: dict[Move, set[tuple[bool, bool]]]) -> str:
    lines = [
        "# Screen transitions",
        "",
        "Generated from `kiosk/core/flow` by `tests/kiosk/core/flow/screen_graph.py`: do not edit",
        "by hand. After changing the flow, regenerate it with",
        "`.venv/bin/python -m tests.kiosk.core.flow.screen_graph`",
        "(tests/kiosk/core/flow/test_screen_graph.py fails while it is out of date).",
        "",
        "Each row names the events that move the kiosk from one screen to another. Events that",
        "leave the screen as it is (the language button, a new printer status, a stale answer)",
        "are not listed. *Only with* names the settings a row needs: a chip reader",
        "(`card.reader` other than `none`) or an offline store (`offline.enabled`).",
        "",
        "| From | Events | To | Only with |",
        "| --- | --- | --- | --- |",
    ]
    # One row per (from, to, settings): the events that make that move, in STIMULI's order.
    rows: dict[tuple[Screen, Screen, str], list[str]] = {}
    for move in sorted(found, key=Move.sort_key):
        key = (move.source, move.target, _condition(found[move]))
        rows.setdefault(key, []).append(move.event)
    for (source, target, when), events in rows.items():
        lines.append(f"| {source.name} | {', '.join(events)} | {target.name} | {when} |")
    return "\n".join(lines) + "\n"


def ways_back(moves: Iterable[Move]) -> set[Screen]:
    """The screens from which some sequence of moves reaches the welcome screen."""
    back = {Screen.WELCOME}
    moves = set(moves)
    while True:
        more = {m.source for m in moves if m.target in back} - back
        if not more:
            return back
        back |= more


if __name__ == "__main__":
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(markdown(transitions()), encoding="utf-8")
    print(f"wrote {DOC}")
