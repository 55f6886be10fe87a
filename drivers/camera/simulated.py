"""A camera without hardware: frames from a still image, a script, or a code shown after a
while; and the fault a real camera has most, being unplugged.

The demo panel and the tests use it; the UI pulls frames from it at the camera's rate. Frames
are H×W 8-bit gray pixels in any buffer: the ones made here are 2-D memoryviews (no numpy),
tests may hand in numpy arrays.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import qrcode
from PIL import Image, ImageChops

from drivers.camera.errors import CameraError, CameraProblem
from drivers.camera.gray import frame_of

if TYPE_CHECKING:
    from typing_extensions import Buffer

WIDTH, HEIGHT = 1280, 720


def _shape(frame: Buffer) -> tuple[int, ...]:
    """The frame's shape; ValueError unless it holds uint8 pixels."""
    try:
        view = memoryview(frame)
    except TypeError:
        raise ValueError(f"a frame is a buffer of pixels, not {type(frame)}") from None
    if view.format != "B":
        raise ValueError(f"frames hold uint8 pixels, not {view.format!r}")
    return view.shape or ()


class SimulatedCamera:
    """Plays `frames` in order, repeating the last one (a camera keeps seeing its scene).

    `unplug_after` frames (or a call to `unplug`) makes `next_frame` raise
    CameraError(UNPLUGGED) until `plug_in` is called. Thread-safe.
    """

    def __init__(self, frames: Sequence[Buffer], *, unplug_after: int | None = None) -> None:
        if not frames:
            raise ValueError("a simulated camera needs at least one frame")
        shapes = {_shape(frame) for frame in frames}
        if len(shapes) != 1:
            raise ValueError("all frames need one shape")
        self._shape = shapes.pop()
        self._frames = list(frames)
        self._lock = threading.Lock()
        self._delivered = 0
        self._unplug_after = unplug_after
        self._plugged = True

    @classmethod
    def still(cls, frame: Buffer) -> SimulatedCamera:
        return cls([frame])

    @classmethod
    def code_appears_after(
        cls, count: int, payload: str, *, width: int = WIDTH, height: int = HEIGHT
    ) -> SimulatedCamera:
        """`count` frames of an empty scene, then the code held up (and kept there)."""
        empty = empty_scene(width, height)
        return cls([empty] * count + [frame_with_code(payload, width=width, height=height)])

    @property
    def frame_size(self) -> tuple[int, int]:
        height, width = self._shape[:2]
        return width, height

    @property
    def frames_delivered(self) -> int:
        with self._lock:
            return self._delivered

    @property
    def plugged_in(self) -> bool:
        with self._lock:
            return self._plugged and not self._unplug_due()

    def unplug(self) -> None:
        with self._lock:
            self._plugged = False

    def plug_in(self) -> None:
        with self._lock:
            self._plugged = True
            self._unplug_after = None

    def show(self, frames: Sequence[Buffer]) -> None:
        """Replaces the script from the next frame on (the demo panel holds up a new code)."""
        if not frames or {_shape(f) for f in frames} != {self._shape}:
            raise ValueError("frames must match the camera's frame shape")
        with self._lock:
            self._frames = list(frames)
            self._delivered = 0

    def next_frame(self) -> Buffer:
        with self._lock:
            if self._unplug_due():
                self._plugged = False
            if not self._plugged:
                raise CameraError(CameraProblem.UNPLUGGED, "simulated camera unplugged")
            frame = self._frames[min(self._delivered, len(self._frames) - 1)]
            self._delivered += 1
            return frame

    def _unplug_due(self) -> bool:
        return self._unplug_after is not None and self._delivered >= self._unplug_after


def empty_scene(width: int = WIDTH, height: int = HEIGHT) -> memoryview:
    """A dim room with a soft gradient: what the camera sees when nobody stands there."""
    return frame_of(_room(width, height))


def frame_with_code(
    payload: str, *, width: int = WIDTH, height: int = HEIGHT, module_px: int = 6
) -> memoryview:
    """The empty scene with a sharp QR code of `payload` (UTF-8) in the middle."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()
    count = len(matrix)
    side = count * module_px
    if side > min(width, height):
        raise ValueError(f"a {count}-module code at {module_px} px does not fit")
    modules = bytes(20 if dark else 235 for row in matrix for dark in row)
    symbol = Image.frombytes("L", (count, count), modules)
    scene = _room(width, height)
    scene.paste(symbol.resize((side, side), Image.Resampling.NEAREST), _centred(scene, side))
    return frame_of(scene)


def _room(width: int, height: int) -> Image.Image:
    """Brighter to the right (70 → 130) and to the bottom (−20 → +20)."""
    across = bytes(round(70 + 60 * x / max(1, width - 1)) for x in range(width))
    down = bytes(round(40 * y / max(1, height - 1)) for y in range(height))
    size, nearest = (width, height), Image.Resampling.NEAREST
    columns = Image.frombytes("L", (width, 1), across).resize(size, nearest)
    rows = Image.frombytes("L", (1, height), down).resize(size, nearest)
    return ImageChops.add(columns, rows, scale=1.0, offset=-20)


def _centred(scene: Image.Image, side: int) -> tuple[int, int]:
    return (scene.width - side) // 2, (scene.height - side) // 2
