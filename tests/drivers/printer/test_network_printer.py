"""EscPosPrinter against printer simulators: TCP on 127.0.0.1 and a serial pseudo-terminal."""

from __future__ import annotations

import os
import re
import threading
import time
import tty
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from escpos.printer import Network
from PIL import Image

from drivers.printer.base import DocumentPrinter
from drivers.printer.errors import PrinterError, PrinterProblem
from drivers.printer.escpos_decode import decode_raster
from drivers.printer.escpos_output import ticket_bytes, ticket_job
from drivers.printer.escpos_printer import (
    UNREACHABLE,
    EscPosPrinter,
    FileConnection,
    NetworkConnection,
    PaperLevel,
    PrinterConfig,
    PrinterStatus,
    SerialConnection,
    Timeouts,
    status_from_replies,
)
from drivers.printer.netprinter_sim import (
    Faults,
    NetworkPrinterSimulator,
    PaperSupply,
    RealTimeScanner,
    status_byte,
)
from drivers.printer.render import render_ticket
from tests.drivers.printer.printer_samples import PAPER_PROFILES, STANDARD, paper

FAST = Timeouts(connect=1.0, read=0.3, write=0.5, min_bytes_per_second=200_000)
STATUS_CHECK = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"  # DLE EOT 1, 2, 4
CONFIRM = b"\x10\x04\x01"


@pytest.fixture
def sim() -> Iterator[NetworkPrinterSimulator]:
    with NetworkPrinterSimulator(max_lifetime=30.0) as simulator:
        yield simulator


def network_printer(
    sim: NetworkPrinterSimulator, *, paper_width_mm: int = 80, **options: object
) -> EscPosPrinter:
    config = PrinterConfig(
        NetworkConnection(sim.host, sim.port),
        paper_width_mm=paper_width_mm,
        profile=PAPER_PROFILES[paper_width_mm],
        timeouts=FAST,
        poll_seconds=0,
    )
    return EscPosPrinter(replace(config, **options))


def job_bytes_sent(received: bytes) -> bytes:
    """What is left of a connection's bytes once the status requests around a job are cut."""
    assert received.startswith(STATUS_CHECK)
    assert received.endswith(CONFIRM + STATUS_CHECK)
    return received[len(STATUS_CHECK) : -len(CONFIRM + STATUS_CHECK)]


def timed_failure(send: Callable[[], object]) -> tuple[PrinterProblem, float]:
    """Run `send`, which must fail: the problem it names and the seconds it took to say so."""
    started = time.monotonic()
    with pytest.raises(PrinterError) as error:
        send()
    return error.value.problem, time.monotonic() - started


@pytest.mark.parametrize("paper_width_mm", [80, 58])
def test_a_printed_ticket_arrives_as_its_job_and_decodes_to_the_rendered_image(
    sim: NetworkPrinterSimulator, paper_width_mm: int
) -> None:
    printer: DocumentPrinter = network_printer(sim, paper_width_mm=paper_width_mm)
    printer.print_document(STANDARD)

    (received,) = sim.received
    rendered = render_ticket(STANDARD, profile=PAPER_PROFILES[paper_width_mm])
    job = job_bytes_sent(received)
    assert job == ticket_job(STANDARD, profile=PAPER_PROFILES[paper_width_mm])
    paper = decode_raster(job, paper_width=rendered.width)
    assert paper.tobytes() == rendered.tobytes()


def test_the_simulator_notes_when_each_byte_arrived(sim: NetworkPrinterSimulator) -> None:
    printer = network_printer(sim)
    before = time.monotonic()
    printer.print_document(STANDARD)
    after = time.monotonic()
    size = len(sim.received[0])
    times = [sim.arrival_time(0, index) for index in (0, len(STATUS_CHECK), size - 1)]
    assert all(t is not None for t in times)
    assert before <= times[0] <= times[1] <= times[2] <= after  # type: ignore[operator]
    assert sim.arrival_time(0, size) is None


