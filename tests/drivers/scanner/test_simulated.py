from __future__ import annotations

import threading

import pytest

from drivers.scanner.simulated import SimulatedScanner

RAW = "\ufeff001090012345||Nguyễn Văn An|01021990|Nam|Hà Nội|15082021\r\n"


def test_show_delivers_the_raw_payload_untouched():
    scanner = SimulatedScanner()
    seen: list[tuple[str, threading.Thread]] = []
    scanner.set_listener(lambda payload: seen.append((payload, threading.current_thread())))
    scanner.show(RAW)
    scanner.show("not a card")
    assert seen == [(RAW, threading.current_thread()), ("not a card", threading.current_thread())]


def test_latest_listener_wins():
    scanner = SimulatedScanner()
    first: list[str] = []
    second: list[str] = []
    scanner.set_listener(first.append)
    scanner.set_listener(second.append)
    scanner.show(RAW)
    assert (first, second) == ([], [RAW])


def test_show_without_listener_is_an_error():
    with pytest.raises(RuntimeError):
        SimulatedScanner().show(RAW)
