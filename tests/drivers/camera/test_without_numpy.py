"""The kiosk's camera path runs without numpy (it is not in the bundle): a subprocess in which
importing numpy fails decodes simulated frames, a dark-mode code, a camera's YUYV video frame
through the UI's conversion and preview, and plays the simulated camera."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import sys
sys.modules["numpy"] = None  # any import of numpy now raises ImportError

from PIL import ImageChops
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

from drivers.camera.decoder import FrameDecoder
from drivers.camera.gray import frame_of, to_gray
from drivers.camera.simulated import SimulatedCamera, frame_with_code
from ui.camera_view import CameraPreview, video_frame_to_gray

TEXT = "BOOK|BV079|20261207|042|K7PQ2M9XTA"
decoder = FrameDecoder()
frame = frame_with_code(TEXT, module_px=4)
assert [c.text for c in decoder.decode(frame)] == [TEXT]
dark = frame_of(ImageChops.invert(to_gray(frame).pil()))
assert [c.text for c in decoder.decode(dark)] == [TEXT]

app = QApplication([])
video = QVideoFrame(QVideoFrameFormat(QSize(1280, 720), QVideoFrameFormat.PixelFormat.Format_YUYV))
assert video.map(QVideoFrame.MapMode.WriteOnly)
plane = video.bits(0)
stride = video.bytesPerLine(0)
luma = bytes(frame)
for row in range(720):  # Y0 U Y1 V: the luma in every other byte
    start = row * stride
    plane[start : start + 2560 : 2] = luma[row * 1280 : (row + 1) * 1280]
    plane[start + 1 : start + 2560 : 2] = bytes([128]) * 1280
video.unmap()
gray = video_frame_to_gray(video)
assert gray is not None and gray.shape == (720, 1280) and bytes(gray) == luma
assert [c.text for c in decoder.decode(gray)] == [TEXT]
preview = CameraPreview(mirrored=True)
preview.resize(640, 360)
preview.show_frame(gray)

camera = SimulatedCamera.code_appears_after(1, TEXT)
camera.next_frame()
assert [c.text for c in decoder.decode(camera.next_frame())] == [TEXT]
assert "numpy" not in [m for m in sys.modules if sys.modules[m] is not None]
print("ok")
"""


def test_camera_path_runs_without_numpy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
