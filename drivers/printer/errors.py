"""Why a printer could not print, in terms staff can act on."""

from __future__ import annotations

from enum import Enum


class PrinterProblem(Enum):
    OUT_OF_PAPER = "out_of_paper"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    WRITE_FAILED = "write_failed"  # bytes went out; part of the job may be on the paper


class PrinterError(Exception):
    """A job could not be printed; `problem` says why, `detail` says more for the log."""

    def __init__(self, problem: PrinterProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
        self.detail = detail
