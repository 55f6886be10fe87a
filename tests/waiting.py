"""Waiting in a test for what another thread does (no Qt event loop: see tests/demo_kiosk.wait)."""

from __future__ import annotations

import time
from collections.abc import Callable


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Returns once `check()` holds; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
