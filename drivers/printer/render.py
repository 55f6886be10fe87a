"""A `Ticket` drawn as a 1-bit raster exactly as wide as the printer's printable area.

Text goes to paper as pixels, never as printer text: printer code pages cannot be trusted
with Vietnamese tone marks, a bundled font can. Glyphs are drawn anti-aliased and then
thresholded on the dark side, which keeps the thin marks (breve, hook, dot below) whole
at 203 dpi where FreeType's monochrome mode breaks them up.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFont

from drivers.printer.fonts import bundled_font_path
from kiosk.domain import PriorityGroup, ServiceType, Ticket

# Printable dots of common 203 dpi thermal heads: 72 mm on 80 mm paper, 48 mm on 58 mm.
PRINTABLE_DOTS = {80: 576, 58: 384}

PRIORITY_GROUP_NAMES = {
    PriorityGroup.PREGNANT: "Phụ nữ có thai",
    PriorityGroup.ELDERLY_75: "Người từ 75 tuổi",
    PriorityGroup.CHILD_UNDER_6: "Trẻ em dưới 6 tuổi",
    PriorityGroup.SEVERE_DISABILITY: "Người khuyết tật nặng",
    PriorityGroup.REVOLUTIONARY_MERIT: "Người có công với cách mạng",
    PriorityGroup.EMERGENCY: "Cấp cứu",
}
SERVICE_NAMES = {ServiceType.INSURANCE: "Khám BHYT", ServiceType.PAID: "Khám dịch vụ"}
PROVISIONAL_NOTICE = ("SỐ TẠM", "vui lòng xác nhận tại quầy")

MIN_LABEL_HEIGHT = 120  # dots: about 15 mm, readable from across a waiting hall
_LABEL_CAP_HEIGHT = MIN_LABEL_HEIGHT + 8  # spare for the threshold eating an edge
_MAX_SQUEEZE = 0.8  # narrowest horizontal scale before the label shrinks as a whole

_INK_THRESHOLD = 160  # grey levels below this become dots
_INK_LUT = [0 if level < _INK_THRESHOLD else 255 for level in range(256)]
_MARGIN = 8  # dots kept white at each side, so no glyph overhang touches the edge
# Every toned capital vowel (the stacked marks reach highest) and the deepest descenders:
# together they bound any Vietnamese line, which the font tests check letter by letter.
_EXTREME_LETTERS = unicodedata.normalize(
    "NFC",
    "".join(vowel + mark for vowel in "AĂÂEÊIOÔƠUƯY" for mark in "\u0300\u0301\u0309\u0303\u0323")
    + "ỵỷỹgjpqy",
)
_LABEL_WIDTHS = (100.0, 87.5, 75.0, 62.5)  # `wdth` axis steps tried to fit a long label

_BLACK = 0
_WHITE = 255

# FreeType faces are not safe to share between threads; renders are short, so one at a time.
_RENDER_LOCK = threading.RLock()


@dataclass(frozen=True)
class _Style:
    size: int
    weight: int  # `wght` axis, 100-900

    def scaled(self, scale: float) -> _Style:
        return _Style(round(self.size * scale), self.weight)


_HOSPITAL = _Style(30, 700)
_TITLE = _Style(30, 700)
_SUBTITLE = _Style(24, 500)
_BANNER = _Style(28, 700)
_DEPARTMENT = _Style(34, 700)
_ROOM = _Style(30, 600)
_BODY = _Style(26, 500)
_BODY_BOLD = _Style(28, 700)
_FOOTER = _Style(22, 500)


def printable_dots(paper_width_mm: int) -> int:
    try:
        return PRINTABLE_DOTS[paper_width_mm]
    except KeyError:
        raise ValueError(
            f"unsupported paper width {paper_width_mm} mm; supported: {sorted(PRINTABLE_DOTS)}"
        ) from None


def render_ticket(
    ticket: Ticket, *, paper_width_mm: int = 80, logo: Image.Image | None = None
) -> Image.Image:
    """The ticket as a mode "1" image, `printable_dots(paper_width_mm)` wide."""
    width = printable_dots(paper_width_mm)
    with _RENDER_LOCK:
        blocks = _TicketLayout(width).blocks(ticket, logo)
    return _stack(blocks, width)


class _TicketLayout:
    """Builds the ticket top to bottom as full-width 1-bit blocks."""

    def __init__(self, width: int) -> None:
        self.width = width
        # 58 mm paper gets slightly smaller type so lines still hold a few words.
        self.scale = 1.0 if width >= PRINTABLE_DOTS[80] else 0.875

    def blocks(self, ticket: Ticket, logo: Image.Image | None) -> list[Image.Image]:
        out: list[Image.Image] = [self.gap(12)]
        if logo is not None:
            out += [self.logo(logo), self.gap(8)]
        out += [
            self.text(ticket.hospital_name, _HOSPITAL),
            self.gap(10),
            self.text("PHIẾU KHÁM BỆNH", _TITLE),
            self.text("SỐ THỨ TỰ", _SUBTITLE),
            queue_label_block(ticket.queue_label, self.width),
        ]
        if ticket.priority.is_priority:
            group = PRIORITY_GROUP_NAMES[ticket.priority]
            out += [self.gap(6), self.banner(("ƯU TIÊN", group))]
        if ticket.provisional:
            # Next to the number, where patient and staff both look first.
            out += [self.gap(10), self.boxed(PROVISIONAL_NOTICE), self.gap(6)]
        out += [
            self.separator(),
            self.text(ticket.department_name, _DEPARTMENT),
            self.text(f"Phòng {ticket.room} – Tầng {ticket.floor}", _ROOM),
            self.gap(4),
            self.text(ticket.directions, _BODY),
            self.separator(),
            self.text(ticket.masked_name, _BODY_BOLD),
            self.text(f"Năm sinh {ticket.birth_year}", _BODY),
            self.text(SERVICE_NAMES[ticket.service], _BODY_BOLD),
            self.separator(),
            self.phrases(
                (
                    f"Trước bạn: {ticket.people_ahead} người",
                    f"Chờ khoảng {ticket.estimated_wait_minutes} phút",
                ),
                " · ",
                _BODY,
            ),
            self.text(ticket.issued_at.strftime("%d/%m/%Y %H:%M"), _BODY),
            self.gap(6),
            self.qr(ticket.visit_id),
            self.gap(6),
            self.text(ticket.footer, _FOOTER),
            self.gap(16),
        ]
        return out

    def text(self, text: str, style: _Style) -> Image.Image:
        if not text.strip():  # an empty footer or directions take no paper
            return self.gap(0)
        return _text_block(text, _font(style.scaled(self.scale)), self.width)

    def phrases(self, phrases: Sequence[str], joiner: str, style: _Style) -> Image.Image:
        font = _font(style.scaled(self.scale))
        return _text_block(fit_phrases(phrases, joiner, font, self.width), font, self.width)

    def gap(self, dots: int) -> Image.Image:
        return Image.new("1", (self.width, round(dots * self.scale)), _WHITE)

    def separator(self) -> Image.Image:
        pad = round(10 * self.scale)
        block = Image.new("1", (self.width, 2 * pad + 2), _WHITE)
        ImageDraw.Draw(block).rectangle(
            (_MARGIN, pad, self.width - 1 - _MARGIN, pad + 1), fill=_BLACK
        )
        return block

    def banner(self, phrases: Sequence[str]) -> Image.Image:
        """White text on a black bar: the one thing on the slip staff must not miss."""
        pad = round(8 * self.scale)
        inner = self._inner_phrases(phrases, self.width - 2 * pad)
        bar = Image.new("1", (self.width, inner.height + 2 * pad), _WHITE)
        bar.paste(inner, (pad, pad))
        return ImageChops.invert(bar)

    def boxed(self, phrases: Sequence[str]) -> Image.Image:
        border = 4
        pad = round(10 * self.scale)
        inset = border + pad
        inner = self._inner_phrases(phrases, self.width - 2 * inset)
        box = Image.new("1", (self.width, inner.height + 2 * inset), _WHITE)
        box.paste(inner, (inset, inset))
        ImageDraw.Draw(box).rectangle(
            (0, 0, self.width - 1, box.height - 1), outline=_BLACK, width=border
        )
        return box

    def _inner_phrases(self, phrases: Sequence[str], width: int) -> Image.Image:
        font = _font(_BANNER.scaled(self.scale))
        return _text_block(fit_phrases(phrases, " – ", font, width), font, width)

    def qr(self, content: str) -> Image.Image:
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        code.add_data(content)
        code.make(fit=True)
        matrix = code.get_matrix()
        modules = len(matrix)
        # About 40 % of the width, whole dots per module, never below what scanners resolve.
        module = max(3, min(8, int(self.width * 0.4) // modules))
        small = Image.new("1", (modules, modules), _WHITE)
        small.putdata([_BLACK if dark else _WHITE for row in matrix for dark in row])
        symbol = small.resize((modules * module,) * 2, Image.Resampling.NEAREST)
        quiet = 4 * module  # the quiet zone QR readers need around the symbol
        block = Image.new("1", (self.width, symbol.height + 2 * quiet), _WHITE)
        block.paste(symbol, ((self.width - symbol.width) // 2, quiet))
        return block

    def logo(self, logo: Image.Image) -> Image.Image:
        max_size = (self.width - 2 * _MARGIN, round(120 * self.scale))
        # Transparent parts of a logo are paper, not ink.
        flat = Image.new("RGBA", logo.size, "white")
        grey = Image.alpha_composite(flat, logo.convert("RGBA")).convert("L")
        factor = min(1.0, max_size[0] / grey.width, max_size[1] / grey.height)
        if factor < 1.0:
            size = (max(1, round(grey.width * factor)), max(1, round(grey.height * factor)))
            grey = grey.resize(size, Image.Resampling.LANCZOS)
        dots = grey.convert("1")  # Floyd-Steinberg: keeps a logo's greys as texture
        block = Image.new("1", (self.width, dots.height), _WHITE)
        block.paste(dots, ((self.width - dots.width) // 2, 0))
        return block


def queue_label_block(label: str, width: int) -> Image.Image:
    """The queue label as big as the paper allows: at least `MIN_LABEL_HEIGHT` dots of ink.

    A long label is first set in a narrower cut of the font (its width axis); if even the
    narrowest is too wide it is squeezed sideways (to `_MAX_SQUEEZE`), and only shrunk as
    a whole beyond that, so a five-character label keeps its height on 58 mm paper.
    """
    available = width - 2 * _MARGIN
    with _RENDER_LOCK:
        for axis_width in _LABEL_WIDTHS:
            font = _label_font(_LABEL_CAP_HEIGHT, axis_width)
            if font.getlength(label) <= available:
                break
        ink = _ink_only(_draw_label(label, font))
    if ink.width > available:
        squeeze = available / ink.width
        height = ink.height * min(1.0, squeeze / _MAX_SQUEEZE)
        ink = ink.resize((available, round(height)), Image.Resampling.LANCZOS)
    pad = 8
    block = Image.new("L", (width, ink.height + 2 * pad), _WHITE)
    block.paste(ink, ((width - ink.width) // 2, pad))
    return block.point(_INK_LUT, "1")


def _draw_label(label: str, font: ImageFont.FreeTypeFont) -> Image.Image:
    left, top, right, bottom = font.getbbox(label, anchor="ls")
    margin = 16  # room for ink the box does not promise
    canvas = Image.new("L", (right - left + 2 * margin, bottom - top + 2 * margin), _WHITE)
    ImageDraw.Draw(canvas).text(
        (margin - left, margin - top), label, font=font, fill=_BLACK, anchor="ls"
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
    fits = font.getlength(joined) <= block_width - 2 * _MARGIN
    return joined if fits else "\n".join(phrases)


def _text_block(text: str, font: ImageFont.FreeTypeFont, width: int) -> Image.Image:
    """Centred, wrapped text as a 1-bit block `width` wide."""
    # Precomposed letters render best; input may come decomposed (NFD) from some sources.
    text = unicodedata.normalize("NFC", text)
    lines = wrap_text(text, font, width - 2 * _MARGIN, balanced=True)
    top, bottom = line_extent(font)
    line_height = bottom - top
    canvas = Image.new("L", (width, line_height * len(lines)), _WHITE)
    draw = ImageDraw.Draw(canvas)
    for index, line in enumerate(lines):
        x = (width - font.getlength(line)) / 2
        draw.text((x, index * line_height - top), line, font=font, fill=_BLACK)
    return canvas.point(_INK_LUT, "1")


@lru_cache(maxsize=64)
def line_extent(font: ImageFont.FreeTypeFont) -> tuple[int, int]:
    """Top and bottom of a text line relative to the font's ascender line.

    The font's ascent plus descent, widened where a stacked Vietnamese mark ("Ẵ", "Ổ")
    reaches a dot beyond it at some sizes, so no letter is ever clipped.
    """
    ascent, descent = font.getmetrics()
    _, top, _, bottom = font.getbbox(_EXTREME_LETTERS)
    return min(top, 0), max(bottom, ascent + descent)


def _stack(blocks: list[Image.Image], width: int) -> Image.Image:
    page = Image.new("1", (width, sum(block.height for block in blocks)), _WHITE)
    y = 0
    for block in blocks:
        page.paste(block, (0, y))
        y += block.height
    return page


@lru_cache(maxsize=32)
def _font(style: _Style) -> ImageFont.FreeTypeFont:
    return _variable_font(style.size, style.weight, 100.0)


@lru_cache(maxsize=16)
def _label_font(size: int, axis_width: float) -> ImageFont.FreeTypeFont:
    """Extra bold at a size whose capital height (digits share it) is `size` dots."""
    probe = _variable_font(100, 800, axis_width)
    _, top, _, bottom = probe.getbbox("0123456789BDU", anchor="ls")
    return _variable_font(math.ceil(size * 100 / (bottom - top)), 800, axis_width)


def _variable_font(size: int, weight: int, axis_width: float) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(bundled_font_path()), size)
    font.set_variation_by_axes([weight, axis_width])  # the font's axis order: wght, wdth
    return font
