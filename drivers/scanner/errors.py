"""Typed failures of hardware scanners; messages give sizes and offsets, never content."""

from __future__ import annotations

from enum import Enum


class ScannerProblem(Enum):
    NOT_UTF8 = "not_utf8"  # a frame arrived but its bytes are not UTF-8 text
    FRAME_TOO_LONG = "frame_too_long"  # no terminator within the size limit: not a code
    DEVICE_LOST = "device_lost"  # the device disappeared or cannot be opened


class ScannerError(Exception):
    def __init__(self, problem: ScannerProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
