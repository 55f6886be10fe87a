"""DecodeWorker: the newest frame wins, stale frames are counted as dropped, stop is clean, the
decoder's second look is granted at a bounded rate."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from drivers.camera.decoder import DecodedCode, FrameDecoder
from drivers.camera.errors import CameraError, CameraProblem
from drivers.camera.simulated import empty_scene, frame_with_code
from drivers.camera.worker import DecodeWorker

PAYLOAD = "079203012345|Trần Thị Lan|14022003|Nữ"


class GatedDecoder(FrameDecoder):
    """Blocks in decode until the test opens the gate; remembers which frames it saw."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.seen: list[int] = []

    def decode(self, frame: np.ndarray, *, second_look: bool = True) -> list[DecodedCode]:
        self.seen.append(int(frame[0, 0]))
        self.entered.set()
        self.gate.wait(5)
        return []


def _numbered(n: int) -> np.ndarray:
    frame = np.zeros((32, 32), np.uint8)
    frame[0, 0] = n
    return frame


def decoding_frame_1() -> tuple[DecodeWorker, GatedDecoder]:
    """A started worker whose decoder is held inside frame 1 until its gate opens."""
    decoder = GatedDecoder()
    worker = DecodeWorker(decoder, lambda codes: None)
    worker.start()
    worker.submit(_numbered(1))
    assert decoder.entered.wait(5)
    return worker, decoder


def test_newest_frame_wins_and_stale_ones_are_dropped() -> None:
    worker, decoder = decoding_frame_1()  # 2..5 arrive meanwhile
    for n in range(2, 6):
        worker.submit(_numbered(n))
    decoder.gate.set()
    assert worker.wait_idle(5)
    worker.stop()
    assert decoder.seen == [1, 5]
    assert worker.frames_decoded == 2
    assert worker.frames_dropped == 3


def test_codes_reach_the_listener_on_the_worker_thread() -> None:
    received: list[tuple[list[DecodedCode], str]] = []
    done = threading.Event()

    def on_codes(codes: list[DecodedCode]) -> None:
        received.append((codes, threading.current_thread().name))
        done.set()

    worker = DecodeWorker(FrameDecoder(), on_codes)
    worker.start()
    worker.submit(empty_scene())
    assert worker.wait_idle(5)
    assert not received  # frames without a code report nothing
    worker.submit(frame_with_code(PAYLOAD))
    assert done.wait(5)
    worker.stop()
    (codes, thread), *_ = received
    assert [c.text for c in codes] == [PAYLOAD]
    assert thread == "camera-decode"


def test_stop_joins_refuses_new_frames_and_can_restart() -> None:
    worker = DecodeWorker(FrameDecoder(), lambda codes: None)
    worker.start()
    assert worker.running
    worker.stop()
    assert not worker.running
    with pytest.raises(CameraError) as raised:
        worker.submit(empty_scene())
    assert raised.value.problem is CameraProblem.STOPPED
    worker.start()
    worker.submit(empty_scene())
    assert worker.wait_idle(5)
    worker.stop()
    assert worker.frames_decoded == 1


def test_stop_drops_a_waiting_frame_and_waits_for_the_decode_in_progress() -> None:
    worker, decoder = decoding_frame_1()
    worker.submit(_numbered(2))
    threading.Timer(0.05, decoder.gate.set).start()
    worker.stop()
    assert not worker.running
    assert decoder.seen == [1]
    assert worker.frames_dropped == 1


def test_stop_reports_a_decoder_that_does_not_finish() -> None:
    worker, decoder = decoding_frame_1()
    with pytest.raises(CameraError):
        worker.stop(timeout=0.05)
    decoder.gate.set()
    worker.stop()


def test_bad_frames_go_to_the_error_listener_and_the_worker_carries_on() -> None:
    errors: list[CameraError] = []
    found = threading.Event()
    worker = DecodeWorker(FrameDecoder(), lambda codes: found.set(), errors.append)
    worker.start()
    worker.submit(np.zeros((720, 1280), np.float32))
    assert worker.wait_idle(5)
    worker.submit(frame_with_code(PAYLOAD))
    assert found.wait(5)
    worker.stop()
    assert [e.problem for e in errors] == [CameraProblem.BAD_FRAME]
    assert worker.frames_failed == 1
    assert worker.frames_decoded == 1


class RecordingDecoder(FrameDecoder):
    """The real decoder, remembering whether each frame was allowed a second look."""

    def __init__(self) -> None:
        super().__init__()
        self.second_looks: list[bool] = []

    def decode(self, frame: np.ndarray, *, second_look: bool = True) -> list[DecodedCode]:
        self.second_looks.append(second_look)
        return super().decode(frame, second_look=second_look)


def test_second_look_is_granted_at_most_at_its_rate() -> None:
    decoder = RecordingDecoder()
    worker = DecodeWorker(decoder, lambda codes: None, second_looks_per_second=0.5)
    worker.start()
    for _ in range(5):
        worker.submit(empty_scene())
        assert worker.wait_idle(5)
    worker.stop()
    assert decoder.second_looks == [True, False, False, False, False]
    with pytest.raises(ValueError):
        DecodeWorker(decoder, lambda codes: None, second_looks_per_second=0)


def test_a_hard_frame_is_read_once_its_second_look_comes() -> None:
    """A dark-mode code (light on dark) needs the second look: read on the granted frames."""
    found = threading.Event()
    dark = 255 - np.asarray(frame_with_code(PAYLOAD, module_px=4))
    worker = DecodeWorker(FrameDecoder(), lambda codes: found.set(), second_looks_per_second=20)
    worker.start()
    worker.submit(dark)
    assert found.wait(5)
    worker.stop()
