"""The kiosk's printer adapter: its tickets on paper, the library's errors as its own."""

from __future__ import annotations

from dataclasses import replace

import pytest

from drivers.printer import errors as printer_errors
from drivers.printer.document import BoxedNotice, PaperTicket, Qr, QueueLabel, Text
from drivers.printer.layout import NativeText, build_layout
from drivers.printer.preview import preview
from drivers.printer.profile import printer_model
from drivers.printer.simulated import SimulatedPrinter
from kiosk.app.ticket_paper import (
    COUNTER_REASONS,
    FOOTER,
    PROVISIONAL_NOTICE,
    REASON_CODE,
    PaperTicketPrinter,
    TicketField,
    TicketTemplate,
    counter_slip_paper,
    device_problem,
    kiosk_problem,
    paper_ticket,
)
from kiosk.core.domain import PrinterError, PrinterProblem
from tests.drivers.printer.printer_samples import (
    BUDGET_PROFILES,
    COUNTER_SLIP,
    STANDARD,
    STANDARD_TICKET,
)


class RefusingPrinter:
    def __init__(self, problem: printer_errors.PrinterProblem) -> None:
        self.problem = problem

    def print_document(self, document: PaperTicket) -> None:
        raise printer_errors.PrinterError(self.problem, "cover latch")


def test_the_ticket_goes_to_the_printer_as_the_paper_the_template_makes() -> None:
    device = SimulatedPrinter()
    template = TicketTemplate(footer_lines=("Dòng một",), fields=frozenset({TicketField.FOOTER}))
    printer = PaperTicketPrinter(device, template)
    printer.print_ticket(STANDARD_TICKET)
    (job,) = device.jobs
    assert job.document == printer.paper(STANDARD_TICKET)
    assert QueueLabel(STANDARD_TICKET.queue_label) in job.document.elements
    assert Text("Dòng một", FOOTER) in job.document.elements
    assert not any(isinstance(element, Qr) for element in job.document.elements)


def test_the_default_template_prints_every_field() -> None:
    device = SimulatedPrinter()
    PaperTicketPrinter(device).print_ticket(STANDARD_TICKET)
    assert device.jobs[0].document == STANDARD
    assert Qr(STANDARD_TICKET.visit_id) in STANDARD.elements


@pytest.mark.parametrize("problem", list(printer_errors.PrinterProblem))
def test_the_printers_errors_reach_the_kiosk_as_its_own(
    problem: printer_errors.PrinterProblem,
) -> None:
    printer = PaperTicketPrinter(RefusingPrinter(problem))
    with pytest.raises(PrinterError) as caught:
        printer.print_ticket(STANDARD_TICKET)
    assert caught.value.problem is kiosk_problem(problem)
    assert caught.value.problem.value == problem.value
    assert caught.value.detail == "cover latch"
    assert isinstance(caught.value.__cause__, printer_errors.PrinterError)


@pytest.mark.parametrize("problem", list(PrinterProblem))
def test_every_kiosk_problem_has_its_printer_problem(problem: PrinterProblem) -> None:
    assert kiosk_problem(device_problem(problem)) is problem


def test_a_provisional_ticket_says_the_screens_sentence_beside_the_number() -> None:
    elements = paper_ticket(replace(STANDARD_TICKET, provisional=True)).elements
    assert PROVISIONAL_NOTICE == ("SỐ TẠM THỜI", "xin xác nhận tại quầy tiếp đón")
    notice = elements.index(BoxedNotice(PROVISIONAL_NOTICE))
    assert elements.index(QueueLabel(STANDARD_TICKET.queue_label)) < notice


@pytest.mark.parametrize("profile", BUDGET_PROFILES)
@pytest.mark.parametrize("code", list(COUNTER_REASONS))
def test_the_reason_code_is_one_wide_line_that_fits_the_paper(profile: str, code: str) -> None:
    layout = build_layout(PaperTicket((Text(code, REASON_CODE),)), profile=profile)
    ink = preview(layout).point(lambda dot: 255 - dot).getbbox()  # "1": ink is 0
    assert ink is not None
    left, top, right, bottom = ink
    width, height = right - left, bottom - top
    model = printer_model(profile)
    assert right <= layout.width
    # One line, wider than tall: not the queue label's 8-times-tall letters.
    assert 3 * height < width
    assert model.mm(height) >= 3.0  # still the largest type on the slip


@pytest.mark.parametrize("profile", BUDGET_PROFILES)
def test_the_slip_prints_the_masked_id_in_the_printers_font_and_no_tall_label(
    profile: str,
) -> None:
    layout = build_layout(counter_slip_paper(COUNTER_SLIP), profile=profile)
    natives = [block for block in layout.blocks if isinstance(block, NativeText)]
    assert COUNTER_SLIP.masked_id is not None
    assert NativeText(COUNTER_SLIP.masked_id) in natives
    assert all((block.width_mag, block.height_mag) == (1, 1) for block in natives)
