"""One module: each connection kind differs only in how python-escpos opens it and reads status.
A real ESC/POS printer behind python-escpos: network, USB, serial, CUPS or a file.

One job is: open the connection, ask the printer's status (DLE EOT, where the backend can
read), send the job, then ask again and wait for the answer. The printer answers real-time
status when it reaches the request in the stream, so that answer says the whole job arrived.

No job is ever sent twice. A fault found before the first byte goes out (unreachable, out
of paper, cover open, offline) means nothing was printed. Once bytes have gone out, any
failure (a write that stalls, a lost connection, no answer before the job's deadline) may
have left part of a ticket, or even all of it, on the paper: it is reported as
WRITE_FAILED and never retried here. The caller marks the job failed and shows the
patient their number; staff look at the printer and reprint explicitly.

python-escpos 3.1 has no public raw read/write, so the channels below use its `_raw` and
`_read` (what its own `query_status` uses). Its `is_online`/`paper_status` are not used:
they read whatever 16 bytes are waiting, call an empty answer "paper adequate" and do not
report an open cover.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

import usb.core
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from escpos.printer import CupsPrinter, File, Network, Serial, Usb

from drivers.printer.document import PaperTicket
from drivers.printer.errors import PrinterError, PrinterProblem
from drivers.printer.escpos_output import ticket_job
from drivers.printer.layout import DEFAULT_PROFILE, LayoutOptions
from drivers.printer.profile import printer_model

logger = logging.getLogger(__name__)

_DLE_EOT = b"\x10\x04"
# What a printer takes for a status request wherever it occurs, raster data included.
_STATUS_REQUEST = re.compile(rb"\x10\x04[\x01-\x04]")
_CHUNK = 4096  # bytes per write, so a stall is noticed within one write timeout


@dataclass(frozen=True)
class NetworkConnection:
    host: str
    port: int = 9100


@dataclass(frozen=True)
class UsbConnection:
    vendor_id: int
    product_id: int
    in_endpoint: int = 0x82
    out_endpoint: int = 0x01


@dataclass(frozen=True)
class SerialConnection:
    device: str  # e.g. /dev/ttyUSB0
    baudrate: int = 9600


@dataclass(frozen=True)
class CupsConnection:
    queue: str  # the CUPS printer name; the queue must be raw (no filter)
    host: str = "localhost"
    port: int = 631


@dataclass(frozen=True)
class FileConnection:
    path: str  # a device node such as /dev/usb/lp0, or a plain file


Connection = NetworkConnection | UsbConnection | SerialConnection | CupsConnection | FileConnection


@dataclass(frozen=True)
class Timeouts:
    connect: float = 2.0  # opening the connection
    read: float = 0.5  # one status answer
    write: float = 5.0  # a write making no progress; also the post-job quiet period
    # The job's deadline is `write + size / min_bytes_per_second`; lower it for serial
    # printers (9600 baud moves about 900 bytes a second).
    min_bytes_per_second: float = 10_000.0

    def job_deadline(self, size: int) -> float:
        return self.write + size / self.min_bytes_per_second


@dataclass(frozen=True)
class PrinterConfig:
    connection: Connection
    paper_width_mm: int | None = None  # 58 | 80; None: the paper of the profile
    profile: str = DEFAULT_PROFILE  # a python-escpos capability profile name
    timeouts: Timeouts = field(default_factory=Timeouts)
    poll_seconds: float = 5.0  # background status poll; 0 turns it off


class PaperLevel(Enum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PrinterStatus:
    reachable: bool  # connected and answered status requests
    online: bool
    paper: PaperLevel
    cover_open: bool

    @property
    def problem(self) -> PrinterProblem | None:
        """What stops printing, the most specific cause first; None when it can print."""
        if not self.reachable:
            return PrinterProblem.OFFLINE
        if self.cover_open:
            return PrinterProblem.COVER_OPEN
        if self.paper is PaperLevel.OUT:
            return PrinterProblem.OUT_OF_PAPER
        if not self.online:
            return PrinterProblem.OFFLINE
        return None


UNREACHABLE = PrinterStatus(
    reachable=False, online=False, paper=PaperLevel.UNKNOWN, cover_open=False
)


def status_from_replies(printer: int, offline_cause: int, roll_paper: int) -> PrinterStatus:
    """Status from the answers to DLE EOT 1, 2 and 4 (Epson bit layout)."""
    for reply in (printer, offline_cause, roll_paper):
        # Bits 1 and 4 are always set and bits 0 and 7 clear in a status byte.
        if reply & 0x93 != 0x12:
            raise ValueError(f"0x{reply:02X} is not an ESC/POS status byte")
    if roll_paper & 0x60:
        paper = PaperLevel.OUT
    elif roll_paper & 0x0C:
        paper = PaperLevel.NEAR_END
    else:
        paper = PaperLevel.OK
    return PrinterStatus(
        reachable=True,
        online=not printer & 0x08,
        paper=PaperLevel.OUT if offline_cause & 0x20 else paper,
        cover_open=bool(offline_cause & 0x04),
    )


class _ConnectionLost(Exception):
    """The printer closed the connection."""


class _Channel:
    """A python-escpos printer object as the driver uses it; the defaults suit a spooler."""

    can_read: bool
    keep_open: bool  # stays open between jobs (USB, serial) or reopened for each

    def __init__(self, printer: Escpos) -> None:
        self._printer = printer

    def open(self) -> None:
        self._printer.open()

    def write(self, data: bytes, timeout: float) -> None:
        self._printer._raw(data)

    def read(self, timeout: float) -> bytes:
        """What arrived within `timeout` (b"" if nothing); raises _ConnectionLost."""
        raise NotImplementedError("a spooled printer cannot be read")

    def discard_input(self) -> None:
        pass

    def close(self) -> None:
        self._printer.close()  # File flushes, CupsPrinter submits the job here


class _NetworkChannel(_Channel):
    can_read = True
    keep_open = False  # raw ports serve one client at a time and drop idle ones

    def __init__(self, connection: NetworkConnection, config: PrinterConfig) -> None:
        super().__init__(
            Network(
                connection.host,
                connection.port,
                timeout=config.timeouts.connect,
                profile=config.profile,
            )
        )

    def _socket(self) -> socket.socket:
        device = self._printer.device
        assert isinstance(device, socket.socket)
        return device

    def open(self) -> None:
        super().open()
        # Status requests are 3 bytes each way: without this, Nagle's algorithm and
        # delayed acknowledgements hold each one back by tens of milliseconds.
        self._socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes, timeout: float) -> None:
        self._socket().settimeout(timeout)
        super().write(data, timeout)

    def read(self, timeout: float) -> bytes:
        self._socket().settimeout(timeout)
        try:
            data: bytes = self._printer._read()
        except TimeoutError:
            return b""
        if not data:
            raise _ConnectionLost("the printer closed the connection")
        return data

    def discard_input(self) -> None:
        """Drops late answers (from a printer that answered fewer requests than it found)."""
        device = self._socket()
        device.settimeout(0)
        with contextlib.suppress(BlockingIOError):
            while device.recv(64):
                pass


class _SerialChannel(_Channel):
    can_read = True
    keep_open = True

    def __init__(self, connection: SerialConnection, config: PrinterConfig) -> None:
        super().__init__(
            Serial(
                connection.device,
                connection.baudrate,
                timeout=config.timeouts.read,
                profile=config.profile,
            )
        )

    def write(self, data: bytes, timeout: float) -> None:
        self._printer.device.write_timeout = timeout
        super().write(data, timeout)

    def read(self, timeout: float) -> bytes:
        device = self._printer.device
        device.timeout = timeout
        # Not `_read()`: read(16) would wait out the timeout for 16 bytes that never come.
        first = device.read(1)
        return first + device.read(device.in_waiting) if first else b""

    def discard_input(self) -> None:
        self._printer.device.reset_input_buffer()


class _UsbChannel(_Channel):
    can_read = True
    keep_open = True  # opening resets the device: not something to do every poll

    def __init__(self, connection: UsbConnection, config: PrinterConfig) -> None:
        super().__init__(
            Usb(
                connection.vendor_id,
                connection.product_id,
                timeout=_ms(config.timeouts.write),
                in_ep=connection.in_endpoint,
                out_ep=connection.out_endpoint,
                profile=config.profile,
            )
        )

    def write(self, data: bytes, timeout: float) -> None:
        self._printer.timeout = _ms(timeout)  # pyusb counts milliseconds
        super().write(data, timeout)

    def read(self, timeout: float) -> bytes:
        self._printer.device.default_timeout = _ms(timeout)
        try:
            return bytes(self._printer._read())
        except usb.core.USBTimeoutError:
            return b""

    def discard_input(self) -> None:
        while self.read(0.01):
            pass


class _SpoolChannel(_Channel):
    """CUPS and files take a whole job and tell nothing back."""

    can_read = False
    keep_open = False


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _require_backend(connection: Connection) -> None:
    """Fails at start-up, not at the first patient, when the backend's library is missing."""
    backend, package = {
        NetworkConnection: (Network, "(none)"),
        UsbConnection: (Usb, "pyusb"),
        SerialConnection: (Serial, "pyserial"),
        CupsConnection: (CupsPrinter, "pycups"),
        FileConnection: (File, "(none)"),
    }[type(connection)]
    if not backend.is_usable():
        raise RuntimeError(f"{backend.__name__} printers need the {package} package")


