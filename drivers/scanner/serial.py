"""A hand-held or fixed scanner in serial mode (USB CDC-ACM or RS-232), read with pyserial.

Serial mode is what REFERENCE.md §3 recommends: the scanner sends the code's bytes as
they are, so Vietnamese text arrives as UTF-8 whatever the keyboard layout. The reader
thread opens the device, cuts the byte stream into frames, decodes each as UTF-8 and
hands it to the listener; when the device disappears (unplugged, re-enumerated) it
reports that once and keeps trying to open it again until stopped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import serial

from drivers.scanner.errors import ScannerError, ScannerProblem
from drivers.scanner.frames import DEFAULT_MAX_FRAME_BYTES, FrameSplitter

logger = logging.getLogger(__name__)

_READ_TIMEOUT = 0.05  # seconds one read waits: bounds how long stop() takes

T = TypeVar("T")


class SerialScanner:
    """Raw payloads from a serial scanner; the kiosk parses them, not this.

    Listeners run on the reader thread: `on_payload(text)` for every frame that is UTF-8
    text, `on_error(ScannerError)` for a frame that is not, for one too long, and when
    the device is lost (once per outage, including a device missing at start).
    """

    def __init__(
        self,
        device: str,
        baudrate: int = 9600,
        *,
        suffix: bytes | None = None,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        reconnect_interval: float = 1.0,
        partial_timeout: float = 1.0,
    ) -> None:
        self._device = device
        self._baudrate = baudrate
        self._splitter = FrameSplitter(suffix, max_frame_bytes)
        self._reconnect_interval = reconnect_interval
        self._partial_timeout = partial_timeout
        self._lock = threading.Lock()
        self._on_payload: Callable[[str], None] | None = None
        self._on_error: Callable[[ScannerError], None] | None = None
        self._stopping = threading.Event()
        self._connected = threading.Event()
        self._thread: threading.Thread | None = None

    def set_listener(
        self,
        on_payload: Callable[[str], None],
        on_error: Callable[[ScannerError], None] | None = None,
    ) -> None:
        with self._lock:
            self._on_payload, self._on_error = on_payload, on_error

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the scanner is already started")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="serial-scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop reading and close the device; returns once the reader thread has ended."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        thread.join(timeout=5.0)
        if thread.is_alive():
            raise RuntimeError("the serial scanner thread did not stop")

    def __enter__(self) -> SerialScanner:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- the reader thread -------------------------------------------------------------

    def _run(self) -> None:
        lost_reported = False
        while not self._stopping.is_set():
            try:
                port = serial.Serial(
                    self._device, self._baudrate, timeout=_READ_TIMEOUT, exclusive=True
                )
            except (serial.SerialException, OSError) as error:
                if not lost_reported:
                    logger.warning("scanner device cannot be opened: %s", type(error).__name__)
                    self._report(ScannerError(ScannerProblem.DEVICE_LOST, "cannot open"))
                    lost_reported = True
                self._stopping.wait(self._reconnect_interval)
                continue
            logger.info("scanner device opened")
            lost_reported = False
            self._connected.set()
            try:
                lost_reported = self._read(port)
            finally:
                self._connected.clear()
                self._splitter.discard_partial()
                port.close()

    def _read(self, port: serial.Serial) -> bool:
        """Read frames until stopped (False) or the device is gone (True, reported)."""
        last_byte = time.monotonic()
        while not self._stopping.is_set():
            try:
                data = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError) as error:
                logger.warning("scanner device lost: %s", type(error).__name__)
                self._report(ScannerError(ScannerProblem.DEVICE_LOST, "read failed"))
                return True
            now = time.monotonic()
            if not data:
                # A scanner sends a frame in one go: a fragment left hanging is noise, and
                # must not be glued to the front of the next code.
                if self._splitter.has_partial and now - last_byte > self._partial_timeout:
                    logger.info("scanner dropped an unfinished frame")
                    self._splitter.discard_partial()
                continue
            last_byte = now
            for item in self._splitter.feed(data):
                if isinstance(item, ScannerError):
                    logger.info("scanner frame refused: %s", item.problem.value)
                    self._report(item)
                else:
                    self._deliver(item)
        return False

    def _deliver(self, frame: bytes) -> None:
        try:
            text = frame.decode("utf-8")
        except UnicodeDecodeError as error:
            detail = f"{len(frame)} bytes, invalid UTF-8 at offset {error.start}"
            logger.info("scanner frame refused: not UTF-8 (%d bytes)", len(frame))
            self._report(ScannerError(ScannerProblem.NOT_UTF8, detail))
            return
        with self._lock:
            on_payload = self._on_payload
        if on_payload is None:
            logger.warning("scanner frame dropped: no listener set")
            return
        self._call(on_payload, text)

    def _report(self, error: ScannerError) -> None:
        with self._lock:
            on_error = self._on_error
        if on_error is not None:
            self._call(on_error, error)

    @staticmethod
    def _call(listener: Callable[[T], None], value: T) -> None:
        try:
            listener(value)
        # A listener's bug must not kill the reader thread and with it every later scan.
        # Only the type is logged: the message could quote the payload.
        except Exception as error:  # noqa: BLE001
            logger.error("scanner listener failed: %s", type(error).__name__)
