"""The printer and scanner a kiosk's config names, built by build_backends and used for real:
a network printer simulator on 127.0.0.1, a file printer, a serial scanner on a pseudo-terminal."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from drivers.printer import errors as printer_errors
from drivers.printer.escpos_decode import decode_paper
from drivers.printer.escpos_output import ticket_job
from drivers.printer.escpos_printer import (
    CupsConnection,
    PaperLevel,
    PrinterConfig,
    SerialConnection,
    Timeouts,
    UsbConnection,
)
from drivers.printer.layout import DEFAULT_PROFILE, build_layout
from drivers.printer.netprinter_sim import Faults, NetworkPrinterSimulator, PaperSupply
from drivers.printer.preview import preview
from drivers.printer.simulated import SimulatedPrinter
from drivers.scanner import wedge
from drivers.scanner.errors import ScannerProblem
from kiosk.app.backends import (
    Backends,
    build_backends,
    layout_options,
    printer_alert,
    printer_config,
    ticket_template,
)
from kiosk.app.ticket_paper import TicketField, paper_ticket, sample_ticket
from kiosk.config import TICKET_FIELDS, Config, ConfigError, PrinterSection, parse_config
from kiosk.core.domain import PrinterError, PrinterProblem

TICKET = sample_ticket(
    hospital_name="Bệnh viện Đa khoa Tỉnh", footer="Xin cảm ơn!", issued_at=datetime(2025, 3, 4, 8)
)
STATUS_CHECK = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"  # DLE EOT 1, 2, 4: asked before a job
CONFIRM = b"\x10\x04\x01"  # asked after it, then the full check again
CCCD = "001078012345||Nguyễn Văn An|14031978|Nam|25 Lý Thường Kiệt, Hà Nội|15082021"
WAIT = 3.0
FAST = {"connect_timeout": 1.0, "read_timeout": 0.3, "write_timeout": 0.5, "poll_seconds": 0}


def quiet(**sections: dict[str, Any]) -> Config:
    """A non-demo config through the TOML checks, without card reader, camera or offline store."""
    raw: dict[str, Any] = {
        "card": {"reader": "none"},
        "camera": {"source": "none"},
        "offline": {"enabled": False},
    }
    raw.update(sections)
    return parse_config(raw)


@contextlib.contextmanager
def backends_for(config: Config, tmp_path: Path) -> Iterator[Backends]:
    built = build_backends(config, demo=False, data_dir=tmp_path, ticket_dir=tmp_path / "tickets")
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def sim() -> Iterator[NetworkPrinterSimulator]:
    with NetworkPrinterSimulator(max_lifetime=30.0) as simulator:
        yield simulator


def network(sim: NetworkPrinterSimulator, **keys: Any) -> dict[str, Any]:
    return {"kind": "network", "host": sim.host, "port": sim.port, **FAST, **keys}


class Seen:
    """What a listener was given, from whatever thread, with a way to wait for it."""

    def __init__(self) -> None:
        self.items: queue.Queue[Any] = queue.Queue()

    def __call__(self, item: Any) -> None:
        self.items.put(item)

    def next(self) -> Any:
        return self.items.get(timeout=WAIT)

    def empty(self) -> bool:
        return self.items.empty()


# --- printers ---------------------------------------------------------------------------


def test_without_device_keys_the_kiosk_keeps_the_simulated_twins(tmp_path: Path) -> None:
    with backends_for(quiet(), tmp_path) as backends:
        assert isinstance(backends.printer, SimulatedPrinter)
        assert backends.escpos_printer is None and backends.printer_status is None
        assert backends.scanner.serial is None and backends.scanner.wedge is None
        payloads = Seen()
        backends.scanner.set_listener(payloads)
        backends.scanner.show(CCCD)
        assert payloads.next() == CCCD


def test_a_network_printer_from_the_config_prints_what_the_preview_shows(
    sim: NetworkPrinterSimulator, tmp_path: Path
) -> None:
    config = quiet(
        printer=network(sim, profile="RP-F10-58mm"),  # a 58 mm printer
        ticket={"paper_width_mm": 58, "hidden_fields": ["birth_year", "wait"]},
    )
    with backends_for(config, tmp_path) as backends:
        statuses = Seen()
        backends.set_printer_status_listener(statuses)
        backends.ticket_printer.print_ticket(TICKET)
        ready = statuses.next()
        assert printer_alert(ready) == "printer: ready"
        assert backends.printer_status == ready
    (received,) = sim.received
    assert received.startswith(STATUS_CHECK) and received.endswith(CONFIRM + STATUS_CHECK)
    job = received[len(STATUS_CHECK) : -len(CONFIRM + STATUS_CHECK)]
    template = ticket_template(config.ticket)
    assert template.fields == frozenset(TicketField) - {TicketField.BIRTH_YEAR, TicketField.WAIT}
    assert job == ticket_job(paper_ticket(TICKET, template), profile="RP-F10-58mm")
    layout = build_layout(paper_ticket(TICKET, template), profile="RP-F10-58mm")
    assert layout.width == 432
    paper = decode_paper(job, paper_width=layout.width).image
    assert paper.tobytes() == preview(layout).tobytes()
    assert len(job) < len(ticket_job(paper_ticket(TICKET), profile="RP-F10-58mm"))  # hidden lines


def test_out_of_paper_reaches_the_caller_and_the_status_listener(
    sim: NetworkPrinterSimulator, tmp_path: Path
) -> None:
    sim.set_faults(Faults(paper=PaperSupply.OUT))
    with backends_for(quiet(printer=network(sim)), tmp_path) as backends:
        statuses = Seen()
        backends.set_printer_status_listener(statuses)
        with pytest.raises(PrinterError) as caught:
            backends.ticket_printer.print_ticket(TICKET)
        assert caught.value.problem is PrinterProblem.OUT_OF_PAPER
        status = statuses.next()
        assert status.problem is printer_errors.PrinterProblem.OUT_OF_PAPER
        assert printer_alert(status) == "printer: out_of_paper"
    assert sim.received == [STATUS_CHECK]  # not one byte of the ticket went out


def test_the_status_poll_tells_staff_before_a_patient_meets_the_fault(
    sim: NetworkPrinterSimulator, tmp_path: Path
) -> None:
    sim.set_faults(Faults(paper=PaperSupply.NEAR_END))
    config = quiet(printer=network(sim, poll_seconds=0.05))
    with backends_for(config, tmp_path) as backends:
        first = Seen()
        # The poll ran before anyone listened: what it found is handed over on connect.
        deadline = time.monotonic() + WAIT
        while backends.printer_status is None and time.monotonic() < deadline:
            time.sleep(0.01)
        backends.set_printer_status_listener(first)
        near_end = first.next()
        assert near_end.paper is PaperLevel.NEAR_END
        assert printer_alert(near_end) == "printer: paper_near_end"
        sim.set_faults(Faults(cover_open=True))
        assert printer_alert(first.next()) == "printer: cover_open"
    assert not any(len(data) > 64 for data in sim.received)  # status requests only


def test_an_unreachable_printer_is_reported_offline(tmp_path: Path) -> None:
    with NetworkPrinterSimulator() as gone:
        port = gone.port
    printer = {"kind": "network", "host": "127.0.0.1", "port": port, **FAST}
    with backends_for(quiet(printer=printer), tmp_path) as backends:
        statuses = Seen()
        backends.set_printer_status_listener(statuses)
        with pytest.raises(PrinterError) as caught:
            backends.ticket_printer.print_ticket(TICKET)
        assert caught.value.problem is PrinterProblem.OFFLINE
        assert printer_alert(statuses.next()) == "printer: offline"


def test_a_file_printer_gets_the_ticket_job_with_the_configured_logo(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("L", (200, 60), 0).save(logo)
    out = tmp_path / "lp0"
    ticket = {"logo": str(logo), "native_qr": False}
    config = quiet(printer={"kind": "file", "path": str(out)}, ticket=ticket)
    with backends_for(config, tmp_path) as backends:
        backends.ticket_printer.print_ticket(TICKET)
    template, options = ticket_template(config.ticket), layout_options(config.ticket)
    assert template.logo is not None and not options.native_qr
    assert out.read_bytes() == ticket_job(paper_ticket(TICKET, template), options=options)
    assert out.read_bytes() != ticket_job(paper_ticket(TICKET))


def test_config_keys_map_onto_each_connection() -> None:
    def section(**keys: Any) -> Config:
        return quiet(printer=keys)

    usb = printer_config(section(kind="usb", vendor_id="04b8", product_id="0x0202"))
    assert usb.connection == UsbConnection(0x04B8, 0x0202, in_endpoint=0x82, out_endpoint=0x01)
    serial = printer_config(section(kind="serial", device="/dev/ttyUSB0", baudrate=9600))
    assert serial.connection == SerialConnection("/dev/ttyUSB0", 9600)
    # 9600 baud moves under 1 KB/s: a ticket must not time out at the network's pace.
    assert serial.timeouts.min_bytes_per_second <= 960
    cups = printer_config(section(kind="cups", cups_printer="kiosk-raw", min_bytes_per_second=50))
    assert cups.connection == CupsConnection("kiosk-raw")
    assert cups.timeouts.min_bytes_per_second == 50
    net = printer_config(section(kind="network", host="10.0.0.9", profile="TM-T88V"))
    assert net.profile == "TM-T88V" and net.timeouts == Timeouts()


def test_config_defaults_are_the_drivers_defaults() -> None:
    printer = PrinterSection()
    assert printer.profile == DEFAULT_PROFILE
    assert (printer.connect_timeout, printer.read_timeout, printer.write_timeout) == (
        Timeouts().connect,
        Timeouts().read,
        Timeouts().write,
    )
    driver_defaults = {f.name: f.default for f in dataclasses.fields(PrinterConfig)}
    assert printer.poll_seconds == driver_defaults["poll_seconds"]
    usb = printer_config(quiet(printer={"kind": "usb", "vendor_id": "1", "product_id": "2"}))
    assert usb.connection == UsbConnection(1, 2)  # the same endpoints as the driver's
    scanner = Config().scanner
    assert (scanner.wedge_max_gap, scanner.wedge_min_length) == (
        wedge.DEFAULT_MAX_GAP,
        wedge.DEFAULT_MIN_LENGTH,
    )
    assert tuple(field.value for field in TicketField) == TICKET_FIELDS


@pytest.mark.parametrize(
    ("sections", "key"),
    [
        ({"printer": {"profile": "TM-NOPE"}}, "printer.profile"),
        ({"ticket": {"logo": "/nonexistent/logo.png"}}, "ticket.logo"),
    ],
)
def test_what_only_the_device_libraries_can_check_still_names_the_key(
    tmp_path: Path, sections: dict[str, Any], key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        build_backends(quiet(**sections), demo=False, data_dir=tmp_path, ticket_dir=tmp_path)
    assert caught.value.key == key


# --- scanners ---------------------------------------------------------------------------


@pytest.fixture
def pty() -> Iterator[tuple[int, str]]:
    """A pseudo-terminal: the test writes to the master, the kiosk opens the slave by name."""
    master, slave = os.openpty()
    path = os.ttyname(slave)
    os.close(slave)
    yield master, path
    os.close(master)


@pytest.mark.parametrize(
    ("suffix", "sent"),
    [("", CCCD.encode() + b"\r\n"), ("\u0003", b"\x02" + CCCD.encode() + b"\x03")],
    ids=["crlf", "stx-etx"],
)
def test_a_serial_scanner_from_the_config_delivers_payloads(
    pty: tuple[int, str], tmp_path: Path, suffix: str, sent: bytes
) -> None:
    master, path = pty
    scanner = {"kind": "serial", "device": path, "baudrate": 115200, "frame_suffix": suffix}
    with backends_for(quiet(scanner=scanner), tmp_path) as backends:
        payloads = Seen()
        backends.scanner.set_listener(payloads)
        serial = backends.scanner.serial
        assert serial is not None and serial.wait_connected(WAIT)
        os.write(master, sent)
        expected = CCCD if not suffix else "\x02" + CCCD  # a prefix is the scanner's business
        assert payloads.next() == expected
        backends.scanner.show("demo panel code")  # the simulated twin still works beside it
        assert payloads.next() == "demo panel code"


def test_a_missing_serial_scanner_reaches_the_error_listener(tmp_path: Path) -> None:
    scanner = {"kind": "serial", "device": str(tmp_path / "ttyACM9")}
    with backends_for(quiet(scanner=scanner), tmp_path) as backends:
        backends.scanner.set_listener(Seen())
        errors = Seen()
        backends.set_scanner_error_listener(errors)  # before or after the failure: either works
        assert errors.next().problem is ScannerProblem.DEVICE_LOST


def test_a_wedge_scanner_gets_a_decoder_with_the_configured_timing(tmp_path: Path) -> None:
    scanner = {"kind": "wedge", "wedge_max_gap": 0.05, "wedge_min_length": 6}
    with backends_for(quiet(scanner=scanner), tmp_path) as backends:
        decoder = backends.scanner.wedge
    assert decoder is not None
    keys = [*"12345", "\r"]
    assert [decoder.feed(i * 0.04, key) for i, key in enumerate(keys)][-1] is None  # 5 < 6
    keys = [*"123456", "\r"]
    assert [decoder.feed(10 + i * 0.04, key) for i, key in enumerate(keys)][-1] == "123456"
