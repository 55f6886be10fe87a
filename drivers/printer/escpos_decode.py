"""ESC/POS bytes back to the pixels the paper shows.

A small interpreter for the commands a raster ticket uses: it walks the stream command
by command, places every `GS v 0` raster block under the previous one (honouring
alignment, left margin, print area width and line feeds), and notes where the paper is
cut. The blank feed after the last raster (carrying the print past the cutter) is
counted, not drawn, so a decoded ticket compares pixel for pixel with the rendered one.
Anything else is refused with the byte offset, never skipped: a test that decodes what
the printer would get must notice bytes the printer would misread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

ESC = 0x1B
GS = 0x1D
LF = 0x0A
CR = 0x0D

# TM-T20II default line spacing: 3.75 mm, 30 dots at 203 dpi (ESC 2 restores it).
DEFAULT_LINE_SPACING = 30

_WHITE = 255


class EscPosDecodeError(ValueError):
    """The stream cannot be decoded; `offset` is where the offending command starts."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(f"byte {offset}: {message}")
        self.offset = offset


class TruncatedCommand(EscPosDecodeError):
    """The stream ends inside a command or its data."""


class UnknownCommand(EscPosDecodeError):
    """A byte sequence this decoder does not interpret (including plain text)."""


class InvalidParameter(EscPosDecodeError):
    """A known command with a parameter outside its range."""


@dataclass(frozen=True)
class DecodedPaper:
    image: Image.Image  # mode "1": black = a dot burnt on the paper, up to the last raster
    cut_rows: tuple[int, ...]  # image rows at which a cut was given (feed after: not drawn)
    trailing_feed_rows: int  # blank rows fed after the last raster


def decode_raster(data: bytes, *, paper_width: int | None = None) -> Image.Image:
    """The printed paper as one 1-bit image: raster blocks stacked, feeds between them as
    blank rows. `paper_width` in dots; by default the widest raster row decides.
    """
    return decode_paper(data, paper_width=paper_width).image


def decode_paper(data: bytes, *, paper_width: int | None = None) -> DecodedPaper:
    interpreter = _Interpreter(data)
    interpreter.run()
    return interpreter.paper(paper_width)


@dataclass
class _Raster:
    offset: int
    image: Image.Image
    align: int  # 0 left, 1 centre, 2 right
    left_margin: int
    area_width: int | None


@dataclass
class _Blank:
    rows: int


@dataclass
class _Cut:
    pass


@dataclass
class _State:
    align: int = 0
    line_spacing: int = DEFAULT_LINE_SPACING
    left_margin: int = 0
    area_width: int | None = None  # None: the rest of the paper right of the margin


