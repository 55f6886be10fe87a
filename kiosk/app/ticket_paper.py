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
    IdentityCheck,
    PrinterError,
    PrinterProblem,
    PriorityGroup,
    ServiceType,
    Ticket,
)

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
    IdentityCheck.CHIP_VERIFIED: "Đã xác thực chip CCCD",
    IdentityCheck.CHIP_READ: "Đã đọc chip CCCD, chưa xác thực chữ ký",
    IdentityCheck.CHIP_FAILED: "Không đọc được chip CCCD: kiểm tra giấy tờ",
    IdentityCheck.CARD_SKIPPED: "Chưa đọc chip CCCD: kiểm tra giấy tờ",
}
SERVICE_NAMES = {ServiceType.INSURANCE: "Khám BHYT", ServiceType.PAID: "Khám dịch vụ"}
PROVISIONAL_NOTICE = ("SỐ TẠM", "vui lòng xác nhận tại quầy")

# The ticket's type scale (sizes on 80 mm paper).
HOSPITAL = Style(30, 700)
TITLE = Style(30, 700)
SUBTITLE = Style(24, 500)
DEPARTMENT = Style(34, 700)
ROOM = Style(30, 600)
BODY = Style(26, 500)
BODY_BOLD = Style(28, 700)
FOOTER = Style(22, 500)

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
        out += [Gap(6), Banner(("ƯU TIÊN", PRIORITY_GROUP_NAMES[ticket.priority]))]
    if ticket.provisional:
        # Next to the number, where patient and staff both look first.
        out += [Gap(10), BoxedNotice(PROVISIONAL_NOTICE), Gap(6)]
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
    if fields & {TicketField.WAIT, TicketField.ISSUED_AT, TicketField.VISIT_QR}:
        out.append(Rule())
    if TicketField.WAIT in fields:
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

    def paper(self, ticket: Ticket) -> PaperTicket:
        """What this printer puts on paper for `ticket`."""
        return paper_ticket(ticket, self._template)

    def print_ticket(self, ticket: Ticket) -> None:
        try:
            self._device.print_document(self.paper(ticket))
        except printer_errors.PrinterError as error:
            raise PrinterError(kiosk_problem(error.problem), error.detail) from error
