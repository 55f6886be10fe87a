"""A printer twin for the demo and the tests: the real layout and ESC/POS path, paper in memory.

Every job goes through the same `ticket_job` as a real printer, and the "paper" is decoded
back from those bytes by the printer emulation, so what the demo shows (and the PNGs saved)
is what a printer would print. Faults are switched on by hand (admin screen, tests).
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from drivers.printer.document import PaperTicket
from drivers.printer.errors import PrinterError, PrinterProblem
from drivers.printer.escpos_decode import decode_paper
from drivers.printer.escpos_output import ticket_job
from drivers.printer.layout import DEFAULT_PROFILE, LayoutOptions
from drivers.printer.profile import printer_model

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintedJob:
    number: int  # 1, 2, ... since the printer was created; also the file name stem
    document: PaperTicket
    data: bytes  # the ESC/POS job as sent
    paper: Image.Image  # mode "1", decoded from `data`: what the paper shows

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.paper.save(buffer, format="PNG")
        return buffer.getvalue()


class SimulatedPrinter:
    """Thread-safe; keeps only the last `keep_last` jobs, so memory stays bounded."""

    def __init__(
        self,
        *,
        keep_last: int = 20,
        out_dir: Path | None = None,
        paper_width_mm: int | None = None,  # None: the profile's paper
        latency: float = 0.0,
        profile: str = DEFAULT_PROFILE,
        options: LayoutOptions | None = None,
    ) -> None:
        if keep_last < 1:
            raise ValueError(f"keep_last must be at least 1, got {keep_last}")
        self._paper_width_mm = paper_width_mm
        self._paper_dots = printer_model(profile, paper_width_mm).dots
        self._profile = profile
        self._options = options
        self._out_dir = out_dir
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
        self._state_lock = threading.Lock()  # guards the fields below
        self._problem: PrinterProblem | None = None
        self._latency = 0.0
        self._jobs: deque[PrintedJob] = deque(maxlen=keep_last)
        self._printed = 0
        # One job on the paper at a time, like a real print head; held through `latency`.
        self._paper_lock = threading.Lock()
        self.latency = latency

    @property
    def problem(self) -> PrinterProblem | None:
        with self._state_lock:
            return self._problem

    def set_problem(self, problem: PrinterProblem | None) -> None:
        """Switch a fault on (every job fails with it) or off (`None`)."""
        with self._state_lock:
            self._problem = problem
        logger.info("simulated printer problem set to %s", problem.value if problem else "none")

    @property
    def latency(self) -> float:
        """Seconds each job takes on the printer, to feel a slow printer in the demo."""
        with self._state_lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"latency must not be negative, got {seconds}")
        with self._state_lock:
            self._latency = seconds

    @property
    def jobs(self) -> list[PrintedJob]:
        """The last printed jobs, oldest first (a snapshot)."""
        with self._state_lock:
            return list(self._jobs)

    @property
    def printed_count(self) -> int:
        """Jobs printed since creation, including those no longer kept."""
        with self._state_lock:
            return self._printed

    def print_document(self, document: PaperTicket) -> None:
        data = ticket_job(
            document,
            paper_width_mm=self._paper_width_mm,
            profile=self._profile,
            options=self._options,
        )
        with self._paper_lock:
            time.sleep(self.latency)
            problem = self.problem
            if problem is not None:
                logger.warning("simulated printer refused a job: %s", problem.value)
                raise PrinterError(problem, "simulated fault")
            paper = decode_paper(data, paper_width=self._paper_dots)
            job = PrintedJob(self.printed_count + 1, document, data, paper.image)
            if self._out_dir is not None:
                self._save(job, self._out_dir)
            with self._state_lock:
                self._jobs.append(job)
                self._printed = job.number
        logger.info("simulated printer printed job %04d (%d bytes)", job.number, len(data))

    @staticmethod
    def _save(job: PrintedJob, out_dir: Path) -> None:
        stem = out_dir / f"{job.number:04d}"
        try:
            stem.with_suffix(".bin").write_bytes(job.data)
            stem.with_suffix(".png").write_bytes(job.png())
        except OSError as error:
            raise PrinterError(PrinterProblem.WRITE_FAILED, str(error)) from error
