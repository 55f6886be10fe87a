"""The simulated printer: real render and ESC/POS bytes, paper decoded back, switchable faults."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from drivers.printer.base import DocumentPrinter
from drivers.printer.errors import PrinterError, PrinterProblem
from drivers.printer.escpos_decode import decode_raster
from drivers.printer.layout import LayoutOptions
from drivers.printer.render import render_ticket
from drivers.printer.simulated import SimulatedPrinter
from kiosk.app.ticket_paper import TicketField, TicketTemplate, paper_ticket
from tests.drivers.printer.printer_samples import PAPER_PROFILES, STANDARD, STANDARD_TICKET, paper

SMALL = paper(footer="")


def test_a_printed_job_keeps_ticket_bytes_and_the_paper_decoded_from_them() -> None:
    printer: DocumentPrinter = SimulatedPrinter()
    printer.print_document(STANDARD)
    assert isinstance(printer, SimulatedPrinter)
    (job,) = printer.jobs
    assert job.number == 1
    assert job.document is STANDARD
    assert job.data.startswith(b"\x1b@")
    assert job.paper.tobytes() == decode_raster(job.data, paper_width=576).tobytes()
    assert job.paper.tobytes() == render_ticket(STANDARD).tobytes()
    assert job.png().startswith(b"\x89PNG")


def test_paper_width_follows_the_configured_paper() -> None:
    printer = SimulatedPrinter(paper_width_mm=58, profile=PAPER_PROFILES[58])
    printer.print_document(SMALL)
    assert printer.jobs[0].paper.width == 432  # RP-F10-58mm: 54 mm at 203 dpi


def test_profile_and_options_shape_the_job_and_the_paper_shows_it() -> None:
    # A 58 mm printer without native QR, told to set the date as raster too.
    options = LayoutOptions(native_text=False)
    printer = SimulatedPrinter(paper_width_mm=58, profile="POS-5890", options=options)
    printer.print_document(STANDARD)
    (job,) = printer.jobs
    assert b"\x1d(k" not in job.data  # the QR code went as raster
    assert b"\x1d!" not in job.data  # and so did the queue number and the date
    expected = render_ticket(STANDARD, paper_width_mm=58, profile="POS-5890", options=options)
    assert job.paper.tobytes() == expected.tobytes()


def test_a_shorter_ticket_prints_shorter_paper() -> None:
    # A hospital that prints no directions.
    template = TicketTemplate(fields=frozenset(TicketField) - {TicketField.DIRECTIONS})
    printer = SimulatedPrinter(profile=PAPER_PROFILES[58])
    printer.print_document(paper_ticket(STANDARD_TICKET, template))
    (job,) = printer.jobs
    assert job.paper.height < render_ticket(STANDARD, profile=PAPER_PROFILES[58]).height


@pytest.mark.parametrize(
    "problem",
    [
        PrinterProblem.OUT_OF_PAPER,
        PrinterProblem.OFFLINE,
        PrinterProblem.WRITE_FAILED,
        PrinterProblem.COVER_OPEN,
    ],
)
def test_a_fault_raises_its_problem_and_keeps_nothing(
    problem: PrinterProblem, tmp_path: Path
) -> None:
    printer = SimulatedPrinter(out_dir=tmp_path)
    printer.set_problem(problem)
    assert printer.problem is problem
    with pytest.raises(PrinterError) as error:
        printer.print_document(SMALL)
    assert error.value.problem is problem
    assert printer.jobs == []
    assert printer.printed_count == 0
    assert list(tmp_path.iterdir()) == []


def test_printing_recovers_when_the_fault_is_cleared(tmp_path: Path) -> None:
    printer = SimulatedPrinter(out_dir=tmp_path)
    printer.set_problem(PrinterProblem.OUT_OF_PAPER)
    with pytest.raises(PrinterError):
        printer.print_document(SMALL)
    printer.set_problem(None)
    assert printer.problem is None
    printer.print_document(SMALL)
    assert [job.number for job in printer.jobs] == [1]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["0001.bin", "0001.png"]


def test_only_the_last_jobs_are_kept() -> None:
    printer = SimulatedPrinter(keep_last=3)
    for number in range(7):
        printer.print_document(paper(footer="", visit_id=f"V-{number}"))
    assert [job.number for job in printer.jobs] == [5, 6, 7]
    assert [job.document for job in printer.jobs] == [
        paper(footer="", visit_id=f"V-{number}") for number in (4, 5, 6)
    ]
    assert printer.printed_count == 7


def test_keep_last_must_be_positive() -> None:
    with pytest.raises(ValueError, match="keep_last"):
        SimulatedPrinter(keep_last=0)


def test_every_job_is_saved_as_bin_and_png(tmp_path: Path) -> None:
    out_dir = tmp_path / "paper"  # created on demand
    printer = SimulatedPrinter(out_dir=out_dir, keep_last=1)
    printer.print_document(SMALL)
    printer.print_document(paper(footer="", queue_label="B013"))
    assert sorted(path.name for path in out_dir.iterdir()) == [
        "0001.bin",
        "0001.png",
        "0002.bin",
        "0002.png",
    ]
    job = printer.jobs[0]
    assert (out_dir / "0002.bin").read_bytes() == job.data
    with Image.open(out_dir / "0002.png") as saved:
        assert saved.convert("1").tobytes() == job.paper.tobytes()


def test_a_failed_save_is_a_write_failure_and_keeps_no_job(tmp_path: Path) -> None:
    (tmp_path / "0001.bin").mkdir()  # the file cannot be written where a folder stands
    printer = SimulatedPrinter(out_dir=tmp_path)
    with pytest.raises(PrinterError) as error:
        printer.print_document(SMALL)
    assert error.value.problem is PrinterProblem.WRITE_FAILED
    assert printer.jobs == []
    assert printer.printed_count == 0


def test_latency_delays_the_job_without_blocking_the_status() -> None:
    printer = SimulatedPrinter(latency=0.4)
    worker = threading.Thread(target=printer.print_document, args=(SMALL,))
    worker.start()
    time.sleep(0.1)
    started = time.monotonic()
    assert printer.problem is None  # status reads do not wait for the paper
    assert printer.jobs == []
    assert time.monotonic() - started < 0.1
    worker.join(timeout=5)
    assert printer.printed_count == 1


def test_a_fault_switched_on_during_the_job_fails_it() -> None:
    printer = SimulatedPrinter(latency=0.3)
    errors: list[PrinterError] = []

    def print_one() -> None:
        try:
            printer.print_document(SMALL)
        except PrinterError as error:
            errors.append(error)

    worker = threading.Thread(target=print_one)
    worker.start()
    time.sleep(0.1)
    printer.set_problem(PrinterProblem.OFFLINE)
    worker.join(timeout=5)
    assert [error.problem for error in errors] == [PrinterProblem.OFFLINE]
    assert printer.jobs == []


def test_negative_latency_is_refused() -> None:
    printer = SimulatedPrinter()
    with pytest.raises(ValueError, match="latency"):
        printer.latency = -1


def test_concurrent_jobs_are_all_kept_once() -> None:
    printer = SimulatedPrinter(keep_last=20)
    threads = [
        threading.Thread(
            target=lambda n=n: [
                printer.print_document(paper(footer="", visit_id=f"V-{n}-{i}")) for i in range(2)
            ]
        )
        for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    jobs = printer.jobs
    assert [job.number for job in jobs] == list(range(1, 9))
    assert len({job.data for job in jobs}) == 8
    assert printer.printed_count == 8
