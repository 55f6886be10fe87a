"""The kiosk's `Ticket` on paper: what the ticket says, in the printer library's terms.

The one adapter between the kiosk and drivers/printer. It holds the ticket's wording (in
Vietnamese) and typography, applies the hospital's ticket template (which fields, footer,
hospital name, logo), and turns the printer library's errors into the kiosk's.
Imports nothing heavy: fonts and python-escpos load with the printers, off the start-up path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from drivers.printer import errors as printer_errors
from drivers.printer.base import DocumentPrinter
from drivers.printer.document import (
    AsciiLine,
    Banner,
    BoxedNotice,
    Element,
    Gap,
    Logo,
    PaperTicket,
    Phrases,
    Qr,
    QueueLabel,
    Rule,
    Style,
    Text,
)
from kiosk.core.domain import (
    CounterSlip,
    IdentityCheck,
    PrinterError,
    PrinterProblem,
    PriorityGroup,
    ServiceType,
    Ticket,
)
from kiosk.core.payment.money import format_vnd

if TYPE_CHECKING:
    from PIL import Image


class TicketField(Enum):
    """Optional parts of a ticket. The queue number, priority and provisional marks always print."""

    HOSPITAL_NAME = "hospital_name"
    TITLE = "title"  # "PHIẾU KHÁM BỆNH" / "SỐ THỨ TỰ"
    DEPARTMENT = "department"
    ROOM = "room"
    DIRECTIONS = "directions"
    PATIENT_NAME = "patient_name"
    BIRTH_YEAR = "birth_year"
    SERVICE = "service"
    IDENTITY_CHECK = "identity_check"  # for staff: chip verified, read, failed or skipped
    WAIT = "wait"  # people ahead and estimated wait
    ISSUED_AT = "issued_at"
    VISIT_QR = "visit_qr"
    FOOTER = "footer"


@dataclass(frozen=True)
class TicketTemplate:
    """What a hospital chooses about its tickets."""

    hospital_name: str | None = None  # None: the name the ticket carries
    footer_lines: tuple[str, ...] | None = None  # None: the ticket's own footer
    fields: frozenset[TicketField] = frozenset(TicketField)
    logo: Image.Image | None = field(default=None, compare=False)


PRIORITY_GROUP_NAMES = {
    PriorityGroup.PREGNANT: "Phụ nữ có thai",
    PriorityGroup.ELDERLY_75: "Người từ 75 tuổi",
    PriorityGroup.CHILD_UNDER_6: "Trẻ em dưới 6 tuổi",
    PriorityGroup.SEVERE_DISABILITY: "Người khuyết tật nặng",
    PriorityGroup.REVOLUTIONARY_MERIT: "Người có công với cách mạng",
    PriorityGroup.EMERGENCY: "Cấp cứu",
}
# For counter staff: how far the kiosk checked the patient's identity (none when it did not try).
IDENTITY_CHECK_NOTES = {
    IdentityCheck.CHIP_VERIFIED: "Đã xác thực chip Căn cước / CCCD",
    IdentityCheck.CHIP_READ: "Đã đọc chip Căn cước / CCCD, chưa xác thực chữ ký",
    IdentityCheck.CHIP_FAILED: "Không đọc được chip Căn cước / CCCD: kiểm tra giấy tờ",
    IdentityCheck.CARD_SKIPPED: "Chưa đọc chip Căn cước / CCCD: kiểm tra giấy tờ",
}
SERVICE_NAMES = {ServiceType.INSURANCE: "Khám BHYT", ServiceType.PAID: "Khám dịch vụ"}
# The screen's sentence for a provisional number (ui.messages), word for word.
PROVISIONAL_NOTICE = ("SỐ TẠM THỜI", "xin xác nhận tại quầy tiếp đón")
REPRINT_NOTICE = ("BẢN IN LẠI",)
PAID_NOTICE = "ĐÃ THANH TOÁN"
UNPAID_WHERE = "quầy thu ngân"
# The counter slip's reasons, for staff (kiosk.core.flow.transitions.COUNTER_CODES).
COUNTER_REASONS = {
    "QT-BHYT": "Thẻ BHYT không được chấp nhận",
    "QT-CHIP": "Chip Căn cước / CCCD không xác thực được",
    "QT-TUCHOI": "Bệnh viện từ chối đăng ký khám",
    "QT-HETHONG": "Lỗi hệ thống khi đăng ký",
    "QT-HOSOMOI": "Cần lập hồ sơ bệnh nhân mới",
}

# The ticket's type scale (sizes on 80 mm paper).
HOSPITAL = Style(30, 700)
TITLE = Style(30, 700)
SUBTITLE = Style(24, 500)
DEPARTMENT = Style(34, 700)
ROOM = Style(30, 600)
BODY = Style(26, 500)
BODY_BOLD = Style(28, 700)
FOOTER = Style(22, 500)
# A reason code is read at a glance but is not a queue number: the printer's font at its
# queue-label size (8 times as tall) draws it tall and narrow, and too wide for 58 mm paper.
REASON_CODE = Style(52, 800)

_PROBLEMS = {
    printer_errors.PrinterProblem.OUT_OF_PAPER: PrinterProblem.OUT_OF_PAPER,
    printer_errors.PrinterProblem.COVER_OPEN: PrinterProblem.COVER_OPEN,
    printer_errors.PrinterProblem.OFFLINE: PrinterProblem.OFFLINE,
    printer_errors.PrinterProblem.WRITE_FAILED: PrinterProblem.WRITE_FAILED,
}
_DEVICE_PROBLEMS = {kiosk: device for device, kiosk in _PROBLEMS.items()}


def kiosk_problem(problem: printer_errors.PrinterProblem) -> PrinterProblem:
    """A printer library's problem as the kiosk's flow and staff screens know it."""
    return _PROBLEMS[problem]


def device_problem(problem: PrinterProblem) -> printer_errors.PrinterProblem:
    """The kiosk's printer problem as the printer library's (the demo switches faults on)."""
    return _DEVICE_PROBLEMS[problem]


def paper_ticket(ticket: Ticket, template: TicketTemplate | None = None) -> PaperTicket:
    """What the printer puts on paper for `ticket`, top down."""
    template = template or TicketTemplate()
    fields = template.fields
    out: list[Element] = [Gap(12)]
    if template.logo is not None:
        out += [Logo(template.logo), Gap(8)]
    if TicketField.HOSPITAL_NAME in fields:
        out += [Text(template.hospital_name or ticket.hospital_name, HOSPITAL), Gap(10)]
    if TicketField.TITLE in fields:
        out += [Text("PHIẾU KHÁM BỆNH", TITLE), Text("SỐ THỨ TỰ", SUBTITLE)]
    out.append(QueueLabel(ticket.queue_label))
    if ticket.priority.is_priority:
        # Only the word on the black bar: a bar is ink in every row, the costliest paper.
        group = Text(PRIORITY_GROUP_NAMES[ticket.priority], BODY_BOLD)
        out += [Gap(6), Banner(("ƯU TIÊN",)), Gap(4), group]
    if ticket.provisional:
        # Next to the number, where patient and staff both look first.
        out += [Gap(10), BoxedNotice(PROVISIONAL_NOTICE), Gap(6)]
    if ticket.reprint:
        out += [Gap(10), BoxedNotice(REPRINT_NOTICE), Gap(6)]
    place = [
        (TicketField.DEPARTMENT, Text(ticket.department_name, DEPARTMENT)),
        (TicketField.ROOM, Text(f"Phòng {ticket.room} – Tầng {ticket.floor}", ROOM)),
    ]
    if fields & {TicketField.DEPARTMENT, TicketField.ROOM, TicketField.DIRECTIONS}:
        out += [Rule(), *_chosen(fields, place)]
    if TicketField.DIRECTIONS in fields:
        out += [Gap(4), Text(ticket.directions, BODY)]
    person = [
        (TicketField.PATIENT_NAME, Text(ticket.masked_name, BODY_BOLD)),
        (TicketField.BIRTH_YEAR, Text(f"Năm sinh {ticket.birth_year}", BODY)),
        (TicketField.SERVICE, Text(SERVICE_NAMES[ticket.service], BODY_BOLD)),
        (
            TicketField.IDENTITY_CHECK,
            Text(IDENTITY_CHECK_NOTES.get(ticket.identity_check, ""), FOOTER),
        ),
    ]
    if any(chosen in fields and line.text.strip() for chosen, line in person):
        out += [Rule(), *_chosen(fields, person)]
    out += _payment(ticket)
    if fields & {TicketField.WAIT, TicketField.ISSUED_AT, TicketField.VISIT_QR}:
        out.append(Rule())
    if TicketField.WAIT in fields and not ticket.reprint:  # the queue has moved on since
        wait = (
            f"Trước bạn: {ticket.people_ahead} người",
            f"Chờ khoảng {ticket.estimated_wait_minutes} phút",
        )
        out.append(Phrases(wait, " · ", BODY))
    if TicketField.ISSUED_AT in fields:
        out.append(AsciiLine(ticket.issued_at.strftime("%d/%m/%Y %H:%M"), BODY))
    if TicketField.VISIT_QR in fields and ticket.visit_id:  # provisional: no visit yet
        out += [Gap(6), Qr(ticket.visit_id), Gap(6)]
    if TicketField.FOOTER in fields:
        footer = (
            ticket.footer if template.footer_lines is None else "\n".join(template.footer_lines)
        )
        out.append(Text(footer, FOOTER))
    return PaperTicket(tuple(out))


def _payment(ticket: Ticket) -> list[Element]:
    """A paid visit's fee: paid at the kiosk, or how much and where to pay. Always printed:
    the cashier and the clinic both ask about it."""
    where = ticket.pay_at or UNPAID_WHERE
    if ticket.fee_vnd is None:
        if ticket.service is ServiceType.PAID and ticket.provisional:  # offline, fee not known
            return [Gap(6), Text(f"Vui lòng nộp phí khám tại {where}", BODY)]
        return []
    amount = format_vnd(ticket.fee_vnd)
    if ticket.paid_reference is not None:
        reference = Text(f"Mã thanh toán: {ticket.paid_reference}", BODY)
        return [Gap(8), BoxedNotice((PAID_NOTICE, amount)), Gap(4), reference]
    return [Gap(6), Text(f"Phí khám: {amount}", BODY_BOLD), Text(f"Vui lòng nộp tại {where}", BODY)]


def counter_slip_paper(slip: CounterSlip, template: TicketTemplate | None = None) -> PaperTicket:
    """The slip for a patient sent to the counter: the reason code large (staff read it at a
    glance), the reason, where and when, the masked identity. Never a diagnosis."""
    template = template or TicketTemplate()
    out: list[Element] = [Gap(12)]
    if template.logo is not None:
        out += [Logo(template.logo), Gap(8)]
    out += [Text(template.hospital_name or slip.hospital_name, HOSPITAL), Gap(10)]
    out += [Text("PHIẾU MỜI ĐẾN QUẦY", TITLE), Gap(8), Text(slip.reason_code, REASON_CODE)]
    out += [Text(COUNTER_REASONS.get(slip.reason_code, ""), BODY_BOLD), Rule()]
    out += [Text(slip.counter_location, ROOM)]
    if slip.counter_hours:
        out.append(Text(f"Giờ làm việc: {slip.counter_hours}", BODY))
    person: list[Element] = []
    if slip.masked_name:
        person.append(Text(slip.masked_name, BODY_BOLD))
    if slip.masked_id:  # digits and asterisks: the printer's own font prints them
        person.append(AsciiLine(slip.masked_id, BODY_BOLD))
    if person:
        out += [Rule(), *person]
    out += [Rule(), AsciiLine(slip.issued_at.strftime("%d/%m/%Y %H:%M"), BODY)]
    footer = slip.footer if template.footer_lines is None else "\n".join(template.footer_lines)
    out.append(Text(footer, FOOTER))
    return PaperTicket(tuple(out))


def _chosen(fields: frozenset[TicketField], lines: list[tuple[TicketField, Text]]) -> list[Text]:
    return [line for chosen, line in lines if chosen in fields]


def sample_ticket(*, hospital_name: str, footer: str, issued_at: datetime) -> Ticket:
    """The ticket printed when nobody is being checked in (self-test, doctor, staff test
    print): full-sized and plainly not a patient's (visit id `SAMPLE`)."""
    return Ticket(
        hospital_name=hospital_name,
        queue_label="B001",
        department_name="Khoa Khám bệnh",
        room="101",
        floor=1,
        directions="Rẽ trái sau quầy tiếp đón.",
        masked_name="NGUYỄN V. A.",
        birth_year=1990,
        service=ServiceType.INSURANCE,
        priority=PriorityGroup.NONE,
        issued_at=issued_at,
        people_ahead=3,
        estimated_wait_minutes=10,
        visit_id="SAMPLE",
        footer=footer,
    )


class PaperTicketPrinter:
    """The kiosk's `TicketPrinter` (kiosk.core.ports) on a printer of the printer library."""

    def __init__(self, device: DocumentPrinter, template: TicketTemplate | None = None) -> None:
        self._device = device
        self._template = template or TicketTemplate()

    def paper(self, ticket: Ticket | CounterSlip) -> PaperTicket:
        """What this printer puts on paper for `ticket` (or a counter slip)."""
        if isinstance(ticket, CounterSlip):
            return counter_slip_paper(ticket, self._template)
        return paper_ticket(ticket, self._template)

    def print_ticket(self, ticket: Ticket | CounterSlip) -> None:
        try:
            self._device.print_document(self.paper(ticket))
        except printer_errors.PrinterError as error:
            raise PrinterError(kiosk_problem(error.problem), error.detail) from error