@pytest.mark.parametrize(
    ("faults", "problem"),
    [
        (Faults(paper=PaperSupply.OUT), PrinterProblem.OUT_OF_PAPER),
        (Faults(cover_open=True), PrinterProblem.COVER_OPEN),
        (Faults(offline=True), PrinterProblem.OFFLINE),
        (Faults(cover_open=True, paper=PaperSupply.OUT), PrinterProblem.COVER_OPEN),
    ],
)
def test_a_fault_is_raised_before_any_ticket_byte_is_sent(
    sim: NetworkPrinterSimulator, faults: Faults, problem: PrinterProblem
) -> None:
    sim.set_faults(faults)
    printer = network_printer(sim)
    named, elapsed = timed_failure(lambda: printer.print_document(STANDARD))
    assert elapsed < 0.5
    assert named is problem
    assert sim.received == [STATUS_CHECK]
    assert printer.status is not None
    assert printer.status.problem is problem


def test_paper_near_end_still_prints_and_is_reported(sim: NetworkPrinterSimulator) -> None:
    sim.set_faults(Faults(paper=PaperSupply.NEAR_END))
    seen: list[PrinterStatus] = []
    printer = EscPosPrinter(
        PrinterConfig(NetworkConnection(sim.host, sim.port), timeouts=FAST, poll_seconds=0),
        on_status=seen.append,
    )
    printer.print_document(STANDARD)
    assert len(job_bytes_sent(sim.received[0])) > 1000
    near_end = PrinterStatus(
        reachable=True, online=True, paper=PaperLevel.NEAR_END, cover_open=False
    )
    assert printer.status == near_end
    assert seen == [near_end]  # reported once, not again for the same status


def test_a_printer_that_never_answers_status_is_offline_within_a_second(
    sim: NetworkPrinterSimulator,
) -> None:
    sim.set_faults(Faults(status_silent=True))
    printer = network_printer(sim)
    problem, elapsed = timed_failure(lambda: printer.print_document(STANDARD))
    assert problem is PrinterProblem.OFFLINE
    assert FAST.read <= elapsed < 1.0
    assert sim.received == [b"\x10\x04\x01"]  # asked once, then gave up; no ticket bytes
    assert printer.status == UNREACHABLE


def test_a_printer_that_is_switched_off_is_offline_at_once() -> None:
    with NetworkPrinterSimulator() as sim:
        printer = network_printer(sim)
    problem, elapsed = timed_failure(lambda: printer.print_document(STANDARD))
    assert problem is PrinterProblem.OFFLINE
    assert elapsed < 0.5
    assert printer.check_status() == UNREACHABLE


def test_a_forgotten_simulator_stops_by_itself() -> None:
    sim = NetworkPrinterSimulator(max_lifetime=0.2)
    printer = network_printer(sim)
    status = printer.check_status()
    assert status is not None
    assert status.problem is None
    time.sleep(0.4)
    assert printer.check_status() == UNREACHABLE
    sim.close()


def test_a_connection_dropped_mid_job_fails_the_job_and_never_resends_it(
    sim: NetworkPrinterSimulator,
) -> None:
    sim.set_faults(Faults(drop_after_bytes=6_000))  # half way through a ~12 KB ticket
    printer = network_printer(sim)
    problem, elapsed = timed_failure(lambda: printer.print_document(STANDARD))
    assert problem is PrinterProblem.WRITE_FAILED
    assert elapsed < 1.0
    time.sleep(0.2)  # a retry, if there were one, would have connected by now
    (received,) = sim.received
    assert received.startswith(STATUS_CHECK)
    assert len(received) == 6_000

    # The printer is back: the next job goes through once, the failed one is not replayed.
    sim.set_faults(Faults())
    printer.print_document(paper(queue_label="B013"))
    assert sim.connection_count == 2
    expected = ticket_job(paper(queue_label="B013"))
    assert job_bytes_sent(sim.received[1]) == expected


