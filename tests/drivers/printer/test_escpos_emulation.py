"""The decoder's printer emulation: built-in text, GS ! / ESC ! sizes, QR symbols, and fuzz.

Hand-written byte streams against what the emulation primitives draw, and random or
mutated streams that may only ever end in the decoder's own typed errors.
"""

from __future__ import annotations

import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from drivers.printer.emulation import (
    FONT_A_HEIGHT,
    FONT_A_WIDTH,
    QrErrorLevel,
    qr_symbol,
    text_line,
)
from drivers.printer.escpos_decode import (
    DEFAULT_LINE_SPACING,
    EscPosDecodeError,
    InvalidParameter,
    TruncatedCommand,
    UnknownCommand,
    decode_paper,
    decode_raster,
)
from drivers.printer.escpos_output import ticket_job
from tests.drivers.printer.printer_samples import PAPER_PROFILES, STANDARD


def black_columns(image: Image.Image, row: int) -> list[int]:
    return [x for x in range(image.width) if image.getpixel((x, row)) == 0]


def qr_command(function: int, parameters: bytes) -> bytes:
    body = bytes([49, function]) + parameters
    return b"\x1d(k" + len(body).to_bytes(2, "little") + body


def test_text_is_printed_in_font_a_when_the_line_is_fed() -> None:
    paper = decode_paper(b"\x1b@AB\n")
    assert paper.image.size == (2 * FONT_A_WIDTH, FONT_A_HEIGHT)
    assert paper.image.tobytes() == text_line("AB").tobytes()
    # The line feed is the line spacing, counted from the top of the line.
    assert paper.trailing_feed_rows == DEFAULT_LINE_SPACING - FONT_A_HEIGHT


def test_text_without_a_line_feed_stays_in_the_printer() -> None:
    assert decode_paper(b"\x1b@waiting").image.size == (0, 0)


def test_gs_bang_magnifies_each_dot_and_centres_the_line() -> None:
    data = b"\x1ba\x01\x1d!\x21\x1b3\x30Hi\n"  # width x3, height x2, spacing 48
    paper = decode_paper(data, paper_width=200)
    expected = text_line("Hi", 3, 2)
    assert expected.size == (2 * 3 * FONT_A_WIDTH, 2 * FONT_A_HEIGHT)
    assert paper.image.size == (200, expected.height)
    left = (200 - expected.width) // 2
    cropped = paper.image.crop((left, 0, left + expected.width, expected.height))
    assert cropped.tobytes() == expected.tobytes()
    assert paper.trailing_feed_rows == 0


def test_a_line_taller_than_the_spacing_feeds_its_own_height() -> None:
    paper = decode_paper(b"\x1d!\x07A\nB\n")  # 8 times as tall, default 30-dot spacing
    assert paper.image.height == 8 * FONT_A_HEIGHT + FONT_A_HEIGHT * 8


def test_characters_of_several_sizes_share_their_bottom_line() -> None:
    paper = decode_paper(b"\x1d!\x11A\x1d!\x00a\n").image
    assert paper.size == (2 * FONT_A_WIDTH + FONT_A_WIDTH, 2 * FONT_A_HEIGHT)
    small = text_line("a")
    corner = paper.crop((2 * FONT_A_WIDTH, FONT_A_HEIGHT, paper.width, paper.height))
    assert corner.tobytes() == small.tobytes()


def test_esc_bang_doubles_and_resets_the_size() -> None:
    assert decode_raster(b"\x1b!\x30X\n").size == (2 * FONT_A_WIDTH, 2 * FONT_A_HEIGHT)
    assert decode_raster(b"\x1d!\x77\x1b!\x00X\n").size == (FONT_A_WIDTH, FONT_A_HEIGHT)


def test_a_native_qr_symbol_is_drawn_at_its_module_size_and_reads_back() -> None:
    data = (
        b"\x1b@\x1ba\x01"
        + qr_command(65, b"\x32\x00")
        + qr_command(67, b"\x05")
        + qr_command(69, bytes([QrErrorLevel.H]))
        + qr_command(80, b"0" + "V-1 kiểm tra".encode())
        + qr_command(81, b"0")
    )
    paper = decode_paper(data, paper_width=576).image
    symbol = qr_symbol("V-1 kiểm tra".encode(), 5, QrErrorLevel.H)
    assert paper.height == symbol.height
    left = (576 - symbol.width) // 2
    assert black_columns(paper, 0)[0] == left
    framed = Image.new("L", (paper.width, paper.height + 80), 255)
    framed.paste(paper.convert("L"), (0, 40))
    (code,) = zxingcpp.read_barcodes(framed, formats=zxingcpp.BarcodeFormat.QRCode)
    assert code.text == "V-1 kiểm tra"


