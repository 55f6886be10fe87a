"""A rendered ticket as the ESC/POS bytes a thermal printer takes, through python-escpos.

Stream: ESC @ (initialise), the image as `GS v 0` raster blocks (python-escpos splits
images taller than `FRAGMENT_ROWS`), ESC d 6 (feed the print past the cutter), GS V 0
(full cut).
"""

from __future__ import annotations

from escpos.printer import Dummy
from PIL import Image

# Epson TM-T20II: a common 80 mm, 203 dpi, 576-dot printer with a full cutter; the
# profile's media width lets python-escpos check the width without printing a warning
# on every image (the "default" profile has no width and does print one).
DEFAULT_PROFILE = "TM-T20II"

# Rows per GS v 0 block: python-escpos's own default, small enough for printers with a
# modest receive buffer.
FRAGMENT_ROWS = 960


def ticket_bytes(image: Image.Image, *, profile: str = DEFAULT_PROFILE) -> bytes:
    """Initialise, print `image` as raster, feed and cut; returns the whole job."""
    printer = Dummy(profile=profile)
    printer.hw("INIT")
    printer.image(image, impl="bitImageRaster", fragment_height=FRAGMENT_ROWS)
    printer.cut()  # feeds 6 lines (ESC d 6), then GS V 0
    return printer.output
