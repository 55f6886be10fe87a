"""A virtual card that speaks the vpcd protocol, so pcscd sees it in a real PC/SC reader.

Debian's `vsmartcard-vpcd` is a pcscd reader driver (/etc/reader.conf.d/vpcd: DEVICENAME
`/dev/null:0x8C7B`, i.e. it listens on TCP port 35963 for the first slot and 35964 for
the second). A virtual card CONNECTS to that port: connecting is inserting the card,
closing the socket is removing it. Every message either way is a 2-byte big-endian
length and a payload; a 1-byte payload from the reader is a control message (00 power
off, 01 power on, 02 reset, 04 send the ATR), anything else is a command APDU to answer.
pcscd polls card presence by asking for the ATR a few times a second.

Fault modes make the card misbehave on one chosen APDU, for the robustness tests.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import socket
import struct
import threading
import time
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

logger = logging.getLogger(__name__)

VPCD_PORT = 35963
_POWER_OFF, _POWER_ON, _RESET, _GET_ATR = 0, 1, 2, 4


class Card(Protocol):
    """What sits behind the socket: an ATR and an APDU handler (e.g. virtual_chip.Chip)."""

    @property
    def atr(self) -> bytes: ...

    def transmit(self, apdu: bytes) -> bytes: ...


class FaultKind(Enum):
    REMOVE = "remove"  # the card leaves the field instead of answering
    GARBAGE = "garbage"  # random bytes instead of the answer
    TRUNCATE = "truncate"  # only the first byte of the answer: no status word
    BAD_MAC = "bad_mac"  # last MAC byte flipped (the byte before SW1 SW2 of an SM answer)
    SILENCE = "silence"  # no answer for `silence_seconds`, then the card leaves


@dataclass(frozen=True, slots=True)
class Fault:
    """Misbehave on the APDU with this 1-based number (control messages do not count)."""

    kind: FaultKind
    at_apdu: int
    silence_seconds: float = 5.0


class VirtualCard:
    """Puts `card` into the vpcd reader at host:port from a background thread.

    `insert()` connects (the reader sees a card), `remove()` disconnects and waits for the
    thread; `latency` seconds are spent before answering each APDU, as a radio link would.
    """

    def __init__(
        self,
        card: Card,
        *,
        host: str = "127.0.0.1",
        port: int = VPCD_PORT,
        latency: float = 0.0,
        fault: Fault | None = None,
    ) -> None:
        self.card = card
        self.host = host
        self.port = port
        self.latency = latency
        self.fault = fault
        self.apdus = 0  # command APDUs answered or faulted since insert()
        # Time the card spent on them (latency and the chip's own work), so measurements
        # can tell the reader's software overhead from the card's.
        self.card_seconds = 0.0
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.left = threading.Event()  # set when the card is out: removed, faulted, or reader gone

    def insert(self, *, connect_timeout: float = 2.0) -> None:
        if self._thread is not None:
            raise RuntimeError("the card is already inserted")
        connection = socket.create_connection((self.host, self.port), timeout=connect_timeout)
        connection.settimeout(None)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket = connection
        self.apdus = 0
        self.card_seconds = 0.0
        self._stopping.clear()
        self.left.clear()
        self._thread = threading.Thread(target=self._serve, name="vpcd-card", daemon=True)
        self._thread.start()

    def remove(self, *, timeout: float = 2.0) -> None:
        """Take the card out; returns once the serving thread has ended."""
        thread = self._thread
        if thread is None:
            return
        self._stopping.set()
        self._disconnect()
        thread.join(timeout)
        if thread.is_alive():
            raise RuntimeError("the virtual card's thread did not stop")
        self._thread = None

    def __enter__(self) -> VirtualCard:
        self.insert()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()

    @property
    def inserted(self) -> bool:
        return self._thread is not None and not self.left.is_set()

    # -- the serving thread --------------------------------------------------------------

    def _serve(self) -> None:
        try:
            while not self._stopping.is_set():
                message = self._receive()
                if message is None:
                    break
                answer = self._answer(message)
                if answer is None:
                    continue
                self._send(answer)
        except OSError as error:
            if not self._stopping.is_set():
                logger.info("virtual card connection ended: %s", error)
        finally:
            self._disconnect()
            self.left.set()

    def _answer(self, message: bytes) -> bytes | None:
        """The reply to one message, or None when the message wants no reply."""
        if len(message) == 1:
            return self._control(message[0])
        self.apdus += 1
        started = time.perf_counter()
        try:
            if self.latency:
                time.sleep(self.latency)
            fault = self.fault
            if fault is None or fault.at_apdu != self.apdus:
                return self.card.transmit(message)
            return self._faulty_answer(fault, message)
        finally:
            self.card_seconds += time.perf_counter() - started

    def _control(self, code: int) -> bytes | None:
        if code == _GET_ATR:
            return self.card.atr
        if code in (_POWER_OFF, _POWER_ON, _RESET):
            if (reset := getattr(self.card, "reset", None)) is not None:
                reset()
            return None
        logger.warning("unknown vpcd control message %02X", code)
        return None

    def _faulty_answer(self, fault: Fault, message: bytes) -> bytes | None:
        kind = fault.kind
        if kind is FaultKind.REMOVE:
            self._stopping.set()
            self._disconnect()
            return None
        if kind is FaultKind.SILENCE:
            # Bounded: the card stays mute, then leaves, so pcscd is never stuck for good.
            self._stopping.wait(fault.silence_seconds)
            self._stopping.set()
            self._disconnect()
            return None
        answer = self.card.transmit(message)
        if kind is FaultKind.GARBAGE:
            return secrets.token_bytes(max(len(answer), 7))
        if kind is FaultKind.TRUNCATE:
            return answer[:1]
        flipped = bytearray(answer)
        if len(flipped) >= 3:
            flipped[-3] ^= 0x01
        return bytes(flipped)

    def _receive(self) -> bytes | None:
        header = self._read_exactly(2)
        if header is None:
            return None
        (length,) = struct.unpack(">H", header)
        return self._read_exactly(length) if length else b""

    def _read_exactly(self, size: int) -> bytes | None:
        connection = self._socket
        if connection is None:
            return None
        data = bytearray()
        while len(data) < size:
            self._acknowledge_at_once(connection)
            chunk = connection.recv(size - len(data))
            if not chunk:
                return None  # the reader (pcscd) closed the connection
            data += chunk
        return bytes(data)

    @staticmethod
    def _acknowledge_at_once(connection: socket.socket) -> None:
        """Linux: ACK every segment now, so the sender's Nagle algorithm never waits.

        Debian's vpcd (3.3) writes the length and the APDU in two send() calls on a socket
        without TCP_NODELAY: the APDU waits for the length's ACK, which a delayed ACK holds
        back by 40 ms. Quick-ACK mode is not sticky, hence renewed before every recv().
        """
        if hasattr(socket, "TCP_QUICKACK"):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)

    def _send(self, payload: bytes) -> None:
        connection = self._socket
        if connection is None:
            return
        connection.sendall(struct.pack(">H", len(payload)) + payload)

    def _disconnect(self) -> None:
        connection, self._socket = self._socket, None
        if connection is None:
            return
        # The peer may have reset the connection already: closing is all that is left.
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
        connection.close()
