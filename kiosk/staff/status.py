"""What the staff status screen shows, gathered from the kiosk's backends as plain values.

Pure: it reads the devices through the small protocols below (kiosk/app/backends.py's objects
fit them), so the admin screen only renders an `AdminStatus` and never touches a device.
Details are machine words ("out_of_paper", "no_reader"); the screen words them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from kiosk.core.domain import Department
from kiosk.core.ports import TicketPrinter


class Level(Enum):
    OK = "ok"
    WARN = "warn"
    BAD = "bad"
    OFF = "off"  # not configured on this kiosk


class Device(Enum):
    CARD_READER = "card_reader"
    CAMERA = "camera"
    SCANNER = "scanner"
    PRINTER = "printer"
    HOSPITAL = "hospital"
    OUTBOX = "outbox"
    STAFF_ALERTS = "staff_alerts"  # whether alerts reach people (issue 18)


@dataclass(frozen=True)
class DeviceLine:
    device: Device
    level: Level
    detail: str  # a machine word the screen translates
    count: int | None = None  # readers found, check-ins waiting, ...


@dataclass(frozen=True)
class AdminStatus:
    lines: tuple[DeviceLine, ...]
    last_sync: datetime | None
    taken_at: datetime
    last_alert_delivery: datetime | None = None  # when a channel last took a staff alert
    alert_error: str = ""  # why the last attempt failed, in a few words ("HTTP 503")

    def line(self, device: Device) -> DeviceLine:
        return next(line for line in self.lines if line.device is device)


# --- what is read, as protocols (the objects come from kiosk/app/backends.py) ---------------


class _ReaderWatch(Protocol):
    @property
    def readers(self) -> list[str]: ...
    @property
    def cards(self) -> dict[str, bytes]: ...


class _Station(Protocol):
    @property
    def has_card(self) -> bool: ...


class _CardDevices(Protocol):
    station: _Station
    watch: _ReaderWatch | None
    virtual: object | None


class _PrinterStatus(Protocol):
    reachable: bool
    cover_open: bool

    @property
    def paper(self) -> Enum: ...
    @property
    def problem(self) -> Enum | None: ...


class _Health(Protocol):
    @property
    def state(self) -> Enum: ...
    @property
    def outbox_size(self) -> int: ...
    @property
    def last_sync(self) -> datetime | None: ...


class _Hospital(Protocol):
    def departments(self) -> list[Department]: ...


class _AlertChannel(Protocol):
    last_delivered_at: float | None
    last_error: str
    failing: int
    waiting: int


class _AlertsState(Protocol):
    @property
    def channels(self) -> list[Any]: ...  # _AlertChannel
    @property
    def incidents(self) -> list[Any]: ...  # open incidents


class BackendsView(Protocol):
    """The parts of kiosk.app.backends.Backends the staff service and the status read."""

    card: Any  # _CardDevices | None
    camera: Any  # CameraDevices | None: only whether one is configured
    scanner: Any  # ScannerDevices: .serial (with .connected) and .wedge
    printer: Any  # the simulated printer has .problem; a real one reports printer_status
    ticket_printer: TicketPrinter  # the kiosk's tickets on `printer`: test prints, reprints
    offline: Any  # OfflineServices | None: .monitor.snapshot()

    @property
    def printer_status(self) -> Any: ...  # _PrinterStatus | None
    @property
    def hospital(self) -> _Hospital: ...  # its departments, for the settings page


def gather_status(
    backends: BackendsView,
    *,
    camera_state: str | None,
    hospital_health: Callable[[], bool] | None = None,
    now: Callable[[], datetime] = datetime.now,
) -> AdminStatus:
    """Read every device once. `camera_state` is the Qt camera's status word (None: no camera);
    `hospital_health` asks the hospital directly when there is no offline monitor (blocking:
    call this off the GUI thread)."""
    health: _Health | None = None
    if backends.offline is not None:
        health = backends.offline.monitor.snapshot()
    # The app's staff alerts (kiosk/app/alerting.py), when it set them on the backends.
    alerts_state = getattr(backends, "staff_alerts", None)
    alerts: _AlertsState | None = alerts_state() if alerts_state is not None else None
    channels = alerts.channels if alerts is not None else []
    delivered = [c.last_delivered_at for c in channels if c.last_delivered_at is not None]
    failing = [c.last_error for c in channels if c.failing]
    lines = (
        _card_line(backends.card),
        _camera_line(backends.camera is not None, camera_state),
        _scanner_line(backends.scanner),
        _printer_line(backends.printer, backends.printer_status),
        _hospital_line(health, hospital_health),
        _outbox_line(health),
        _alerts_line(alerts),
    )
    return AdminStatus(
        lines,
        health.last_sync if health else None,
        now(),
        datetime.fromtimestamp(max(delivered)) if delivered else None,
        failing[0] if failing else "",
    )


def _card_line(card: _CardDevices | None) -> DeviceLine:
    if card is None:
        return DeviceLine(Device.CARD_READER, Level.OFF, "not_configured")
    if card.watch is not None:
        readers = card.watch.readers
        if not readers:
            return DeviceLine(Device.CARD_READER, Level.BAD, "no_reader", 0)
        detail = "card_present" if card.watch.cards else "ready"
        return DeviceLine(Device.CARD_READER, Level.OK, detail, len(readers))
    detail = "card_present" if card.station.has_card else "simulated"
    return DeviceLine(Device.CARD_READER, Level.OK, detail, 1)


_CAMERA_LEVELS = {
    "active": Level.OK,
    "starting": Level.WARN,
    "stopped": Level.WARN,
    "not_found": Level.BAD,
    "unplugged": Level.BAD,
    "failed": Level.BAD,
}


def _camera_line(configured: bool, state: str | None) -> DeviceLine:
    if not configured or state is None:
        return DeviceLine(Device.CAMERA, Level.OFF, "not_configured")
    return DeviceLine(Device.CAMERA, _CAMERA_LEVELS.get(state, Level.WARN), state)


def _scanner_line(scanner: Any) -> DeviceLine:
    serial = getattr(scanner, "serial", None)
    if serial is not None:
        if serial.connected:
            return DeviceLine(Device.SCANNER, Level.OK, "ready")
        return DeviceLine(Device.SCANNER, Level.BAD, "disconnected")
    if getattr(scanner, "wedge", None) is not None:
        return DeviceLine(Device.SCANNER, Level.OK, "keyboard")
    return DeviceLine(Device.SCANNER, Level.OK, "simulated")


def _printer_line(printer: Any, status: _PrinterStatus | None) -> DeviceLine:
    if status is not None:
        problem = status.problem
        if problem is not None:
            return DeviceLine(Device.PRINTER, Level.BAD, str(problem.value))
        if status.paper.value == "near_end":
            return DeviceLine(Device.PRINTER, Level.WARN, "paper_near_end")
        return DeviceLine(Device.PRINTER, Level.OK, "ready")
    # The simulated printer (demo) reports its switched-on fault; a real printer that cannot
    # report status (cups, file) or has not been asked yet is "unknown".
    if hasattr(printer, "problem"):
        problem = printer.problem
        if problem is not None:
            return DeviceLine(Device.PRINTER, Level.BAD, str(problem.value))
        return DeviceLine(Device.PRINTER, Level.OK, "ready")
    return DeviceLine(Device.PRINTER, Level.WARN, "unknown")


def _hospital_line(health: _Health | None, ask: Callable[[], bool] | None) -> DeviceLine:
    if health is not None:
        online = health.state.value == "online"
    elif ask is not None:
        online = ask()
    else:
        return DeviceLine(Device.HOSPITAL, Level.WARN, "unknown")
    return DeviceLine(Device.HOSPITAL, Level.OK if online else Level.BAD,
                      "online" if online else "offline")  # fmt: skip


def _outbox_line(health: _Health | None) -> DeviceLine:
    if health is None:
        return DeviceLine(Device.OUTBOX, Level.OFF, "not_configured")
    size = health.outbox_size
    return DeviceLine(Device.OUTBOX, Level.OK if size == 0 else Level.WARN,
                      "empty" if size == 0 else "waiting", size)  # fmt: skip


def _alerts_line(state: _AlertsState | None) -> DeviceLine:
    """Whether staff alerts reach people: delivered, waiting to be, or only on this page."""
    if state is None:
        return DeviceLine(Device.STAFF_ALERTS, Level.OFF, "not_configured")
    open_incidents = len(state.incidents)
    channels: list[_AlertChannel] = state.channels
    if not channels:
        return DeviceLine(Device.STAFF_ALERTS, Level.WARN, "staff_page_only", open_incidents)
    waiting = sum(channel.waiting for channel in channels)
    if any(channel.failing for channel in channels):
        return DeviceLine(Device.STAFF_ALERTS, Level.BAD, "not_delivered", waiting)
    if waiting:
        return DeviceLine(Device.STAFF_ALERTS, Level.WARN, "sending", waiting)
    return DeviceLine(Device.STAFF_ALERTS, Level.OK, "delivered", open_incidents)
