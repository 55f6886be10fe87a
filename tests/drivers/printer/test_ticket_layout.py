"""The byte-lean ticket: layout blocks, their ESC/POS bytes, and the paper those bytes print.

The central check: the bytes decoded by the printer emulation give exactly the preview of
the layout, pixel for pixel, on both paper widths and on profiles with and without native
text and QR.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
import zxingcpp
from PIL import Image, ImageChops

from drivers.printer.escpos_decode import DEFAULT_LINE_SPACING, decode_paper
from drivers.printer.escpos_output import encode_layout, ticket_bytes, ticket_job
from drivers.printer.layout import (
    Block,
    Feed,
    LayoutOptions,
    NativeQr,
    NativeText,
    Raster,
    TicketLayout,
    build_layout,
    lean_rasters,
)
from drivers.printer.preview import preview
from drivers.printer.profile import printer_model
from drivers.printer.render import render_ticket
from drivers.printer.typeset import MIN_LABEL_HEIGHT, font_for, text_block
from kiosk.app.ticket_paper import (
    BODY,
    DEPARTMENT,
    FOOTER,
    HOSPITAL,
    IDENTITY_CHECK_NOTES,
    ROOM,
    TicketField,
    TicketTemplate,
    paper_ticket,
    sample_ticket,
)
from kiosk.config import Config
from kiosk.core.domain import IdentityCheck
from tests.drivers.printer.printer_samples import (
    PAPER_PROFILES,
    STANDARD,
    STANDARD_TICKET,
    VARIANTS,
    paper,
    save_artifact,
)

# Profile -> (native text, native QR): every combination the layout can take.
PROFILES = {
    "TM-T20II": (True, True),  # 80 mm Epson
    "TM-T88V": (True, True),  # 80 mm Epson, 180 dpi: 512 dots, 42 columns of 12 dots
    "POS-5890": (True, False),  # 58 mm clone: no GS ( k
    "default": (False, True),  # unknown media: font A's cell cannot be trusted
    "simple": (False, False),
}
BYTE_BUDGET = 12_000


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    box = ImageChops.invert(image.convert("L")).getbbox()
    assert box is not None, "no ink at all"
    return box


@pytest.mark.parametrize("profile", list(PROFILES))
def test_profiles_decide_what_is_native(profile: str) -> None:
    model = printer_model(profile)
    assert (model.native_text, model.native_qr) == PROFILES[profile]


# Both paper widths, every optional block (banner, box, long wraps); the rest of VARIANTS
# goes through the default profile in test_escpos_roundtrip.
EQUALITY_VARIANTS = [
    "standard_80mm",
    "standard_58mm",
    "priority_provisional_58mm",
    "long_names_80mm",
]


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("name", EQUALITY_VARIANTS)
def test_decoded_bytes_equal_the_preview_pixel_for_pixel(name: str, profile: str) -> None:
    ticket, paper_mm = VARIANTS[name]
    if printer_model(profile).width_known:  # a profile that knows its paper decides it
        paper_mm = printer_model(profile).paper_width_mm
    layout = build_layout(ticket, paper_width_mm=paper_mm, profile=profile)
    data = encode_layout(layout, profile=profile)
    paper = decode_paper(data, paper_width=layout.width)
    expected = preview(layout)
    if profile in ("TM-T20II", "TM-T88V"):
        save_artifact(f"lean_{name}_{profile}", paper.image)
    assert paper.image.size == expected.size
    assert paper.image.tobytes() == expected.tobytes()
    # Only the cutter's feed (ESC d 6) follows the last printed line.
    assert paper.trailing_feed_rows == 6 * DEFAULT_LINE_SPACING
    native_text, native_qr = PROFILES[profile]
    assert (b"\x1d(k" in data) is native_qr
    assert (b"\x1d!" in data) is native_text


def test_the_standard_80mm_ticket_fits_the_byte_budget() -> None:
    job = ticket_job(STANDARD)
    whole_image = ticket_bytes(render_ticket(STANDARD))
    assert len(job) <= BYTE_BUDGET
    assert len(job) * 5 < len(whole_image)


def test_the_sample_ticket_with_the_default_config_fits_the_byte_budget() -> None:
    config = Config()
    ticket = sample_ticket(
        hospital_name=config.hospital.name,
        footer=config.ticket.footer,
        issued_at=datetime(2026, 3, 10, 7, 45),
    )
    assert len(ticket_job(paper_ticket(ticket))) <= BYTE_BUDGET


def is_subsequence(part: list[Block], whole: list[Block]) -> bool:
    return any(whole[i : i + len(part)] == part for i in range(len(whole) - len(part) + 1))


def without_edge_feeds(blocks: list[Block]) -> list[Block]:
    while blocks and isinstance(blocks[0], Feed):
        blocks = blocks[1:]
    while blocks and isinstance(blocks[-1], Feed):
        blocks = blocks[:-1]
    return blocks


@pytest.mark.parametrize(
    ("text", "style"),
    [
        (STANDARD_TICKET.hospital_name, HOSPITAL),
        (STANDARD_TICKET.department_name, DEPARTMENT),
        (f"Phòng {STANDARD_TICKET.room} – Tầng {STANDARD_TICKET.floor}", ROOM),
        (STANDARD_TICKET.directions, BODY),
        (STANDARD_TICKET.footer, FOOTER),
    ],
)
def test_vietnamese_lines_go_as_raster_bands_at_full_size(text: str, style: object) -> None:
    """Each line's strips are those of the text set at the ticket's own size, unshrunk."""
    layout = build_layout(STANDARD)
    bands = without_edge_feeds(lean_rasters(text_block(text, font_for(style), 576)))  # type: ignore[arg-type]
    assert any(isinstance(band, Raster) for band in bands)
    assert is_subsequence(bands, list(layout.blocks))


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_raster_strips_are_cut_to_their_ink(paper_mm: int) -> None:
    layout = build_layout(STANDARD, profile=PAPER_PROFILES[paper_mm])
    strips = [block for block in layout.blocks if isinstance(block, Raster) and not block.double]
    assert len(strips) > 10
    for strip in strips:
        image = Image.frombytes("1", (strip.width_bytes * 8, strip.rows), strip.data, "raw", "1;I")
        left, _, right, _ = ink_box(image)
        assert left == 0 or strip.x + strip.width == layout.width  # starts at its ink
        assert right > image.width - 8  # the last byte holds ink
        assert strip.width < layout.width - 16  # never a full-width white image


def test_the_queue_number_and_date_are_printer_text_and_the_qr_is_native() -> None:
    layout = build_layout(STANDARD)
    texts = [block for block in layout.blocks if isinstance(block, NativeText)]
    assert [block.text for block in texts] == ["B012", "07/03/2025 08:05"]
    assert (texts[0].width_mag, texts[0].height_mag) == (8, 8)
    (qr,) = [block for block in layout.blocks if isinstance(block, NativeQr)]
    assert qr.content == STANDARD_TICKET.visit_id


@pytest.mark.parametrize("profile", [*PAPER_PROFILES.values(), "TM-T88V", "POS-5890"])
def test_the_qr_code_on_the_decoded_paper_reads_back(profile: str) -> None:
    data = ticket_job(STANDARD, profile=profile)
    paper = decode_paper(data).image
    codes = zxingcpp.read_barcodes(paper.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in codes] == [STANDARD_TICKET.visit_id]


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_native_and_raster_qr_print_the_same_dots(paper_mm: int) -> None:
    # No budget: a raster QR code's bytes would otherwise make the text smaller.
    no_native_qr = LayoutOptions(native_qr=False, max_bytes=None)
    native_qr = LayoutOptions(max_bytes=None)
    native = render_ticket(STANDARD, profile=PAPER_PROFILES[paper_mm], options=native_qr)
    raster = render_ticket(STANDARD, profile=PAPER_PROFILES[paper_mm], options=no_native_qr)
    assert native.tobytes() == raster.tobytes()
    without = len(ticket_job(STANDARD, options=no_native_qr))
    assert without > len(ticket_job(STANDARD, options=native_qr)) + 1000


@pytest.mark.parametrize("paper_mm", [80, 58])
@pytest.mark.parametrize("label", ["B012", "UB007", "UB1234", "UB123456"])
@pytest.mark.parametrize("native", [True, False])
def test_the_queue_number_is_120_dots_tall_where_it_fits_and_centred(
    label: str, paper_mm: int, native: bool
) -> None:
    ticket = replace(STANDARD_TICKET, queue_label=label)
    options = LayoutOptions(native_text=native)
    profile = PAPER_PROFILES[paper_mm]
    layout = build_layout(paper_ticket(ticket), profile=profile, options=options)
    printed_natively = any(
        isinstance(block, NativeText) and block.text == label for block in layout.blocks
    )
    # Font A magnified less than 4 times is too narrow for its height: raster instead.
    wide_enough = (layout.width - 16) // (12 * len(label)) >= 4
    assert printed_natively is (native and wide_enough)
    only_label = paper_ticket(ticket, TicketTemplate(fields=frozenset()))
    image = render_ticket(only_label, profile=profile, options=options)
    left, top, right, bottom = ink_box(image)
    # The raster label squeezes, then shrinks, a label too long for the paper.
    if printed_natively or len(label) <= 5 or paper_mm == 80:
        assert bottom - top >= MIN_LABEL_HEIGHT
    assert left >= 4 and right <= image.width - 4
    assert abs(left - (image.width - right)) <= 12  # centred (font A cells are symmetric-ish)


def test_the_template_chooses_fields_name_and_footer() -> None:
    template = TicketTemplate(
        hospital_name="Bệnh viện Chợ Rẫy",
        footer_lines=("Dòng một", "Dòng hai"),
        fields=frozenset(TicketField) - {TicketField.VISIT_QR, TicketField.DIRECTIONS},
    )
    layout = build_layout(paper_ticket(STANDARD_TICKET, template))
    assert not any(isinstance(block, NativeQr) for block in layout.blocks)
    hospital = without_edge_feeds(
        lean_rasters(text_block("Bệnh viện Chợ Rẫy", font_for(HOSPITAL), 576))
    )
    footer = without_edge_feeds(
        lean_rasters(text_block("Dòng một\nDòng hai", font_for(FOOTER), 576))
    )
    directions = without_edge_feeds(
        lean_rasters(text_block(STANDARD_TICKET.directions, font_for(BODY), 576))
    )
    blocks = list(layout.blocks)
    assert is_subsequence(hospital, blocks)
    assert is_subsequence(footer, blocks)
    assert not is_subsequence(directions, blocks)
    full = render_ticket(STANDARD)
    assert preview(layout).height < full.height - 200  # no QR code, no directions


def test_a_ticket_of_only_the_number_is_tiny() -> None:
    job = ticket_job(paper_ticket(STANDARD_TICKET, TicketTemplate(fields=frozenset())))
    assert len(job) < 100
    paper = decode_paper(job).image
    assert paper.height >= MIN_LABEL_HEIGHT


def test_native_commands_can_be_turned_off_for_a_printer_that_misprints_them() -> None:
    options = LayoutOptions(native_text=False, native_qr=False)
    layout = build_layout(STANDARD, options=options)
    assert all(isinstance(block, Raster | Feed) for block in layout.blocks)
    job = encode_layout(layout)
    assert b"\x1d!" not in job and b"\x1d(k" not in job
    assert len(job) <= 2 * BYTE_BUDGET


def test_a_logo_is_sent_as_ink_strips_not_as_a_white_box() -> None:
    logo = Image.new("RGB", (2000, 1000), "white")
    logo.paste((0, 0, 0), (900, 0, 1100, 1000))  # a black bar in the middle
    layout = build_layout(paper_ticket(STANDARD_TICKET, TicketTemplate(logo=logo)))
    first = next(block for block in layout.blocks if isinstance(block, Raster))
    assert first.width <= 32  # the 24-dot bar, whole bytes, no white paper around it
    decoded = decode_paper(encode_layout(layout), paper_width=576).image
    assert decoded.tobytes() == preview(layout).tobytes()


def test_feeds_longer_than_one_command_are_split() -> None:
    layout = TicketLayout(576, (Raster(0, 1, 1, b"\xff"), Feed(600), Raster(8, 1, 1, b"\x80")))
    data = encode_layout(layout)
    assert b"\x1bJ\xff\x1bJ\xff\x1bJ\x5a" in data
    paper = decode_paper(data, paper_width=576).image
    assert paper.height == 602
    assert paper.tobytes() == preview(layout).tobytes()
    assert paper.getpixel((8, 601)) == 0 and paper.getpixel((9, 601)) == 255


def test_an_unsupported_paper_width_is_refused() -> None:
    with pytest.raises(ValueError, match="paper width"):
        build_layout(STANDARD, paper_width_mm=112)


@pytest.mark.parametrize("check", list(IdentityCheck))
def test_staff_see_how_far_the_identity_was_checked(check: IdentityCheck) -> None:
    full_size = LayoutOptions(max_bytes=None)  # the note at its own size
    plain = build_layout(STANDARD, options=full_size)
    checked = build_layout(paper(identity_check=check), options=full_size)
    note = IDENTITY_CHECK_NOTES.get(check)
    if note is None:
        assert checked == plain
        return
    bands = without_edge_feeds(lean_rasters(text_block(note, font_for(FOOTER), 576)))
    assert is_subsequence(bands, list(checked.blocks))


def test_an_offline_ticket_has_no_visit_code_and_still_decodes() -> None:
    """Queued in the kiosk's outbox, a visit has no hospital id yet: no QR, nothing broken."""
    layout = build_layout(paper(queue_label="K01-B012", provisional=True, visit_id=""))
    data = encode_layout(layout)
    assert b"\x1d(k" not in data
    assert decode_paper(data, paper_width=layout.width).image.tobytes() == preview(layout).tobytes()


@pytest.mark.parametrize(
    ("profile", "module_mm"),
    [("TM-T20II", 1.0), ("TM-T88V", 0.99), ("RP-F10-58mm", 1.0), ("POS-5890", 0.875)],
)
def test_qr_modules_keep_their_size_on_paper_whatever_the_resolution(
    profile: str, module_mm: float
) -> None:
    """About 1 mm modules: 8 dots at 203 dpi, 7 at 180; 7 on 384-dot paper, where 8 would
    take more than 40 % of the width."""
    model = printer_model(profile)
    layout = build_layout(STANDARD, profile=profile)
    (code,) = zxingcpp.read_barcodes(preview(layout).convert("L"))
    assert code.text == STANDARD_TICKET.visit_id
    # The visit id fits version 1: 21 modules between the symbol's outer corners.
    module = (code.position.top_right.x - code.position.top_left.x + 1) / 21
    assert model.mm(module) == pytest.approx(module_mm, abs=0.01)
    natives = [block.module for block in layout.blocks if isinstance(block, NativeQr)]
    assert natives == ([round(module)] if model.native_qr else [])
