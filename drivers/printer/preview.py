"""A ticket layout drawn as the paper will show it, without going through bytes.

Uses the same printer emulation as the decoder, so for every layout
`decode_paper(encode_layout(layout)).image == preview(layout)`, pixel for pixel: the preview
shown on screen is the paper, and the test of that equality checks encoder and decoder.
Paper fed after the last printed block is not drawn (the decoder counts it separately).
"""

from __future__ import annotations

from PIL import Image

from drivers.printer.emulation import Align, placed_x, qr_symbol, raster_image, text_line
from drivers.printer.layout import Feed, NativeQr, NativeText, Raster, TicketLayout
from drivers.printer.typeset import WHITE


def preview(layout: TicketLayout) -> Image.Image:
    """The printed part of the ticket as a mode "1" image `layout.width` dots wide."""
    placed: list[tuple[Image.Image, int, int]] = []
    y = bottom = 0
    for block in layout.blocks:
        if isinstance(block, Feed):
            y += block.dots
            continue
        if isinstance(block, Raster):
            image = raster_image(
                block.width_bytes,
                block.rows,
                block.data,
                double_width=block.double,
                double_height=block.double,
            )
            x = _x(image, layout.width, Align.LEFT, block.x)
        elif isinstance(block, NativeText):
            image = text_line(block.text, block.width_mag, block.height_mag)
            x = _x(image, layout.width, block.align, 0)
        else:
            assert isinstance(block, NativeQr)
            image = qr_symbol(block.content.encode("utf-8"), block.module, block.level)
            x = _x(image, layout.width, block.align, 0)
        placed.append((image, x, y))
        y = bottom = y + image.height
    page = Image.new("1", (layout.width, bottom), WHITE)
    for image, x, top in placed:
        page.paste(image, (x, top))
    return page


def _x(image: Image.Image, paper_width: int, align: Align, left_margin: int) -> int:
    return placed_x(
        image.width, align=align, left_margin=left_margin, area_width=None, paper_width=paper_width
    )