@dataclass
class _Interpreter:
    data: bytes
    position: int = 0
    state: _State = field(default_factory=_State)
    bands: list[_Raster | _Blank | _Cut] = field(default_factory=list)

    def run(self) -> None:
        while self.position < len(self.data):
            start = self.position
            byte = self._take(start, 1)[0]
            if byte == ESC:
                self._esc(start)
            elif byte == GS:
                self._gs(start)
            elif byte == LF:
                self.bands.append(_Blank(self.state.line_spacing))
            elif byte == CR:
                pass  # with an empty line buffer a carriage return prints nothing
            else:
                raise UnknownCommand(
                    start, f"byte 0x{byte:02X}: text or a command this decoder does not know"
                )

    def _esc(self, start: int) -> None:
        command = self._take(start, 1)
        if command == b"@":
            self.state = _State()
        elif command == b"a":
            (align,) = self._take(start, 1)
            if align not in (0, 1, 2, 48, 49, 50):
                raise InvalidParameter(start, f"ESC a {align}: alignment must be 0-2 or 48-50")
            self.state.align = align % 48
        elif command == b"d":
            (lines,) = self._take(start, 1)
            self.bands.append(_Blank(lines * self.state.line_spacing))
        elif command == b"J":
            (dots,) = self._take(start, 1)
            self.bands.append(_Blank(dots))
        elif command == b"2":
            self.state.line_spacing = DEFAULT_LINE_SPACING
        elif command == b"3":
            (self.state.line_spacing,) = self._take(start, 1)
        else:
            raise UnknownCommand(start, f"ESC 0x{command[0]:02X} is not decoded")

    def _gs(self, start: int) -> None:
        command = self._take(start, 1)
        if command == b"v":
            self._raster(start)
        elif command == b"V":
            self._cut(start)
        elif command == b"L":
            self.state.left_margin = self._uint16(start)
        elif command == b"W":
            self.state.area_width = self._uint16(start)
        else:
            raise UnknownCommand(start, f"GS 0x{command[0]:02X} is not decoded")

    def _raster(self, start: int) -> None:
        """GS v 0 m xL xH yL yH d1...dk: k = (xL + 256 xH) * (yL + 256 yH) bytes, MSB left."""
        if self._take(start, 1) != b"0":
            raise UnknownCommand(start, "GS v is only decoded as GS v 0")
        (mode,) = self._take(start, 1)
        if mode not in (0, 1, 2, 3, 48, 49, 50, 51):
            raise InvalidParameter(start, f"GS v 0 mode {mode}: must be 0-3 or 48-51")
        width_bytes = self._uint16(start)
        rows = self._uint16(start)
        raw = self._take(start, width_bytes * rows)
        # In ESC/POS a set bit burns a dot; PIL's "1;I" raw mode reads set bits as black.
        image = Image.frombytes("1", (width_bytes * 8, rows), raw, "raw", "1;I")
        double_width, double_height = bool(mode & 1), bool(mode & 2)
        if double_width or double_height:
            scaled = (image.width * (2 if double_width else 1), rows * (2 if double_height else 1))
            image = image.resize(scaled, Image.Resampling.NEAREST)
        self.bands.append(
            _Raster(start, image, self.state.align, self.state.left_margin, self.state.area_width)
        )

    def _cut(self, start: int) -> None:
        (mode,) = self._take(start, 1)
        if mode in (65, 66):  # feed n dots, then cut
            (feed,) = self._take(start, 1)
            self.bands.append(_Blank(feed))
        elif mode not in (0, 1, 48, 49):
            raise InvalidParameter(start, f"GS V {mode}: cut mode must be 0, 1, 48, 49, 65, 66")
        self.bands.append(_Cut())

    def _uint16(self, start: int) -> int:
        low, high = self._take(start, 2)
        return low + 256 * high

    def _take(self, start: int, count: int) -> bytes:
        end = self.position + count
        if end > len(self.data):
            raise TruncatedCommand(
                start, f"stream ends {end - len(self.data)} byte(s) short of the command's end"
            )
        chunk = self.data[self.position : end]
        self.position = end
        return chunk

    def paper(self, paper_width: int | None) -> DecodedPaper:
        rasters = [band for band in self.bands if isinstance(band, _Raster)]
        if paper_width is None:
            paper_width = max((band.left_margin + band.image.width for band in rasters), default=0)
        last_raster = max(
            (index for index, band in enumerate(self.bands) if isinstance(band, _Raster)),
            default=-1,
        )
        printed, tail = self.bands[: last_raster + 1], self.bands[last_raster + 1 :]
        height = sum(
            band.image.height if isinstance(band, _Raster) else band.rows
            for band in printed
            if not isinstance(band, _Cut)
        )
        page = Image.new("1", (paper_width, height), _WHITE)
        cuts: list[int] = []
        y = 0
        for band in printed:
            if isinstance(band, _Cut):
                cuts.append(y)
            elif isinstance(band, _Blank):
                y += band.rows
            else:
                page.paste(band.image, (_raster_x(band, paper_width), y))
                y += band.image.height
        cuts += [height for band in tail if isinstance(band, _Cut)]
        trailing_feed = sum(band.rows for band in tail if isinstance(band, _Blank))
        return DecodedPaper(page, tuple(cuts), trailing_feed)


def _raster_x(band: _Raster, paper_width: int) -> int:
    area = band.area_width if band.area_width is not None else paper_width - band.left_margin
    area = min(area, paper_width - band.left_margin)
    if band.left_margin + band.image.width > paper_width:
        raise InvalidParameter(
            band.offset,
            f"raster {band.image.width} dots wide at margin {band.left_margin} "
            f"does not fit paper {paper_width} dots wide",
        )
    spare = max(area - band.image.width, 0)
    return band.left_margin + (0, spare // 2, spare)[band.align]
