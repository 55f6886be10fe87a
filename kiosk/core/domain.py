"""Plain value types shared by the whole kiosk.

Every type here is a frozen dataclass or an enum with no behaviour that needs I/O, so
drivers, the offline cache, the hospital clients and the UI can all depend on this
module without depending on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum


class Sex(Enum):
    MALE = "male"
    FEMALE = "female"


class IdentitySource(Enum):
    """Where an identity came from; the chip is the only source a forger cannot fake."""

    CHIP = "chip"
    CCCD_QR = "cccd_qr"
    BHYT_QR = "bhyt_qr"
    KEYPAD = "keypad"
    HOSPITAL_RESOLVED = "hospital_resolved"  # a code only the hospital can read (VNeID, booking)


class NameSource(Enum):
    """Where a chip identity's name came from when not from the chip's DG13 (its DG13 is in
    a layout the kiosk does not know, e.g. a Căn cước issued since July 2024)."""

    CHIP_MRZ = "chip_mrz"  # DG1's MRZ: capitals without diacritics
    QR_CODE = "qr_code"  # the code shown, its name spelling the MRZ's letter for letter


@dataclass(frozen=True)
class BirthDate:
    """A birth date that may be known only to the year (some BHYT cards print yyyy only)."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def from_date(cls, value: date) -> BirthDate:
        return cls(value.year, value.month, value.day)

    def as_date(self) -> date | None:
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)

    def age_on(self, today: date) -> int:
        """Completed years on `today`; with the year alone, the age reached this year."""
        age = today.year - self.year
        known = self.month is not None and self.day is not None
        if known and (today.month, today.day) < (self.month, self.day):
            age -= 1
        return max(age, 0)

    def iso(self) -> str:
        """`yyyy`, or `yyyy-mm-dd` when the full date is known (the wire format)."""
        full = self.as_date()
        return full.isoformat() if full else f"{self.year:04d}"


class IdentityCheck(Enum):
    """How far the kiosk checked who the patient is: counter staff see it on the ticket."""

    CHIP_VERIFIED = "chip_verified"  # chip read, issuer's signature verified
    CHIP_READ = "chip_read"  # chip read and intact, but its signer is not in the trusted list
    CHIP_FAILED = "chip_failed"  # the chip could not be read: the QR or keypad identity is used
    CARD_SKIPPED = "card_skipped"  # the patient went on without placing the card
    NOT_CHECKED = "not_checked"  # no chip step: no reader, or an identity the hospital vouches for


@dataclass(frozen=True)
class Identity:
    """Who is standing at the kiosk, as far as the card, QR code or keypad tells."""

    source: IdentitySource
    citizen_id: str | None = None  # the 12-digit personal ID number
    insurance_number: str | None = None  # BHYT card number (15 chars) or 10-digit SI number
    full_name: str | None = None
    birth: BirthDate | None = None
    sex: Sex | None = None
    address: str | None = None
    chip_verified: bool = False
    name_source: NameSource | None = None  # None: the name came from `source` itself

    @property
    def can_register_new_patient(self) -> bool:
        """A new hospital record needs a name, birth date and sex besides an ID number."""
        has_number = bool(self.citizen_id or self.insurance_number)
        return (
            has_number
            and bool(self.full_name)
            and self.birth is not None
            and (self.sex is not None)
        )


@dataclass(frozen=True)
class Insurance:
    """The hospital's check of a BHYT card against Vietnam Social Security."""

    number: str
    result_code: str  # maKetQua, three digits, e.g. "000"
    valid_from: date | None = None
    valid_to: date | None = None
    facility_code: str | None = None  # registered primary-care facility, e.g. "01 - 001"


@dataclass(frozen=True)
class Patient:
    patient_id: str  # the hospital's own record id (not personal data by itself)
    full_name: str
    birth: BirthDate
    sex: Sex
    citizen_id: str | None = None
    address: str | None = None
    insurance: Insurance | None = None


@dataclass(frozen=True)
class Appointment:
    appointment_id: str
    department_code: str
    starts_at: datetime
    doctor_name: str | None = None


class Audience(Enum):
    """Whom a department sees: the kiosk does not suggest a children's clinic to an adult."""

    ALL = "all"
    ADULT = "adult"  # 16 and over
    CHILD = "child"  # under 16
    WOMEN = "women"  # women and girls of 12 and over (obstetrics and gynaecology)


@dataclass(frozen=True)
class Department:
    code: str
    name: str  # Vietnamese, as the hospital names it
    room: str
    floor: int
    directions: str  # Vietnamese
    accepts_insurance: bool
    waiting: int  # people waiting in the normal queue now
    waiting_priority: int  # people waiting in the priority queue now
    estimated_wait_minutes: int  # for a newcomer in the normal queue
    name_en: str | None = None
    directions_en: str | None = None
    audience: Audience = Audience.ALL
    fee_vnd: int | None = None  # a paid visit (khám dịch vụ) here, in đồng; None: not told
    insured_share_vnd: int | None = None  # what a BHYT patient pays of the visit, when known


@dataclass(frozen=True)
class Visit:
    """One past visit, shown only when the patient asks for their history."""

    visit_date: date
    department_name: str
    diagnosis: str | None = None
    doctor_name: str | None = None


