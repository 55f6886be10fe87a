"""Camera frames (numpy, grayscale or RGB) -> the QR codes in them, with zxing-cpp.

Tuned for a live camera: a fast first pass (QR only, no 90° rotation, no inverted codes)
decodes most frames in a few milliseconds; a fallback runs only when that pass saw a code it
could not read (zxing-cpp reports such symbols with a checksum error and their position), and
then only on a crop around that symbol: enlarged when small, sharpened, other binarizers.
Frames without any code therefore cost one fast pass, and the next frame 33 ms later gets
another chance anyway.

Payloads are personal data: nothing here logs them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter

from drivers.camera.errors import CameraError, CameraProblem

# The fallback's crop: a margin around the symbol zxing-cpp found, and the side below which
# the crop is enlarged (blur and small modules both read better at twice the size).
_CROP_MARGIN = 0.2
_ENLARGE_BELOW_PX = 480
_MAX_FALLBACK_SYMBOLS = 3  # look-alikes (printed patterns) must not cost unbounded time
_ECI_QR = "]Q2"  # the symbology identifier of a QR code that declares its character set


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
    try_invert: bool = False  # light-on-dark codes (phones in dark mode) cost ~60% more
    try_rotate: bool = False  # only 1-D formats held sideways need it: QR reads at any angle
    fallback: bool = True  # the second look at symbols the first pass could not read

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

    def decode(self, frame: np.ndarray) -> list[DecodedCode]:
        """The codes in `frame` (H×W or H×W×1 gray, H×W×3 RGB, H×W×4 RGBA; uint8)."""
        gray = to_gray(frame)
        x0, y0 = 0, 0
        if self.settings.region is not None:
            x0, y0, width, height = self.settings.region.pixels(gray.shape[1], gray.shape[0])
            gray = gray[y0 : y0 + height, x0 : x0 + width]
        factor = self._shrink_factor(gray.shape)
        if factor > 1:
            gray = _shrink(gray, factor)
        gray = np.ascontiguousarray(gray)  # zxing-cpp needs whole rows; a region is a view

        found = self._read(gray, return_errors=self.settings.fallback)
        codes = [_code(b, factor, x0, y0) for b in found if b.valid]
        if codes or not self.settings.fallback:
            return codes
        for symbol in _distinct([b for b in found if not b.valid])[:_MAX_FALLBACK_SYMBOLS]:
            crop, cx, cy, scale = _crop_around(gray, symbol)
            for barcode in self._second_look(crop):
                codes.append(_code(barcode, factor / scale, x0 + cx * factor, y0 + cy * factor))
            if codes:
                break
        return codes

    def _shrink_factor(self, shape: tuple[int, ...]) -> int:
        if self.settings.max_side is None:
            return 1
        return max(1, math.ceil(max(shape[:2]) / self.settings.max_side))

    def _read(
        self,
        image: np.ndarray,
        *,
        return_errors: bool = False,
        binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,  # zxing-cpp's default
    ) -> list[zxingcpp.Barcode]:
        return zxingcpp.read_barcodes(
            image,
            formats=zxingcpp.barcode_formats_from_str(self._formats),
            try_rotate=self.settings.try_rotate,
            try_invert=self.settings.try_invert,
            text_mode=zxingcpp.TextMode.Plain,
            binarizer=binarizer,
            return_errors=return_errors,
        )

    def _second_look(self, crop: np.ndarray) -> list[zxingcpp.Barcode]:
        """Sharpened, then with other thresholds: what rescues blur, glare and low contrast."""
        sharp = np.asarray(
            Image.fromarray(crop).filter(ImageFilter.UnsharpMask(radius=3, percent=180))
        )
        attempts = (
            (sharp, zxingcpp.Binarizer.LocalAverage),
            (crop, zxingcpp.Binarizer.FixedThreshold),
            (crop, zxingcpp.Binarizer.GlobalHistogram),
        )
        for image, binarizer in attempts:
            found = [b for b in self._read(image, binarizer=binarizer) if b.valid]
            if found:
                return found
        return []


def to_gray(frame: np.ndarray) -> np.ndarray:
    """An 8-bit grayscale view or copy of `frame`; CameraError(BAD_FRAME) for anything else."""
    if not isinstance(frame, np.ndarray):
        raise CameraError(CameraProblem.BAD_FRAME, f"expected a numpy array, got {type(frame)}")
    if frame.dtype != np.uint8:
        raise CameraError(CameraProblem.BAD_FRAME, f"expected uint8 pixels, got {frame.dtype}")
    channels = frame.shape[2] if frame.ndim == 3 else 1
    if frame.ndim not in (2, 3) or channels not in (1, 3, 4):
        raise CameraError(
            CameraProblem.BAD_FRAME, f"expected H×W, H×W×1, ×3 or ×4, got {frame.shape}"
        )
    if frame.shape[0] < 21 or frame.shape[1] < 21:  # the smallest QR code is 21 modules wide
        raise CameraError(CameraProblem.BAD_FRAME, f"frame too small: {frame.shape}")
    if channels == 1:
        return frame if frame.ndim == 2 else frame[:, :, 0]
    # ITU-R BT.601 luma in integers (77 + 150 + 29 = 256): a quarter of float's cost.
    rgb = frame[:, :, :3].astype(np.uint16)
    luma = rgb[:, :, 0] * 77 + rgb[:, :, 1] * 150 + rgb[:, :, 2] * 29
    return (luma >> 8).astype(np.uint8)


def _shrink(gray: np.ndarray, factor: int) -> np.ndarray:
    """Averages factor×factor blocks (Pillow's reduce): keeps thin modules that striding drops."""
    return np.asarray(Image.fromarray(np.ascontiguousarray(gray)).reduce(factor))


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


def _crop_around(gray: np.ndarray, symbol: zxingcpp.Barcode) -> tuple[np.ndarray, int, int, float]:
    """The symbol with a margin, enlarged 2× when small; its origin and the enlargement."""
    xs, ys = zip(*_corners(symbol), strict=True)
    side = max(max(xs) - min(xs), max(ys) - min(ys))
    margin = side * _CROP_MARGIN
    height, width = gray.shape
    left, top = max(0, int(min(xs) - margin)), max(0, int(min(ys) - margin))
    right, bottom = min(width, int(max(xs) + margin) + 1), min(height, int(max(ys) + margin) + 1)
    crop = gray[top:bottom, left:right]
    scale = 2.0 if max(crop.shape) < _ENLARGE_BELOW_PX else 1.0
    image = Image.fromarray(np.ascontiguousarray(crop))
    if scale > 1:
        image = image.resize((crop.shape[1] * 2, crop.shape[0] * 2), Image.Resampling.BICUBIC)
    return np.asarray(image), left, top, scale


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
