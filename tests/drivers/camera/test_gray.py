"""GrayImage and to_gray: frames read where they lie, crops sharing the buffer, strict checks."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.camera.errors import CameraError, CameraProblem
from drivers.camera.gray import GrayImage, frame_of, to_gray


def _numbered(height: int = 48, width: int = 64) -> np.ndarray:
    return (np.arange(height * width) % 251).astype(np.uint8).reshape(height, width)


def test_gray_frames_are_shared_not_copied() -> None:
    pixels = _numbered()
    gray = to_gray(pixels)
    assert (gray.width, gray.height, gray.stride) == (64, 48, 64)
    pixels[5, 7] = 250  # the image is a view of the frame
    assert np.asarray(gray.pil())[5, 7] == 250


def test_crop_shares_the_buffer_and_matches_numpy_slicing() -> None:
    pixels = _numbered()
    gray = to_gray(pixels)
    crop = gray.crop(10, 5, 30, 20)
    assert crop.buffer is gray.buffer and crop.offset == 5 * 64 + 10
    assert np.array_equal(np.asarray(crop.pil()), pixels[5:25, 10:40])
    nested = crop.crop(3, 2, 10, 10)
    assert np.array_equal(np.asarray(nested.pil()), pixels[7:17, 13:23])


def test_crop_to_the_last_row_is_copied_when_the_buffer_ends_too_soon() -> None:
    pixels = _numbered()
    crop = to_gray(pixels).crop(20, 30, 44, 18)  # bottom right: rows would overrun the buffer
    assert crop.offset == 0 and crop.stride == 44
    assert np.array_equal(np.asarray(crop.pil()), pixels[30:, 20:])
    left = to_gray(pixels).crop(0, 30, 10, 18)  # bottom left: whole rows remain, shared
    assert left.offset == 30 * 64


@pytest.mark.parametrize("box", [(-1, 0, 5, 5), (0, 0, 65, 5), (60, 0, 5, 5), (0, 40, 5, 9)])
def test_crops_outside_the_image_are_refused(box: tuple[int, int, int, int]) -> None:
    with pytest.raises(ValueError):
        to_gray(_numbered()).crop(*box)


def test_colour_and_strided_frames_become_gray_copies() -> None:
    rgb = np.zeros((40, 50, 3), np.uint8)
    rgb[..., 1] = 200  # pure green: BT.601 luma 0.587 × 200
    gray = to_gray(rgb)
    assert np.asarray(gray.pil())[0, 0] == round(0.587 * 200)
    rgba = np.dstack([rgb, np.full((40, 50), 7, np.uint8)])
    assert np.asarray(to_gray(rgba).pil())[0, 0] == round(0.587 * 200)
    pixels = _numbered()
    strided = to_gray(pixels[:, ::2])
    assert np.array_equal(np.asarray(strided.pil()), pixels[:, ::2])


def test_frame_of_makes_a_2d_memoryview() -> None:
    pixels = _numbered()
    frame = frame_of(to_gray(pixels).pil())
    assert frame.shape == (48, 64) and frame.format == "B"
    assert np.array_equal(np.asarray(frame), pixels)
    assert GrayImage.from_pil(to_gray(frame).pil()).stride == 64


@pytest.mark.parametrize(
    "frame",
    [np.zeros((40, 40), np.int8), np.zeros((40, 40, 2), np.uint8), b"\0" * 1600, 3.5],
    ids=["int8", "two-channels", "flat-bytes", "float"],
)
def test_to_gray_refuses_what_is_not_a_frame(frame: object) -> None:
    with pytest.raises(CameraError) as raised:
        to_gray(frame)  # type: ignore[arg-type]
    assert raised.value.problem is CameraProblem.BAD_FRAME
