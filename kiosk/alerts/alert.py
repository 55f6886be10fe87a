"""What a staff alert is: a kind from a fixed catalogue, its severity, the kiosk, no personal data.

A *condition* (the printer is out of paper, the hospital is unreachable) is one incident from
the moment it is raised until it clears: one "firing" message, then one "resolved". An *event*
(a cloned card, a patient pressing "call staff") is one message; the same event again within a
short window joins it instead of sending another.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Severity(StrEnum):
    CRITICAL = "critical"  # a patient cannot get a ticket here
    WARNING = "warning"  # it works, worse (near end of paper, chip reads failing)
    INFO = "info"  # someone asked for help


@dataclass(frozen=True)
class AlertKind:
    name: str
    severity: Severity
    vi: str  # the one-line summary a chat bridge shows staff, Vietnamese first
    en: str
    condition: bool = True  # False: a one-off event, never "resolved"


_CATALOGUE = (
    AlertKind("printer_out_of_paper", Severity.CRITICAL, "Máy in hết giấy", "Printer out of paper"),
    AlertKind(
        "printer_paper_near_end", Severity.WARNING, "Máy in sắp hết giấy", "Printer paper near end"
    ),
    AlertKind("printer_cover_open", Severity.CRITICAL, "Nắp máy in đang mở", "Printer cover open"),
    AlertKind(
        "printer_offline", Severity.CRITICAL, "Máy in không phản hồi", "Printer not responding"
    ),
    AlertKind(
        "printer_write_failed", Severity.CRITICAL, "Máy in không in được", "Printer failed to print"
    ),
    AlertKind(
        "chip_read_failing", Severity.WARNING, "Không đọc được chip thẻ CCCD", "Chip reads failing"
    ),
    AlertKind(
        "card_forged",
        Severity.CRITICAL,
        "Chip thẻ không xác thực được (nghi thẻ giả)",
        "A card's chip failed authentication (possible clone)",
        condition=False,
    ),
    AlertKind(
        "hospital_offline",
        Severity.CRITICAL,
        "Mất kết nối hệ thống bệnh viện, ki-ốt đang in số tạm",
        "Hospital system unreachable, kiosk printing provisional numbers",
    ),
    AlertKind(
        "hospital_error",
        Severity.WARNING,
        "Hệ thống bệnh viện báo lỗi",
        "Hospital system returned an error",
        condition=False,
    ),
    AlertKind(
        "outbox_rejected",
        Severity.WARNING,
        "Bệnh viện từ chối lượt đăng ký ngoại tuyến, cần xử lý",
        "Hospital refused an offline check-in: follow-up needed",
        condition=False,
    ),
    AlertKind("camera_missing", Severity.WARNING, "Không thấy camera", "Camera missing"),
    AlertKind(
        "scanner_lost",
        Severity.WARNING,
        "Mất kết nối máy quét mã",
        "Code scanner disconnected",
        condition=False,
    ),
    AlertKind(
        "startup_failed",
        Severity.CRITICAL,
        "Ki-ốt không khởi động được kết nối hoặc thiết bị",
        "Kiosk could not start its hospital link or devices",
        condition=False,
    ),
    AlertKind(
        "staff_called",
        Severity.INFO,
        "Người bệnh cần hỗ trợ tại ki-ốt",
        "A patient asks for help at the kiosk",
        condition=False,
    ),
)
KINDS: dict[str, AlertKind] = {kind.name: kind for kind in _CATALOGUE}


@dataclass(frozen=True)
class KioskIdentity:
    id: str
    name: str = ""  # where it stands, e.g. "Sảnh A, tầng 1"
    location: str = ""  # the building or area staff are routed by, e.g. "toa-A"


# A detail is a word from the code (a screen's or a problem's name): anything else is dropped,
# and so are runs of digits long enough to be part of a number that identifies someone.
_DETAIL_CHARS = re.compile(r"[^a-z0-9_:. -]")
_LONG_NUMBER = re.compile(r"\d{4,}")
DETAIL_MAX = 64


def clean_detail(detail: str) -> str:
    return _LONG_NUMBER.sub("", _DETAIL_CHARS.sub("", detail.lower()))[:DETAIL_MAX]


def message_body(
    *,
    message_id: str,
    incident_id: str,
    kind: AlertKind,
    status: str,  # "firing" | "resolved"
    detail: str,
    kiosk: KioskIdentity,
    started_at: float,
    resolved_at: float | None,
) -> str:
    """The JSON a channel receives; fixed once written, so every retry sends the same bytes."""
    where = " · ".join(part for part in (kiosk.id, kiosk.name) if part)
    mark = "ĐÃ XỬ LÝ / RESOLVED" if status == "resolved" else kind.severity.value.upper()
    body = {
        "version": 1,
        "message_id": message_id,  # the same on every retry: receivers drop repeats by it
        "incident_id": incident_id,
        "status": status,
        "kind": kind.name,
        "severity": kind.severity.value,
        "summary": {"vi": kind.vi, "en": kind.en},
        "detail": detail,
        "kiosk": {"id": kiosk.id, "name": kiosk.name, "location": kiosk.location},
        "started_at": _iso(started_at),
        "resolved_at": _iso(resolved_at) if resolved_at is not None else None,
        "text": f"[{where}] {mark}: {kind.vi} / {kind.en}",
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