def test_a_slow_printer_fails_the_job_at_its_deadline(sim: NetworkPrinterSimulator) -> None:
    sim.set_faults(Faults(seconds_per_kb=0.05))  # about 20 KB/s: 3.5 s for this ticket
    printer = network_printer(sim)
    job = ticket_bytes(render_ticket(STANDARD))
    deadline = FAST.job_deadline(len(job))
    problem, elapsed = timed_failure(lambda: printer.print_job(job))
    assert problem is PrinterProblem.WRITE_FAILED
    assert deadline <= elapsed < deadline + 0.5
    assert sim.connection_count == 1


def test_status_requests_inside_raster_data_are_answered_and_skipped(
    sim: NetworkPrinterSimulator,
) -> None:
    # Rows whose bytes read DLE EOT 4: the printer answers each one as it reads them.
    rows = 5
    image = Image.frombytes("1", (24, rows), b"\x10\x04\x04" * rows, "raw", "1;I")
    job = ticket_bytes(image)
    assert len(re.findall(rb"\x10\x04[\x01-\x04]", job)) == rows
    # Near end makes the answer to DLE EOT 4 read "offline" if taken for DLE EOT 1.
    sim.set_faults(Faults(paper=PaperSupply.NEAR_END))
    printer = network_printer(sim)
    started = time.monotonic()
    printer.print_job(job)
    assert time.monotonic() - started < FAST.write  # no waiting for a quiet period
    assert printer.status is not None
    assert printer.status.problem is None
    assert printer.status.paper is PaperLevel.NEAR_END
    assert sim.status_answers == 3 + rows + 1 + 3
    assert decode_raster(job_bytes_sent(sim.received[0])).tobytes() == image.tobytes()


def test_an_answer_to_a_request_inside_the_data_does_not_confirm_the_job(
    sim: NetworkPrinterSimulator,
) -> None:
    # A DLE EOT 1 in the first row, then 30 KB of raster cut off by a dropped connection.
    image = Image.new("1", (576, 420), 255)
    image.paste(Image.frombytes("1", (24, 1), b"\x10\x04\x01", "raw", "1;I"), (0, 0))
    job = ticket_bytes(image)
    sim.set_faults(Faults(drop_after_bytes=20_000))
    printer = network_printer(sim)
    with pytest.raises(PrinterError) as error:
        printer.print_job(job)
    assert error.value.problem is PrinterProblem.WRITE_FAILED
    assert sim.status_answers == 3 + 1


def test_background_polling_reports_faults_and_recovery(sim: NetworkPrinterSimulator) -> None:
    changes: list[tuple[float, PrinterStatus]] = []
    changed = threading.Event()

    def record(status: PrinterStatus) -> None:
        changes.append((time.monotonic(), status))
        changed.set()

    config = PrinterConfig(NetworkConnection(sim.host, sim.port), timeouts=FAST, poll_seconds=0.1)
    printer = EscPosPrinter(config, on_status=record)
    printer.start_polling()
    try:
        for faults, problem in [
            (Faults(), None),
            (Faults(paper=PaperSupply.OUT), PrinterProblem.OUT_OF_PAPER),
            (Faults(cover_open=True), PrinterProblem.COVER_OPEN),
            (Faults(status_silent=True), PrinterProblem.OFFLINE),
            (Faults(), None),
        ]:
            changed.clear()
            sim.set_faults(faults)
            switched = time.monotonic()
            assert changed.wait(timeout=2.0), f"no status change after {faults}"
            seen_at, status = changes[-1]
            assert status.problem is problem
            # One poll interval plus, for a silent printer, one read timeout.
            assert seen_at - switched < config.poll_seconds + FAST.read + 0.2
    finally:
        printer.close()
    polls = sim.connection_count
    time.sleep(0.3)
    assert sim.connection_count == polls  # closing stopped the polling


def test_jobs_from_several_threads_are_printed_one_at_a_time(
    sim: NetworkPrinterSimulator,
) -> None:
    printer = network_printer(sim)
    tickets = [paper(queue_label=f"B{n:03d}") for n in range(3)]
    threads = [threading.Thread(target=printer.print_document, args=(t,)) for t in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5.0)
    jobs = {job_bytes_sent(received) for received in sim.received}
    assert jobs == {ticket_job(ticket) for ticket in tickets}


