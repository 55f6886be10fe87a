"""A network ESC/POS printer on 127.0.0.1 for tests, benchmarks and the demo.

It listens like a printer's raw port (9100), keeps every byte each connection sends and
answers DLE EOT n (real-time status) with the bytes an Epson-style printer sends. Like a
real printer it reacts to DLE EOT wherever the sequence appears in the stream, raster data
included: a driver has to cope with those extra answers. Faults are switched on and off
from any thread: paper near end or out, cover open, offline (an error stopped it), slow
(a delay per KB read), dropping the connection after N bytes, or status never answered.

It stops when closed, and on its own after `max_lifetime` seconds so a forgotten one
cannot keep threads alive. It keeps every byte it was sent: made for tests and benchmarks,
not for running all day.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass
from enum import Enum
from types import TracebackType

logger = logging.getLogger(__name__)

DLE = 0x10
EOT = 0x04

# Every status byte: bit 1 and bit 4 set, bits 0 and 7 clear.
_FIXED = 0x12
_OFFLINE = 0x08  # n=1: the printer is offline
_COVER_OPEN = 0x04  # n=2
_STOPPED_BY_PAPER_END = 0x20  # n=2
_ERROR_OCCURRED = 0x40  # n=2
_AUTO_RECOVERABLE_ERROR = 0x40  # n=3 (e.g. head too hot)
_NEAR_END = 0x0C  # n=4: the near-end sensor sees no paper
_PAPER_END = 0x60  # n=4: the roll end sensor sees no paper

_POLL = 0.05  # seconds between checks of the stop flag while waiting
_CHUNK = 1024  # bytes read at a time, so a per-KB delay is applied as data arrives


class PaperSupply(Enum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


@dataclass(frozen=True)
class Faults:
    """What the simulated printer is doing wrong; the default is nothing."""

    paper: PaperSupply = PaperSupply.OK
    cover_open: bool = False
    offline: bool = False  # an error (not paper or cover) has taken it offline
    seconds_per_kb: float = 0.0  # a slow printer: time to take in each KB
    drop_after_bytes: int | None = None  # each connection is cut after this many bytes
    status_silent: bool = False  # DLE EOT goes unanswered


def status_byte(faults: Faults, n: int) -> int:
    """The answer to DLE EOT n (1 printer, 2 offline cause, 3 error cause, 4 roll paper)."""
    paper_out = faults.paper is PaperSupply.OUT
    if n == 1:
        stopped = faults.offline or faults.cover_open or paper_out
        return _FIXED | (_OFFLINE if stopped else 0)
    if n == 2:
        return (
            _FIXED
            | (_COVER_OPEN if faults.cover_open else 0)
            | (_STOPPED_BY_PAPER_END if paper_out else 0)
            | (_ERROR_OCCURRED if faults.offline else 0)
        )
    if n == 3:
        return _FIXED | (_AUTO_RECOVERABLE_ERROR if faults.offline else 0)
    if n == 4:
        if paper_out:
            return _FIXED | _NEAR_END | _PAPER_END
        return _FIXED | (_NEAR_END if faults.paper is PaperSupply.NEAR_END else 0)
    raise ValueError(f"DLE EOT {n}: only 1-4 are answered")


class RealTimeScanner:
    """Finds DLE EOT n (n 1-4) in a stream that arrives in pieces."""

    def __init__(self) -> None:
        self._matched = 0  # 0 nothing, 1 after DLE, 2 after DLE EOT

    def feed(self, data: bytes) -> list[int]:
        requests: list[int] = []
        for byte in data:
            if self._matched == 2 and 1 <= byte <= 4:
                requests.append(byte)
                self._matched = 0
            elif byte == DLE:
                self._matched = 1
            elif self._matched == 1 and byte == EOT:
                self._matched = 2
            else:
                self._matched = 0
        return requests


class NetworkPrinterSimulator:
    """A TCP printer on 127.0.0.1; use as a context manager or call `close()`."""

    def __init__(self, *, max_lifetime: float = 60.0) -> None:
        self._lock = threading.Lock()  # guards the fields below
        self._faults = Faults()
        self._received: list[bytearray] = []
        # Per connection: (time.monotonic() when a chunk was read, bytes received by then).
        self._arrivals: list[list[tuple[float, int]]] = []
        self._status_answers = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_POLL)
        self._port: int = self._listener.getsockname()[1]
        self._deadline = time.monotonic() + max_lifetime
        self._acceptor = threading.Thread(
            target=self._accept_loop, name="netprinter-sim", daemon=True
        )
        self._acceptor.start()

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self._port

    @property
    def faults(self) -> Faults:
        with self._lock:
            return self._faults

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self._faults = faults

    @property
    def received(self) -> list[bytes]:
        """The bytes each connection has sent so far, one entry per connection, in order."""
        with self._lock:
            return [bytes(data) for data in self._received]

    def arrival_time(self, connection: int, byte_index: int) -> float | None:
        """`time.monotonic()` when byte `byte_index` of a connection was read; None if not yet.

        Taken as each chunk is read from the socket, so it is when the byte reached the
        printer (within one read), for latency figures such as first byte on the wire.
        """
        with self._lock:
            for arrived, total in self._arrivals[connection]:
                if byte_index < total:
                    return arrived
        return None

    @property
    def connection_count(self) -> int:
        with self._lock:
            return len(self._received)

    @property
    def status_answers(self) -> int:
        """DLE EOT requests answered so far, over all connections."""
        with self._lock:
            return self._status_answers

    def close(self) -> None:
        self._stop.set()
        current = threading.current_thread()
        for thread in [self._acceptor, *self._snapshot_threads()]:
            if thread is not current:
                thread.join(timeout=2.0)
        self._listener.close()

    def __enter__(self) -> NetworkPrinterSimulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _snapshot_threads(self) -> list[threading.Thread]:
        with self._lock:
            return list(self._threads)

    def _running(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def _accept_loop(self) -> None:
        while self._running():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                if self._running():
                    raise
                break
            client.settimeout(_POLL)
            with self._lock:
                index = len(self._received)
                self._threads = [thread for thread in self._threads if thread.is_alive()]
                self._received.append(bytearray())
                self._arrivals.append([])
                thread = threading.Thread(
                    target=self._serve, args=(client, index), name="netprinter-sim-conn"
                )
                self._threads.append(thread)
            thread.daemon = True
            thread.start()
        # Closing the listener refuses new connections at once, like a printer switched off.
        self._listener.close()
        self._stop.set()

    def _serve(self, client: socket.socket, index: int) -> None:
        scanner = RealTimeScanner()
        with client:
            while self._running():
                try:
                    chunk = client.recv(_CHUNK)
                    arrived = time.monotonic()
                except TimeoutError:
                    continue
                except OSError:
                    return  # the kiosk went away; nothing to answer
                if not chunk:
                    return
                faults = self.faults
                if not self._take(chunk, index, faults, arrived):
                    self._drop(client)
                    return
                self._sleep(len(chunk) / 1024 * faults.seconds_per_kb)
                self._answer(client, scanner.feed(chunk), faults)

    def _take(self, chunk: bytes, index: int, faults: Faults, arrived: float) -> bool:
        """Records what arrived; False when the connection must be cut now."""
        with self._lock:
            record = self._received[index]
            limit = faults.drop_after_bytes
            keep = True
            if limit is not None and len(record) + len(chunk) >= limit:
                chunk, keep = chunk[: max(limit - len(record), 0)], False
            record += chunk
            if chunk:
                self._arrivals[index].append((arrived, len(record)))
            return keep

    @staticmethod
    def _drop(client: socket.socket) -> None:
        # Linger 0: a reset, as when a printer reboots or its cable is pulled.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        logger.info("simulated network printer dropped a connection")

    def _answer(self, client: socket.socket, requests: list[int], faults: Faults) -> None:
        if not requests or faults.status_silent:
            return
        # Counted before sending, so the count is complete once the kiosk has its answer.
        with self._lock:
            self._status_answers += len(requests)
        reply = bytes(status_byte(faults, n) for n in requests)
        with contextlib.suppress(OSError):  # the kiosk closed first; its problem to notice
            client.sendall(reply)

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while self._running() and (left := end - time.monotonic()) > 0:
            time.sleep(min(left, _POLL))
