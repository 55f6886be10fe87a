"""A paper ticket in the printer library's own terms: a column of typed elements, top down.

The caller decides what the ticket says and in which style; the layout (layout.py) decides
how each element reaches the paper (raster strips, the printer's font, native QR, feeds).
Standard library only, so an application can build tickets without loading fonts or
python-escpos.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True)
class Style:
    """Text set in the bundled Noto Sans."""

    size: int  # pixels on 80 mm paper at 203 dpi; other paper and resolutions scale it
    weight: int  # `wght` axis, 100-900
    width: float = 100.0  # `wdth` axis, 62.5-100: narrower cuts fit more on a line

    def scaled(self, scale: float) -> Style:
        return Style(round(self.size * scale), self.weight, self.width)

    def condensed(self, width: float) -> Style:
        return Style(self.size, self.weight, min(self.width, width))


@dataclass(frozen=True)
class Gap:
    """Blank paper: `dots` on 80 mm paper, scaled like the type on narrower paper."""

    dots: int


@dataclass(frozen=True)
class Logo:
    """A picture, dithered to dots and fitted into a band at the top."""

    image: Image.Image


@dataclass(frozen=True)
class Text:
    """Centred lines, wrapped to the paper (balanced); blank text takes no paper. Set
    narrower and smaller when the ticket would pass its byte budget (layout.py)."""

    text: str
    style: Style


@dataclass(frozen=True)
class Phrases:
    """Phrases on one line joined by `joiner` when they fit, else one phrase per line."""

    phrases: tuple[str, ...]
    joiner: str
    style: Style


@dataclass(frozen=True)
class AsciiLine:
    """A line of digits and signs: in the printer's own font when it has the one we emulate,
    else set as `Text` in `style`."""

    text: str
    style: Style


@dataclass(frozen=True)
class QueueLabel:
    """The queue number, as big as the paper allows."""

    label: str


@dataclass(frozen=True)
class Banner:
    """White text on a black bar as wide as the text, phrases kept whole: what staff must not
    miss. Every row of a bar is ink: keep it to a word or two."""

    phrases: tuple[str, ...]


@dataclass(frozen=True)
class BoxedNotice:
    """Phrases between two heavy rules as wide as the text (a frame without sides, which
    would make every row of it raster)."""

    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """A solid horizontal rule with a little paper above and below."""


@dataclass(frozen=True)
class Qr:
    """A QR code a phone or a counter scanner reads, centred with its quiet zone."""

    content: str


Element = Gap | Logo | Text | Phrases | AsciiLine | QueueLabel | Banner | BoxedNotice | Rule | Qr


@dataclass(frozen=True)
class PaperTicket:
    elements: tuple[Element, ...]
