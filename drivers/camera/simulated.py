"""A camera without hardware: frames from a still image, a script, or a code shown after a
while; and the fault a real camera has most, being unplugged.

The demo panel and the tests use it; the UI pulls frames from it at the camera's rate.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import qrcode

from drivers.camera.errors import CameraError, CameraProblem

WIDTH, HEIGHT = 1280, 720


class SimulatedCamera:
    """Plays `frames` in order, repeating the last one (a camera keeps seeing its scene).

    `unplug_after` frames (or a call to `unplug`) makes `next_frame` raise
    CameraError(UNPLUGGED) until `plug_in` is called. Thread-safe.
    """

    def __init__(self, frames: Sequence[np.ndarray], *, unplug_after: int | None = None) -> None:
        if not frames:
            raise ValueError("a simulated camera needs at least one frame")
        shapes = {frame.shape for frame in frames}
        if len(shapes) != 1 or any(frame.dtype != np.uint8 for frame in frames):
            raise ValueError("all frames need one shape and uint8 pixels")
        self._frames = list(frames)
        self._lock = threading.Lock()
        self._delivered = 0
        self._unplug_after = unplug_after
        self._plugged = True

    @classmethod
    def still(cls, frame: np.ndarray) -> SimulatedCamera:
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
        height, width = self._frames[0].shape[:2]
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

    def show(self, frames: Sequence[np.ndarray]) -> None:
        """Replaces the script from the next frame on (the demo panel holds up a new code)."""
        if not frames or {f.shape for f in frames} != {self._frames[0].shape}:
            raise ValueError("frames must match the camera's frame shape")
        with self._lock:
            self._frames = list(frames)
            self._delivered = 0

    def next_frame(self) -> np.ndarray:
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


def empty_scene(width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """A dim room with a soft gradient: what the camera sees when nobody stands there."""
    column = np.linspace(70, 130, width, dtype=np.float32)
    row = np.linspace(-20, 20, height, dtype=np.float32)[:, None]
    return (column[None, :] + row).astype(np.uint8)


def frame_with_code(
    payload: str, *, width: int = WIDTH, height: int = HEIGHT, module_px: int = 6
) -> np.ndarray:
    """The empty scene with a sharp QR code of `payload` (UTF-8) in the middle."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    modules = np.array(code.get_matrix(), dtype=bool)
    side = modules.shape[0] * module_px
    if side > min(width, height):
        raise ValueError(f"a {modules.shape[0]}-module code at {module_px} px does not fit")
    image = np.where(np.kron(modules, np.ones((module_px, module_px), bool)), 20, 235)
    frame = empty_scene(width, height)
    top, left = (height - side) // 2, (width - side) // 2
    frame[top : top + side, left : left + side] = image.astype(np.uint8)
    return frame
