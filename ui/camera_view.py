"""One module: one frame path (source, preview, decode worker), the UI's only QtMultimedia code.

The camera on the identify screen: frames from a source, a live preview with a guide frame,
and a decode worker reading the QR codes in them.

    FrameSource ──frame_ready(gray H×W)──▶ CameraPreview (paints the newest frame)
                                        └──▶ FrameWorker (own thread) ──codes──▶ CameraScanner
                                                                               .codes_decoded

`QtCameraSource` is the real camera (QtMultimedia); `SimulatedFrameSource` pulls frames from a
simulated camera (drivers.camera.simulated) at a camera's rate through the same path, for the
demo and offscreen tests. The worker is drivers.camera.worker.DecodeWorker, handed in by the
composition root: the UI imports no driver. QtMultimedia is imported only when a real camera
starts: it takes ~35 ms to load and needs libpulse0, and the kiosk's start-up should pay for
neither; Pillow, likewise, only where a frame is converted.

Frames are 8-bit grayscale H×W pixels in a 2-D `memoryview` (no numpy in the kiosk: receivers
read them through the buffer protocol, and tests may hand in numpy arrays). Per frame the GUI
thread does little: the camera's luma plane is copied out as the grayscale image (no colour
conversion), the preview keeps a decimated copy and paints it unscaled-ish, and the full frame
goes to the worker, which drops stale frames.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPaintEvent, QPen, QTransform
from PySide6.QtWidgets import QSizePolicy, QWidget

if TYPE_CHECKING:
    from PySide6.QtMultimedia import (
        QCamera,
        QCameraDevice,
        QCameraFormat,
        QMediaDevices,
        QVideoFrame,
    )
    from typing_extensions import Buffer

log = logging.getLogger(__name__)

# (left, top, width, height) as fractions of the frame: the same numbers make the decoder's
# region of interest (drivers.camera.decoder.Region) where a site wants one.
Guide = tuple[float, float, float, float]
# Where the patient is asked to hold the code: the middle of the frame, square on a 16:9 frame.
DEFAULT_GUIDE: Guide = (0.28, 0.1, 0.44, 0.8)


class CameraStatus(Enum):
    STOPPED = "stopped"
    STARTING = "starting"
    ACTIVE = "active"  # frames are arriving
    NOT_FOUND = "not_found"  # no camera matches the configured name (yet)
    UNPLUGGED = "unplugged"  # the camera in use went away; it resumes when plugged back in
    FAILED = "failed"  # the camera reported an error (busy, no permission, driver fault)


class FrameSource(QObject):
    """Frames as 8-bit grayscale H×W buffers (2-D memoryviews). Receivers only read them: the
    preview keeps its own decimated copy and the worker decodes the frame itself."""

    frame_ready = Signal(object)
    status_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._status = CameraStatus.STOPPED

    @property
    def status(self) -> CameraStatus:
        return self._status

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def _set_status(self, status: CameraStatus) -> None:
        if status is not self._status:
            self._status = status
            log.info("camera %s", status.value)
            self.status_changed.emit(status)


class PulledCamera(Protocol):
    """What SimulatedFrameSource needs (drivers.camera.simulated.SimulatedCamera has it)."""

    @property
    def plugged_in(self) -> bool: ...

    def next_frame(self) -> Buffer: ...


class SimulatedFrameSource(FrameSource):
    """Pulls grayscale frames from a simulated camera at `fps`; an unplugged camera is polled
    until it comes back, as the real source waits for the device to reappear. Frames are passed
    on as they are: receivers only read them."""

    def __init__(
        self, camera: PulledCamera, fps: float = 30.0, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.camera = camera
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(max(1, round(1000 / fps)))
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._set_status(CameraStatus.STARTING)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._set_status(CameraStatus.STOPPED)

    def _tick(self) -> None:
        # Same thread as unplug() in the demo and tests, so nothing changes between the calls.
        if not self.camera.plugged_in:
            self._set_status(CameraStatus.UNPLUGGED)
            return
        frame = self.camera.next_frame()
        if memoryview(frame).ndim != 2:
            raise ValueError("a frame source hands on grayscale H×W frames")
        self._set_status(CameraStatus.ACTIVE)
        self.frame_ready.emit(frame)


class QtCameraSource(FrameSource):
    """The first camera whose name contains `name_contains` (any camera when empty; case does
    not matter). Unplugging is reported as UNPLUGGED and capture resumes when a matching camera
    is back; a missing camera is NOT_FOUND until one appears."""

    def __init__(self, name_contains: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name_contains = name_contains
        self._devices: QMediaDevices | None = None  # once started
        self._camera: QCamera | None = None
        self._session: QObject | None = None
        self._sink: QObject | None = None
        self._device_id: bytes | None = None

    def start(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices  # 35 ms: only when a real camera starts

        self._set_status(CameraStatus.STARTING)
        if self._devices is None:
            self._devices = QMediaDevices(self)
            self._devices.videoInputsChanged.connect(self._inputs_changed)
        self._open(self._matching_device())

    def stop(self) -> None:
        self._close()
        if self._devices is not None:
            self._devices.videoInputsChanged.disconnect(self._inputs_changed)
            self._devices.deleteLater()
            self._devices = None
        self._set_status(CameraStatus.STOPPED)

    def _matching_device(self) -> QCameraDevice | None:
        from PySide6.QtMultimedia import QMediaDevices

        wanted = self.name_contains.casefold()
        for device in QMediaDevices.videoInputs():
            if wanted in device.description().casefold():
                return device
        return None

    def _open(self, device: QCameraDevice | None) -> None:
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QVideoSink

        if device is None:
            self._set_status(CameraStatus.NOT_FOUND)
            return
        self._device_id = bytes(device.id().data())
        self._camera = QCamera(device, self)
        preferred = _preferred_format(device)
        if preferred is not None:
            self._camera.setCameraFormat(preferred)
        self._camera.errorOccurred.connect(self._camera_error)
        self._session = QMediaCaptureSession(self)
        self._sink = QVideoSink(self)
        self._session.setCamera(self._camera)
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._frame)
        self._camera.start()

    def _close(self) -> None:
        if self._camera is not None:
            self._camera.stop()
        for part in (self._sink, self._session, self._camera):
            if part is not None:
                part.deleteLater()
        self._camera = self._session = self._sink = None
        self._device_id = None

    def _inputs_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        if self._device_id is not None:
            present = {bytes(d.id().data()) for d in QMediaDevices.videoInputs()}
            if self._device_id not in present:
                self._close()
                self._set_status(CameraStatus.UNPLUGGED)
            return
        if self.status in (CameraStatus.UNPLUGGED, CameraStatus.NOT_FOUND):
            device = self._matching_device()
            if device is not None:
                self._set_status(CameraStatus.STARTING)
                self._open(device)

    def _camera_error(self, error: object, description: str) -> None:
        log.error("camera error %s: %s", error, description)  # device text, no personal data
        self._set_status(CameraStatus.FAILED)

    def _frame(self, frame: QVideoFrame) -> None:
        gray = video_frame_to_gray(frame)
        if gray is None:
            return
        self._set_status(CameraStatus.ACTIVE)
        self.frame_ready.emit(gray)


# What the decoder is tuned for: a card's QR code at arm's length reads well at 1280×720.
_WANTED_PIXELS = 1280 * 720
_WANTED_FPS = 25


def camera_names() -> list[str]:
    """The cameras Qt sees, by name (for staff to pick from); none if QtMultimedia cannot load."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:  # e.g. libpulse0 missing on Linux
        return []
    return [device.description() for device in QMediaDevices.videoInputs()]