@pytest.mark.parametrize(
    ("faults", "online", "paper"),
    [
        (Faults(), True, 2),
        (Faults(paper=PaperSupply.NEAR_END), True, 1),
        (Faults(paper=PaperSupply.OUT), False, 0),
        (Faults(cover_open=True), False, 2),
        (Faults(offline=True), False, 2),
    ],
)
def test_python_escpos_reads_the_simulators_status_bytes_the_same_way(
    sim: NetworkPrinterSimulator, faults: Faults, online: bool, paper: int
) -> None:
    """An independent reader of the same bytes: python-escpos's own status helpers."""
    sim.set_faults(faults)
    reference = Network(sim.host, sim.port, timeout=1.0)
    reference.open()
    try:
        assert reference.is_online() is online
        assert reference.paper_status() == paper
    finally:
        reference.close()


def test_status_bytes_are_decoded_bit_by_bit() -> None:
    assert status_from_replies(0x12, 0x12, 0x12).problem is None
    assert status_from_replies(0x16, 0x12, 0x12).online  # drawer pin high: still online
    assert status_from_replies(0x1A, 0x16, 0x12).problem is PrinterProblem.COVER_OPEN
    assert status_from_replies(0x1A, 0x32, 0x7E).paper is PaperLevel.OUT
    assert status_from_replies(0x12, 0x12, 0x1E).paper is PaperLevel.NEAR_END
    assert status_from_replies(0x1A, 0x52, 0x12).problem is PrinterProblem.OFFLINE
    for garbage in (0x00, 0xFF, 0x13, 0x92):
        with pytest.raises(ValueError, match="not an ESC/POS status byte"):
            status_from_replies(garbage, 0x12, 0x12)


def test_a_file_printer_gets_the_job_and_has_no_status(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    printer = EscPosPrinter(PrinterConfig(FileConnection(str(device))))
    printer.print_document(STANDARD)
    assert device.read_bytes() == ticket_job(STANDARD)
    assert printer.check_status() is None
    assert printer.status is None


def test_a_file_printer_that_cannot_be_opened_is_offline(tmp_path: Path) -> None:
    printer = EscPosPrinter(PrinterConfig(FileConnection(str(tmp_path / "no" / "lp0"))))
    with pytest.raises(PrinterError) as error:
        printer.print_document(STANDARD)
    assert error.value.problem is PrinterProblem.OFFLINE


class PtySerialPrinter:
    """A serial printer on a pseudo-terminal: the same status bytes as the network one."""

    def __init__(self) -> None:
        self.faults = Faults()
        self.received = bytearray()
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        scanner = RealTimeScanner()
        while True:
            try:
                data = os.read(self._master, 4096)
            except OSError:
                return  # closed
            self.received += data
            requests = scanner.feed(data)
            if requests:
                os.write(self._master, bytes(status_byte(self.faults, n) for n in requests))

    def close(self) -> None:
        os.close(self._slave)
        os.close(self._master)
        self._thread.join(timeout=2.0)


def test_a_serial_printer_prints_and_reports_faults() -> None:
    pytest.importorskip("serial", reason="serial printers need pyserial")
    device = PtySerialPrinter()
    printer = EscPosPrinter(
        PrinterConfig(SerialConnection(device.path, 115_200), timeouts=FAST, poll_seconds=0)
    )
    try:
        printer.print_document(STANDARD)
        job = job_bytes_sent(bytes(device.received))
        assert job == ticket_job(STANDARD)

        device.faults = Faults(paper=PaperSupply.OUT)
        with pytest.raises(PrinterError) as error:
            printer.print_document(STANDARD)
        assert error.value.problem is PrinterProblem.OUT_OF_PAPER
        assert printer.check_status() == printer.status
    finally:
        printer.close()
        device.close()