TOO_WIDE_QR = qr_command(67, b"\x10") + qr_command(80, b"0" + b"9" * 200) + qr_command(81, b"0")


@pytest.mark.parametrize(
    ("data", "error_type"),
    [
        (b"\x1b!\x01A\n", InvalidParameter),  # font B is not emulated
        (b"\x1b!\x08A\n", InvalidParameter),  # nor emphasis
        (b"\x1d!\x08", InvalidParameter),
        (b"A\x1dv0\x00\x01\x00\x01\x00\xff", InvalidParameter),  # raster inside a text line
        (b"A\x1ba\x01", InvalidParameter),
        (b"A\x1dL\x00\x00", InvalidParameter),
        (b"A\x1dV\x00", InvalidParameter),
        (b"x" * 49 + b"\n", InvalidParameter),  # wider than a 576-dot line: it would wrap
        (qr_command(81, b"0"), InvalidParameter),  # nothing stored
        (qr_command(65, b"\x31\x00"), InvalidParameter),  # model 1
        (qr_command(67, b"\x11"), InvalidParameter),
        (qr_command(69, b"\x34"), InvalidParameter),
        (qr_command(80, b"1abc"), InvalidParameter),
        (qr_command(82, b"0"), UnknownCommand),  # transmit size: not printing
        (b"\x1d(k\x03\x000A0", UnknownCommand),  # PDF417
        (b"\x1d(k\x01\x001", InvalidParameter),
        (b"\x1d(L\x02\x000p", UnknownCommand),
        (TOO_WIDE_QR, InvalidParameter),  # 16-dot modules: wider than the paper
    ],
)
def test_what_the_emulation_does_not_do_is_refused(
    data: bytes, error_type: type[Exception]
) -> None:
    with pytest.raises(error_type):
        decode_paper(data, paper_width=576)


@pytest.mark.parametrize("cut", range(1, 12))
def test_a_qr_command_cut_short_is_truncated(cut: int) -> None:
    data = qr_command(80, b"0ABCDEFGH")
    with pytest.raises(TruncatedCommand) as error:
        decode_raster(data[:cut])
    assert error.value.offset == 0


REAL_JOB = ticket_job(STANDARD, profile=PAPER_PROFILES[58])


def decodes_or_fails_typed(data: bytes) -> None:
    try:
        paper = decode_paper(data)
    except EscPosDecodeError as error:
        assert 0 <= error.offset < max(len(data), 1)
    else:
        assert paper.image.mode == "1"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_decode_or_fail_typed(data: bytes) -> None:
    decodes_or_fails_typed(data)


COMMAND_PIECES = [
    b"\x1b@", b"\x1ba\x01", b"\x1d!\x11", b"\x1b!\x30", b"\x1b3\x10", b"\x1b2", b"\x1bJ\x05",
    b"\x1bd\x01", b"\n", b"AB", b"\x1dL\x08\x00", b"\x1dW\x40\x00", b"\x1dV\x00",
    b"\x1dv0\x00\x01\x00\x02\x00\x81\x18", qr_command(67, b"\x02"), qr_command(80, b"0K"),
    qr_command(81, b"0"), qr_command(69, b"\x30"),
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(COMMAND_PIECES) | st.binary(max_size=4), max_size=25))
def test_streams_of_real_commands_and_noise_decode_or_fail_typed(pieces: list[bytes]) -> None:
    decodes_or_fails_typed(b"".join(pieces))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(REAL_JOB) - 1), st.integers(0, 255)),
        min_size=1,
        max_size=4,
    ),
    st.integers(0, len(REAL_JOB)),
)
def test_a_mutated_or_cut_ticket_decodes_or_fails_typed(
    mutations: list[tuple[int, int]], length: int
) -> None:
    data = bytearray(REAL_JOB[:length])
    for position, value in mutations:
        if position < len(data):
            data[position] = value
    decodes_or_fails_typed(bytes(data))
