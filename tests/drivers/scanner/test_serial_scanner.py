"""SerialScanner through a real pseudo-terminal: the kernel's tty layer between us and it."""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from drivers.scanner.errors import ScannerError, ScannerProblem
from drivers.scanner.frames import FrameSplitter
from drivers.scanner.serial import SerialScanner

CCCD = "001078012345||Nguyễn Văn An|14031978|Nam|25 Lý Thường Kiệt, Hà Nội|15082021"
WAIT = 3.0


class Pty:
    """The scanner's end of a pseudo-terminal; the kiosk opens `path`."""

    def __init__(self) -> None:
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        os.close(slave)  # the scanner under test opens it by name, like a device node

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def unplug(self) -> None:
        os.close(self.master)


class Events:
    """What the listeners saw, in order, with a way to wait for the next one."""

    def __init__(self) -> None:
        self.items: queue.Queue[str | ScannerError] = queue.Queue()

    def payload(self, text: str) -> None:
        self.items.put(text)

    def error(self, error: ScannerError) -> None:
        self.items.put(error)

    def next(self) -> str | ScannerError:
        return self.items.get(timeout=WAIT)

    def none_within(self, seconds: float) -> bool:
        try:
            self.items.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


@pytest.fixture
def pty() -> Iterator[Pty]:
    end = Pty()
    yield end
    with contextlib.suppress(OSError):  # the test may have unplugged it already
        os.close(end.master)


@contextmanager
def _scanner(path: str, events: Events, **options: Any) -> Iterator[SerialScanner]:
    """A started scanner with the device open; stopped afterwards."""
    scanner = SerialScanner(path, 115200, reconnect_interval=0.05, **options)
    scanner.set_listener(events.payload, events.error)
    with scanner:
        assert scanner.wait_connected(WAIT)
        yield scanner


def test_frames_with_cr_lf_and_crlf_arrive_as_text(pty: Pty) -> None:
    events = Events()
    with _scanner(pty.path, events):
        pty.send(f"{CCCD}\r\n".encode())
        pty.send(b"VNEID:1:BN00000001:abc\rsecond\nthird\r\n")
        assert [events.next() for _ in range(4)] == [
            CCCD,
            "VNEID:1:BN00000001:abc",
            "second",
            "third",
        ]
        assert events.none_within(0.1)  # CRLF is one terminator: no empty frame


def test_a_frame_split_across_writes_and_inside_a_character_is_whole(pty: Pty) -> None:
    data = f"\ufeff{CCCD}\r\n".encode()
    cut = data.index("ễ".encode()) + 1  # in the middle of a 3-byte character
    events = Events()
    with _scanner(pty.path, events):
        for chunk in (data[:5], data[5:cut], data[cut:-1], data[-1:]):
            pty.send(chunk)
            time.sleep(0.02)
        assert events.next() == f"\ufeff{CCCD}"


def test_invalid_utf8_is_a_typed_error_and_reading_goes_on(pty: Pty) -> None:
    events = Events()
    with _scanner(pty.path, events):
        pty.send(b"Nguy\xe1\xbb\r\n")  # a truncated character
        error = events.next()
        assert isinstance(error, ScannerError)
        assert error.problem is ScannerProblem.NOT_UTF8
        assert "offset 4" in str(error) and "Nguy" not in str(error)
        pty.send(f"{CCCD}\n".encode())
        assert events.next() == CCCD


def test_a_custom_suffix_keeps_cr_and_lf_inside_the_frame(pty: Pty) -> None:
    events = Events()
    with _scanner(pty.path, events, suffix=b"\x03"):
        pty.send(b"line one\r\nline two\x03")
        assert events.next() == "line one\r\nline two"


def test_a_fragment_left_hanging_is_not_glued_to_the_next_code(pty: Pty) -> None:
    events = Events()
    with _scanner(pty.path, events, partial_timeout=0.1):
        pty.send(b"half a co")
        time.sleep(0.3)
        pty.send(f"{CCCD}\r".encode())
        assert events.next() == CCCD


def test_device_gone_is_reported_once_then_reconnects(tmp_path: Path) -> None:
    first = Pty()
    link = tmp_path / "ttyScanner"  # as a udev rule names the scanner
    link.symlink_to(first.path)
    events = Events()
    with _scanner(str(link), events) as scanner:
        first.send(b"before\n")
        assert events.next() == "before"
        first.unplug()
        lost = events.next()
        assert isinstance(lost, ScannerError) and lost.problem is ScannerProblem.DEVICE_LOST
        assert events.none_within(0.3)  # retrying quietly, not once per attempt
        assert not scanner.connected

        second = Pty()
        link.unlink()
        link.symlink_to(second.path)
        assert scanner.wait_connected(WAIT)
        second.send(b"after\r\n")
        assert events.next() == "after"
        second.unplug()


def test_missing_device_at_start_is_reported_and_stop_is_clean(tmp_path: Path) -> None:
    events = Events()
    scanner = SerialScanner(str(tmp_path / "nothing"), reconnect_interval=0.05)
    scanner.set_listener(events.payload, events.error)
    scanner.start()
    error = events.next()
    assert isinstance(error, ScannerError) and error.problem is ScannerProblem.DEVICE_LOST
    started = time.monotonic()
    scanner.stop()
    assert time.monotonic() - started < 1.0
    assert not [t for t in threading.enumerate() if t.name == "serial-scanner"]
    scanner.stop()  # stopping twice is harmless


def test_a_failing_listener_does_not_stop_the_scanner(pty: Pty) -> None:
    events = Events()
    seen: list[str] = []

    def fragile(text: str) -> None:
        seen.append(text)
        if text == "boom":
            raise RuntimeError("listener bug")
        events.payload(text)

    scanner = SerialScanner(pty.path, reconnect_interval=0.05)
    scanner.set_listener(fragile, events.error)
    with scanner:
        assert scanner.wait_connected(WAIT)
        pty.send(b"boom\nfine\n")
        assert events.next() == "fine"
    assert seen == ["boom", "fine"]


def test_splitter_reports_an_endless_frame_once_and_recovers() -> None:
    splitter = FrameSplitter(max_frame_bytes=16)
    out = splitter.feed(b"x" * 10)
    assert out == []
    out = splitter.feed(b"y" * 10)
    assert len(out) == 1 and isinstance(out[0], ScannerError)
    assert out[0].problem is ScannerProblem.FRAME_TOO_LONG
    assert splitter.feed(b"z" * 40) == []  # still the same runaway frame: reported once
    assert splitter.feed(b"tail\r\nnext\r\n") == [b"next"]


def test_splitter_finds_a_multibyte_suffix_split_between_chunks() -> None:
    splitter = FrameSplitter(suffix=b"\r\n\x04", max_frame_bytes=8)
    assert splitter.feed(b"12345678\r") == []
    assert splitter.feed(b"\n") == []
    assert splitter.feed(b"\x04ab") == [b"12345678"]
    assert splitter.has_partial
    splitter.discard_partial()
    assert splitter.feed(b"cd\r\n\x04") == [b"cd"]
