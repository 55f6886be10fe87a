"""ESC/POS bytes decoded back into the pixels the paper would show: tickets and raster."""

from __future__ import annotations

import math

import pytest
from PIL import Image, ImageDraw

from drivers.printer.escpos_decode import (
    DEFAULT_LINE_SPACING,
    InvalidParameter,
    TruncatedCommand,
    UnknownCommand,
    decode_paper,
    decode_raster,
)
from drivers.printer.escpos_output import FRAGMENT_ROWS, ticket_bytes, ticket_job
from drivers.printer.render import render_ticket
from tests.drivers.printer.printer_samples import PAPER_PROFILES, STANDARD, VARIANTS, save_artifact

FEED_ROWS = 6 * DEFAULT_LINE_SPACING  # python-escpos's cut() feeds 6 lines first


def raster(width_bytes: int, rows: int, data: bytes, mode: int = 0) -> bytes:
    header = bytes([0x1D, 0x76, 0x30, mode, width_bytes, 0, rows, 0])
    return header + data


@pytest.mark.parametrize("name", list(VARIANTS))
def test_decoded_paper_equals_the_rendered_ticket(name: str) -> None:
    ticket, paper_mm = VARIANTS[name]
    profile = PAPER_PROFILES[paper_mm]
    rendered = render_ticket(ticket, profile=profile)
    job = ticket_job(ticket, profile=profile)
    paper = decode_paper(job, paper_width=rendered.width)
    save_artifact(name, paper.image)

    assert paper.image.mode == "1"
    assert paper.image.size == rendered.size
    assert paper.image.tobytes() == rendered.tobytes()
    # After the ticket only the feed that carries it past the cutter, then one cut.
    assert paper.trailing_feed_rows == FEED_ROWS
    assert paper.cut_rows == (rendered.height,)


def test_one_image_stream_is_init_raster_fragments_feed_cut() -> None:
    rendered = render_ticket(STANDARD)
    data = ticket_bytes(rendered)
    assert data.startswith(b"\x1b@\x1dv0\x00")
    assert data.endswith(b"\x1bd\x06\x1dV\x00")
    fragments = math.ceil(rendered.height / FRAGMENT_ROWS)
    assert rendered.height > FRAGMENT_ROWS  # the round trip really crosses a fragment seam
    assert data.count(b"\x1dv0") == fragments
    raster_bytes = rendered.width // 8 * rendered.height
    assert len(data) == 2 + 8 * fragments + raster_bytes + 3 + 3


def test_encoding_prints_nothing_and_warns_nothing(
    capsys: pytest.CaptureFixture[str], recwarn: pytest.WarningsRecorder
) -> None:
    ticket_bytes(render_ticket(STANDARD, profile=PAPER_PROFILES[58]))
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")
    assert len(recwarn) == 0


def test_decoder_reads_raster_bits_most_significant_first() -> None:
    image = decode_raster(b"\x1b@" + raster(2, 2, bytes([0x80, 0x01, 0xFF, 0x00])))
    assert image.size == (16, 2)
    black = {(x, y) for y in range(2) for x in range(16) if image.getpixel((x, y)) == 0}
    assert black == {(0, 0), (15, 0)} | {(x, 1) for x in range(8)}


def test_decoder_centres_and_right_aligns_within_the_paper() -> None:
    block = raster(1, 1, b"\xff")
    data = b"\x1ba\x01" + block + b"\x1ba\x02" + block + b"\x1ba\x00" + block
    image = decode_raster(data, paper_width=32)
    rows = [[x for x in range(32) if image.getpixel((x, y)) == 0] for y in range(3)]
    assert rows == [list(range(12, 20)), list(range(24, 32)), list(range(0, 8))]


def test_decoder_honours_left_margin_print_area_and_init_reset() -> None:
    block = raster(1, 1, b"\xff")
    data = (
        b"\x1dL\x08\x00\x1dW\x10\x00\x1ba\x01"
        + block  # margin 8, area 16, centred
        + b"\x1b@"
        + block  # reset: left, no margin
    )
    image = decode_raster(data, paper_width=32)
    assert [x for x in range(32) if image.getpixel((x, 0)) == 0] == list(range(12, 20))
    assert [x for x in range(32) if image.getpixel((x, 1)) == 0] == list(range(0, 8))


