"""ESC/POS bytes back to the pixels the paper shows.

A small printer emulator for the commands tickets use: it walks the stream command by
command and stacks what each prints under the previous one, honouring alignment, left
margin, print area width, line spacing and feeds:

- raster (GS v 0, every mode) as its dots;
- ASCII text (0x20-0x7E) in an emulated font A (12 x 24 dots) at the GS ! or ESC !
  magnification, buffered until LF, ESC J or ESC d prints the line; a line feeds the larger
  of the line spacing and its own height;
- QR symbols (GS ( k, model 2) drawn from the stored data at the module size and error
  level set, with the `qrcode` library.

Drawing is done by `drivers.printer.emulation`, which the layout preview uses too, so a
decoded ticket compares pixel for pixel with its preview. The blank feed after the last
printed line (carrying the print past the cutter) is counted, not drawn; cuts are noted.
Anything else is refused with the byte offset, never skipped: a test that decodes what the
printer would get must notice bytes the printer would misread. That includes things the
emulation does not do (font B, bold, a text line the printer would wrap, a raster given in
the middle of a text line).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from drivers.printer.emulation import (
    PRINTABLE_ASCII,
    Align,
    QrErrorLevel,
    font_a_line,
    placed_x,
    qr_symbol,
    raster_image,
)

ESC = 0x1B
GS = 0x1D
LF = 0x0A
CR = 0x0D

# TM-T20II default line spacing: 3.75 mm, 30 dots at 203 dpi (ESC 2 restores it).
DEFAULT_LINE_SPACING = 30

_WHITE = 255
_QR_SYMBOL = 49  # GS ( k cn for QR Code
_QR_MODEL_2 = 50
_ESC_BANG_UNSUPPORTED = 0x01 | 0x08 | 0x80  # font B, emphasised, underline: not emulated


class EscPosDecodeError(ValueError):
    """The stream cannot be decoded; `offset` is where the offending command starts."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(f"byte {offset}: {message}")
        self.offset = offset


class TruncatedCommand(EscPosDecodeError):
    """The stream ends inside a command or its data."""


class UnknownCommand(EscPosDecodeError):
    """A byte sequence this decoder does not interpret."""


class InvalidParameter(EscPosDecodeError):
    """A known command with a parameter outside its range, or one the emulation refuses."""


@dataclass(frozen=True)
class DecodedPaper:
    image: Image.Image  # mode "1": black = a dot burnt on the paper, up to the last print
    cut_rows: tuple[int, ...]  # image rows at which a cut was given (feed after: not drawn)
    trailing_feed_rows: int  # blank rows fed after the last printed line


def decode_raster(data: bytes, *, paper_width: int | None = None) -> Image.Image:
    """The printed paper as one 1-bit image: printed lines stacked, feeds between them as
    blank rows. `paper_width` in dots; by default the widest printed line decides.
    """
    return decode_paper(data, paper_width=paper_width).image


def decode_paper(data: bytes, *, paper_width: int | None = None) -> DecodedPaper:
    interpreter = _Interpreter(data)
    interpreter.run()
    return interpreter.paper(paper_width)


@dataclass
class _Printed:
    offset: int
    image: Image.Image
    align: Align
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
    align: Align = Align.LEFT
    line_spacing: int = DEFAULT_LINE_SPACING
    left_margin: int = 0
    area_width: int | None = None  # None: the rest of the paper right of the margin
    width_mag: int = 1
    height_mag: int = 1
    qr_module: int = 3  # Epson's defaults
    qr_level: QrErrorLevel = QrErrorLevel.L
    qr_data: bytes = b""
    line: list[tuple[int, int, int]] = field(default_factory=list)  # (code, width, height)
    line_offset: int = 0  # where the buffered line's first character came