class ServiceType(Enum):
    INSURANCE = "insurance"  # khám BHYT
    PAID = "paid"  # khám dịch vụ


class PriorityGroup(Enum):
    """Priority groups of the Law on Medical Examination and Treatment 2023, art. 3(2)."""

    NONE = "none"
    EMERGENCY = "emergency"
    CHILD_UNDER_6 = "child_under_6"
    PREGNANT = "pregnant"
    SEVERE_DISABILITY = "severe_disability"
    ELDERLY_75 = "elderly_75"
    REVOLUTIONARY_MERIT = "revolutionary_merit"

    @property
    def is_priority(self) -> bool:
        return self is not PriorityGroup.NONE


@dataclass(frozen=True)
class CheckIn:
    """What the kiosk asks the hospital to register: one visit, under one idempotency key."""

    idempotency_key: str
    kiosk_id: str
    patient_id: str
    department_code: str
    service: ServiceType
    priority: PriorityGroup
    appointment_id: str | None = None
    identity_check: IdentityCheck = IdentityCheck.NOT_CHECKED


class PaymentState(Enum):
    PENDING = "pending"  # waiting for the bank
    PAID = "paid"
    EXPIRED = "expired"  # not paid in time: pay at the cashier
    CANCELLED = "cancelled"  # the patient gave up, or the hospital withdrew it


@dataclass(frozen=True)
class PaymentRequest:
    """What a paid visit asks for after registration: a bank transfer the hospital can match.

    The reference is bound to the visit's idempotency key: a retried registration gets the
    same request back, so a patient can never be asked to pay twice."""

    reference: str  # the transfer's content, ASCII letters and digits
    amount_vnd: int
    bank_bin: str  # the receiving bank's NAPAS BIN
    bank_name: str  # as patients know it, e.g. "Vietcombank"
    account: str
    account_name: str  # the account holder, as the banking app will show it
    expires_at: datetime
    qr_payload: str | None = None  # the hospital's own VietQR; None: the kiosk writes one


@dataclass(frozen=True)
class Registration:
    """The hospital's answer to a registered visit: where the patient goes and when."""

    visit_id: str
    queue_number: int
    department_code: str
    room: str
    floor: int
    people_ahead: int
    estimated_wait_minutes: int
    registered_at: datetime
    payment: PaymentRequest | None = None  # a paid visit the kiosk may take payment for


@dataclass(frozen=True)
class Ticket:
    """Everything printed on the paper slip, already masked and formatted."""

    hospital_name: str
    queue_label: str  # e.g. "B012", "UB007": ASCII so printers can print it natively
    department_name: str
    room: str
    floor: int
    directions: str
    masked_name: str  # e.g. "NGUYỄN V. A."
    birth_year: int
    service: ServiceType
    priority: PriorityGroup
    issued_at: datetime
    people_ahead: int
    estimated_wait_minutes: int
    visit_id: str
    footer: str
    provisional: bool = False
    identity_check: IdentityCheck = IdentityCheck.NOT_CHECKED
    reprint: bool = False  # a visit registered earlier today, printed again ("BẢN IN LẠI")
    fee_vnd: int | None = None  # a paid visit's fee, when the hospital told it
    paid_reference: str | None = None  # paid at the kiosk: the transfer's reference
    pay_at: str = ""  # where to pay when not paid at the kiosk (the cashier)


@dataclass(frozen=True)
class TodayVisit:
    """A visit already registered for the patient today: its ticket can be printed again."""

    visit_id: str  # "" for a provisional visit still in the kiosk's outbox
    department_code: str
    queue_label: str  # as on the ticket: "B021", or provisional "K01-B012"
    service: ServiceType
    priority: PriorityGroup
    room: str
    floor: int
    registered_at: datetime
    provisional: bool = False


@dataclass(frozen=True)
class CounterSlip:
    """The paper for a patient sent to the counter: why (a code for staff), where and when,
    and who, masked. Never a diagnosis."""

    hospital_name: str
    reason_code: str  # e.g. "QT-BHYT": staff know the case without asking
    counter_location: str
    counter_hours: str
    masked_id: str | None
    masked_name: str | None
    issued_at: datetime
    footer: str


class PrinterProblem(Enum):
    OUT_OF_PAPER = "out_of_paper"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    WRITE_FAILED = "write_failed"


class DeviceError(Exception):
    """A device could not do its job; `problem` says why in terms staff can act on."""

    def __init__(self, problem: PrinterProblem | CardProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
        self.detail = detail


class PrinterError(DeviceError):
    """A ticket could not be printed."""

    problem: PrinterProblem


class CardProblem(Enum):
    UNREADABLE = "unreadable"  # no answer, garbage, or an unsupported card
    REMOVED = "removed"  # taken away before the read finished
    ACCESS_DENIED = "access_denied"  # keys did not open the chip
    FORGED = "forged"  # passive or active authentication failed
    WRONG_CARD = "wrong_card"  # the chip holds another person's ID than the one shown
    NEEDS_BIRTH_DATE = "needs_birth_date"  # a BAC-only chip, and no birth date known for its key
