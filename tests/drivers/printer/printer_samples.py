"""Tickets shared by the printer tests, and where their sample pictures go.

The kiosk's tickets, put on paper by its adapter (kiosk/app/ticket_paper.py) with the default
template: the printer library is tested on what the kiosk really prints.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image

from drivers.printer.document import PaperTicket
from kiosk.app.ticket_paper import counter_slip_paper, paper_ticket
from kiosk.core.domain import CounterSlip, IdentityCheck, PriorityGroup, ServiceType, Ticket

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "tickets"

# A printer profile per paper width, both 203 dpi with native text, native QR and a cutter.
PAPER_PROFILES = {80: "TM-T20II", 58: "RP-F10-58mm"}  # 576 and 432 dots

STANDARD_TICKET = Ticket(
    hospital_name="Bệnh viện Đa khoa Tỉnh Quảng Ngãi",
    queue_label="B012",
    department_name="Khoa Răng Hàm Mặt",
    room="204",
    floor=2,
    directions="Đi thang máy lên tầng 2, rẽ phải, cuối hành lang.",
    masked_name="NGUYỄN V. A.",
    birth_year=1958,
    service=ServiceType.INSURANCE,
    priority=PriorityGroup.NONE,
    issued_at=datetime(2025, 3, 7, 8, 5),
    people_ahead=12,
    estimated_wait_minutes=35,
    visit_id="V-20250307-000123",
    footer="Vui lòng giữ phiếu này. Cảm ơn quý khách!",
)

LONG_NAMES_TICKET = replace(
    STANDARD_TICKET,
    hospital_name=(
        "Bệnh viện Trung ương Quân đội 108 – Viện Nghiên cứu Khoa học Y Dược Lâm sàng 108"
    ),
    department_name=(
        "Khoa Phẫu thuật Chấn thương Chỉnh hình và Y học Thể thao kết hợp Phục hồi chức năng"
    ),
    directions=(
        "Từ sảnh chính đi thẳng qua khu xét nghiệm, lên cầu thang bộ số 3 tới tầng 5, "
        "rẽ trái qua hành lang nối sang tòa nhà B, phòng thứ hai bên tay phải."
    ),
    masked_name="TÔN NỮ H. T. Đ. Q.",
    footer="Xin giữ phiếu cho tới khi khám xong.\nHotline hỗ trợ người bệnh: 1900 1234",
)


def paper(ticket: Ticket = STANDARD_TICKET, **changes: Any) -> PaperTicket:
    """`ticket`, with `changes` to its fields, as the kiosk puts it on paper."""
    return paper_ticket(replace(ticket, **changes))


STANDARD = paper()

# name -> (ticket, paper width in mm): the variants every round-trip test covers, each on
# the profile `PAPER_PROFILES` gives its paper.
VARIANTS: dict[str, tuple[PaperTicket, int]] = {
    "standard_80mm": (STANDARD, 80),
    "standard_58mm": (STANDARD, 58),
    "priority_80mm": (paper(queue_label="UB007", priority=PriorityGroup.REVOLUTIONARY_MERIT), 80),
    "priority_provisional_58mm": (
        paper(
            queue_label="UD007",
            service=ServiceType.PAID,
            priority=PriorityGroup.ELDERLY_75,
            provisional=True,
        ),
        58,
    ),
    "provisional_80mm": (paper(provisional=True), 80),
    "long_names_80mm": (paper(LONG_NAMES_TICKET), 80),
    "long_names_58mm": (
        paper(LONG_NAMES_TICKET, queue_label="UB1234", priority=PriorityGroup.PREGNANT),
        58,
    ),
}


# The printers every ticket kind must fit 12 KB on: 80 mm at 203 dpi, 80 mm at 180 dpi
# (512 dots), 58 mm without native QR.
BUDGET_PROFILES = ["TM-T20II", "TM-T88V", "POS-5890"]

COUNTER_SLIP = CounterSlip(
    hospital_name=STANDARD_TICKET.hospital_name,
    reason_code="QT-HETHONG",
    counter_location="Quầy tiếp đón số 3, sảnh A, tầng 1",
    counter_hours="7:00 – 16:30",
    masked_id="001******345",
    masked_name="NGUYỄN V. A.",
    issued_at=datetime(2025, 3, 7, 8, 5),
    footer=STANDARD_TICKET.footer,
)

# Every kind of paper the kiosk prints, and the long wording some hospitals give it.
TICKET_KINDS: dict[str, PaperTicket] = {
    "normal": STANDARD,
    "provisional": paper(queue_label="K01-B012", provisional=True, visit_id=""),
    "priority": paper(queue_label="UB007", priority=PriorityGroup.REVOLUTIONARY_MERIT),
    "priority_provisional": paper(
        queue_label="UD007",
        service=ServiceType.PAID,
        priority=PriorityGroup.ELDERLY_75,
        provisional=True,
        identity_check=IdentityCheck.CHIP_FAILED,
    ),
    "chip_failed": paper(identity_check=IdentityCheck.CHIP_FAILED),
    "reprint": paper(reprint=True),
    "counter_slip": counter_slip_paper(COUNTER_SLIP),
    "long_hospital_name": paper(hospital_name=LONG_NAMES_TICKET.hospital_name),
    "long_directions": paper(directions=LONG_NAMES_TICKET.directions),
    "long_everything": paper(LONG_NAMES_TICKET),
}


def save_artifact(name: str, image: Image.Image) -> Path:
    """Saves a picture under tests/artifacts/tickets/ (gitignored) for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    image.save(path)
    return path
