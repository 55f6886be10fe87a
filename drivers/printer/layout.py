"""A paper ticket (document.py) as printer blocks, each in the cheapest form that prints it right.

Vietnamese text is set in the bundled font (printer code pages cannot be trusted with tone
marks) and sent as raster strips cut to their ink; ASCII the printer can print itself (the
queue number, the date) is sent as text in its built-in font when the profile's font A is
the 12 x 24 cell the preview emulates; a QR code is sent as GS ( k when the profile
has native QR, else as raster; blank paper is a feed, never white pixels. A standard 80 mm
ticket is about a sixth of the bytes of the same ticket sent as one image.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# python-escpos (its capability database loads on import, about 0.25 s): this module is
# imported with the printer, off the kiosk's start-up path.
from escpos.capabilities import get_profile
from PIL import Image, ImageChops, ImageDraw

from drivers.printer import document as doc
from drivers.printer.emulation import (
    FONT_A_WIDTH,
    MAX_MAGNIFICATION,
    Align,
    QrErrorLevel,
    qr_symbol,
)
from drivers.printer.typeset import (
    BANNER,
    BLACK,
    MARGIN,
    RENDER_LOCK,
    WHITE,
    fit_phrases,
    font_for,
    printable_dots,
    queue_label_block,
    text_block,
)

# Epson TM-T20II: a common 80 mm, 203 dpi, 576-dot printer with a full cutter and native QR.
DEFAULT_PROFILE = "TM-T20II"

QR_ERROR_LEVEL = QrErrorLevel.M
_MAX_STRIP_ROWS = 48  # rows one raster strip may span: bounds the strip search's work
_RASTER_OVERHEAD = 12  # bytes of GS v 0 header plus a GS L margin around each strip
_FEED_COST = 3  # ESC J n


@dataclass(frozen=True)
class LayoutOptions:
    """How much a ticket may rely on the printer rather than on raster."""

    native_text: bool = True  # use the printer's font for ASCII where its profile allows
    native_qr: bool = True  # use GS ( k where the profile has native QR


@dataclass(frozen=True)
class PrinterCapabilities:
    native_text: bool  # font A is a 12-dot cell, as the preview emulates
    native_qr: bool

    @staticmethod
    def of(profile: str) -> PrinterCapabilities:
        return _capabilities(profile)


@lru_cache(maxsize=16)
def _capabilities(profile: str) -> PrinterCapabilities:
    data = get_profile(profile).profile_data
    pixels = data.get("media", {}).get("width", {}).get("pixels")
    columns = data.get("fonts", {}).get("0", {}).get("columns")
    font_a_is_12_dots = (
        isinstance(pixels, int) and isinstance(columns, int) and pixels == FONT_A_WIDTH * columns
    )
    return PrinterCapabilities(
        native_text=font_a_is_12_dots, native_qr=bool(data.get("features", {}).get("qrCode"))
    )


@dataclass(frozen=True)
class Raster:
    """GS v 0: packed rows (a set bit burns a dot), printed with its left edge at dot `x`."""

    x: int
    width_bytes: int
    rows: int
    data: bytes
    double: bool = False  # mode 3: every dot printed as 2 x 2 (solid rules only)

    @property
    def width(self) -> int:
        return self.width_bytes * 8 * (2 if self.double else 1)


@dataclass(frozen=True)
class Feed:
    """ESC J: blank paper, in dots."""

    dots: int


@dataclass(frozen=True)
class NativeText:
    """One line of ASCII in the printer's font A, magnified, then a feed of its height."""

    text: str
    width_mag: int = 1
    height_mag: int = 1
    align: Align = Align.CENTER


@dataclass(frozen=True)
class NativeQr:
    """GS ( k: a model 2 QR symbol the printer encodes itself."""

    content: str
    module: int
    level: QrErrorLevel = QR_ERROR_LEVEL
    align: Align = Align.CENTER


Block = Raster | Feed | NativeText | NativeQr


@dataclass(frozen=True)
class TicketLayout:
    width: int  # printable dots
    blocks: tuple[Block, ...]


def build_layout(
    document: doc.PaperTicket,
    *,
    paper_width_mm: int = 80,
    profile: str = DEFAULT_PROFILE,
    options: LayoutOptions | None = None,
) -> TicketLayout:
    options = options or LayoutOptions()
    capabilities = PrinterCapabilities.of(profile)
    builder = _Builder(
        printable_dots(paper_width_mm),
        native_text=options.native_text and capabilities.native_text,
        native_qr=options.native_qr and capabilities.native_qr,
    )
    with RENDER_LOCK:
        blocks = [block for element in document.elements for block in builder.element(element)]
    return TicketLayout(builder.width, tuple(_merge_feeds(blocks)))


