"""The kiosk's printer adapter: its tickets on paper, the library's errors as its own."""

from __future__ import annotations

import pytest

from drivers.printer import errors as printer_errors
from drivers.printer.document import PaperTicket, Qr, QueueLabel, Text
from drivers.printer.simulated import SimulatedPrinter
from kiosk.app.ticket_paper import (
    FOOTER,
    PaperTicketPrinter,
    TicketField,
    TicketTemplate,
    device_problem,
    kiosk_problem,
)
from kiosk.core.domain import PrinterError, PrinterProblem
from tests.drivers.printer.printer_samples import STANDARD, STANDARD_TICKET


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
