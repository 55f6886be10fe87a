"""A harder deterministic set of 1280×720 frames: the image set's kinds of trouble turned up to
where zxing-cpp with its default options misses about one code in eight, plus phones in dark
mode (a light code on a dark screen), and scenes with no code.

Drawn from a seed with the image set's primitives (tests/drivers/camera/imageset.py), at test
or benchmark time, and cached in the temp folder like it. Payloads are the kiosk's own kinds:
CCCD and BHYT card codes and hospital booking codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from kiosk.app.sample_codes import bhyt_qr_payload, cccd_qr_payload
from tests.drivers.camera.imageset import (
    WITHOUT_CODE,
    Drawer,
    Maker,
    Rng,
    Sample,
    _blur,
    _glare,
    _identity,
    _jpeg,
    _motion_blur,
    _noise,
    _phone_scene,
    _scene,
    cached_samples,
    draw_samples,
)

HARD_SEED = 20261207
_ALPHABET = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))


def _payload(rng: Rng) -> str:
    """A CCCD code (most patients), a BHYT card code or a hospital booking code."""
    person = _identity(rng)
    roll = rng.random()
    if roll < 0.45:
        old_id = f"{int(rng.integers(0, 10**9)):09d}" if rng.random() < 0.5 else ""
        return cccd_qr_payload(person, issue_date=date(2022, 8, 30), old_id=old_id)
    if roll < 0.75:
        return bhyt_qr_payload(
            person, facility_code="79 - 024", valid_from=date(2026, 1, 1), valid_to=None
        )
    day = f"202612{int(rng.integers(1, 29)):02d}"
    return f"BOOK|BV079|{day}|{int(rng.integers(1, 999)):03d}|" + "".join(rng.choice(_ALPHABET, 10))


def _glared(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(2.3, 3.8))
    side = np.linalg.norm(scene.quad[1] - scene.quad[0])
    frame = _glare(rng, scene.frame, scene.quad.mean(axis=0), rng.uniform(0.45, 0.75) * side)
    return _noise(rng, _blur(frame, 0.7), 2.5)


def _low_contrast(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(2.8, 5))
    middle = rng.uniform(70, 190)
    frame = middle + (scene.frame - 128) * rng.uniform(0.075, 0.14)
    return _noise(rng, _blur(frame, 1.0), 2.0)


def _small(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(1.35, 2.0), on_card=True)
    return _noise(rng, _blur(scene.frame, 0.6), 3)


def _heavy_jpeg(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(2.3, 3.5))
    frame = _noise(rng, _blur(scene.frame, 0.6), 3)
    return _jpeg(frame, int(rng.integers(7, 15)))


def _steep_tilt(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(3, 5), tilt=rng.uniform(0.35, 0.5))
    return _noise(rng, _blur(scene.frame, 0.9), 3)


def _motion(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(4, 7))
    length = int(rng.integers(5, 11))
    return _noise(rng, _motion_blur(scene.frame, length, rng.uniform(0, 180)), 2)


def _phone(rng: Rng, payload: str) -> np.ndarray:
    scene = _phone_scene(rng, payload, module=rng.uniform(2.9, 4.5))
    return _noise(rng, _blur(scene.frame, rng.uniform(0.8, 1.4)), 3)


def _dark_phone(rng: Rng, payload: str) -> np.ndarray:
    scene = _phone_scene(rng, payload, module=rng.uniform(2.6, 4.5), dark_mode=True)
    return _noise(rng, _blur(scene.frame, rng.uniform(0.6, 1.4)), 3)


def _dark_phone_without_code(rng: Rng) -> np.ndarray:
    scene = _phone_scene(rng, None, module=rng.uniform(3, 5), dark_mode=True)
    return _noise(rng, scene.frame, 3)


HARD_WITH_CODE: dict[str, tuple[Maker, int]] = {
    "glare": (_glared, 30),
    "low_contrast": (_low_contrast, 30),
    "small": (_small, 30),
    "heavy_jpeg": (_heavy_jpeg, 30),
    "steep_tilt": (_steep_tilt, 30),
    "motion_blur": (_motion, 30),
    "phone": (_phone, 30),
    "dark_phone": (_dark_phone, 30),
}

HARD_WITHOUT_CODE: dict[str, tuple[Drawer, int]] = {
    **{kind: (draw, count + 2) for kind, (draw, count) in WITHOUT_CODE.items()},
    "dark_phone_no_code": (_dark_phone_without_code, 6),
}


def _samples(seed: int) -> Iterator[Sample]:
    return draw_samples(seed, HARD_WITH_CODE, HARD_WITHOUT_CODE, _payload)


@cache
def hard_set(seed: int = HARD_SEED) -> tuple[Sample, ...]:
    """240 frames with a code (30 of each kind) and 45 without; ~40 s to draw the first time."""
    return cached_samples("hardset", seed, _samples, [Path(__file__)])
