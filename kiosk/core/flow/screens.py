"""What the patient sees: the screens, the sets of screens the flow treats alike, the languages
and the problems an error screen explains."""

from __future__ import annotations

from enum import Enum, auto

from kiosk.core.domain import PriorityGroup


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
    PAYING = auto()  # a paid visit is registered: its VietQR code, until paid or given up
    PRINTING = auto()
    TICKET = auto()
    PRINTER_FAULT = auto()
    HOSPITAL_UNAVAILABLE = auto()
    GO_TO_COUNTER = auto()
    SWITCH_PATIENT = auto()  # another person's code mid-session: start over for them?
    ALREADY_CHECKED_IN = auto()  # a visit today already: print its ticket again, or another?


# Screens that wait for the hospital or the printer: no idle timer, the call's own deadline
# bounds them. Registering and printing cannot be cancelled either: the visit may already exist.
BUSY_SCREENS = frozenset(
    {Screen.LOOKING_UP, Screen.CREATING_PATIENT, Screen.REGISTERING, Screen.PRINTING}
)
# Paying cannot be cancelled either: the visit exists, its ticket must come out.
NOT_CANCELLABLE = frozenset({Screen.WELCOME, Screen.REGISTERING, Screen.PAYING, Screen.PRINTING})
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
        Screen.ALREADY_CHECKED_IN,
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
