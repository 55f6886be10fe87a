"""Ticket rendering: 1-bit, paper-wide, wrapped, the number huge, the QR code readable."""

from __future__ import annotations

import unicodedata

import pytest
import zxingcpp
from PIL import Image, ImageChops

from drivers.printer.document import PaperTicket, Style
from drivers.printer.fonts import bundled_font_path
from drivers.printer.layout import LayoutOptions
from drivers.printer.render import render_ticket
from drivers.printer.typeset import MIN_LABEL_HEIGHT, font_for, queue_label_block, wrap_text
from kiosk.app.ticket_paper import PRIORITY_GROUP_NAMES, TicketTemplate, paper_ticket
from kiosk.core.domain import PriorityGroup
from tests.drivers.printer.printer_samples import (
    LONG_NAMES_TICKET,
    PAPER_PROFILES,
    STANDARD,
    STANDARD_TICKET,
    paper,
)


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    box = ImageChops.invert(image.convert("L")).getbbox()
    assert box is not None, "no ink at all"
    return box


@pytest.mark.parametrize(("paper_mm", "dots"), [(80, 576), (58, 432)])
def test_width_is_the_printable_area_and_pixels_are_one_bit(paper_mm: int, dots: int) -> None:
    image = render_ticket(STANDARD, profile=PAPER_PROFILES[paper_mm], paper_width_mm=paper_mm)
    assert image.mode == "1"
    assert image.width == dots
    assert 700 < image.height < 1600


def test_unknown_paper_width_is_refused() -> None:
    with pytest.raises(ValueError, match="paper width"):
        render_ticket(STANDARD, paper_width_mm=112)


def test_rendering_is_deterministic() -> None:
    assert render_ticket(STANDARD).tobytes() == render_ticket(STANDARD).tobytes()


@pytest.mark.parametrize("width", [576, 384])
@pytest.mark.parametrize("label", ["B012", "B111", "D104", "UB007", "UD999", "B1000"])
def test_queue_label_is_at_least_120_dots_tall_and_fits(label: str, width: int) -> None:
    left, top, right, bottom = ink_box(queue_label_block(label, width))
    assert bottom - top >= MIN_LABEL_HEIGHT
    assert left >= 4 and right <= width - 4
    assert abs(left - (width - right)) <= 2  # centred


def test_an_overlong_label_shrinks_instead_of_overflowing() -> None:
    block = queue_label_block("UB1234567", 384)
    left, _, right, _ = ink_box(block)
    assert left >= 4 and right <= 384 - 4


@pytest.mark.parametrize("paper_mm", [80, 58])
@pytest.mark.parametrize("ticket", [STANDARD, paper(LONG_NAMES_TICKET)], ids=["standard", "long"])
def test_nothing_reaches_the_paper_edge(ticket: PaperTicket, paper_mm: int) -> None:
    image = render_ticket(ticket, profile=PAPER_PROFILES[paper_mm])
    left, _, right, _ = ink_box(image)
    assert left >= 4 and right <= image.width - 4


UNBUDGETED = LayoutOptions(max_bytes=None)  # every text at its own size


def test_long_names_wrap_onto_more_lines() -> None:
    short = render_ticket(STANDARD, options=UNBUDGETED)
    long = render_ticket(paper(LONG_NAMES_TICKET), options=UNBUDGETED)
    assert long.height > short.height + 200


def solid_rows(image: Image.Image) -> list[tuple[int, int, int]]:
    """(row, left, right) of every row that is one unbroken black run over 100 dots long
    and narrower than the separators (margin to margin).

    Text never is; the banner's bar and the notice's rules are.
    """
    rows = []
    for y in range(image.height):
        box = ImageChops.invert(image.crop((0, y, image.width, y + 1)).convert("L")).getbbox()
        if box is None or box[2] - box[0] <= 100 or box[0] <= 8:
            continue
        run = image.crop((box[0], y, box[2], y + 1))
        if run.convert("L").getextrema() == (0, 0):
            rows.append((y, box[0], box[2]))
    return rows


def test_priority_adds_an_inverted_banner_as_wide_as_its_word() -> None:
    plain = render_ticket(STANDARD, options=UNBUDGETED)
    priority = render_ticket(paper(priority=PriorityGroup.PREGNANT), options=UNBUDGETED)
    assert priority.height > plain.height
    assert solid_rows(plain) == []
    bar = solid_rows(priority)
    assert len(bar) >= 14  # the bar's padding above and below its text
    lefts, rights = {left for _, left, _ in bar}, {right for _, _, right in bar}
    assert len(lefts) == len(rights) == 1  # one bar
    (left,), (right,) = lefts, rights
    assert right - left < priority.width // 2  # "ƯU TIÊN" only: a bar is ink in every row
    assert abs(left - (priority.width - right)) <= 1  # centred