def _preferred_format(device: QCameraDevice) -> QCameraFormat | None:
    """The format nearest 720p among those with ≥ 25 fps, a luma plane (no JPEG to decode)
    preferred; None when the camera lists none (Qt then picks)."""

    def cost(candidate: QCameraFormat) -> tuple[bool, bool, int]:
        size = candidate.resolution()
        return (
            candidate.maxFrameRate() < _WANTED_FPS,
            candidate.pixelFormat().name not in _LUMA_LAYOUT,
            abs(size.width() * size.height() - _WANTED_PIXELS),
        )

    formats = device.videoFormats()
    return min(formats, key=cost) if formats else None


def video_frame_to_gray(frame: QVideoFrame) -> memoryview | None:
    """The frame's luminance as a fresh H×W frame, None for an empty frame.

    YUV formats carry it as their first plane (copied as is); packed RGB gives its green byte
    (close to luminance, and one strided copy); anything else goes through QImage.
    """
    from PySide6.QtMultimedia import QVideoFrame

    if not frame.isValid() or frame.width() <= 0 or frame.height() <= 0:
        return None
    layout = _LUMA_LAYOUT.get(frame.pixelFormat().name)
    if layout is None:
        image = frame.toImage().convertToFormat(QImage.Format.Format_Grayscale8)
        return _samples(image.constBits(), image.width(), image.height(), image.bytesPerLine())
    if not frame.map(QVideoFrame.MapMode.ReadOnly):
        return None
    try:
        offset, step = layout
        plane = frame.bits(0)
        return _samples(plane, frame.width(), frame.height(), frame.bytesPerLine(0), offset, step)
    finally:
        frame.unmap()


