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
from kiosk.app.ticket_paper import paper_ticket
from kiosk.core.domain import PriorityGroup, ServiceType, Ticket

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "tickets"

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

# name -> (ticket, paper width in mm): the variants every round-trip test covers.
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


def save_artifact(name: str, image: Image.Image) -> Path:
    """Saves a picture under tests/artifacts/tickets/ (gitignored) for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    image.save(path)
    return path
