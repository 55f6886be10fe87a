"""Vietnamese text set in the bundled font as 1-bit blocks as wide as the printable area.

Vietnamese goes to paper as pixels, never as printer text: printer code pages cannot be
trusted with its tone marks, a bundled font can. Glyphs are drawn anti-aliased and then
thresholded on the dark side, which keeps the thin marks (breve, hook, dot below) whole
at 203 dpi where FreeType's monochrome mode breaks them up.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFont

from drivers.printer.document import Style
from drivers.printer.fonts import bundled_font_path

MIN_LABEL_HEIGHT = 120  # dots at 203 dpi: about 15 mm, readable from across a waiting hall
_LABEL_SPARE = 8  # dots of cap height for the threshold eating an edge
_MAX_SQUEEZE = 0.8  # narrowest horizontal scale before the label shrinks as a whole

_INK_THRESHOLD = 160  # grey levels below this become dots
INK_LUT = [0 if level < _INK_THRESHOLD else 255 for level in range(256)]
MARGIN = 8  # dots kept white at each side, so no glyph overhang touches the edge
# Every toned capital vowel (the stacked marks reach highest) and the deepest descenders:
# together they bound any Vietnamese line, which the font tests check letter by letter.
_EXTREME_LETTERS = unicodedata.normalize(
    "NFC",
    "".join(vowel + mark for vowel in "AĂÂEÊIOÔƠUƯY" for mark in "\u0300\u0301\u0309\u0303\u0323")
    + "ỵỷỹgjpqy",
)
_LABEL_WIDTHS = (100.0, 87.5, 75.0, 62.5)  # `wdth` axis steps tried to fit a long label

BLACK = 0
WHITE = 255

# FreeType faces are not safe to share between threads; renders are short, so one at a time.
RENDER_LOCK = threading.RLock()

BANNER = Style(28, 700)  # the text of banners and boxed notices


def queue_label_block(label: str, width: int, height: int = MIN_LABEL_HEIGHT) -> Image.Image:
    """The queue label as big as the paper allows: at least `height` dots of ink.

    A long label is first set in a narrower cut of the font (its width axis); if even the
    narrowest is too wide it is squeezed sideways (to `_MAX_SQUEEZE`), and only shrunk as
    a whole beyond that, so a five-character label keeps its height on 58 mm paper.
    """
    available = width - 2 * MARGIN
    with RENDER_LOCK:
        for axis_width in _LABEL_WIDTHS:
            font = _label_font(height + _LABEL_SPARE, axis_width)
            if font.getlength(label) <= available:
                break
        ink = _ink_only(_draw_label(label, font))
    if ink.width > available:
        squeeze = available / ink.width
        squeezed = round(ink.height * min(1.0, squeeze / _MAX_SQUEEZE))
        ink = ink.resize((available, squeezed), Image.Resampling.LANCZOS)
    pad = 8
    block = Image.new("L", (width, ink.height + 2 * pad), WHITE)
    block.paste(ink, ((width - ink.width) // 2, pad))
    return block.point(INK_LUT, "1")


def _draw_label(label: str, font: ImageFont.FreeTypeFont) -> Image.Image:
    # FreeType boxes are whole pixels, though Pillow's types allow fractions.
    left, top, right, bottom = (int(edge) for edge in font.getbbox(label, anchor="ls"))
    margin = 16  # room for ink the box does not promise
    canvas = Image.new("L", (right - left + 2 * margin, bottom - top + 2 * margin), WHITE)
    ImageDraw.Draw(canvas).text(
        (margin - left, margin - top), label, font=font, fill=BLACK, anchor="ls"
    )
    return canvas


def _ink_only(canvas: Image.Image) -> Image.Image:
    """The canvas cropped to its ink, so centring is by what is printed, not by advances."""
    box = ImageChops.invert(canvas).getbbox()
    if box is None:
        raise ValueError("nothing to print: the queue label is blank")
    return canvas.crop(box)


def wrap_text(
    text: str, font: ImageFont.FreeTypeFont, max_width: int, *, balanced: bool = False
) -> list[str]:
    """Word wrap by rendered width; a word wider than a line is split between letters.

    `balanced` evens out the line lengths of each paragraph (same number of lines, no
    lone last word), which reads better in centred text.
    """
    # Balancing re-wraps the same paragraph many times: measure each candidate line once.
    measure = lru_cache(maxsize=None)(font.getlength)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        paragraph_lines = _greedy_wrap(paragraph, measure, max_width)
        if balanced and len(paragraph_lines) > 1:
            paragraph_lines = _balance(paragraph, measure, max_width, len(paragraph_lines))
        lines += paragraph_lines
    return lines


def _greedy_wrap(paragraph: str, measure: Callable[[str], float], max_width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in paragraph.split():
        candidate = f"{line} {word}" if line else word
        if measure(candidate) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for letter in word:
            if line and measure(line + letter) > max_width:
                lines.append(line)
                line = ""
            line += letter
    lines.append(line)
    return lines


def _balance(
    paragraph: str, measure: Callable[[str], float], max_width: int, line_count: int
) -> list[str]:
    """The narrowest greedy wrap that still needs only `line_count` lines."""
    low, high = max_width // line_count, max_width
    while low < high:
        middle = (low + high) // 2
        if len(_greedy_wrap(paragraph, measure, middle)) <= line_count:
            high = middle
        else:
            low = middle + 1
    return _greedy_wrap(paragraph, measure, high)


def fit_phrases(
    phrases: Sequence[str], joiner: str, font: ImageFont.FreeTypeFont, block_width: int
) -> str:
    """All phrases on one line when they fit, else one phrase per line (then wrapped).

    Breaks fall between phrases ("ƯU TIÊN" / "Người có công với cách mạng") instead
    of wherever the width runs out.
    """
    joined = joiner.join(phrases)
    fits = font.getlength(joined) <= block_width - 2 * MARGIN
    return joined if fits else "\n".join(phrases)


def text_block(text: str, font: ImageFont.FreeTypeFont, width: int) -> Image.Image:
    """Centred, wrapped text as a 1-bit block `width` wide."""
    # Precomposed letters render best; input may come decomposed (NFD) from some sources.
    text = unicodedata.normalize("NFC", text)
    lines = wrap_text(text, font, width - 2 * MARGIN, balanced=True)
    top, bottom = line_extent(font)
    line_height = bottom - top
    canvas = Image.new("L", (width, line_height * len(lines)), WHITE)
    draw = ImageDraw.Draw(canvas)
    for index, line in enumerate(lines):
        x = (width - font.getlength(line)) / 2
        draw.text((x, index * line_height - top), line, font=font, fill=BLACK)
    return canvas.point(INK_LUT, "1")


@lru_cache(maxsize=64)
def line_extent(font: ImageFont.FreeTypeFont) -> tuple[int, int]:
    """Top and bottom of a text line relative to the font's ascender line.

    The font's ascent plus descent, widened where a stacked Vietnamese mark ("Ẵ", "Ổ")
    reaches a dot beyond it at some sizes, so no letter is ever clipped.
    """
    ascent, descent = font.getmetrics()
    _, top, _, bottom = font.getbbox(_EXTREME_LETTERS)
    return min(int(top), 0), max(int(bottom), ascent + descent)


@lru_cache(maxsize=32)
def font_for(style: Style) -> ImageFont.FreeTypeFont:
    return variable_font(style.size, style.weight, style.width)


@lru_cache(maxsize=16)
def _label_font(size: int, axis_width: float) -> ImageFont.FreeTypeFont:
    """Extra bold at a size whose capital height (digits share it) is `size` dots."""
    probe = variable_font(100, 800, axis_width)
    _, top, _, bottom = probe.getbbox("0123456789BDU", anchor="ls")
    return variable_font(math.ceil(size * 100 / (bottom - top)), 800, axis_width)


def variable_font(size: int, weight: int, axis_width: float) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(bundled_font_path()), size)
    font.set_variation_by_axes([weight, axis_width])  # the font's axis order: wght, wdth
    return font
