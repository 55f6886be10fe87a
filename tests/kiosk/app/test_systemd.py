"""sd_notify: READY once the backends are up, WATCHDOG from the GUI thread, nothing otherwise."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.app.controller import KioskApp
from kiosk.app.systemd import SystemdNotifier
from kiosk.config import Config


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.setblocking(False)
    yield path, sock
    sock.close()


def received(sock: socket.socket) -> list[bytes]:
    messages = []
    while True:
        try:
            messages.append(sock.recv(64))
        except BlockingIOError:
            return messages


def test_messages_reach_the_socket(listener: tuple[str, socket.socket]) -> None:
    path, sock = listener
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "4000000"})
    assert notifier.keepalive_interval == 2.0
    notifier.ready()
    notifier.alive()
    assert received(sock) == [b"READY=1", b"WATCHDOG=1"]


def test_without_systemd_nothing_happens() -> None:
    notifier = SystemdNotifier({})
    assert notifier.keepalive_interval is None
    notifier.ready()  # no socket, no error
    assert SystemdNotifier({"WATCHDOG_USEC": "1000"}).keepalive_interval is None


def test_a_full_queue_never_blocks(listener: tuple[str, socket.socket]) -> None:
    path, _ = listener  # nobody reads: the kernel queue fills after a few datagrams
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path})
    started = time.monotonic()
    for _ in range(1000):
        notifier.alive()
    assert time.monotonic() - started < 1.0


def test_a_vanished_socket_is_logged_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    notifier = SystemdNotifier({"NOTIFY_SOCKET": str(tmp_path / "gone.sock")})
    notifier.ready()
    notifier.alive()
    assert caplog.text.count("cannot notify systemd") == 1


def test_the_kiosk_says_ready_then_keeps_saying_alive(
    qapp: QApplication,
    tmp_path: Path,
    listener: tuple[str, socket.socket],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, sock = listener
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "100000")  # keep-alive every 50 ms
    kiosk = KioskApp(Config(), demo=True, data_dir=tmp_path / "kiosk")
    messages: list[bytes] = []
    try:
        kiosk.wait_until_ready()
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            QApplication.processEvents()
            messages += received(sock)  # as systemd would: promptly
            time.sleep(0.01)
    finally:
        kiosk.close()
    messages += received(sock)
    assert messages.count(b"READY=1") == 1
    assert messages.count(b"WATCHDOG=1") >= 3
