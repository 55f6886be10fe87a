"""What an ESC/POS printer draws for its native commands, as pixels.

Shared by the decoder (bytes -> paper) and the layout preview (layout -> paper), so both
draw built-in text and QR symbols with exactly the same dots. The real printer's ROM font
and QR encoder differ in detail; what matters here is that the emulation is deterministic
and the same on both sides, and that it has the printer's geometry (a 12 x 24 dot font A
cell, GS ! magnification by whole dots, QR modules of n x n dots).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from functools import lru_cache

import qrcode
from PIL import Image, ImageChops, ImageDraw

from drivers.printer.typeset import INK_LUT, RENDER_LOCK, WHITE, variable_font

# Font A of 80 mm Epson-style printers: 12 x 24 dots per character, 48 to a 576-dot line.
FONT_A_WIDTH = 12
FONT_A_HEIGHT = 24
MAX_MAGNIFICATION = 8  # GS ! takes 1-8 times in each direction
_FONT_A_BASELINE = 19  # capitals and digits span rows 2-18, descenders reach row 23
_FONT_A_SIZE = 24  # Noto Sans capitals are 0.714 em: 17 rows at 24 px
_FONT_A_WEIGHT = 600
_FONT_A_AXIS_WIDTH = 62.5  # the narrowest cut, so most letters fit 12 dots unsqueezed
PRINTABLE_ASCII = range(0x20, 0x7F)

QR_MAX_MODULE = 16  # GS ( k fn 67 takes module sizes 1-16


class Align(IntEnum):
    """ESC a n."""

    LEFT = 0
    CENTER = 1
    RIGHT = 2


class QrErrorLevel(IntEnum):
    """GS ( k fn 69 parameter n (48-51 = L, M, Q, H)."""

    L = 48
    M = 49
    Q = 50
    H = 51


_QRCODE_LEVELS = {
    QrErrorLevel.L: qrcode.constants.ERROR_CORRECT_L,
    QrErrorLevel.M: qrcode.constants.ERROR_CORRECT_M,
    QrErrorLevel.Q: qrcode.constants.ERROR_CORRECT_Q,
    QrErrorLevel.H: qrcode.constants.ERROR_CORRECT_H,
}


@lru_cache(maxsize=128)
def font_a_glyph(code: int) -> Image.Image:
    """One character cell of the emulated font A: 12 x 24 dots, mode "1"."""
    if code not in PRINTABLE_ASCII:
        raise ValueError(f"font A is emulated for printable ASCII only, not 0x{code:02X}")
    with RENDER_LOCK:
        font = variable_font(_FONT_A_SIZE, _FONT_A_WEIGHT, _FONT_A_AXIS_WIDTH)
        canvas = Image.new("L", (3 * FONT_A_WIDTH, FONT_A_HEIGHT), WHITE)
        ImageDraw.Draw(canvas).text(
            (FONT_A_WIDTH, _FONT_A_BASELINE), chr(code), font=font, fill=0, anchor="ls"
        )
    cell = Image.new("L", (FONT_A_WIDTH, FONT_A_HEIGHT), WHITE)
    ink = ImageChops.invert(canvas).getbbox()  # None for the space
    if ink is not None:
        left, _, right, _ = ink
        strip = canvas.crop((left, 0, right, FONT_A_HEIGHT))
        room = FONT_A_WIDTH - 1  # one dot column stays blank between characters
        if strip.width > room:  # wide letters (M, W, @) are squeezed into the cell
            strip = strip.resize((room, FONT_A_HEIGHT), Image.Resampling.LANCZOS)
        cell.paste(strip, ((FONT_A_WIDTH - strip.width) // 2, 0))
    return cell.point(INK_LUT, "1")


def font_a_line(characters: Sequence[tuple[int, int, int]]) -> Image.Image:
    """Characters `(code, width_mag, height_mag)` side by side, bottoms on one line.

    Each dot of a magnified character is printed as a width x height block, as printers do.
    """
    cells = [_magnified(code, width_mag, height_mag) for code, width_mag, height_mag in characters]
    height = max((cell.height for cell in cells), default=0)
    line = Image.new("1", (sum(cell.width for cell in cells), height), WHITE)
    x = 0
    for cell in cells:
        line.paste(cell, (x, height - cell.height))
        x += cell.width
    return line


@lru_cache(maxsize=256)
def _magnified(code: int, width_mag: int, height_mag: int) -> Image.Image:
    glyph = font_a_glyph(code)
    if width_mag == height_mag == 1:
        return glyph
    size = (FONT_A_WIDTH * width_mag, FONT_A_HEIGHT * height_mag)
    return glyph.resize(size, Image.Resampling.NEAREST)


def text_line(text: str, width_mag: int = 1, height_mag: int = 1) -> Image.Image:
    """An ASCII line in font A at one magnification."""
    return font_a_line([(ord(char), width_mag, height_mag) for char in text])


def qr_symbol(data: bytes, module: int, level: QrErrorLevel) -> Image.Image:
    """The QR symbol (model 2, smallest version that holds `data`), no quiet zone.

    Raises ValueError when the data does not fit any version or the module size is not 1-16.
    """
    if not 1 <= module <= QR_MAX_MODULE:
        raise ValueError(f"QR module size {module}: must be 1-{QR_MAX_MODULE}")
    code = qrcode.QRCode(error_correction=_QRCODE_LEVELS[level], border=0)
    code.add_data(data, optimize=0)  # one byte-mode segment: the same symbol every time
    try:
        code.make(fit=True)
    except qrcode.exceptions.DataOverflowError as error:
        raise ValueError(f"{len(data)} bytes do not fit a QR symbol") from error
    matrix = code.get_matrix()
    side = len(matrix)
    small = Image.new("1", (side, side), WHITE)
    small.putdata([0 if dark else WHITE for row in matrix for dark in row])
    return small.resize((side * module, side * module), Image.Resampling.NEAREST)


def placed_x(
    width: int, *, align: Align, left_margin: int, area_width: int | None, paper_width: int
) -> int:
    """Where a printed block `width` dots wide starts, as the printer places it.

    The print area starts at the left margin and is `area_width` wide (or reaches the
    paper's edge); alignment places the block inside it. Raises ValueError when the block
    does not fit the paper at that margin.
    """
    if left_margin + width > paper_width:
        raise ValueError(
            f"{width} dots at left margin {left_margin} do not fit paper {paper_width} dots wide"
        )
    area = paper_width - left_margin if area_width is None else area_width
    area = min(area, paper_width - left_margin)
    spare = max(area - width, 0)
    return left_margin + (0, spare // 2, spare)[align]


def raster_image(
    width_bytes: int, rows: int, data: bytes, *, double_width: bool, double_height: bool
) -> Image.Image:
    """GS v 0 data as printed: a set bit burns a dot, most significant bit leftmost."""
    # PIL's "1;I" raw mode reads set bits as black.
    image = Image.frombytes("1", (width_bytes * 8, rows), data, "raw", "1;I")
    if double_width or double_height:
        size = (image.width * (2 if double_width else 1), rows * (2 if double_height else 1))
        image = image.resize(size, Image.Resampling.NEAREST)
    return image
