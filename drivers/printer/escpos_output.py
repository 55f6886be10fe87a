"""Tickets as the ESC/POS bytes a thermal printer takes.

`ticket_job` is what printers send: the ticket's layout (drivers/printer/layout.py) encoded
block by block. Stream: ESC @; per raster strip GS L (left margin, when it changes) and
GS v 0; per feed ESC J; per native text line ESC a, GS !, ESC 3 (line spacing = the text's
height, so LF feeds exactly one line of it), the ASCII, LF, GS ! 0, ESC 2; per native QR
GS ( k (model 2, module size, error level, store, print); then python-escpos's cut:
ESC d 6 (feed the print past the cutter) and GS V 0.

`ticket_bytes` sends any image as one raster, the way tickets used to go out: kept as the
baseline the benchmark measures the layout against, and for test prints of an image.
"""

from __future__ import annotations

from escpos.printer import Dummy
from PIL import Image

from drivers.printer.document import PaperTicket
from drivers.printer.emulation import Align
from drivers.printer.layout import (
    DEFAULT_PROFILE,
    Block,
    Feed,
    LayoutOptions,
    NativeQr,
    NativeText,
    Raster,
    TicketLayout,
    build_layout,
)

__all__ = ["DEFAULT_PROFILE", "FRAGMENT_ROWS", "encode_layout", "ticket_bytes", "ticket_job"]

ESC = b"\x1b"
GS = b"\x1d"
INIT = ESC + b"@"
_QR = GS + b"(k"
_QR_MODEL_2 = b"\x04\x001A2\x00"  # cn 49 fn 65: model 2
_MAX_FEED = 255  # ESC J n: one byte of dots

# Rows per GS v 0 block in `ticket_bytes`: python-escpos's own default, small enough for
# printers with a modest receive buffer.
FRAGMENT_ROWS = 960


def ticket_job(
    document: PaperTicket,
    *,
    profile: str = DEFAULT_PROFILE,
    paper_width_mm: int | None = None,
    options: LayoutOptions | None = None,
) -> bytes:
    """The whole print job for one ticket: initialise, the layout, feed and cut."""
    layout = build_layout(document, profile=profile, paper_width_mm=paper_width_mm, options=options)
    return encode_layout(layout, profile=profile)


def encode_layout(layout: TicketLayout, *, profile: str = DEFAULT_PROFILE) -> bytes:
    encoder = _Encoder()
    for block in layout.blocks:
        encoder.block(block)
    return bytes(encoder.out) + _cut(profile)


class _Encoder:
    def __init__(self) -> None:
        self.out = bytearray(INIT)
        self.margin = 0
        self.align = Align.LEFT

    def block(self, block: Block) -> None:
        if isinstance(block, Feed):
            for start in range(0, block.dots, _MAX_FEED):
                self.out += ESC + b"J" + bytes([min(_MAX_FEED, block.dots - start)])
        elif isinstance(block, Raster):
            self.place(block.x, Align.LEFT)
            mode = 3 if block.double else 0
            self.out += GS + b"v0" + bytes([mode]) + _uint16(block.width_bytes)
            self.out += _uint16(block.rows) + block.data
        elif isinstance(block, NativeText):
            self.place(0, block.align)
            size = (block.width_mag - 1) << 4 | (block.height_mag - 1)
            self.out += GS + b"!" + bytes([size]) + ESC + b"3" + bytes([24 * block.height_mag])
            self.out += block.text.encode("ascii") + b"\n" + GS + b"!\x00" + ESC + b"2"
        else:
            self.qr(block)

    def place(self, left_margin: int, align: Align) -> None:
        if left_margin != self.margin:
            self.out += GS + b"L" + _uint16(left_margin)
            self.margin = left_margin
        if align != self.align:
            self.out += ESC + b"a" + bytes([align])
            self.align = align

    def qr(self, block: NativeQr) -> None:
        self.place(0, block.align)
        data = block.content.encode("utf-8")
        self.out += _QR + _QR_MODEL_2
        self.out += _QR + b"\x03\x001C" + bytes([block.module])
        self.out += _QR + b"\x03\x001E" + bytes([block.level])
        self.out += _QR + _uint16(len(data) + 3) + b"1P0" + data
        self.out += _QR + b"\x03\x001Q0"


def _uint16(value: int) -> bytes:
    return value.to_bytes(2, "little")


def _cut(profile: str) -> bytes:
    printer = Dummy(profile=profile)
    printer.cut()  # feeds 6 lines (ESC d 6), then GS V 0
    job: bytes = printer.output
    return job


def ticket_bytes(image: Image.Image, *, profile: str = DEFAULT_PROFILE) -> bytes:
    """Initialise, print `image` as raster, feed and cut; returns the whole job."""
    printer = Dummy(profile=profile)
    printer.hw("INIT")
    printer.image(image, impl="bitImageRaster", fragment_height=FRAGMENT_ROWS)
    printer.cut()
    job: bytes = printer.output
    return job
