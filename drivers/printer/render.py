"""A paper ticket as the picture the paper will show: its layout, previewed.

The ticket is built as printer blocks (drivers/printer/layout.py) and drawn with the same
printer emulation the ESC/POS decoder uses, so this picture is exactly what a printer given
`ticket_job(...)` prints: the demo, the self-test and the tests compare against it.
"""

from __future__ import annotations

from PIL import Image

from drivers.printer.document import PaperTicket
from drivers.printer.layout import DEFAULT_PROFILE, LayoutOptions, build_layout
from drivers.printer.preview import preview

__all__ = ["render_ticket"]


def render_ticket(
    document: PaperTicket,
    *,
    profile: str = DEFAULT_PROFILE,
    paper_width_mm: int | None = None,
    options: LayoutOptions | None = None,
) -> Image.Image:
    """The ticket as a mode "1" image as wide as the profile's printable dots."""
    layout = build_layout(document, profile=profile, paper_width_mm=paper_width_mm, options=options)
    return preview(layout)
