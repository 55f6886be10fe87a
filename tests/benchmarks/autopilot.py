"""A patient with no think time: answers every screen the moment it is shown.

Event-driven (no polling), so what is measured is the kiosk's own software time: flow, rendering,
worker threads, the demo hospital over loopback, ticket rendering and ESC/POS encoding.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QAbstractButton

from kiosk.app.controller import KioskApp
from kiosk.core.domain import Ticket
from kiosk.core.flow import FlowState, Screen

# Screen -> the button the hurried patient presses (walk-in with insurance, no priority).
NEXT_BUTTON = {
    Screen.PATIENT_SUMMARY: "btn_continue",
    Screen.ALREADY_CHECKED_IN: "btn_another_clinic",
    Screen.APPOINTMENT: "btn_appointment_confirm",
    Screen.SERVICE: "btn_service_insurance",
    Screen.DEPARTMENT: "btn_department_NOI",
    Screen.PRIORITY: "btn_priority_none",
    Screen.CONFIRM: "btn_confirm",
    Screen.TICKET: "btn_done",
}


class TimedPrinter:
    """Wraps the printer to note when the ticket is handed over (the measured end point)."""

    def __init__(self, printer, on_handed: Callable[[], None]) -> None:
        self._printer = printer
        self._on_handed = on_handed

    def print_ticket(self, ticket: Ticket) -> None:
        self._on_handed()
        self._printer.print_ticket(ticket)


@dataclass
class Autopilot:
    """Shows `code` (a CCCD QR payload) to the scanner; the card lies on the reader throughout,
    so the chip is read the moment the kiosk asks for it."""

    kiosk: KioskApp
    code: str
    durations_ms: list[float] = field(default_factory=list)
    _started: float = 0.0
    _loop: QEventLoop | None = None

    def __post_init__(self) -> None:
        self.kiosk.controller.state_changed.connect(self._on_state)

    def handed_to_printer(self) -> None:
        # Called on a worker thread: time.perf_counter is thread-safe and monotonic.
        self.durations_ms.append((time.perf_counter() - self._started) * 1000)

    def check_in_once(self, timeout_ms: int = 10_000) -> None:
        loop = QEventLoop()
        self._loop = loop
        guard = QTimer.singleShot(timeout_ms, loop.quit)  # noqa: F841 - never hang a benchmark
        self._started = time.perf_counter()
        self.kiosk.scanner.show(self.code)
        loop.exec()
        self._loop = None
        if self.kiosk.controller.state.screen is not Screen.WELCOME:
            raise RuntimeError(f"check-in stuck on {self.kiosk.controller.state.screen.name}")

    def _on_state(self, state: FlowState) -> None:
        if state.screen is Screen.WELCOME and self._loop is not None:
            self._loop.quit()
            return
        name = NEXT_BUTTON.get(state.screen)
        if name is not None:
            QTimer.singleShot(0, lambda: self._press(name))

    def _press(self, name: str) -> None:
        for button in self.kiosk.window.findChildren(QAbstractButton, name):
            if button.isVisible() and button.isEnabled():
                button.click()
                return


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "p95": percentile(values, 0.95),
        "max": max(values),
    }
