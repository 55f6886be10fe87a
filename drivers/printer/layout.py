"""A paper ticket (document.py) as printer blocks, each in the cheapest form that prints it right.

The printer's profile (profile.py) gives the width in dots, the resolution and what the
printer does itself. Vietnamese text is set in the bundled font (printer code pages cannot be
trusted with tone marks) and sent as raster strips cut to their ink; ASCII the printer can
print itself (the queue number, the date) is sent as text in its built-in font when the
profile's font A is the 12 x 24 cell the preview emulates; a QR code is sent as GS ( k when
the profile has native QR, else as raster; blank paper is a feed, never white pixels.

A ticket is kept within a byte budget (12 KB: a second and a bit at 9,600 baud): when it
would be larger, its longest texts are set step by step smaller, down to a size still read
without effort, the costliest first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PIL import Image, ImageChops

from drivers.printer import document as doc
from drivers.printer.emulation import (
    FONT_A_WIDTH,
    MAX_MAGNIFICATION,
    Align,
    QrErrorLevel,
    qr_symbol,
)
from drivers.printer.profile import PrinterModel, printer_model
from drivers.printer.typeset import (
    BANNER,
    MARGIN,
    MIN_LABEL_HEIGHT,
    RENDER_LOCK,
    WHITE,
    fit_phrases,
    font_for,
    queue_label_block,
    text_block,
)

logger = logging.getLogger(__name__)

# Epson TM-T20II: a common 80 mm, 203 dpi, 576-dot printer with a full cutter and native QR.
DEFAULT_PROFILE = "TM-T20II"
BYTE_BUDGET = 12_000  # a whole job, initialisation and cut included

QR_ERROR_LEVEL = QrErrorLevel.M
_QR_MODULE_MM = (0.375, 1.0)  # smallest a counter scanner resolves; largest worth the paper
_MAX_STRIP_ROWS = 48  # rows one raster strip may span: bounds the strip search's work
_RASTER_OVERHEAD = 12  # bytes of GS v 0 header plus a GS L margin around each strip
_FEED_COST = 3  # ESC J n
_NATIVE_TEXT_OVERHEAD = 19  # alignment, GS !, ESC 3, LF, GS ! 0, ESC 2
_NATIVE_QR_OVERHEAD = 44  # alignment and five GS ( k functions
_JOB_OVERHEAD = 16  # ESC @ and the cut (ESC d 6, GS V 0)
# Text over the budget is set narrower, then smaller, by these steps (size factor, `wdth`
# axis), never below `_SMALLEST_TEXT` pixels (80 mm, 203 dpi): about 2.4 mm of type, the
# size of a receipt's fine print. Noto Sans stays plainly legible down to `wdth` 75.
_SHRINK_STEPS = (
    (1.0, 100.0),
    (1.0, 87.5),
    (1.0, 75.0),
    (0.9, 75.0),
    (0.8, 75.0),
    (0.7, 75.0),
    (0.6, 75.0),
)
_SMALLEST_TEXT = 19
_HEAVY_RULE_ROWS = 3  # a notice's rules, printed doubled: 6 dots


@dataclass(frozen=True)
class LayoutOptions:
    """How much a ticket may rely on the printer rather than on raster, and its size."""

    native_text: bool = True  # use the printer's font for ASCII where its profile allows
    native_qr: bool = True  # use GS ( k where the profile has native QR
    max_bytes: int | None = BYTE_BUDGET  # None: text always at its own size


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
    profile: str = DEFAULT_PROFILE,
    paper_width_mm: int | None = None,
    options: LayoutOptions | None = None,
) -> TicketLayout:
    """The ticket for the printer `profile` names; `paper_width_mm` None: the profile's paper.

    Raises `drivers.printer.profile.ProfileError` when the profile does not print on that
    paper (or at all).
    """
    options = options or LayoutOptions()
    model = printer_model(profile, paper_width_mm)
    builder = _Builder(
        model,
        native_text=options.native_text and model.native_text,
        native_qr=options.native_qr and model.native_qr,
    )
    with RENDER_LOCK:
        parts = [builder.element(element) for element in document.elements]
        if options.max_bytes is not None:
            _fit_budget(builder, document.elements, parts, options.max_bytes)
    return TicketLayout(builder.width, tuple(_merge_feeds([b for part in parts for b in part])))


def block_bytes(block: Block) -> int:
    """At most the bytes `block` takes in the job (escpos_output encodes it)."""
    if isinstance(block, Raster):
        return _RASTER_OVERHEAD + len(block.data)
    if isinstance(block, Feed):
        return _FEED_COST * -(-block.dots // 255)
    if isinstance(block, NativeText):
        return _NATIVE_TEXT_OVERHEAD + len(block.text)
    return _NATIVE_QR_OVERHEAD + len(block.content.encode("utf-8"))


def _fit_budget(
    builder: _Builder,
    elements: tuple[doc.Element, ...],
    parts: list[list[Block]],
    max_bytes: int,
) -> None:
    """Sets every text a step narrower or smaller at a time until the job fits `max_bytes`.

    All texts step together, so the ticket keeps its hierarchy (the department stays larger
    than the footer); a text stops at `_SMALLEST_TEXT`. The step is chosen on estimates (a
    text's raster grows with its size squared and with its width axis) and only that step
    is typeset; the real bytes decide whether the next one is needed.
    """
    cost = [_part_bytes(part) for part in parts]
    texts = [index for index, element in enumerate(elements) if _shrinks(element)]
    full_size = {index: cost[index] for index in texts}
    fixed = _JOB_OVERHEAD + sum(cost) - sum(full_size.values())  # what no step changes

    def estimate(step: int) -> float:
        return fixed + sum(
            full_size[index] * _area(_step_for(elements[index], step)) for index in texts
        )

    step = 0
    while _JOB_OVERHEAD + sum(cost) > max_bytes:
        if all(_step_for(elements[i], -1) == _step_for(elements[i], step) for i in texts):
            logger.warning(
                "ticket of %d bytes is over its %d-byte budget even with its text at the "
                "smallest size",
                _JOB_OVERHEAD + sum(cost),
                max_bytes,
            )
            return
        previous, step = step, step + 1
        while step + 1 < len(_SHRINK_STEPS) and estimate(step) > max_bytes:
            step += 1
        for index in texts:
            now = _step_for(elements[index], step)
            if now != _step_for(elements[index], previous):
                parts[index] = builder.element(elements[index], _SHRINK_STEPS[now])
                cost[index] = _part_bytes(parts[index])


def _shrinks(element: doc.Element) -> bool:
    return isinstance(element, doc.Text | doc.Phrases)


def _step_for(element: doc.Element, step: int) -> int:
    """Shrink `step` (-1: the last) as far as it keeps this text at `_SMALLEST_TEXT` or more."""
    assert isinstance(element, doc.Text | doc.Phrases)
    step %= len(_SHRINK_STEPS)
    while step and element.style.size * _SHRINK_STEPS[step][0] < _SMALLEST_TEXT:
        step -= 1
    return step


def _area(step: int) -> float:
    """How a text's raster bytes scale at shrink `step`, relative to its own size."""
    size, width = _SHRINK_STEPS[step]
    return size * size * width / 100


def _part_bytes(part: list[Block]) -> int:
    return sum(block_bytes(block) for block in part)


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
    def __init__(self, model: PrinterModel, *, native_text: bool, native_qr: bool) -> None:
        self.model = model
        self.width = model.dots
        self.native_text = native_text
        self.native_qr = native_qr
        self.scale = model.scale

    def element(
        self, element: doc.Element, shrink: tuple[float, float] = _SHRINK_STEPS[0]
    ) -> list[Block]:
        """The blocks of `element`; its text `shrink`s (size factor, `wdth`) to fit a budget."""
        size, width = shrink
        match element:
            case doc.Gap(dots):
                return [self.gap(dots)]
            case doc.Logo(image):
                return self.logo(image)
            case doc.Text(text, style):
                return self.text(text, style.scaled(size).condensed(width))
            case doc.Phrases(phrases, joiner, style):
                return self.phrases(phrases, joiner, style.scaled(size).condensed(width))
            case doc.AsciiLine(text, style):
                return self.ascii_line(text, style)
            case doc.QueueLabel(label):
                return self.queue_label(label)
            case doc.Banner(phrases):
                return lean_rasters(self.banner(phrases))
            case doc.BoxedNotice(phrases):
                return self.boxed(phrases)
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
        # The label keeps its height on narrow paper: only the resolution changes it.
        height = round(MIN_LABEL_HEIGHT * self.model.dpi / 203)
        return lean_rasters(queue_label_block(label, self.width, height))

    def separator(self) -> list[Block]:
        """A solid 2-dot rule: one row of half-width dots, printed doubled (mode 3)."""
        pad = round(10 * self.scale)
        half = (self.width - 2 * MARGIN) // 2
        rule = Raster(MARGIN, half // 8, 1, b"\xff" * (half // 8), double=True)
        return [Feed(pad), rule, Feed(pad)]

    def banner(self, phrases: tuple[str, ...]) -> Image.Image:
        """White text on a black bar as wide as the text: what staff must not miss.

        Every row of a bar is ink, so it is kept to the text's own width plus a margin.
        """
        pad = round(8 * self.scale)
        inner = self._inner_phrases(phrases, self.width - 4 * pad)
        left, right = _ink_columns(inner)
        left, right = max(left - 2 * pad, 0), min(right + 2 * pad, self.width)
        bar = Image.new("1", (self.width, inner.height + 2 * pad), WHITE)
        bar.paste(inner, (0, pad))
        bar = ImageChops.invert(bar)
        bar.paste(WHITE, (0, 0, left, bar.height))
        bar.paste(WHITE, (right, 0, self.width, bar.height))
        return bar

    def boxed(self, phrases: tuple[str, ...]) -> list[Block]:
        """The phrases between two heavy rules as wide as the text.

        No sides: they would make every row of the notice raster as wide as the box.
        """
        pad = round(10 * self.scale)
        inner = self._inner_phrases(phrases, self.width - 2 * MARGIN)
        left, right = _ink_columns(inner)
        half_bytes = -(-(right - left + 2 * pad) // 16)  # the rule, in doubled bytes
        x = max((self.width - 16 * half_bytes) // 2, 0)
        rows = _HEAVY_RULE_ROWS
        rule = Raster(x, half_bytes, rows, b"\xff" * (half_bytes * rows), double=True)
        return [rule, Feed(pad), *lean_rasters(inner), Feed(pad), rule]

    def _inner_phrases(self, phrases: tuple[str, ...], width: int) -> Image.Image:
        """The phrases centred in a block as wide as the paper, kept within `width`."""
        font = font_for(BANNER.scaled(self.scale))
        block = text_block(fit_phrases(phrases, " – ", font, width), font, width)
        paper = Image.new("1", (self.width, block.height), WHITE)
        paper.paste(block, ((self.width - width) // 2, 0))
        return paper

    def qr(self, content: str) -> list[Block]:
        """Centred with its quiet zone; left off (with a log line) when it cannot be printed
        readably: a ticket without its QR code beats no ticket."""
        data = content.encode("utf-8")
        smallest, largest = (max(1, self.model.dots_for_mm(mm)) for mm in _QR_MODULE_MM)
        try:
            modules = qr_symbol(data, 1, QR_ERROR_LEVEL).width
        except ValueError:
            modules = 0
        if not modules or modules * smallest > self.width - 2 * MARGIN:
            logger.warning(
                "QR code left off the ticket: %d bytes need %s at %d-dot modules, the paper "
                "has %d dots",
                len(data),
                f"{modules} modules" if modules else "more than a QR symbol holds",
                smallest,
                self.width,
            )
            return []
        # About 40 % of the width, whole dots per module, within what scanners resolve.
        module = max(smallest, min(largest, int(self.width * 0.4) // modules))
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


def _ink_columns(image: Image.Image) -> tuple[int, int]:
    """First inked column and one past the last (the whole width when there is no ink)."""
    box = ImageChops.invert(image.convert("L")).getbbox()
    return (box[0], box[2]) if box else (0, image.width)
