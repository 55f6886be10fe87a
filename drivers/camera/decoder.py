"""Camera frames (8-bit gray or RGB pixels in a buffer) -> the QR codes in them, with zxing-cpp.

Tuned for a live camera: a fast first pass (QR only, no 90° rotation, no inverted codes)
decodes most frames in a few milliseconds. Only when it reads nothing does a second look run,
cheapest first, stopping at the first code read:

1. around each symbol the first pass located but could not read (zxing-cpp reports those with
   their position): a crop, enlarged when small and sharpened, with other thresholds;
2. the frame inverted: a phone in dark mode shows a light code on a dark screen;
3. the frame sharpened (a 3×3 kernel): small modules, blur, steep tilt and screens' moiré.

A frame without any code pays for all of it (about 10 ms on 720p, against 1–2 ms for the first
pass); a frame with a code usually stops after the first pass. The decode worker therefore
allows the second look only a few times a second (drivers.camera.worker). No numpy: frames
are read where they lie (drivers.camera.gray).

Payloads are personal data: nothing here logs them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import zxingcpp
from PIL import Image, ImageFilter, ImageOps

from drivers.camera.gray import GrayImage, to_gray

if TYPE_CHECKING:
    from typing_extensions import Buffer

# The fallback's crop: a margin around the symbol zxing-cpp found, and the side below which
# the crop is enlarged (blur and small modules both read better at twice the size).
_CROP_MARGIN = 0.2
_ENLARGE_BELOW_PX = 480
_MAX_FALLBACK_SYMBOLS = 3  # look-alikes (printed patterns) must not cost unbounded time
_ECI_QR = "]Q2"  # the symbology identifier of a QR code that declares its character set
# Sharpening that keeps the image's level: the centre against its 4 neighbours.
_SHARPEN = ImageFilter.Kernel((3, 3), [0, -1, 0, -1, 5, -1, 0, -1, 0], scale=1)


@dataclass(frozen=True)
class Region:
    """A part of the frame as fractions of its width and height (the preview's guide frame)."""

    left: float
    top: float
    width: float
    height: float

    def __post_init__(self) -> None:
        if not (0 <= self.left < 1 and 0 <= self.top < 1):
            raise ValueError("a region starts inside the frame")
        if not (0 < self.width <= 1 - self.left + 1e-9 and 0 < self.height <= 1 - self.top + 1e-9):
            raise ValueError("a region has a positive size and ends inside the frame")

    def pixels(self, frame_width: int, frame_height: int) -> tuple[int, int, int, int]:
        """(x, y, width, height) in whole pixels, at least one pixel each way."""
        x, y = round(self.left * frame_width), round(self.top * frame_height)
        width = max(1, min(frame_width - x, round(self.width * frame_width)))
        height = max(1, min(frame_height - y, round(self.height * frame_height)))
        return x, y, width, height


@dataclass(frozen=True)
class DecoderSettings:
    formats: tuple[str, ...] = ("QRCode",)  # zxing-cpp format names, e.g. "MicroQRCode"
    region: Region | None = None  # decode only this part of the frame
    max_side: int | None = None  # shrink larger frames by a whole factor to fit this side
    # Light-on-dark codes (phones in dark mode) in the first pass too; without it the second
    # look reads them, a few milliseconds later, and codeless frames cost less.
    try_invert: bool = False
    try_rotate: bool = False  # only 1-D formats held sideways need it: QR reads at any angle
    fallback: bool = True  # the second look at frames the first pass read nothing in

    def __post_init__(self) -> None:
        if not self.formats:
            raise ValueError("at least one barcode format")
        if self.max_side is not None and self.max_side < 64:
            raise ValueError("max_side below 64 pixels leaves no readable code")


@dataclass(frozen=True)
class DecodedCode:
    """One code read from a frame. `text` is personal data: never log it."""

    text: str  # UTF-8 where the bytes are UTF-8, else zxing-cpp's reading of its character set
    raw: bytes  # the code's payload bytes, for payloads that are not text
    format: str  # e.g. "QRCode"
    corners: tuple[tuple[int, int], ...]  # in the frame's own pixels

    def __repr__(self) -> str:  # a stray log line must not leak the payload
        return f"DecodedCode(format={self.format!r}, bytes={len(self.raw)})"


class FrameDecoder:
    """Reads codes from one frame at a time; safe to share between threads (no state)."""

    def __init__(self, settings: DecoderSettings | None = None) -> None:
        self.settings = settings or DecoderSettings()
        # Kept as text: a zxing-cpp object held until interpreter exit makes nanobind report
        # it as leaked; making it per read costs microseconds.
        self._formats = ",".join(self.settings.formats)
        try:
            zxingcpp.barcode_formats_from_str(self._formats)
        except ValueError as error:
            raise ValueError(f"unknown barcode format in {self.settings.formats}") from error

    def decode(self, frame: Buffer, *, second_look: bool = True) -> list[DecodedCode]:
        """The codes in `frame`: uint8 pixels, H×W or H×W×1 gray, H×W×3 RGB or H×W×4 RGBA, in
        any buffer (a 2-D memoryview, a numpy array); CameraError(BAD_FRAME) otherwise.
        `second_look=False` stops after the first pass (when the settings' `fallback` is off,
        it always does)."""
        gray = to_gray(frame)
        x0, y0 = 0, 0
        if self.settings.region is not None:
            x0, y0, width, height = self.settings.region.pixels(gray.width, gray.height)
            gray = gray.crop(x0, y0, width, height)
        factor = self._shrink_factor(gray)
        if factor > 1:
            gray = GrayImage.from_pil(gray.pil().reduce(factor))

        fallback = self.settings.fallback and second_look
        found = self._read(gray, return_errors=fallback)
        readable = [b for b in found if b.valid]
        if readable or not fallback:
            return [_code(b, factor, x0, y0) for b in readable]
        readable, scale, left, top = self._second_look(gray, found)
        return [_code(b, factor / scale, x0 + left * factor, y0 + top * factor) for b in readable]

    def _second_look(
        self, gray: GrayImage, found: list[zxingcpp.Barcode]
    ) -> tuple[list[zxingcpp.Barcode], float, int, int]:
        """Codes the first pass missed, and where the image they were read in lies in `gray`:
        its enlargement and its top-left corner."""
        for symbol in _distinct([b for b in found if not b.valid])[:_MAX_FALLBACK_SYMBOLS]:
            crop, left, top, scale = _crop_around(gray, symbol)
            readable = self._closer_look(crop)
            if readable:
                return readable, scale, left, top
        whole = gray.pil()
        if not self.settings.try_invert:
            readable = self._readable(ImageOps.invert(whole))
            if readable:
                return readable, 1.0, 0, 0
        # The first pass saw the smaller copies already: sharpening would not change those.
        return self._readable(whole.filter(_SHARPEN), downscale=False), 1.0, 0, 0

    def _shrink_factor(self, gray: GrayImage) -> int:
        if self.settings.max_side is None:
            return 1
        return max(1, math.ceil(max(gray.width, gray.height) / self.settings.max_side))

    def _read(
        self,
        image: GrayImage | Image.Image,
        *,
        return_errors: bool = False,
        downscale: bool = True,
        binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,  # zxing-cpp's default
    ) -> list[zxingcpp.Barcode]:
        if isinstance(image, Image.Image):
            image = GrayImage.from_pil(image)  # one copy; zxing-cpp's own path costs more
        return zxingcpp.read_barcodes(
            image.zxing_view(),
            formats=zxingcpp.barcode_formats_from_str(self._formats),
            try_rotate=self.settings.try_rotate,
            try_invert=self.settings.try_invert,
            try_downscale=downscale,
            text_mode=zxingcpp.TextMode.Plain,
            binarizer=binarizer,
            return_errors=return_errors,
        )

    def _readable(
        self,
        image: Image.Image,
        *,
        downscale: bool = True,
        binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
    ) -> list[zxingcpp.Barcode]:
        found = self._read(image, downscale=downscale, binarizer=binarizer)
        return [b for b in found if b.valid]

    def _closer_look(self, crop: Image.Image) -> list[zxingcpp.Barcode]:
        """Sharpened, then with other thresholds: what rescues blur, glare and low contrast."""
        sharp = crop.filter(ImageFilter.UnsharpMask(radius=3, percent=180))
        attempts = (
            (sharp, zxingcpp.Binarizer.LocalAverage),
            (crop, zxingcpp.Binarizer.FixedThreshold),
            (crop, zxingcpp.Binarizer.GlobalHistogram),
        )
        for image, binarizer in attempts:
            readable = self._readable(image, binarizer=binarizer)
            if readable:
                return readable
        return []


def _corners(barcode: zxingcpp.Barcode) -> list[tuple[float, float]]:
    p = barcode.position
    return [(c.x, c.y) for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]


def _distinct(symbols: list[zxingcpp.Barcode]) -> list[zxingcpp.Barcode]:
    """One symbol per place: zxing-cpp reports the same unreadable code at several scales."""
    kept: list[zxingcpp.Barcode] = []
    centres: list[tuple[float, float]] = []
    for symbol in symbols:
        xs, ys = zip(*_corners(symbol), strict=True)
        centre = (sum(xs) / 4, sum(ys) / 4)
        side = max(max(xs) - min(xs), max(ys) - min(ys))
        if all(math.dist(centre, c) > side / 2 for c in centres):
            kept.append(symbol)
            centres.append(centre)
    return kept


def _crop_around(gray: GrayImage, symbol: zxingcpp.Barcode) -> tuple[Image.Image, int, int, float]:
    """The symbol with a margin, enlarged 2× when small; its origin and the enlargement."""
    xs, ys = zip(*_corners(symbol), strict=True)
    side = max(max(xs) - min(xs), max(ys) - min(ys))
    margin = side * _CROP_MARGIN
    left, top = max(0, int(min(xs) - margin)), max(0, int(min(ys) - margin))
    right = min(gray.width, int(max(xs) + margin) + 1)
    bottom = min(gray.height, int(max(ys) + margin) + 1)
    crop = gray.pil().crop((left, top, right, bottom))
    scale = 2.0 if max(crop.size) < _ENLARGE_BELOW_PX else 1.0
    if scale > 1:
        crop = crop.resize((crop.width * 2, crop.height * 2), Image.Resampling.BICUBIC)
    return crop, left, top, scale


def _code(barcode: zxingcpp.Barcode, scale: float, x0: float, y0: float) -> DecodedCode:
    """A DecodedCode with corners mapped from the decoded image back to the frame."""
    raw = bytes(barcode.bytes)
    corners = tuple((round(x0 + x * scale), round(y0 + y * scale)) for x, y in _corners(barcode))
    return DecodedCode(_text(barcode, raw), raw, barcode.format.name, corners)


def _text(barcode: zxingcpp.Barcode, raw: bytes) -> str:
    if barcode.symbology_identifier == _ECI_QR:
        return barcode.text  # the code names its character set; zxing-cpp applied it
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return barcode.text  # not UTF-8: zxing-cpp's guess (ISO 8859-1, Shift JIS…); raw stays