def _channel_for(config: PrinterConfig) -> _Channel:
    connection = config.connection
    if isinstance(connection, NetworkConnection):
        return _NetworkChannel(connection, config)
    if isinstance(connection, SerialConnection):
        return _SerialChannel(connection, config)
    if isinstance(connection, UsbConnection):
        return _UsbChannel(connection, config)
    if isinstance(connection, FileConnection):
        return _SpoolChannel(File(connection.path, profile=config.profile))
    return _SpoolChannel(
        CupsPrinter(
            connection.queue, host=connection.host, port=connection.port, profile=config.profile
        )
    )


class EscPosPrinter:
    """A `DocumentPrinter` for a real printer; thread-safe, one job or status check at a time.

    `on_status` is called (from the polling thread or a printing thread) whenever the
    known status changes, so staff can be alerted before a patient meets the fault. It runs
    while the printer is busy: it must return quickly and not call back into the printer.
    """

    def __init__(
        self,
        config: PrinterConfig,
        *,
        on_status: Callable[[PrinterStatus], None] | None = None,
        options: LayoutOptions | None = None,
    ) -> None:
        _require_backend(config.connection)
        printer_model(config.profile, config.paper_width_mm)  # a wrong profile fails here
        self._config = config
        self._options = options
        self._on_status = on_status
        # CUPS and files cannot answer; opening a plain file to ask would also empty it.
        self._reads_status = isinstance(
            config.connection, NetworkConnection | UsbConnection | SerialConnection
        )
        self._io_lock = threading.Lock()  # one conversation with the printer at a time
        self._channel: _Channel | None = None  # an open keep_open channel, between jobs
        self._state_lock = threading.Lock()
        self._status: PrinterStatus | None = None
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None

    @property
    def config(self) -> PrinterConfig:
        return self._config

    @property
    def status(self) -> PrinterStatus | None:
        """The last status seen; None before the first check or if the backend cannot tell."""
        with self._state_lock:
            return self._status

    def start_polling(self) -> None:
        """Checks the status every `poll_seconds` in the background until `close()`."""
        if not self._reads_status or self._config.poll_seconds <= 0 or self._poller is not None:
            return
        self._poller = threading.Thread(target=self._poll, name="printer-status", daemon=True)
        self._poller.start()

    def close(self) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join(
                timeout=self._config.timeouts.connect + 4 * self._config.timeouts.read
            )
        with self._io_lock:
            self._close_channel()

    def check_status(self) -> PrinterStatus | None:
        """Asks the printer now (blocking); None if the backend cannot read status."""
        if not self._reads_status:
            return None
        with self._io_lock:
            return self._check_status_locked()

    def print_document(self, document: PaperTicket) -> None:
        job = ticket_job(
            document,
            paper_width_mm=self._config.paper_width_mm,
            profile=self._config.profile,
            options=self._options,
        )
        self.print_job(job)

    def print_job(self, job: bytes) -> None:
        """Sends a prepared ESC/POS job; raises `PrinterError`. Never sends it twice."""
        with self._io_lock:
            channel = self._open_channel()
            if channel.can_read:
                status = self._read_status(channel)
                if status.problem is not None:
                    self._finish(channel)
                    raise PrinterError(status.problem, "before the job; nothing was sent")
            started = time.monotonic()
            deadline = started + self._config.timeouts.job_deadline(len(job))
            try:
                self._send(channel, job, deadline)
                after = self._confirm(channel, job, deadline) if channel.can_read else None
                if not channel.keep_open:
                    self._end_job()
            except PrinterError:
                self._close_channel()
                raise
        logger.info(
            "printed a %d-byte job in %.0f ms", len(job), (time.monotonic() - started) * 1000
        )
        if after is not None and after.problem is not None:
            # The whole job arrived but the printer stopped on it: the ticket may be cut short.
            raise PrinterError(after.problem, "during the job; the ticket may be incomplete")

    def _poll(self) -> None:
        while not self._stop.wait(self._config.poll_seconds):
            # A job checks the status itself; a poll queued behind it would add nothing.
            if not self._io_lock.acquire(blocking=False):
                continue
            try:
                self._check_status_locked()
            finally:
                self._io_lock.release()

    def _check_status_locked(self) -> PrinterStatus | None:
        try:
            channel = self._open_channel()
        except PrinterError:
            return UNREACHABLE  # _open_channel recorded it
        try:
            status = self._read_status(channel)
        except PrinterError:
            return UNREACHABLE
        self._finish(channel)
        return status

    def _open_channel(self) -> _Channel:
        if self._channel is not None:
            return self._channel
        channel = _channel_for(self._config)
        try:
            channel.open()
        except (OSError, EscposError) as error:
            self._record(UNREACHABLE)
            raise PrinterError(PrinterProblem.OFFLINE, f"cannot connect: {error}") from error
        self._channel = channel
        return channel

    def _end_job(self) -> None:
        """Closes a per-job connection; for CUPS and files this is what delivers the job."""
        try:
            self._drop_channel()
        except (OSError, EscposError) as error:
            raise PrinterError(
                PrinterProblem.WRITE_FAILED, f"finishing the job failed: {error}; not resent"
            ) from error

    def _finish(self, channel: _Channel) -> None:
        if not channel.keep_open:
            self._close_channel()

    def _close_channel(self) -> None:
        try:
            self._drop_channel()
        except (OSError, EscposError) as error:
            logger.warning("closing the printer connection failed: %s", error)

    def _drop_channel(self) -> None:
        """Forgets the open channel, then closes it; the library's errors are the caller's."""
        channel, self._channel = self._channel, None
        if channel is not None:
            channel.close()

    def _read_status(self, channel: _Channel) -> PrinterStatus:
        """DLE EOT 1, 2 and 4 on an idle channel; unreachable or garbled -> OFFLINE."""
        timeout = self._config.timeouts.read
        try:
            channel.discard_input()
            replies = []
            for n in (1, 2, 4):
                channel.write(_DLE_EOT + bytes([n]), timeout)
                reply = channel.read(timeout)
                if len(reply) != 1:
                    raise ValueError(f"{len(reply)} bytes in answer to DLE EOT {n}")
                replies.append(reply[0])
            status = status_from_replies(*replies)
        except (OSError, EscposError, _ConnectionLost, ValueError) as error:
            self._close_channel()
            self._record(UNREACHABLE)
            raise PrinterError(PrinterProblem.OFFLINE, f"no valid status: {error}") from error
        self._record(status)
        return status

    def _send(self, channel: _Channel, job: bytes, deadline: float) -> None:
        sent = 0
        try:
            for start in range(0, len(job), _CHUNK):
                channel.write(job[start : start + _CHUNK], self._time_left(deadline))
                sent = min(start + _CHUNK, len(job))
        except (OSError, EscposError, _ConnectionLost) as error:
            raise PrinterError(
                PrinterProblem.WRITE_FAILED,
                f"write failed after {sent} of {len(job)} bytes: {error}; not resent",
            ) from error

    def _confirm(self, channel: _Channel, job: bytes, deadline: float) -> PrinterStatus:
        """Asks DLE EOT 1 after the job and waits for the answer, which comes only once the
        printer has taken in everything before it; then reads the full status.

        Status requests the printer found inside the job's data are answered too; those
        answers are counted and skipped. A printer that ignores requests inside data
        answers fewer: once it has been quiet for a `write` period, its last answer is ours.
        """
        timeouts = self._config.timeouts
        expected = len(_STATUS_REQUEST.findall(job)) + 1
        answers = b""
        try:
            channel.write(_DLE_EOT + b"\x01", self._time_left(deadline))
            while len(answers) < expected:
                arrived = channel.read(min(timeouts.write, self._time_left(deadline)))
                if not arrived and answers:
                    break
                answers += arrived
        except (OSError, EscposError, _ConnectionLost) as error:
            raise PrinterError(
                PrinterProblem.WRITE_FAILED,
                f"the printer did not confirm the job: {error}; not resent",
            ) from error
        try:
            return self._read_status(channel)
        except PrinterError as error:
            # After the job has gone out every failure is a write failure: staff must look.
            raise PrinterError(
                PrinterProblem.WRITE_FAILED, f"no status after the job: {error.detail}"
            ) from error

    @staticmethod
    def _time_left(deadline: float) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the job's deadline passed")
        return left

    def _record(self, status: PrinterStatus) -> None:
        with self._state_lock:
            changed, self._status = status != self._status, status
        if changed:
            logger.info("printer status: %s", status)
            if self._on_status is not None:
                self._on_status(status)


__all__ = [
    "UNREACHABLE",
    "Connection",
    "CupsConnection",
    "EscPosPrinter",
    "FileConnection",
    "NetworkConnection",
    "PaperLevel",
    "PrinterConfig",
    "PrinterStatus",
    "SerialConnection",
    "Timeouts",
    "UsbConnection",
    "status_from_replies",
]
