"""`kiosk config check` and the printer profile: the profile decides the paper, and the
README's example printer (`profile = "TM-T88V"`, 512 dots at 180 dpi) prints a ticket that fits it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from drivers.printer.escpos_decode import decode_paper
from drivers.printer.escpos_printer import EscPosPrinter
from drivers.printer.render import render_ticket
from kiosk.app.backends import printer_config, ticket_template
from kiosk.app.cli import main
from kiosk.app.doctor import Status, check_printer
from kiosk.app.ticket_paper import PaperTicketPrinter, paper_ticket, sample_ticket
from kiosk.config import load_config

# The printer and ticket sections of README.md's example, printing to a file.
README_PRINTER = """\
[ticket]
paper_width_mm = 80
footer = ["Xin cảm ơn quý khách.", "Tổng đài CSKH: 1900 1234"]

[printer]
kind = "file"
path = "{path}"
profile = "TM-T88V"      # python-escpos printer profile
poll_seconds = 5.0
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_readme_printer_prints_a_ticket_512_dots_wide_in_its_own_font(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "printer.bin"
    path = write(tmp_path, README_PRINTER.format(path=out))
    assert main(["config", "check", str(path)]) == 0
    assert "warning" not in capsys.readouterr().err
    config = load_config(path)
    printer = PaperTicketPrinter(
        EscPosPrinter(printer_config(config)), ticket_template(config.ticket)
    )
    ticket = sample_ticket(
        hospital_name="Bệnh viện Đa khoa Tỉnh",
        footer=config.ticket.footer,
        issued_at=datetime(2026, 3, 10, 7, 45),
    )
    printer.print_ticket(ticket)
    job = out.read_bytes()
    # Every line must fit the 512 printable dots (the decoder refuses anything wider) and
    # be placed as the printer centres it.
    paper = decode_paper(job, paper_width=512).image
    expected = render_ticket(paper_ticket(ticket), profile="TM-T88V")
    assert expected.width == 512
    assert paper.tobytes() == expected.tobytes()
    assert b"\x1d!" in job and b"\x1d(k" in job  # the queue number in its font, native QR
    assert len(job) <= 12_000


@pytest.mark.parametrize(
    ("profile", "paper_mm", "words"),
    [
        ("TM-T88V", 58, ("'TM-T88V' prints on 80 mm paper", "512 dots", "paper width is 58 mm")),
        ("POS-5890", 80, ("'POS-5890' prints on 58 mm paper", "384 dots", "paper width is 80 mm")),
    ],
)
def test_a_paper_width_the_profile_does_not_print_on_is_refused_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], profile: str, paper_mm: int, words: tuple
) -> None:
    text = f"[ticket]\npaper_width_mm = {paper_mm}\n\n[printer]\nprofile = '{profile}'\n"
    path = write(tmp_path, text)
    assert main(["config", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:2: ticket.paper_width_mm: ")
    assert all(word in err for word in words)


def test_a_profile_without_its_width_is_accepted_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "[ticket]\npaper_width_mm = 58\n\n[printer]\nprofile = 'default'\n")
    assert main(["config", "check", str(path)]) == 0
    err = capsys.readouterr().err
    assert "warning: printer profile 'default' does not give its print width" in err
    assert "assuming 384 dots (58 mm paper at 203 dpi)" in err


def test_a_profile_that_cannot_print_raster_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "[printer]\nprofile = 'TM-U220'\n")  # an impact printer
    assert main(["config", "check", str(path)]) == 1
    assert "printer.profile: printer profile 'TM-U220' cannot print raster" in (
        capsys.readouterr().err
    )


def test_the_doctor_warns_of_an_assumed_width_and_still_test_prints(tmp_path: Path) -> None:
    out = tmp_path / "printer.bin"
    text = f"[printer]\nkind = 'file'\npath = '{out}'\nprofile = 'default'\n"
    findings = check_printer(load_config(write(tmp_path, text)), True)
    assert [(finding.status, finding.detail) for finding in findings] == [
        (
            Status.WARN,
            "printer profile 'default' does not give its print width: assuming 576 dots "
            "(80 mm paper at 203 dpi)",
        ),
        (Status.WARN, "file: cannot report its status"),
        (Status.OK, "test print sent"),
    ]
    assert decode_paper(out.read_bytes()).image.width <= 576
