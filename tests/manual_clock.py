"""A clock for code that takes one as a callable (`clock=time.monotonic` in production)."""

from __future__ import annotations


class ManualClock:
    """Stands still until the test moves it: `clock.now += 5`."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