def test_provisional_adds_a_notice_between_two_heavy_rules() -> None:
    plain = render_ticket(STANDARD, options=UNBUDGETED)
    provisional = render_ticket(paper(provisional=True), options=UNBUDGETED)
    assert provisional.height > plain.height + 60
    rules = solid_rows(provisional)
    assert len(rules) == 12  # two rules of 6 dots
    assert rules[5][0] + 40 < rules[6][0]  # the notice's text between them
    left, right = rules[0][1:]
    assert left > 0 and right < provisional.width  # as wide as the text, no wider


def test_every_priority_group_has_a_vietnamese_name() -> None:
    assert set(PRIORITY_GROUP_NAMES) == {g for g in PriorityGroup if g.is_priority}


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_qr_code_reads_back_as_the_visit_id(paper_mm: int) -> None:
    image = render_ticket(STANDARD, profile=PAPER_PROFILES[paper_mm])
    codes = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in codes] == [STANDARD_TICKET.visit_id]


def logo_ticket(logo: Image.Image) -> PaperTicket:
    return paper_ticket(STANDARD_TICKET, TicketTemplate(logo=logo))


def test_logo_is_scaled_into_the_top_of_the_ticket() -> None:
    logo = Image.new("RGB", (2000, 1000), "white")
    logo.paste((0, 0, 0), (0, 0, 2000, 500))  # top half black
    plain = render_ticket(STANDARD)
    with_logo = render_ticket(logo_ticket(logo))
    assert with_logo.width == plain.width
    assert 60 < with_logo.height - plain.height <= 140
    left, top, right, _ = ink_box(with_logo)
    assert top < 20 and left >= 8 and right <= with_logo.width - 8


def test_wrap_keeps_every_word_and_every_line_fits() -> None:
    font = font_for(Style(26, 500))
    text = LONG_NAMES_TICKET.directions
    for balanced in (False, True):
        lines = wrap_text(text, font, 300, balanced=balanced)
        assert len(lines) > 2
        assert all(font.getlength(line) <= 300 for line in lines)
        assert " ".join(lines).split() == text.split()


def test_balanced_wrap_leaves_no_lonely_last_word() -> None:
    font = font_for(Style(26, 500))
    text = "Đi thang máy lên tầng 2, rẽ phải, cuối hành lang."
    greedy = wrap_text(text, font, 560)
    balanced = wrap_text(text, font, 560, balanced=True)
    assert len(balanced) == len(greedy) == 2
    assert greedy[1] == "lang."
    assert abs(font.getlength(balanced[0]) - font.getlength(balanced[1])) < 150


def test_a_word_wider_than_the_paper_is_split() -> None:
    font = font_for(Style(26, 500))
    word = "Bệnhviện" * 12
    lines = wrap_text(word, font, 368)
    assert "".join(lines) == word
    assert all(font.getlength(line) <= 368 for line in lines)


def test_decomposed_input_renders_like_precomposed() -> None:
    nfd = paper(
        department_name=unicodedata.normalize("NFD", STANDARD_TICKET.department_name),
        directions=unicodedata.normalize("NFD", STANDARD_TICKET.directions),
    )
    assert render_ticket(nfd).tobytes() == render_ticket(STANDARD).tobytes()


def test_font_path_is_the_bundled_variable_font() -> None:
    path = bundled_font_path()
    assert path.name == "NotoSans[wdth,wght].ttf"
    assert path.stat().st_size > 100_000


def test_transparent_parts_of_a_logo_print_nothing() -> None:
    logo = Image.new("RGBA", (300, 100), (0, 0, 0, 0))  # transparent black
    logo.paste((0, 0, 0, 255), (0, 0, 300, 10))  # one opaque black stripe
    image = render_ticket(logo_ticket(logo))
    stripe_top = 12  # the top gap on 80 mm paper
    ink_rows = {
        y
        for y in range(stripe_top, stripe_top + 100)
        if ImageChops.invert(image.crop((0, y, image.width, y + 1)).convert("L")).getbbox()
    }
    assert ink_rows == set(range(stripe_top, stripe_top + 10))


def test_empty_footer_and_directions_take_no_paper() -> None:
    full = render_ticket(STANDARD)
    bare = render_ticket(paper(footer="", directions=" "))
    assert full.height - bare.height > 2 * 30  # at least one line each
    left, _, right, _ = ink_box(bare)
    assert left >= 4 and right <= bare.width - 4
