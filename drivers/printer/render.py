"""A `Ticket` as the picture the paper will show: its layout, previewed.

The ticket is built as printer blocks (drivers/printer/layout.py) and drawn with the same
printer emulation the ESC/POS decoder uses, so this picture is exactly what a printer given
`ticket_job(...)` prints: the demo, the self-test and the tests compare against it.
"""

from __future__ import annotations

from dataclasses import replace

from PIL import Image

from drivers.printer.layout import DEFAULT_PROFILE, TicketTemplate, build_layout
from drivers.printer.preview import preview
from kiosk.core.domain import Ticket

__all__ = ["render_ticket"]


def render_ticket(
    ticket: Ticket,
    *,
    paper_width_mm: int = 80,
    logo: Image.Image | None = None,
    profile: str = DEFAULT_PROFILE,
    template: TicketTemplate | None = None,
) -> Image.Image:
    """The ticket as a mode "1" image, `printable_dots(paper_width_mm)` wide.

    `logo` is a shortcut for a template with that logo.
    """
    if logo is not None:
        template = replace(template or TicketTemplate(), logo=logo)
    layout = build_layout(ticket, paper_width_mm=paper_width_mm, profile=profile, template=template)
    return preview(layout)
