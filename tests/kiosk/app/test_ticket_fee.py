"""A paid visit's fee on the ticket: paid at the kiosk ("ĐÃ THANH TOÁN", amount, reference),
or how much and where to pay; nothing for a visit with no fee."""

from __future__ import annotations

from dataclasses import replace

from drivers.printer.document import BoxedNotice, Text
from drivers.printer.render import render_ticket
from kiosk.app.ticket_paper import BODY, BODY_BOLD, PAID_NOTICE, paper_ticket
from kiosk.core.domain import ServiceType
from tests.drivers.printer.printer_samples import STANDARD_TICKET

PAID_VISIT = replace(STANDARD_TICKET, service=ServiceType.PAID, fee_vnd=150_000)


def test_an_unpaid_fee_says_how_much_and_where() -> None:
    ticket = replace(PAID_VISIT, pay_at="quầy thu ngân số 2, sảnh chính")
    elements = paper_ticket(ticket).elements
    assert Text("Phí khám: 150.000 đ", BODY_BOLD) in elements
    assert Text("Vui lòng nộp tại quầy thu ngân số 2, sảnh chính", BODY) in elements
    assert not any(isinstance(e, BoxedNotice) for e in elements)


def test_a_paid_fee_is_boxed_with_its_reference() -> None:
    elements = paper_ticket(replace(PAID_VISIT, paid_reference="KB7Q2M9X")).elements
    assert BoxedNotice((PAID_NOTICE, "150.000 đ")) in elements
    assert Text("Mã thanh toán: KB7Q2M9X", BODY) in elements
    assert not any(isinstance(e, Text) and e.text.startswith("Phí khám") for e in elements)


def test_offline_with_no_fee_known_the_provisional_ticket_still_says_where() -> None:
    ticket = replace(PAID_VISIT, fee_vnd=None, provisional=True, visit_id="")
    assert Text("Vui lòng nộp phí khám tại quầy thu ngân", BODY) in paper_ticket(ticket).elements


def test_no_fee_prints_nothing_about_money() -> None:
    assert paper_ticket(replace(PAID_VISIT, fee_vnd=None)) == paper_ticket(
        replace(STANDARD_TICKET, service=ServiceType.PAID)
    )


def test_the_fee_lines_take_paper_when_rendered() -> None:
    without = render_ticket(paper_ticket(replace(PAID_VISIT, fee_vnd=None)))
    unpaid = render_ticket(paper_ticket(PAID_VISIT))
    paid = render_ticket(paper_ticket(replace(PAID_VISIT, paid_reference="KB7Q2M9X")))
    assert without.width == unpaid.width == paid.width
    assert unpaid.height > without.height
    assert paid.height > without.height