def lean_rasters(image: Image.Image) -> list[Block]:
    """A full-width 1-bit block as raster strips cut to their ink, blank rows as feeds.

    Rows are grouped into strips so that the bytes sent (each strip as wide as the ink of its
    rows, rounded up to whole bytes, plus its header) are the fewest.
    """
    if image.width % 8:
        raise ValueError(f"block width {image.width} is not a whole number of bytes")
    extents = _ink_extents(image)
    count = len(extents)
    best = [0] * (count + 1)
    start_of = [0] * (count + 1)
    for end in range(1, count + 1):
        best[end] = -1
        left, right = image.width, 0
        for start in range(end - 1, max(end - _MAX_STRIP_ROWS, 0) - 1, -1):
            row_left, row_right = extents[start]
            if row_right:
                left, right = min(left, row_left), max(right, row_right)
            if right:
                cost = _RASTER_OVERHEAD + (end - start) * -(-(right - left) // 8)
            else:
                cost = _FEED_COST
            if best[end] < 0 or best[start] + cost < best[end]:
                best[end], start_of[end] = best[start] + cost, start
    strips: list[Block] = []
    end = count
    while end > 0:
        start = start_of[end]
        ink = [extents[y] for y in range(start, end) if extents[y][1]]
        if not ink:
            strips.append(Feed(end - start))
        else:
            left = min(extent[0] for extent in ink)
            width = -(-(max(extent[1] for extent in ink) - left) // 8) * 8
            left = min(left, image.width - width)  # whole bytes may reach past the ink
            strip = image.crop((left, start, left + width, end))
            strips.append(Raster(left, width // 8, end - start, strip.tobytes("raw", "1;I")))
        end = start
    return strips[::-1]


def _ink_extents(image: Image.Image) -> list[tuple[int, int]]:
    """Per row, the first inked dot and one past the last; (0, 0) for a blank row."""
    stride = image.width // 8
    raw = image.tobytes("raw", "1;I")  # a set bit is a black dot, leftmost dot highest
    extents = []
    for y in range(image.height):
        row = raw[y * stride : (y + 1) * stride]
        stripped = row.rstrip(b"\0")
        if not stripped:
            extents.append((0, 0))
            continue
        first = stride - len(row.lstrip(b"\0"))
        last = len(stripped) - 1
        lowest_bit = (row[last] & -row[last]).bit_length() - 1
        extents.append((8 * first + 8 - row[first].bit_length(), 8 * last + 8 - lowest_bit))
    return extents


def _merge_feeds(blocks: list[Block]) -> list[Block]:
    """Adjacent feeds as one; none at the end, where the cut's own feed follows."""
    merged: list[Block] = []
    for block in blocks:
        if isinstance(block, Feed) and merged and isinstance(merged[-1], Feed):
            merged[-1] = Feed(merged[-1].dots + block.dots)
        elif not isinstance(block, Feed) or block.dots > 0:
            merged.append(block)
    while merged and isinstance(merged[-1], Feed):
        merged.pop()
    return merged


class _Builder:
    def __init__(self, width: int, *, native_text: bool, native_qr: bool) -> None:
        self.width = width
        self.native_text = native_text
        self.native_qr = native_qr
        # 58 mm paper gets slightly smaller type so lines still hold a few words.
        self.scale = 1.0 if width >= printable_dots(80) else 0.875

    def element(self, element: doc.Element) -> list[Block]:
        match element:
            case doc.Gap(dots):
                return [self.gap(dots)]
            case doc.Logo(image):
                return self.logo(image)
            case doc.Text(text, style):
                return self.text(text, style)
            case doc.Phrases(phrases, joiner, style):
                return self.phrases(phrases, joiner, style)
            case doc.AsciiLine(text, style):
                return self.ascii_line(text, style)
            case doc.QueueLabel(label):
                return self.queue_label(label)
            case doc.Banner(phrases):
                return lean_rasters(self.banner(phrases))
            case doc.BoxedNotice(phrases):
                return lean_rasters(self.boxed(phrases))
            case doc.Rule():
                return self.separator()
            case doc.Qr(content):
                return self.qr(content)

    def gap(self, dots: int) -> Feed:
        return Feed(round(dots * self.scale))

    def text(self, text: str, style: doc.Style) -> list[Block]:
        if not text.strip():  # an empty footer or directions take no paper
            return []
        return lean_rasters(text_block(text, font_for(style.scaled(self.scale)), self.width))

    def phrases(self, phrases: tuple[str, ...], joiner: str, style: doc.Style) -> list[Block]:
        font = font_for(style.scaled(self.scale))
        joined = fit_phrases(phrases, joiner, font, self.width)
        return lean_rasters(text_block(joined, font, self.width))

    def ascii_line(self, text: str, style: doc.Style) -> list[Block]:
        """The printer's own font for a line of digits and signs, when it has the one we emulate."""
        if self.native_text and text.isascii() and len(text) * FONT_A_WIDTH <= self.width:
            return [NativeText(text)]
        return self.text(text, style)

    def queue_label(self, label: str) -> list[Block]:
        """The number in font A magnified 8 times in height (136 dots of capital), else raster."""
        available = self.width - 2 * MARGIN
        width_mag = min(MAX_MAGNIFICATION, available // (FONT_A_WIDTH * max(len(label), 1)))
        # Below 4 times the letters are too narrow for their height; the raster label
        # squeezes gracefully instead.
        if self.native_text and label.isascii() and label.isprintable() and width_mag >= 4:
            return [Feed(8), NativeText(label, width_mag, MAX_MAGNIFICATION), Feed(8)]
        return lean_rasters(queue_label_block(label, self.width))

    def separator(self) -> list[Block]:
        """A solid 2-dot rule: one row of half-width dots, printed doubled (mode 3)."""
        pad = round(10 * self.scale)
        half = (self.width - 2 * MARGIN) // 2
        rule = Raster(MARGIN, half // 8, 1, b"\xff" * (half // 8), double=True)
        return [Feed(pad), rule, Feed(pad)]

    def banner(self, phrases: tuple[str, ...]) -> Image.Image:
        """White text on a black bar: the one thing on the slip staff must not miss."""
        pad = round(8 * self.scale)
        inner = self._inner_phrases(phrases, self.width - 2 * pad)
        bar = Image.new("1", (self.width, inner.height + 2 * pad), WHITE)
        bar.paste(inner, (pad, pad))
        return ImageChops.invert(bar)

    def boxed(self, phrases: tuple[str, ...]) -> Image.Image:
        border = 4
        pad = round(10 * self.scale)
        inset = border + pad
        inner = self._inner_phrases(phrases, self.width - 2 * inset)
        box = Image.new("1", (self.width, inner.height + 2 * inset), WHITE)
        box.paste(inner, (inset, inset))
        ImageDraw.Draw(box).rectangle(
            (0, 0, self.width - 1, box.height - 1), outline=BLACK, width=border
        )
        return box

    def _inner_phrases(self, phrases: tuple[str, ...], width: int) -> Image.Image:
        font = font_for(BANNER.scaled(self.scale))
        return text_block(fit_phrases(phrases, " – ", font, width), font, width)

    def qr(self, content: str) -> list[Block]:
        data = content.encode("utf-8")
        modules = qr_symbol(data, 1, QR_ERROR_LEVEL).width
        # About 40 % of the width, whole dots per module, never below what scanners resolve.
        module = max(3, min(8, int(self.width * 0.4) // modules))
        quiet = Feed(4 * module)  # the quiet zone readers need; sideways the paper is blank
        if self.native_qr:
            return [quiet, NativeQr(content, module), quiet]
        symbol = qr_symbol(data, module, QR_ERROR_LEVEL)
        block = Image.new("1", (self.width, symbol.height), WHITE)
        block.paste(symbol, ((self.width - symbol.width) // 2, 0))  # where GS ( k centres it
        return [quiet, *lean_rasters(block), quiet]

    def logo(self, logo: Image.Image) -> list[Block]:
        max_size = (self.width - 2 * MARGIN, round(120 * self.scale))
        # Transparent parts of a logo are paper, not ink.
        flat = Image.new("RGBA", logo.size, "white")
        grey = Image.alpha_composite(flat, logo.convert("RGBA")).convert("L")
        factor = min(1.0, max_size[0] / grey.width, max_size[1] / grey.height)
        if factor < 1.0:
            size = (max(1, round(grey.width * factor)), max(1, round(grey.height * factor)))
            grey = grey.resize(size, Image.Resampling.LANCZOS)
        dots = grey.convert("1")  # Floyd-Steinberg: keeps a logo's greys as texture
        block = Image.new("1", (self.width, dots.height), WHITE)
        block.paste(dots, ((self.width - dots.width) // 2, 0))
        return lean_rasters(block)
