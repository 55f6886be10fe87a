"""Patient wording: what happened and what to do next, for every problem and insurance status.

The tables hold English source strings marked for translation; the functions translate them
when called, so the words follow the language the translator speaks at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication

from kiosk.core.domain import PriorityGroup, ServiceType, Sex
from kiosk.core.flow import Problem
from kiosk.core.insurance import InsuranceStatus
from ui.theme import Tone

_CONTEXT = "Messages"

# Marks a source string for lupdate and returns it unchanged: PySide6's stub declares it as
# returning `object`, so the tables below would not type as strings.
QT_TRANSLATE_NOOP = cast(Callable[[str, str], str], QtCore.QT_TRANSLATE_NOOP)


@dataclass(frozen=True)
class PatientMessage:
    what_happened: str
    what_to_do: str


def _t(source: str) -> str:
    return QCoreApplication.translate(_CONTEXT, source)


_PROBLEMS: dict[Problem, tuple[str, str]] = {
    Problem.CARD_UNREADABLE: (
        QT_TRANSLATE_NOOP("Messages", "The card could not be read."),
        QT_TRANSLATE_NOOP(
            "Messages",
            "Place the card flat on the reader and keep it there until the next screen "
            "appears. Or type your ID number.",
        ),
    ),
    Problem.CARD_REMOVED: (
        QT_TRANSLATE_NOOP("Messages", "The card was taken away too soon."),
        QT_TRANSLATE_NOOP(
            "Messages",
            "Place the card on the reader again and leave it there until the next screen appears.",
        ),
    ),
    Problem.CARD_ACCESS_DENIED: (
        QT_TRANSLATE_NOOP("Messages", "The chip on this card could not be opened."),
        QT_TRANSLATE_NOOP(
            "Messages",
            "Show the card's QR code to the camera, or type your ID number.",
        ),
    ),
    Problem.CARD_FORGED: (
        QT_TRANSLATE_NOOP("Messages", "This card could not be verified."),
        QT_TRANSLATE_NOOP(
            "Messages", "Please take the card to the reception counter. Staff will help you."
        ),
    ),
    Problem.BIRTH_DATE_INVALID: (
        QT_TRANSLATE_NOOP("Messages", "This is not a valid date of birth."),
        QT_TRANSLATE_NOOP(
            "Messages", "Type the day, the month and the year: 8 digits, e.g. 17051990."
        ),
    ),
    Problem.CARD_WRONG: (
        QT_TRANSLATE_NOOP("Messages", "This card belongs to someone else."),
        QT_TRANSLATE_NOOP(
            "Messages",
            "Place the ID card of the person checking in on the reader, or continue without "
            "the card.",
        ),
    ),
    Problem.CODE_UNKNOWN: (
        QT_TRANSLATE_NOOP("Messages", "The kiosk cannot read this kind of code."),
        QT_TRANSLATE_NOOP(
            "Messages",
            "Show the QR code of your ID card, of the VNeID app or of your health insurance "
            "card. Or type your ID number.",
        ),
    ),
    Problem.CODE_MALFORMED: (
        QT_TRANSLATE_NOOP("Messages", "The code could not be read completely."),
        QT_TRANSLATE_NOOP(
            "Messages",
            "Hold the code still, about a hand's width from the camera, and try again.",
        ),
    ),
    Problem.CODE_NEEDS_HOSPITAL: (
        QT_TRANSLATE_NOOP(
            "Messages", "Only the hospital system can read this code, and it is not answering."
        ),
        QT_TRANSLATE_NOOP(
            "Messages",
            "Show the QR code on your ID card or health insurance card instead, or type your "
            "ID number.",
        ),
    ),
    Problem.ID_INVALID: (
        QT_TRANSLATE_NOOP("Messages", "This ID number is not valid."),
        QT_TRANSLATE_NOOP("Messages", "Check the 12 digits on your ID card and type them again."),
    ),
    Problem.NEEDS_CARD_TO_REGISTER: (
        QT_TRANSLATE_NOOP(
            "Messages",
            "The hospital has no record for you yet. A new record needs the name and date of "
            "birth from your ID card.",
        ),
        QT_TRANSLATE_NOOP(
            "Messages",
            "Press Done, then show the QR code on your chip ID card and place the card on the "
            "reader. Or go to the reception counter.",
        ),
    ),
    Problem.HOSPITAL_UNAVAILABLE: (
        QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering right now."),
        QT_TRANSLATE_NOOP(
            "Messages", "Press Try again in a moment, or go to the reception counter."
        ),
    ),
    Problem.HOSPITAL_ERROR: (
        QT_TRANSLATE_NOOP("Messages", "The hospital system could not finish your request."),
        QT_TRANSLATE_NOOP(
            "Messages", "Press Try again in a moment, or go to the reception counter."
        ),
    ),
    Problem.INSURANCE_NOT_ACCEPTED: (
        QT_TRANSLATE_NOOP("Messages", "Your health insurance cannot be used at the kiosk today."),
        QT_TRANSLATE_NOOP("Messages", "Staff at the reception counter will check your card."),
    ),
    Problem.REGISTRATION_REJECTED: (
        QT_TRANSLATE_NOOP("Messages", "The hospital could not register this visit at the kiosk."),
        QT_TRANSLATE_NOOP("Messages", "Staff at the reception counter will help you register."),
    ),
    Problem.PRINTER_FAULT: (
        QT_TRANSLATE_NOOP("Messages", "The printer has a problem."),
        # Only what is true: an alert reaches staff as a log line and a metric, not a person.
        QT_TRANSLATE_NOOP("Messages", "Please remember your number and show it to a staff member."),
    ),
}

_PAID_OR_COUNTER = QT_TRANSLATE_NOOP(
    "Messages", "You can choose a paid service visit, or go to the reception counter."
)
_CHECK_AT_COUNTER = QT_TRANSLATE_NOOP(
    "Messages",
    "Please go to the reception counter to have it checked, or choose a paid service visit.",
)
_USE_INSURANCE = QT_TRANSLATE_NOOP("Messages", "You can use your insurance for today's visit.")

_INSURANCE: dict[InsuranceStatus, tuple[Tone, str, str]] = {
    InsuranceStatus.VALID: (
        Tone.OK,
        QT_TRANSLATE_NOOP("Messages", "Your health insurance card is valid."),
        _USE_INSURANCE,
    ),
    InsuranceStatus.VALID_DEFENCE_POLICE: (
        Tone.OK,
        QT_TRANSLATE_NOOP(
            "Messages",
            "Your health insurance is valid (managed by the defence or police insurance).",
        ),
        _USE_INSURANCE,
    ),
    InsuranceStatus.VALID_NEW_CARD_ISSUED: (
        Tone.OK,
        QT_TRANSLATE_NOOP(
            "Messages", "Your health insurance is valid. A new card has been issued to you."
        ),
        QT_TRANSLATE_NOOP(
            "Messages", "You can use your insurance today. Please use the new card next time."
        ),
    ),
    InsuranceStatus.EXPIRED: (
        Tone.BAD,
        QT_TRANSLATE_NOOP("Messages", "Your health insurance card has expired."),
        _PAID_OR_COUNTER,
    ),
    InsuranceStatus.CARD_NOT_FOUND: (
        Tone.WARN,
        QT_TRANSLATE_NOOP("Messages", "No information was found for your insurance card."),
        _CHECK_AT_COUNTER,
    ),
    InsuranceStatus.NAME_MISMATCH: (
        Tone.WARN,
        QT_TRANSLATE_NOOP(
            "Messages", "The name on your insurance card does not match the records."
        ),
        _CHECK_AT_COUNTER,
    ),
    InsuranceStatus.BIRTH_DATE_MISMATCH: (
        Tone.WARN,
        QT_TRANSLATE_NOOP(
            "Messages", "The date of birth on your insurance card does not match the records."
        ),
        _CHECK_AT_COUNTER,
    ),
    InsuranceStatus.REVOKED: (
        Tone.BAD,
        QT_TRANSLATE_NOOP("Messages", "Your health insurance card has been withdrawn."),
        _PAID_OR_COUNTER,
    ),
    InsuranceStatus.TERMINATED: (
        Tone.BAD,
        QT_TRANSLATE_NOOP("Messages", "Your health insurance card is no longer in force."),
        _PAID_OR_COUNTER,
    ),
    InsuranceStatus.CHILD_WITHOUT_CARD: (
        Tone.WARN,
        QT_TRANSLATE_NOOP(
            "Messages", "Insurance for a child without a card must be checked at the counter."
        ),
        QT_TRANSLATE_NOOP(
            "Messages",
            "Please go to the reception counter, with the child's birth certificate if you "
            "have it.",
        ),
    ),
    InsuranceStatus.CHECK_FAILED: (
        Tone.WARN,
        QT_TRANSLATE_NOOP("Messages", "Your health insurance could not be checked right now."),
        _PAID_OR_COUNTER,
    ),
    InsuranceStatus.NO_INSURANCE: (
        Tone.INFO,
        QT_TRANSLATE_NOOP("Messages", "The hospital has no health insurance card for you."),
        QT_TRANSLATE_NOOP(
            "Messages",
            "You can choose a paid service visit. If you have an insurance card, please go "
            "to the reception counter.",
        ),
    ),
}

_PRIORITIES: dict[PriorityGroup, str] = {
    PriorityGroup.NONE: QT_TRANSLATE_NOOP("Messages", "Not in a priority group"),
    PriorityGroup.EMERGENCY: QT_TRANSLATE_NOOP("Messages", "Emergency"),
    PriorityGroup.CHILD_UNDER_6: QT_TRANSLATE_NOOP("Messages", "Child under 6"),
    PriorityGroup.PREGNANT: QT_TRANSLATE_NOOP("Messages", "Pregnant woman"),
    PriorityGroup.SEVERE_DISABILITY: QT_TRANSLATE_NOOP(
        "Messages", "Person with a severe disability"
    ),
    PriorityGroup.ELDERLY_75: QT_TRANSLATE_NOOP("Messages", "Aged 75 or over"),
    PriorityGroup.REVOLUTIONARY_MERIT: QT_TRANSLATE_NOOP(
        "Messages", "Person with revolutionary merit"
    ),
}

_SERVICES: dict[ServiceType, str] = {
    ServiceType.INSURANCE: QT_TRANSLATE_NOOP("Messages", "Health insurance visit"),
    ServiceType.PAID: QT_TRANSLATE_NOOP("Messages", "Paid service visit"),
}

_SEXES: dict[Sex, str] = {
    Sex.MALE: QT_TRANSLATE_NOOP("Messages", "Male"),
    Sex.FEMALE: QT_TRANSLATE_NOOP("Messages", "Female"),
}

# The one instruction for a provisional number: the offline banner, the ticket screen and the
# paper (kiosk/app/ticket_paper.py, Vietnamese only: "Số tạm thời: xin xác nhận tại quầy tiếp
# đón.") say these same words.
_PROVISIONAL_NUMBER = QT_TRANSLATE_NOOP(
    "Messages", "Temporary number: please confirm it at the reception counter."
)

_HOSPITAL_BACK = QT_TRANSLATE_NOOP("Messages", "The hospital system is answering again.")
_SHOW_CODE_AGAIN = QT_TRANSLATE_NOOP(
    "Messages", "Press Try again, then show the code to the camera once more."
)
_PRESS_TRY_AGAIN = QT_TRANSLATE_NOOP("Messages", "Press Try again to go on with your check-in.")

_HISTORY_UNAVAILABLE = PatientMessage(
    QT_TRANSLATE_NOOP("Messages", "Your visit history cannot be shown right now."),
    QT_TRANSLATE_NOOP("Messages", "You can still go on with your check-in."),
)


def problem_message(problem: Problem) -> PatientMessage:
    happened, to_do = _PROBLEMS[problem]
    return PatientMessage(_t(happened), _t(to_do))


def provisional_instruction() -> str:
    """What to do with a provisional (offline) number: one sentence everywhere it is shown."""
    return _t(_PROVISIONAL_NUMBER)


def hospital_back_message(*, retry_shows_code: bool) -> PatientMessage:
    """The hospital system answers again after the screen said it did not."""
    return PatientMessage(
        _t(_HOSPITAL_BACK), _t(_SHOW_CODE_AGAIN if retry_shows_code else _PRESS_TRY_AGAIN)
    )


def history_unavailable_message() -> PatientMessage:
    return PatientMessage(
        _t(_HISTORY_UNAVAILABLE.what_happened), _t(_HISTORY_UNAVAILABLE.what_to_do)
    )


def insurance_message(status: InsuranceStatus) -> PatientMessage:
    _, happened, to_do = _INSURANCE[status]
    return PatientMessage(_t(happened), _t(to_do))


def insurance_tone(status: InsuranceStatus) -> Tone:
    return _INSURANCE[status][0]


def priority_name(group: PriorityGroup) -> str:
    return _t(_PRIORITIES[group])


def service_name(service: ServiceType) -> str:
    return _t(_SERVICES[service])


def sex_name(sex: Sex) -> str:
    return _t(_SEXES[sex])
