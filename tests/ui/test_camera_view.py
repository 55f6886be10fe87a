"""The camera path in Qt, offscreen: simulated frames through the same preview and worker the
real camera feeds; frame conversion from QVideoFrame; the preview's pace and the GUI thread's
longest stall while decoding."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PySide6.QtCore import QElapsedTimer, QSize
from pytestqt.qtbot import QtBot

from drivers.camera.decoder import DecodedCode, FrameDecoder
from drivers.camera.simulated import SimulatedCamera, empty_scene, frame_with_code
from drivers.camera.worker import DecodeWorker
from tests.drivers.camera.imageset import image_set
from tests.lag_probe import LagProbe
from ui.camera_view import (
    CameraPreview,
    CameraScanner,
    CameraStatus,
    QtCameraSource,
    SimulatedFrameSource,
    video_frame_to_gray,
)

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QVideoFrame

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "camera"
CCCD = "001090012345|123456789|Nguyễn Văn An|01011990|Nam|Số 1 Phố Huế, Hà Nội|01012021"


def _scanner(qtbot: QtBot, camera: SimulatedCamera) -> tuple[CameraScanner, CameraPreview]:
    preview = CameraPreview()
    qtbot.addWidget(preview)
    preview.resize(800, 450)
    preview.show()
    source = SimulatedFrameSource(camera, fps=30)
    scanner = CameraScanner(source, lambda report: DecodeWorker(FrameDecoder(), report), preview)
    return scanner, preview


def test_code_shown_to_the_simulated_camera_is_reported_on_the_gui_thread(qtbot: QtBot) -> None:
    scanner, preview = _scanner(qtbot, SimulatedCamera.code_appears_after(5, CCCD))
    statuses: list[CameraStatus] = []
    scanner.status_changed.connect(statuses.append)
    scanner.start()
    try:
        with qtbot.waitSignal(scanner.codes_decoded, timeout=5000) as blocker:
            pass
    finally:
        scanner.stop()
    codes: list[DecodedCode] = blocker.args[0]
    assert [c.text for c in codes] == [CCCD]
    assert statuses[:2] == [CameraStatus.STARTING, CameraStatus.ACTIVE]
    assert statuses[-1] is CameraStatus.STOPPED
    assert preview.frames_shown >= 6
    assert not scanner.worker.running


def test_unplugged_camera_is_reported_and_resumes_when_back(qtbot: QtBot) -> None:
    camera = SimulatedCamera([empty_scene()], unplug_after=3)
    scanner, preview = _scanner(qtbot, camera)
    scanner.start()
    try:
        qtbot.waitUntil(lambda: scanner.status is CameraStatus.UNPLUGGED, timeout=3000)
        shown = preview.frames_shown
        assert shown == 3
        qtbot.wait(100)
        assert preview.frames_shown == shown
        camera.plug_in()
        qtbot.waitUntil(lambda: scanner.status is CameraStatus.ACTIVE, timeout=3000)
        qtbot.waitUntil(lambda: preview.frames_shown > shown, timeout=3000)
    finally:
        scanner.stop()


def test_preview_pace_and_gui_stall_while_decoding(qtbot: QtBot) -> None:
    """Hard frames from the image set (fallback passes included) at 30 fps for 1.5 s."""
    frames = [s.frame for s in image_set() if s.kind in ("blurred", "phone", "glare", "small")]
    scanner, preview = _scanner(qtbot, SimulatedCamera(frames[:40]))
    probe = LagProbe()
    scanner.start()
    qtbot.waitUntil(lambda: preview.frames_painted > 0, timeout=3000)
    painted, clock = preview.frames_painted, QElapsedTimer()
    clock.start()
    probe.start()
    qtbot.wait(1500)
    probe.stop()
    fps = (preview.frames_painted - painted) * 1000 / clock.elapsed()
    scanner.stop()
    assert scanner.worker.frames_decoded > 20
    assert fps >= 25, fps
    assert probe.worst_ms <= 50, probe.worst_ms


def test_screenshot_of_the_preview_with_its_guide(qtbot: QtBot) -> None:
    preview = CameraPreview()
    qtbot.addWidget(preview)
    preview.resize(960, 540)
    preview.show()
    preview.show_frame(frame_with_code(CCCD, module_px=5))
    qtbot.waitUntil(lambda: preview.frames_painted == 1, timeout=2000)
    image = preview.grab().toImage()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(ARTIFACTS / "preview.png"))
    guide = preview.guide_rect()
    centre = image.pixelColor(guide.center().toPoint()).lightness()
    outside = image.pixelColor(5, 5).lightness()
    corner = image.pixelColor(guide.topLeft().toPoint()).lightness()
    assert centre > outside  # the code's white margin vs the shaded surroundings
    assert corner > 200  # the guide's white corner bracket


def _video_frame(
    pixel_format_name: str, width: int, height: int, fill: Callable[[int, np.ndarray], None]
) -> QVideoFrame:
    from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

    pixel_format = getattr(QVideoFrameFormat.PixelFormat, pixel_format_name)
    frame = QVideoFrame(QVideoFrameFormat(QSize(width, height), pixel_format))
    assert frame.map(QVideoFrame.MapMode.WriteOnly)
    for plane in range(frame.planeCount()):
        rows = frame.bytesPerLine(plane)
        data = np.frombuffer(frame.bits(plane), np.uint8).reshape(-1, rows)
        fill(plane, data)
    frame.unmap()
    return frame


def test_yuv_frames_give_their_luma_plane(qapp: object) -> None:
    luma = (np.arange(48 * 64) % 251).astype(np.uint8).reshape(48, 64)

    def planar(plane: int, data: np.ndarray) -> None:
        if plane == 0:
            data[:48, :64] = luma
        else:
            data[:] = 128

    nv12 = _video_frame("Format_NV12", 64, 48, planar)
    assert np.array_equal(video_frame_to_gray(nv12), luma)

    def packed(plane: int, data: np.ndarray) -> None:
        data[:48, 0:128:2] = luma  # Y0 U Y1 V
        data[:48, 1:128:2] = 128

    yuyv = _video_frame("Format_YUYV", 64, 48, packed)
    assert np.array_equal(video_frame_to_gray(yuyv), luma)


def test_rgb_frames_give_their_green_channel(qapp: object) -> None:
    from PySide6.QtGui import QColor, QImage
    from PySide6.QtMultimedia import QVideoFrame

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(10, 200, 30))
    gray = video_frame_to_gray(QVideoFrame(image))
    assert gray is not None and gray.shape == (48, 64)
    assert int(np.asarray(gray).mean()) == 200


def test_without_a_camera_the_source_reports_not_found(qtbot: QtBot) -> None:
    source = QtCameraSource("no such camera 7c1f")
    statuses: list[CameraStatus] = []
    source.status_changed.connect(statuses.append)
    source.start()
    source.stop()
    assert statuses == [CameraStatus.STARTING, CameraStatus.NOT_FOUND, CameraStatus.STOPPED]


def test_importing_the_camera_view_loads_no_heavy_module() -> None:
    """The identify screen imports this at start-up: QtMultimedia, numpy and zxing-cpp wait."""
    heavy = ["PySide6.QtMultimedia", "numpy", "zxingcpp", "PIL"]
    probe = f"import sys, ui.camera_view; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("mirrored", [False, True])
def test_guide_rect_follows_the_cropped_frame(qtbot: QtBot, mirrored: bool) -> None:
    preview = CameraPreview(mirrored=mirrored)
    qtbot.addWidget(preview)
    preview.resize(400, 400)  # square widget: the 16:9 frame is cut at the sides
    preview.show_frame(np.zeros((720, 1280), np.uint8))
    guide = preview.guide_rect()
    assert guide.height() == pytest.approx(400 * 0.8, abs=1)
    assert guide.center().x() == pytest.approx(200, abs=2)


class _Format:
    """Stands in for QCameraFormat: what the format choice reads of it."""

    def __init__(self, width: int, height: int, fps: float, pixel: str) -> None:
        from PySide6.QtMultimedia import QVideoFrameFormat

        self._size = QSize(width, height)
        self._fps = fps
        self._pixel = getattr(QVideoFrameFormat.PixelFormat, pixel)

    def resolution(self) -> QSize:
        return self._size

    def maxFrameRate(self) -> float:
        return self._fps

    def pixelFormat(self) -> object:
        return self._pixel


class _Device:
    def __init__(self, formats: list[_Format]) -> None:
        self._formats = formats

    def videoFormats(self) -> list[_Format]:
        return self._formats


def test_camera_format_prefers_720p_yuv_at_full_rate(qapp: object) -> None:
    from ui.camera_view import _preferred_format

    jpeg_720 = _Format(1280, 720, 30, "Format_Jpeg")
    yuyv_720_slow = _Format(1280, 720, 10, "Format_YUYV")
    yuyv_480 = _Format(640, 480, 30, "Format_YUYV")
    nv12_720 = _Format(1280, 720, 30, "Format_NV12")
    nv12_1080 = _Format(1920, 1080, 30, "Format_NV12")
    offered = [jpeg_720, yuyv_720_slow, yuyv_480, nv12_1080, nv12_720]
    assert _preferred_format(_Device(offered)) is nv12_720  # type: ignore[arg-type]
    assert _preferred_format(_Device([jpeg_720, yuyv_720_slow])) is jpeg_720  # type: ignore[arg-type]
    assert _preferred_format(_Device([])) is None  # type: ignore[arg-type]


def test_other_formats_go_through_qimage(qapp: object) -> None:
    ramp = np.tile(np.linspace(40, 220, 64).astype(np.uint8), (48, 1))

    def ayuv(plane: int, data: np.ndarray) -> None:
        data[:48, 0:256:4] = 255  # A Y U V
        data[:48, 1:256:4] = ramp
        data[:48, 2:256:4] = 128
        data[:48, 3:256:4] = 128

    gray = video_frame_to_gray(_video_frame("Format_AYUV", 64, 48, ayuv))
    assert gray is not None and gray.shape == (48, 64)
    row = np.asarray(gray)[24].astype(int)
    assert np.all(np.diff(row) >= 0)  # the ramp survives, brightening
    assert row[-1] - row[0] > 150