# Pillow's raw modes by bytes per pixel: each byte of a pixel is one of the mode's channels.
_PACKED_MODES = {1: "L", 2: "LA", 4: "RGBA"}


def _samples(
    plane: Buffer, width: int, height: int, stride: int, offset: int = 0, step: int = 1
) -> memoryview:
    """Byte `offset` of every `step`-byte pixel in `height` rows of `stride` bytes, copied into
    a fresh H×W frame (Pillow picks a channel in C: a strided Python copy is ten times slower)."""
    from PIL import Image

    mode = _PACKED_MODES[step]
    # Any buffer will do, though Pillow's stubs name only bytes and arrays.
    image = Image.frombuffer(mode, (width, height), plane, "raw", mode, stride, 1)  # type: ignore[arg-type]
    channel = image if step == 1 else image.getchannel(offset)
    return memoryview(channel.tobytes()).cast("B", (height, width))


# QVideoFrameFormat.PixelFormat name -> (byte offset of a row's first luma sample, bytes between
# samples).
_LUMA_LAYOUT: dict[str, tuple[int, int]] = {
    **dict.fromkeys(
        (
            "Format_NV12",
            "Format_NV21",
            "Format_YUV420P",
            "Format_YUV422P",
            "Format_YV12",
            "Format_IMC1",
            "Format_IMC2",
            "Format_IMC3",
            "Format_IMC4",
            "Format_Y8",
        ),
        (0, 1),
    ),
    "Format_YUYV": (0, 2),
    "Format_UYVY": (1, 2),
    **dict.fromkeys(("Format_Y16", "Format_P010", "Format_P016"), (1, 2)),  # high byte (LE)
    **dict.fromkeys(
        ("Format_ARGB8888", "Format_ARGB8888_Premultiplied", "Format_XRGB8888"), (2, 4)
    ),
    **dict.fromkeys(("Format_ABGR8888", "Format_XBGR8888"), (2, 4)),
    **dict.fromkeys(
        ("Format_BGRA8888", "Format_BGRA8888_Premultiplied", "Format_BGRX8888"), (1, 4)
    ),
    **dict.fromkeys(("Format_RGBA8888", "Format_RGBX8888"), (1, 4)),
}


