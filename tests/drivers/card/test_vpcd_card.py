"""VirtualCard against a stand-in for pcscd's vpcd driver on loopback: framing and faults."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import pytest

from drivers.card.virtual_chip import DEFAULT_ATR, Chip
from drivers.card.vpcd_card import Fault, FaultKind, VirtualCard

pytestmark = pytest.mark.timeout(10)
SELECT_EMRTD = bytes.fromhex("00A4040C07A0000002471001")


class FakeVpcd:
    """The reader's end of the vpcd protocol: listens, and speaks length-prefixed messages."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connection: socket.socket | None = None

    def accept(self) -> None:
        self.server.settimeout(2)
        self.connection, _ = self.server.accept()
        self.connection.settimeout(2)

    def send(self, payload: bytes) -> None:
        assert self.connection is not None
        self.connection.sendall(struct.pack(">H", len(payload)) + payload)

    def receive(self) -> bytes | None:
        """The card's next message, or None once the card has left (connection closed)."""
        header = self._exactly(2)
        if header is None:
            return None
        return self._exactly(struct.unpack(">H", header)[0])

    def _exactly(self, size: int) -> bytes | None:
        assert self.connection is not None
        data = b""
        while len(data) < size:
            chunk = self.connection.recv(size - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.server.close()


@pytest.fixture
def vpcd() -> Iterator[FakeVpcd]:
    fake = FakeVpcd()
    yield fake
    fake.close()


def test_atr_request_and_apdu_are_answered(vpcd: FakeVpcd) -> None:
    with VirtualCard(Chip(), port=vpcd.port) as card:
        vpcd.accept()
        vpcd.send(b"\x04")
        assert vpcd.receive() == DEFAULT_ATR
        vpcd.send(b"\x01")  # power on: no answer expected
        vpcd.send(SELECT_EMRTD)
        assert vpcd.receive() == b"\x90\x00"
        assert card.apdus == 1


def test_power_off_resets_the_chip(vpcd: FakeVpcd) -> None:
    chip = Chip()
    chip.session = object()  # type: ignore[assignment]  # stands for an open SM session
    with VirtualCard(chip, port=vpcd.port):
        vpcd.accept()
        vpcd.send(b"\x00")
        vpcd.send(b"\x04")  # a round trip, so the power-off has been handled
        assert vpcd.receive() == DEFAULT_ATR
    assert chip.session is None


def test_remove_closes_the_connection_and_stops_the_thread(vpcd: FakeVpcd) -> None:
    card = VirtualCard(Chip(), port=vpcd.port)
    card.insert()
    vpcd.accept()
    card.remove()
    assert vpcd.receive() is None
    assert not card.inserted
    card.insert()  # the same card can be put down again
    card.remove()


def test_reader_going_away_ends_the_card_thread(vpcd: FakeVpcd) -> None:
    card = VirtualCard(Chip(), port=vpcd.port)
    card.insert()
    vpcd.accept()
    vpcd.close()
    assert card.left.wait(2)
    card.remove()


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        (FaultKind.REMOVE, lambda answer: answer is None),
        (FaultKind.TRUNCATE, lambda answer: answer == b"\x90"),
        (FaultKind.GARBAGE, lambda answer: answer is not None and len(answer) >= 7),
        (FaultKind.BAD_MAC, lambda answer: answer == b"\x90\x00"),  # too short to flip
    ],
)
def test_faults_hit_only_the_chosen_apdu(vpcd: FakeVpcd, kind: FaultKind, check: object) -> None:
    with VirtualCard(Chip(), port=vpcd.port, fault=Fault(kind, at_apdu=2)):
        vpcd.accept()
        vpcd.send(SELECT_EMRTD)
        assert vpcd.receive() == b"\x90\x00"
        vpcd.send(SELECT_EMRTD)
        assert callable(check) and check(vpcd.receive())


def test_bad_mac_flips_the_last_mac_byte(vpcd: FakeVpcd) -> None:
    class Protected:
        atr = DEFAULT_ATR

        def transmit(self, apdu: bytes) -> bytes:
            return bytes.fromhex("990290008E08") + bytes(8) + b"\x90\x00"

    with VirtualCard(Protected(), port=vpcd.port, fault=Fault(FaultKind.BAD_MAC, 1)):
        vpcd.accept()
        vpcd.send(SELECT_EMRTD)
        answer = vpcd.receive()
    assert answer == bytes.fromhex("990290008E08") + bytes(7) + b"\x01\x90\x00"


def test_silent_card_leaves_after_its_bound(vpcd: FakeVpcd) -> None:
    card = VirtualCard(Chip(), port=vpcd.port, fault=Fault(FaultKind.SILENCE, 1, 0.3))
    card.insert()
    vpcd.accept()
    vpcd.send(SELECT_EMRTD)
    assert vpcd.receive() is None
    assert card.left.wait(2)  # set by the card's thread just after it closed the connection
    card.remove()


def test_latency_is_spent_per_apdu(vpcd: FakeVpcd) -> None:
    with VirtualCard(Chip(), port=vpcd.port, latency=0.05) as card:
        vpcd.accept()
        for _ in range(3):
            vpcd.send(SELECT_EMRTD)
            assert vpcd.receive() == b"\x90\x00"
        vpcd.send(b"\x04")  # control messages are not delayed
        assert vpcd.receive() == DEFAULT_ATR
    assert 0.15 <= card.card_seconds < 0.5