def test_decoder_turns_feeds_into_blank_rows() -> None:
    block = raster(1, 1, b"\xff")
    data = block + b"\n" + block + b"\x1bJ\x05" + block + b"\x1b3\x0a\x1bd\x02" + block
    data += b"\x1b2\n\r" + block + b"\x1dVB\x07\n\x1dV\x01"
    paper = decode_paper(data)
    ink_rows = [y for y in range(paper.image.height) if paper.image.getpixel((0, y)) == 0]
    first = 0
    second = first + 1 + DEFAULT_LINE_SPACING
    third = second + 1 + 5
    fourth = third + 1 + 20
    fifth = fourth + 1 + DEFAULT_LINE_SPACING
    assert ink_rows == [first, second, third, fourth, fifth]
    assert paper.image.height == fifth + 1  # what follows the last raster is not drawn
    assert paper.trailing_feed_rows == 7 + DEFAULT_LINE_SPACING
    assert paper.cut_rows == (paper.image.height, paper.image.height)


def test_cuts_between_rasters_are_placed_where_they_happen() -> None:
    block = raster(1, 2, b"\xff\xff")
    paper = decode_paper(block + b"\x1bJ\x03\x1dV\x00" + block)
    assert paper.cut_rows == (5,)
    assert paper.image.height == 7
    assert paper.trailing_feed_rows == 0


def test_decoder_scales_double_width_and_height_modes() -> None:
    image = decode_raster(raster(1, 1, b"\x80", mode=3))
    assert image.size == (16, 2)
    black = {(x, y) for y in range(2) for x in range(16) if image.getpixel((x, y)) == 0}
    assert black == {(0, 0), (1, 0), (0, 1), (1, 1)}


def test_decoder_matches_an_image_drawn_by_hand() -> None:
    drawn = Image.new("1", (200, 2100), 255)
    draw = ImageDraw.Draw(drawn)
    draw.ellipse((10, 10, 190, 2090), outline=0, width=5)
    draw.line((0, 0, 199, 2099), fill=0, width=3)
    assert decode_raster(ticket_bytes(drawn)).tobytes() == drawn.tobytes()


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (b"\x1b", 0),
        (b"\x1b@\x1ba", 2),
        (b"\x1b@\x1d", 2),
        (b"\x1b@\x1dv0\x00\x01", 2),  # header cut short
        (b"\x1b@" + bytes([0x1D, 0x76, 0x30, 0, 2, 0, 3, 0]) + b"\x00" * 5, 2),  # data short
        (b"\x1dV", 0),
        (b"\x1dVA", 0),  # feed-and-cut without its feed
    ],
)
def test_decoder_rejects_truncated_streams(data: bytes, offset: int) -> None:
    with pytest.raises(TruncatedCommand) as error:
        decode_raster(data)
    assert error.value.offset == offset
    assert f"byte {offset}" in str(error.value)


def test_every_truncation_of_a_real_ticket_is_caught() -> None:
    data = ticket_bytes(Image.new("1", (64, 20), 0))
    assert decode_raster(data).size == (64, 20)
    cut_inside_a_command = [
        n for n in range(1, len(data)) if n not in (2, len(data) - 6, len(data) - 3)
    ]
    for length in cut_inside_a_command:
        with pytest.raises(TruncatedCommand):
            decode_raster(data[:length])


@pytest.mark.parametrize(
    ("data", "offset", "error_type"),
    [
        (b"\x1b@\x80", 2, UnknownCommand),  # beyond ASCII: code pages are not emulated
        (b"\x1b@\x10\x04\x01", 2, UnknownCommand),  # a status request is not printing
        (b"\x1b@\x1b*\x00", 2, UnknownCommand),  # column bit image
        (b"\x1b@\x1d(L\x02\x000p", 2, UnknownCommand),  # graphics command
        (b"\x1b@\x1dv1\x00", 2, UnknownCommand),
        (b"\x00", 0, UnknownCommand),
        (b"\x1b@\x1ba\x07", 2, InvalidParameter),
        (b"\x1dv0\x09\x01\x00\x01\x00\xff", 0, InvalidParameter),
        (b"\x1b@\x1dV\x05", 2, InvalidParameter),
    ],
)
def test_decoder_rejects_unknown_commands_with_their_offset(
    data: bytes, offset: int, error_type: type[Exception]
) -> None:
    with pytest.raises(error_type) as error:
        decode_raster(data)
    assert error.value.offset == offset  # type: ignore[attr-defined]


def test_decoder_rejects_a_raster_wider_than_the_paper() -> None:
    with pytest.raises(InvalidParameter) as error:
        decode_raster(b"\x1b@" + raster(2, 1, b"\xff\xff"), paper_width=8)
    assert error.value.offset == 2


def test_empty_stream_is_empty_paper() -> None:
    paper = decode_paper(b"")
    assert paper.image.size == (0, 0)
    assert paper.cut_rows == ()
    assert paper.trailing_feed_rows == 0
