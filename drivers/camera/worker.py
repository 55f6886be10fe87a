"""A decode thread that keeps up with any camera: it always takes the newest frame.

The camera delivers frames at its own pace; decoding takes a few milliseconds but sometimes
more (a fallback pass, a busy machine). Frames are never queued: a frame that arrives while
another waits replaces it, and the replaced one counts as dropped. So the code the patient
holds up now is the one decoded next, however far behind the decoder fell.

The decoder's second look (about 10 ms on a frame without a code) is granted a few times a
second, not to every frame: an empty hall would otherwise keep a third of a core busy, and a
code held up stays in view for many frames, so the next grant comes while it is still there.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.camera.errors import CameraError, CameraProblem

if TYPE_CHECKING:
    from typing_extensions import Buffer

    from drivers.camera.decoder import DecodedCode, FrameDecoder

log = logging.getLogger(__name__)

CodesListener = Callable[[list["DecodedCode"]], None]
ErrorListener = Callable[[CameraError], None]


class DecodeWorker:
    """Decodes submitted frames on its own thread; `on_codes` runs there, for frames with codes.

    `submit` hands the frame over: the caller must not change it afterwards. The decoder's
    second look is allowed at most `second_looks_per_second` times a second.
    """

    def __init__(
        self,
        decoder: FrameDecoder,
        on_codes: CodesListener,
        on_error: ErrorListener | None = None,
        *,
        name: str = "camera-decode",
        second_looks_per_second: float = 10.0,
    ) -> None:
        if second_looks_per_second <= 0:
            raise ValueError("second looks need a positive rate")
        self._decoder = decoder
        self._second_look_every = 1 / second_looks_per_second
        self._next_second_look = 0.0  # monotonic seconds; only the decode thread uses it
        self._on_codes = on_codes
        self._on_error = on_error
        self._wake = threading.Condition()
        self._pending: Buffer | None = None
        self._stopping = False
        self._busy = False
        self._decoded = 0
        self._dropped = 0
        self._failed = 0
        self._name = name
        self._thread: threading.Thread | None = None

    @property
    def frames_decoded(self) -> int:
        """Frames the decoder has finished with, codes found or not."""
        with self._wake:
            return self._decoded

    @property
    def frames_dropped(self) -> int:
        """Frames replaced by a newer one before the decoder got to them."""
        with self._wake:
            return self._dropped

    @property
    def frames_failed(self) -> int:
        """Frames the decoder refused (wrong shape or pixel type)."""
        with self._wake:
            return self._failed

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Starts the thread; again after `stop` (the counts go on). No-op while running."""
        with self._wake:
            if self.running:
                return
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def submit(self, frame: Buffer) -> None:
        with self._wake:
            if self._stopping:
                raise CameraError(CameraProblem.STOPPED, "the decode worker was stopped")
            if self._pending is not None:
                self._dropped += 1
            self._pending = frame
            self._wake.notify()

    def wait_idle(self, timeout: float) -> bool:
        """True once no frame is waiting or being decoded (tests and benchmarks)."""
        with self._wake:
            return self._wake.wait_for(
                lambda: self._pending is None and not self._busy, timeout=timeout
            )

    def stop(self, timeout: float = 2.0) -> None:
        """Drops any waiting frame, lets a decode in progress finish, and joins the thread."""
        with self._wake:
            self._stopping = True
            if self._pending is not None:
                self._dropped += 1
                self._pending = None
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise CameraError(CameraProblem.STOPPED, f"decoder still busy after {timeout} s")

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._pending is not None or self._stopping)
                if self._stopping:
                    return
                frame, self._pending = self._pending, None
                assert frame is not None  # woken for a frame, since not for stopping
                self._busy = True
            try:
                self._decode(frame)
            finally:
                with self._wake:
                    self._busy = False
                    self._wake.notify_all()

    def _decode(self, frame: Buffer) -> None:
        now = time.monotonic()
        second_look = now >= self._next_second_look
        if second_look:
            self._next_second_look = now + self._second_look_every
        try:
            codes = self._decoder.decode(frame, second_look=second_look)
        except CameraError as error:
            with self._wake:
                self._failed += 1
            if self._on_error is None:
                log.warning("camera frame refused: %s", error)  # shape and type only
            else:
                self._on_error(error)
            return
        with self._wake:
            self._decoded += 1
        if codes:
            self._on_codes(codes)