class CameraPreview(QWidget):
    """The live picture, cropped to fill the widget, with a guide frame where the code goes.

    Frames are decimated to about the widget's size when they arrive, so a paint is one
    unscaled-ish image draw whatever the camera's resolution.
    """

    def __init__(
        self,
        guide: Guide = DEFAULT_GUIDE,
        *,
        mirrored: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.guide = guide
        self.mirrored = mirrored  # a selfie view helps people aim; off, text reads the right way
        self.frames_shown = 0
        self.frames_painted = 0
        self._image: QImage | None = None
        self._frame_size = (16, 9)
        self._fresh = False
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)

    def show_frame(self, gray: Buffer) -> None:
        view = memoryview(gray)
        height, width = (view.shape or (0, 0))[:2]
        if not view.c_contiguous:  # a slice of a larger array: QImage needs whole rows
            view = memoryview(view.tobytes())
        self._frame_size = (width, height)
        step = max(1, math.floor(min(width / max(1, self.width()), height / max(1, self.height()))))
        frame = QImage(view, width, height, width, QImage.Format.Format_Grayscale8)  # no copy
        # The decimated copy owns its pixels: the frame may go once this returns.
        small = frame.scaled(width // step, height // step) if step > 1 else frame.copy()
        self._image = small.transformed(QTransform(-1, 0, 0, 1, 0, 0)) if self.mirrored else small
        self.frames_shown += 1
        self._fresh = True
        self.update()

    def clear(self) -> None:
        """No picture (camera stopped or unplugged): the widget shows its dark background."""
        self._image = None
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 24, 28))
        target = self._frame_rect()
        if self._image is not None:
            painter.drawImage(target, self._image)
            if self._fresh:
                self.frames_painted += 1
                self._fresh = False
        self._paint_guide(painter, target)
        painter.end()

    def _frame_rect(self) -> QRectF:
        """Where the whole frame lands: scaled to cover the widget, centred, edges cut off."""
        width, height = self._frame_size
        scale = max(self.width() / width, self.height() / height)
        w, h = width * scale, height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def guide_rect(self) -> QRectF:
        """The guide frame in widget coordinates (mirrored with the picture)."""
        frame = self._frame_rect()
        left, top, width, height = self.guide
        if self.mirrored:
            left = 1 - left - width
        rect = QRectF(
            frame.x() + left * frame.width(),
            frame.y() + top * frame.height(),
            width * frame.width(),
            height * frame.height(),
        )
        return rect.intersected(QRectF(self.rect()))

    def _paint_guide(self, painter: QPainter, frame: QRectF) -> None:
        guide = self.guide_rect()
        shade = QPainterPath()
        shade.addRect(QRectF(self.rect()))
        hole = QPainterPath()
        hole.addRect(guide)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(shade.subtracted(hole), QColor(0, 0, 0, 110))
        arm = min(guide.width(), guide.height()) * 0.18
        pen = QPen(QColor(255, 255, 255), max(3.0, min(self.width(), self.height()) / 90))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        for corner, dx, dy in (
            (guide.topLeft(), 1, 1),
            (guide.topRight(), -1, 1),
            (guide.bottomRight(), -1, -1),
            (guide.bottomLeft(), 1, -1),
        ):
            painter.drawLine(corner, corner + QPointF(dx * arm, 0))
            painter.drawLine(corner, corner + QPointF(0, dy * arm))


class FrameWorker(Protocol):
    """What CameraScanner needs of its decode worker (drivers.camera.worker.DecodeWorker)."""

    def start(self) -> None: ...

    def submit(self, frame: Buffer) -> None: ...

    def stop(self) -> None: ...


# The worker's codes for one frame (DecodedCode): passed on as they are, never read here.
CodesReport = Callable[[Sequence[object]], None]


class CameraScanner(QObject):
    """Wires a frame source to a preview and a decode worker; reports codes on the GUI thread.

    `make_worker` builds the worker around the report function it is given (callable from any
    thread), e.g. `lambda report: DecodeWorker(FrameDecoder(settings), report)`.
    `codes_decoded` carries the worker's list of codes (DecodedCode) for every decoded frame
    that had one, so a code held up is reported many times a second: de-duplicate downstream
    (kiosk.core.identity.dedup). `status_changed` forwards the source's CameraStatus.
    """

    codes_decoded = Signal(object)
    status_changed = Signal(object)
    _reported = Signal(object)

    def __init__(
        self,
        source: FrameSource,
        make_worker: Callable[[CodesReport], FrameWorker],
        preview: CameraPreview | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.source = source
        self.preview = preview
        self.worker = make_worker(self._reported.emit)
        self._running = False
        # Queued: the worker thread emits, the GUI thread delivers.
        self._reported.connect(self.codes_decoded.emit, Qt.ConnectionType.QueuedConnection)
        source.frame_ready.connect(self._frame)
        source.status_changed.connect(self._status)

    @property
    def status(self) -> CameraStatus:
        return self.source.status

    def start(self) -> None:
        self.worker.start()
        self._running = True
        self.source.start()

    def stop(self) -> None:
        """Stops the source, then the worker (waits for a decode in progress, a few ms)."""
        self._running = False
        self.source.stop()
        self.worker.stop()

    def _frame(self, gray: Buffer) -> None:
        if not self._running:
            return  # a frame the camera queued before it was stopped
        if self.preview is not None:
            self.preview.show_frame(gray)
        self.worker.submit(gray)

    def _status(self, status: CameraStatus) -> None:
        if self.preview is not None and status is not CameraStatus.ACTIVE:
            self.preview.clear()
        self.status_changed.emit(status)


__all__ = [
    "DEFAULT_GUIDE",
    "CameraPreview",
    "CameraScanner",
    "CameraStatus",
    "FrameSource",
    "FrameWorker",
    "Guide",
    "PulledCamera",
    "QtCameraSource",
    "SimulatedFrameSource",
    "video_frame_to_gray",
]
