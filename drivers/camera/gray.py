"""8-bit grayscale images in plain byte buffers, for zxing-cpp and Pillow without numpy.

A camera frame is any object that exposes its pixels through the buffer protocol — the UI's
2-D `memoryview`s, numpy arrays in tests — as H×W (or H×W×1) gray, H×W×3 RGB or H×W×4 RGBA
bytes. `to_gray` turns one into a `GrayImage` without copying gray pixels; crops share the
buffer too (an offset and the row stride), so zxing-cpp reads a region where it lies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import zxingcpp
from PIL import Image

from drivers.camera.errors import CameraError, CameraProblem

if TYPE_CHECKING:
    from typing_extensions import Buffer

# The smallest QR code is 21 modules wide: a smaller frame can hold none.
MIN_SIDE = 21
_COLOUR_MODES = {3: "RGB", 4: "RGBA"}


class GrayImage:
    """`height` rows of `width` pixels, row r at `offset + r * stride` in `buffer` (1-D bytes).

    Invariant: the buffer holds `offset + height * stride` bytes at least — what zxing-cpp's
    ImageView and Pillow's frombuffer both require.
    """

    __slots__ = ("buffer", "height", "offset", "stride", "width")

    def __init__(
        self, buffer: memoryview, width: int, height: int, stride: int, offset: int = 0
    ) -> None:
        if width < 1 or height < 1 or stride < width or offset + height * stride > buffer.nbytes:
            raise ValueError("the image does not fit its buffer")
        self.buffer = buffer
        self.width = width
        self.height = height
        self.stride = stride
        self.offset = offset

    @classmethod
    def from_pil(cls, image: Image.Image) -> GrayImage:
        """A copy of an "L" image's pixels."""
        width, height = image.size
        return cls(memoryview(image.tobytes()), width, height, width)

    def crop(self, x: int, y: int, width: int, height: int) -> GrayImage:
        """The part from (x, y): shares the buffer, or copies it when the buffer ends too soon
        after it (a region reaching the last row and not starting at the left edge)."""
        if min(x, y) < 0 or not (0 < width <= self.width - x and 0 < height <= self.height - y):
            raise ValueError("a crop lies inside the image")
        offset = self.offset + y * self.stride + x
        if offset + height * self.stride <= self.buffer.nbytes:
            return GrayImage(self.buffer, width, height, self.stride, offset)
        return GrayImage.from_pil(self.pil().crop((x, y, x + width, y + height)))

    def pil(self) -> Image.Image:
        """The pixels as a Pillow image sharing this buffer (read it, do not draw on it)."""
        pixels = _any_buffer(self.buffer[self.offset :])
        return Image.frombuffer("L", (self.width, self.height), pixels, "raw", "L", self.stride, 1)

    def zxing_view(self) -> zxingcpp.ImageView:
        return zxingcpp.ImageView(
            _any_buffer(self.buffer[self.offset :]),
            self.width,
            self.height,
            zxingcpp.ImageFormat.Lum,
            self.stride,
        )


def frame_of(image: Image.Image) -> memoryview:
    """An "L" image's pixels as an H×W frame: a 2-D memoryview over a copy of them."""
    width, height = image.size
    return memoryview(image.tobytes()).cast("B", (height, width))


def to_gray(frame: Buffer) -> GrayImage:
    """A GrayImage of `frame`; CameraError(BAD_FRAME) for anything but uint8 H×W(×1|3|4)."""
    try:
        view = memoryview(frame)
    except TypeError:
        raise CameraError(
            CameraProblem.BAD_FRAME, f"expected pixels in a buffer, got {type(frame)}"
        ) from None
    if view.format != "B":
        raise CameraError(CameraProblem.BAD_FRAME, f"expected uint8 pixels, got {view.format!r}")
    shape = view.shape or ()
    channels = shape[2] if view.ndim == 3 else 1
    if view.ndim not in (2, 3) or channels not in (1, 3, 4):
        raise CameraError(
            CameraProblem.BAD_FRAME, f"expected H×W, H×W×1, ×3 or ×4, got {view.shape}"
        )
    height, width = shape[:2]
    if height < MIN_SIDE or width < MIN_SIDE:
        raise CameraError(CameraProblem.BAD_FRAME, f"frame too small: {view.shape}")
    # A strided view (a slice of a larger array) is copied into whole rows.
    flat = view.cast("B") if view.c_contiguous else memoryview(view.tobytes())
    if channels == 1:
        return GrayImage(flat, width, height, width)
    mode = _COLOUR_MODES[channels]
    colour = Image.frombuffer(mode, (width, height), _any_buffer(flat), "raw", mode, 0, 1)
    return GrayImage.from_pil(colour.convert("L"))  # ITU-R BT.601 luma


def _any_buffer(buffer: memoryview) -> Any:
    """`buffer` for Pillow and zxing-cpp, which read any buffer though their stubs name only
    bytes or numpy arrays."""
    return buffer
