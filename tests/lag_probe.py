"""The GUI thread's longest stall, for the benchmarks and the tests that bound it."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer


class LagProbe:
    """Measures the GUI thread's longest stall: a 5 ms timer that notes how late it fires."""

    def __init__(self, interval_ms: int = 5) -> None:
        self._interval = interval_ms
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self.worst_ms = 0.0

    def start(self) -> None:
        self._clock.start()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        late = self._clock.restart() - self._interval
        self.worst_ms = max(self.worst_ms, float(late))