@dataclass
class _Interpreter:
    data: bytes
    position: int = 0
    state: _State = field(default_factory=_State)
    bands: list[_Printed | _Blank | _Cut] = field(default_factory=list)

    def run(self) -> None:
        while self.position < len(self.data):
            start = self.position
            byte = self._take(start, 1)[0]
            if byte == ESC:
                self._esc(start)
            elif byte == GS:
                self._gs(start)
            elif byte == LF:
                self._print_line(self.state.line_spacing)
            elif byte == CR:
                pass  # without automatic line feed a carriage return prints nothing
            elif byte in PRINTABLE_ASCII:
                if not self.state.line:
                    self.state.line_offset = start
                self.state.line.append((byte, self.state.width_mag, self.state.height_mag))
            else:
                raise UnknownCommand(
                    start, f"byte 0x{byte:02X}: a command this decoder does not know"
                )

    def _esc(self, start: int) -> None:
        command = self._take(start, 1)
        if command == b"@":
            self.state = _State()
        elif command == b"a":
            (align,) = self._take(start, 1)
            if align not in (0, 1, 2, 48, 49, 50):
                raise InvalidParameter(start, f"ESC a {align}: alignment must be 0-2 or 48-50")
            self._at_line_start(start, "ESC a")
            self.state.align = Align(align % 48)
        elif command == b"d":
            (lines,) = self._take(start, 1)
            self._print_line(lines * self.state.line_spacing)
        elif command == b"J":
            (dots,) = self._take(start, 1)
            self._print_line(dots)
        elif command == b"2":
            self.state.line_spacing = DEFAULT_LINE_SPACING
        elif command == b"3":
            (self.state.line_spacing,) = self._take(start, 1)
        elif command == b"!":
            (mode,) = self._take(start, 1)
            if mode & _ESC_BANG_UNSUPPORTED:
                raise InvalidParameter(start, f"ESC ! {mode}: font B, bold, underline not emulated")
            self.state.height_mag = 2 if mode & 0x10 else 1
            self.state.width_mag = 2 if mode & 0x20 else 1
        else:
            raise UnknownCommand(start, f"ESC 0x{command[0]:02X} is not decoded")

    def _gs(self, start: int) -> None:
        command = self._take(start, 1)
        if command == b"v":
            self._raster(start)
        elif command == b"V":
            self._cut(start)
        elif command == b"L":
            margin = self._uint16(start)
            self._at_line_start(start, "GS L")
            self.state.left_margin = margin
        elif command == b"W":
            area = self._uint16(start)
            self._at_line_start(start, "GS W")
            self.state.area_width = area
        elif command == b"!":
            (size,) = self._take(start, 1)
            if size & 0x88:
                raise InvalidParameter(start, f"GS ! {size}: bits 3 and 7 must be clear")
            self.state.width_mag = (size >> 4) + 1
            self.state.height_mag = (size & 0x07) + 1
        elif command == b"(":
            self._gs_paren(start)
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
        self._at_line_start(start, "GS v 0")
        image = raster_image(
            width_bytes, rows, raw, double_width=bool(mode & 1), double_height=bool(mode & 2)
        )
        self._print(start, image)

    def _gs_paren(self, start: int) -> None:
        """GS ( k pL pH cn fn [parameters]: 2D codes; only QR Code (cn 49) is decoded."""
        if self._take(start, 1) != b"k":
            raise UnknownCommand(start, "GS ( is only decoded as GS ( k")
        length = self._uint16(start)
        body = self._take(start, length)
        if length < 2:
            raise InvalidParameter(start, f"GS ( k with {length} parameter bytes")
        symbol, function, parameters = body[0], body[1], body[2:]
        if symbol != _QR_SYMBOL:
            raise UnknownCommand(start, f"GS ( k symbol {symbol}: only QR Code (49) is decoded")
        state = self.state
        if function == 65:  # select the model
            if parameters != bytes([_QR_MODEL_2, 0]):
                raise InvalidParameter(start, "GS ( k fn 65: only model 2 is emulated")
        elif function == 67:  # module size
            if len(parameters) != 1 or not 1 <= parameters[0] <= 16:
                raise InvalidParameter(start, "GS ( k fn 67: one module size 1-16")
            state.qr_module = parameters[0]
        elif function == 69:  # error correction level
            if len(parameters) != 1 or not QrErrorLevel.L <= parameters[0] <= QrErrorLevel.H:
                raise InvalidParameter(start, "GS ( k fn 69: one level 48-51")
            state.qr_level = QrErrorLevel(parameters[0])
        elif function == 80:  # store the data
            if parameters[:1] != b"0":
                raise InvalidParameter(start, "GS ( k fn 80: m must be 48")
            state.qr_data = parameters[1:]
        elif function == 81:  # print the stored symbol
            if parameters != b"0":
                raise InvalidParameter(start, "GS ( k fn 81: m must be 48")
            self._print_qr(start)
        else:
            raise UnknownCommand(start, f"GS ( k fn {function} is not decoded")

    def _print_qr(self, start: int) -> None:
        if not self.state.qr_data:
            raise InvalidParameter(start, "GS ( k fn 81 with no QR data stored")
        self._at_line_start(start, "GS ( k fn 81")
        try:
            image = qr_symbol(self.state.qr_data, self.state.qr_module, self.state.qr_level)
        except ValueError as error:
            raise InvalidParameter(start, str(error)) from error
        self._print(start, image)

    def _cut(self, start: int) -> None:
        (mode,) = self._take(start, 1)
        if mode in (65, 66):  # feed n dots, then cut
            (feed,) = self._take(start, 1)
            self._at_line_start(start, "GS V")
            self.bands.append(_Blank(feed))
        elif mode not in (0, 1, 48, 49):
            raise InvalidParameter(start, f"GS V {mode}: cut mode must be 0, 1, 48, 49, 65, 66")
        else:
            self._at_line_start(start, "GS V")
        self.bands.append(_Cut())

    def _print_line(self, feed: int) -> None:
        """LF, ESC J, ESC d: print the buffered text, then advance at least `feed` dots."""
        state = self.state
        if not state.line:
            self.bands.append(_Blank(feed))
            return
        image = font_a_line(state.line)
        state.line = []
        self._print(state.line_offset, image)
        if feed > image.height:
            self.bands.append(_Blank(feed - image.height))

    def _print(self, start: int, image: Image.Image) -> None:
        state = self.state
        self.bands.append(_Printed(start, image, state.align, state.left_margin, state.area_width))

    def _at_line_start(self, start: int, command: str) -> None:
        """Printers act on these only at the start of a line: text pending is a mistake."""
        if self.state.line:
            raise InvalidParameter(start, f"{command} in the middle of a text line")

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
        printed_bands = [band for band in self.bands if isinstance(band, _Printed)]
        if paper_width is None:
            paper_width = max(
                (band.left_margin + band.image.width for band in printed_bands), default=0
            )
        last_printed = max(
            (index for index, band in enumerate(self.bands) if isinstance(band, _Printed)),
            default=-1,
        )
        printed, tail = self.bands[: last_printed + 1], self.bands[last_printed + 1 :]
        placed: list[tuple[Image.Image, int, int]] = []
        cuts: list[int] = []
        y = 0
        for band in printed:
            if isinstance(band, _Cut):
                cuts.append(y)
            elif isinstance(band, _Blank):
                y += band.rows
            else:
                placed.append((band.image, _x(band, paper_width), y))
                y += band.image.height
        page = Image.new("1", (paper_width, y), _WHITE)
        for image, x, top in placed:
            page.paste(image, (x, top))
        cuts += [y for band in tail if isinstance(band, _Cut)]
        trailing_feed = sum(band.rows for band in tail if isinstance(band, _Blank))
        return DecodedPaper(page, tuple(cuts), trailing_feed)


def _x(band: _Printed, paper_width: int) -> int:
    try:
        return placed_x(
            band.image.width,
            align=band.align,
            left_margin=band.left_margin,
            area_width=band.area_width,
            paper_width=paper_width,
        )
    except ValueError as error:
        raise InvalidParameter(band.offset, str(error)) from error


__all__ = [
    "DEFAULT_LINE_SPACING",
    "DecodedPaper",
    "EscPosDecodeError",
    "InvalidParameter",
    "TruncatedCommand",
    "UnknownCommand",
    "decode_paper",
    "decode_raster",
]
