"""Every kind of ticket within 12 KB on the printers the kiosk is sold with, still decoding to
its preview dot for dot; a QR payload too long for the ticket leaves the QR code off, never
the ticket.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
import zxingcpp

from drivers.printer.escpos_decode import decode_paper
from drivers.printer.escpos_output import encode_layout, ticket_job
from drivers.printer.layout import (
    BYTE_BUDGET,
    Block,
    LayoutOptions,
    NativeQr,
    NativeText,
    build_layout,
)
from drivers.printer.preview import preview
from drivers.printer.simulated import SimulatedPrinter
from kiosk.app.ticket_paper import PaperTicketPrinter
from tests.drivers.printer.printer_samples import (
    BUDGET_PROFILES,
    LONG_NAMES_TICKET,
    STANDARD,
    STANDARD_TICKET,
    TICKET_KINDS,
    paper,
)


@pytest.mark.parametrize("profile", BUDGET_PROFILES)
@pytest.mark.parametrize("kind", list(TICKET_KINDS))
def test_every_kind_fits_12_kb_and_decodes_to_its_preview(kind: str, profile: str) -> None:
    layout = build_layout(TICKET_KINDS[kind], profile=profile)
    data = encode_layout(layout, profile=profile)
    assert len(data) <= BYTE_BUDGET
    decoded = decode_paper(data, paper_width=layout.width).image
    assert decoded.tobytes() == preview(layout).tobytes()


def test_the_budget_sets_long_text_smaller_and_leaves_a_ticket_that_fits_alone() -> None:
    unbudgeted = LayoutOptions(max_bytes=None)
    assert build_layout(STANDARD) == build_layout(STANDARD, options=unbudgeted)
    long = TICKET_KINDS["long_everything"]
    full_size = build_layout(long, options=unbudgeted)
    assert len(encode_layout(full_size)) > BYTE_BUDGET  # it did have to shrink
    shrunk = build_layout(long)
    assert preview(shrunk).height < preview(full_size).height
    # Only text shrinks: the number, the date and the QR code are untouched.
    assert natives(shrunk.blocks) == natives(full_size.blocks)


def natives(blocks: tuple[Block, ...]) -> list[Block]:
    return [block for block in blocks if isinstance(block, NativeText | NativeQr)]


def test_a_ticket_too_long_for_any_budget_still_prints_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    essay = paper(directions=" ".join([LONG_NAMES_TICKET.directions] * 6))
    with caplog.at_level(logging.WARNING, logger="drivers.printer.layout"):
        layout = build_layout(essay)
    data = encode_layout(layout)
    assert len(data) > BYTE_BUDGET
    assert "over its 12000-byte budget" in caplog.text
    assert decode_paper(data, paper_width=576).image.tobytes() == preview(layout).tobytes()


def qr_codes(data: bytes) -> list[str]:
    image = decode_paper(data).image.convert("L")
    return [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize(
    ("visit_id", "profile"),
    [
        *(("v-" + "x" * 3000, profile) for profile in BUDGET_PROFILES),  # no QR symbol holds it
        ("V-" + "x" * 1200, "POS-5890"),  # 125 modules: wider than 384 dots at 3 dots each
    ],
)
def test_a_visit_id_too_long_for_the_tickets_qr_prints_the_ticket_without_it(
    profile: str, visit_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="drivers.printer.layout"):
        layout = build_layout(paper(visit_id=visit_id), profile=profile)
    assert not any(isinstance(block, NativeQr) for block in layout.blocks)
    data = encode_layout(layout, profile=profile)
    assert qr_codes(data) == []
    assert "QR code left off the ticket" in caplog.text
    assert visit_id not in caplog.text  # a length, never the content
    assert len(data) <= BYTE_BUDGET
    assert decode_paper(data).image.height > 700  # the rest of the ticket is there


def test_a_long_visit_id_that_fits_prints_a_readable_qr_code() -> None:
    visit_id = "V-" + "8" * 400
    data = ticket_job(paper(visit_id=visit_id), profile="TM-T20II")
    (qr,) = [b for b in build_layout(paper(visit_id=visit_id)).blocks if isinstance(b, NativeQr)]
    assert qr.module >= 3
    assert qr_codes(data) == [visit_id]


def test_the_kiosk_prints_a_ticket_whatever_its_visit_id() -> None:
    device = SimulatedPrinter()
    PaperTicketPrinter(device).print_ticket(replace(STANDARD_TICKET, visit_id="V" * 5000))
    (job,) = device.jobs
    assert job.paper.height > 500
