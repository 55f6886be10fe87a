"""SimulatedCamera: scripted frames, a code appearing after N frames, unplug and replug."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.camera.decoder import FrameDecoder
from drivers.camera.errors import CameraError, CameraProblem
from drivers.camera.simulated import SimulatedCamera, empty_scene, frame_with_code

PAYLOAD = "DN4010123456789|4e677579e1bb856e|01/01/1990|1|$"


def test_still_repeats_its_frame() -> None:
    frame = empty_scene(320, 240)
    camera = SimulatedCamera.still(frame)
    assert all(camera.next_frame() is frame for _ in range(5))
    assert camera.frames_delivered == 5
    assert camera.frame_size == (320, 240)


def test_code_appears_after_n_frames() -> None:
    camera = SimulatedCamera.code_appears_after(3, PAYLOAD)
    decoder = FrameDecoder()
    seen = [[c.text for c in decoder.decode(camera.next_frame())] for _ in range(5)]
    assert seen == [[], [], [], [PAYLOAD], [PAYLOAD]]


def test_scripted_sequence_then_holds_the_last_frame() -> None:
    frames = [np.full((48, 64), n, np.uint8) for n in (10, 20, 30)]
    camera = SimulatedCamera(frames)
    assert [int(camera.next_frame()[0, 0]) for _ in range(5)] == [10, 20, 30, 30, 30]
    camera.show([np.full((48, 64), 99, np.uint8)])
    assert int(camera.next_frame()[0, 0]) == 99
    with pytest.raises(ValueError):
        camera.show([np.zeros((10, 10), np.uint8)])


def test_unplugged_after_n_frames_until_plugged_back() -> None:
    camera = SimulatedCamera([empty_scene(64, 48)], unplug_after=2)
    camera.next_frame()
    camera.next_frame()
    for _ in range(2):
        with pytest.raises(CameraError) as raised:
            camera.next_frame()
        assert raised.value.problem is CameraProblem.UNPLUGGED
    assert not camera.plugged_in
    camera.plug_in()
    assert camera.next_frame().shape == (48, 64)
    camera.unplug()
    with pytest.raises(CameraError):
        camera.next_frame()


def test_frames_are_validated() -> None:
    with pytest.raises(ValueError):
        SimulatedCamera([])
    with pytest.raises(ValueError):
        SimulatedCamera([np.zeros((4, 4), np.uint8), np.zeros((5, 5), np.uint8)])
    with pytest.raises(ValueError):
        SimulatedCamera([np.zeros((4, 4), np.float32)])
    with pytest.raises(ValueError):
        frame_with_code(PAYLOAD * 20, width=320, height=240)
