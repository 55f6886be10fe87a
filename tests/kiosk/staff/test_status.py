"""The status snapshot: every device read once into plain values the screen only renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from drivers.printer.escpos_printer import PaperLevel, PrinterStatus
from kiosk.core.domain import PrinterProblem
from kiosk.staff.status import AdminStatus, Device, Level, gather_status
from offline_cache import Connectivity, HealthSnapshot


@dataclass
class Watch:
    readers: list[str] = field(default_factory=list)
    cards: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Card:
    watch: Watch | None = None
    virtual: object | None = None
    station: Any = None


@dataclass
class Serial:
    connected: bool


@dataclass
class Scanner:
    serial: Serial | None = None
    wedge: object | None = None


@dataclass
class Monitor:
    snap: HealthSnapshot

    def snapshot(self) -> HealthSnapshot:
        return self.snap


@dataclass
class Offline:
    monitor: Monitor


@dataclass
class Printer:
    problem: PrinterProblem | None = None


@dataclass
class FakeBackends:
    card: Card | None = None
    camera: object | None = None
    scanner: Scanner = field(default_factory=Scanner)
    printer: Any = field(default_factory=Printer)
    offline: Offline | None = None
    printer_status: PrinterStatus | None = None


SYNCED = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


def words(status: AdminStatus) -> dict[Device, tuple[Level, str, int | None]]:
    return {line.device: (line.level, line.detail, line.count) for line in status.lines}


def test_a_real_kiosk_with_trouble_everywhere() -> None:
    offline = Offline(Monitor(HealthSnapshot(Connectivity.OFFLINE, SYNCED, 3, SYNCED)))
    backends = FakeBackends(
        card=Card(watch=Watch()),
        camera=object(),
        scanner=Scanner(serial=Serial(connected=False)),
        printer=object(),
        offline=offline,
        printer_status=PrinterStatus(
            reachable=True, online=False, paper=PaperLevel.OUT, cover_open=False
        ),
    )
    status = gather_status(backends, camera_state="unplugged")
    assert words(status) == {
        Device.CARD_READER: (Level.BAD, "no_reader", 0),
        Device.CAMERA: (Level.BAD, "unplugged", None),
        Device.SCANNER: (Level.BAD, "disconnected", None),
        Device.PRINTER: (Level.BAD, "out_of_paper", None),
        Device.HOSPITAL: (Level.BAD, "offline", None),
        Device.OUTBOX: (Level.WARN, "waiting", 3),
        Device.STAFF_ALERTS: (Level.OFF, "not_configured", None),
    }
    assert status.last_sync == SYNCED


def test_a_real_kiosk_in_good_health() -> None:
    offline = Offline(Monitor(HealthSnapshot(Connectivity.ONLINE, SYNCED, 0, None)))
    backends = FakeBackends(
        card=Card(watch=Watch(["ACS ACR1252 PICC", "ACS ACR1252 SAM"], {"ACS ACR1252 PICC": b""})),
        camera=object(),
        scanner=Scanner(serial=Serial(connected=True)),
        printer=object(),
        offline=offline,
        printer_status=PrinterStatus(
            reachable=True, online=True, paper=PaperLevel.NEAR_END, cover_open=False
        ),
    )
    status = gather_status(backends, camera_state="active")
    assert words(status) == {
        Device.CARD_READER: (Level.OK, "card_present", 2),
        Device.CAMERA: (Level.OK, "active", None),
        Device.SCANNER: (Level.OK, "ready", None),
        Device.PRINTER: (Level.WARN, "paper_near_end", None),
        Device.HOSPITAL: (Level.OK, "online", None),
        Device.OUTBOX: (Level.OK, "empty", 0),
        Device.STAFF_ALERTS: (Level.OFF, "not_configured", None),
    }
    assert status.last_sync is None


def test_nothing_configured_and_no_offline_store_asks_the_hospital() -> None:
    asked: list[bool] = []

    def health() -> bool:
        asked.append(True)
        return True

    backends = FakeBackends(scanner=Scanner(wedge=object()), printer=object())
    status = gather_status(backends, camera_state=None, hospital_health=health)
    assert asked == [True]
    assert words(status) == {
        Device.CARD_READER: (Level.OFF, "not_configured", None),
        Device.CAMERA: (Level.OFF, "not_configured", None),
        Device.SCANNER: (Level.OK, "keyboard", None),
        Device.PRINTER: (Level.WARN, "unknown", None),  # cups/file: no status to read
        Device.HOSPITAL: (Level.OK, "online", None),
        Device.OUTBOX: (Level.OFF, "not_configured", None),
        Device.STAFF_ALERTS: (Level.OFF, "not_configured", None),
    }


def test_the_simulated_printer_reports_its_fault() -> None:
    backends = FakeBackends(printer=Printer(PrinterProblem.COVER_OPEN))
    status = gather_status(backends, camera_state=None)
    assert status.line(Device.PRINTER).detail == "cover_open"
    assert status.line(Device.HOSPITAL).detail == "unknown"


@dataclass
class Channel:
    last_delivered_at: float | None
    last_error: str = ""
    failing: int = 0
    waiting: int = 0


@dataclass
class Alerts:
    channels: list[Channel]
    incidents: list[object]


@pytest.mark.parametrize(
    ("alerts", "line"),
    [
        (Alerts([], [object()]), (Level.WARN, "staff_page_only", 1)),
        (Alerts([Channel(1.8e9)], [object(), object()]), (Level.OK, "delivered", 2)),
        (Alerts([Channel(None, waiting=1)], []), (Level.WARN, "sending", 1)),
        (
            Alerts([Channel(1.8e9, "HTTP 503", failing=3, waiting=2)], []),
            (Level.BAD, "not_delivered", 2),
        ),
    ],
)
def test_staff_alerts_say_whether_they_reach_people(
    alerts: Alerts, line: tuple[object, ...]
) -> None:
    backends = FakeBackends(printer=object())
    backends.staff_alerts = lambda: alerts  # type: ignore[attr-defined]
    status = gather_status(backends, camera_state=None, hospital_health=lambda: True)
    assert words(status)[Device.STAFF_ALERTS] == line
    delivered = [c.last_delivered_at for c in alerts.channels if c.last_delivered_at]
    assert (status.last_alert_delivery is not None) == bool(delivered)
    assert status.alert_error == ("HTTP 503" if line[1] == "not_delivered" else "")
