"""A deterministic set of 1280×720 camera frames: QR codes as a kiosk camera sees them, and
scenes with no code at all.

Everything is drawn with numpy and Pillow from a seed, so the set is the same on every machine
and needs no files. Each sample's random numbers come from (seed, index), so adding a kind
later does not change the frames already there. Frames are 8-bit grayscale: what the camera
path hands the decoder (the Y plane of the camera's frames).

Kinds with a code: clean, small, large, rotated, blurred, perspective, glare, low contrast,
phone screen (a bright rounded screen with moiré in a dark room), dim and noisy.
Kinds without: textures, text-like noise, face-like blobs, checkerboards, a card or a phone
with no code, and QR look-alikes (finder patterns around random modules).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
import PIL
import qrcode
from PIL import Image, ImageDraw, ImageFilter

from kiosk.app.sample_codes import bhyt_qr_payload, cccd_qr_payload
from kiosk.core.domain import BirthDate, Identity, IdentitySource, Sex

WIDTH, HEIGHT = 1280, 720
_QR_VERSION = version("qrcode")
DEFAULT_SEED = 20261123

Rng = np.random.Generator
Quad = np.ndarray  # 4×2 float corners: top-left, top-right, bottom-right, bottom-left


@dataclass(frozen=True)
class Sample:
    name: str  # kind-index, e.g. "glare-3"
    kind: str
    frame: np.ndarray  # HEIGHT×WIDTH uint8
    payload: str | None  # what the code says; None where there is no code

    @property
    def has_code(self) -> bool:
        return self.payload is not None


# ---------------------------------------------------------------- payloads

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Đặng", "Bùi", "Đỗ"]
_MIDDLE = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thu", "Đức", "Thanh"]
_GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hương", "Lan", "Phúc", "Quỳnh", "Tuấn", "Yến"]
_STREETS = [
    "Số 1 Phố Huế, Phường Hàng Bài, Quận Hoàn Kiếm, Hà Nội",
    "12/3 Đường Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
    "Thôn Đông, Xã Yên Phong, Huyện Yên Phong, Bắc Ninh",
    "45 Trần Phú, Phường Hải Châu 1, Quận Hải Châu, Đà Nẵng",
    "Tổ 7, Phường Quang Trung, TP. Thái Nguyên, Thái Nguyên",
]
_PROVINCES = ["001", "079", "048", "027", "019", "031"]


def _identity(rng: Rng) -> Identity:
    sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
    birth = date(int(rng.integers(1935, 2020)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    century_sex = (0 if birth.year < 2000 else 2) + (0 if sex is Sex.MALE else 1)
    citizen_id = (
        f"{_PROVINCES[rng.integers(len(_PROVINCES))]}{century_sex}{birth.year % 100:02d}"
        f"{int(rng.integers(0, 1_000_000)):06d}"
    )
    middle = "Thị" if sex is Sex.FEMALE else _MIDDLE[rng.integers(len(_MIDDLE))]
    name = f"{_FAMILY[rng.integers(len(_FAMILY))]} {middle} {_GIVEN[rng.integers(len(_GIVEN))]}"
    return Identity(
        IdentitySource.CCCD_QR,
        citizen_id=citizen_id,
        insurance_number=f"DN4{citizen_id[2:4]}{citizen_id[-10:]}",
        full_name=name,
        birth=BirthDate.from_date(birth),
        sex=sex,
        address=_STREETS[rng.integers(len(_STREETS))],
    )


def _payload(rng: Rng) -> str:
    """A CCCD (most patients), BHYT, VNeID-like token or booking code."""
    person = _identity(rng)
    roll = rng.random()
    if roll < 0.5:
        old_id = f"{int(rng.integers(0, 10**9)):09d}" if rng.random() < 0.5 else ""
        return cccd_qr_payload(person, issue_date=date(2021, 4, 12), old_id=old_id)
    if roll < 0.75:
        return bhyt_qr_payload(
            person, facility_code="01 - 001", valid_from=date(2025, 1, 1), valid_to=None
        )
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
    if roll < 0.9:
        return "VNEID." + "".join(rng.choice(alphabet, 96))
    return f"BOOK|BV001|20261123|{int(rng.integers(1, 999)):03d}|" + "".join(
        rng.choice(alphabet, 8)
    )


@cache
def _modules(payload: str) -> np.ndarray:
    """The code's dark modules (True), quiet zone of 4 modules included."""
    # A mask fixed by the payload: qrcode's search over all eight masks is most of its time.
    mask = sum(payload.encode("utf-8")) % 8
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, mask_pattern=mask
    )
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return np.array(code.get_matrix(), dtype=bool)


# ---------------------------------------------------------------- drawing primitives


def _smooth_noise(rng: Rng, height: int, width: int, cells: int) -> np.ndarray:
    """Noise with features about width/cells pixels wide, in [0, 1]."""
    cells_y = max(2, cells * height // width)
    small = Image.fromarray((rng.random((cells_y, cells)) * 255).astype(np.uint8))
    return np.asarray(small.resize((width, height), Image.Resampling.BICUBIC), np.float32) / 255


def _background(rng: Rng, level: float, spread: float) -> np.ndarray:
    texture = sum(
        _smooth_noise(rng, HEIGHT, WIDTH, cells) * weight for cells, weight in ((4, 0.6), (40, 0.4))
    )
    gradient = np.linspace(-0.5, 0.5, WIDTH, dtype=np.float32)[None, :] * rng.uniform(-0.4, 0.4)
    return level + spread * (texture - 0.5 + gradient)


def _code_patch(modules: np.ndarray, module_px: int, dark: int, light: int) -> np.ndarray:
    return np.where(np.kron(modules, np.ones((module_px, module_px), bool)), dark, light).astype(
        np.float32
    )


def _card_patch(rng: Rng, modules: np.ndarray, module_px: int) -> np.ndarray:
    """A plastic card: the code at the right, lines of text at the left."""
    code = _code_patch(modules, module_px, 25, int(rng.integers(200, 245)))
    side = code.shape[0]
    card = Image.new("L", (int(side * 2.2), int(side * 1.3)), int(rng.integers(185, 225)))
    draw = ImageDraw.Draw(card)
    for row in range(6):
        y = int(side * (0.15 + row * 0.17))
        x = int(side * 0.08)
        while x < side * 1.0:
            word = int(rng.integers(side // 20, side // 7))
            draw.rectangle([x, y, x + word, y + side // 22], fill=int(rng.integers(40, 110)))
            x += word + side // 25
    patch = np.asarray(card, np.float32).copy()
    top, left = (patch.shape[0] - side) // 2, patch.shape[1] - side - side // 12
    patch[top : top + side, left : left + side] = code
    return patch


def _phone_patch(
    rng: Rng, modules: np.ndarray | None, module_px: int, *, dark_mode: bool = False
) -> np.ndarray:
    """A phone held up: black body, rounded screen, the code near the top. The screen is bright,
    or in dark mode near black with a light code on it (light-on-dark)."""
    side = modules.shape[0] * module_px if modules is not None else 60 * module_px
    screen_w, screen_h = int(side * 1.15), int(side * 2.0)
    bezel = max(4, side // 18)
    phone = Image.new("L", (screen_w + 2 * bezel, screen_h + 2 * bezel), 0)
    draw = ImageDraw.Draw(phone)
    draw.rounded_rectangle(
        [0, 0, phone.width - 1, phone.height - 1], radius=side // 6, fill=int(rng.integers(8, 30))
    )
    screen = int(rng.integers(18, 40)) if dark_mode else int(rng.integers(235, 256))
    draw.rounded_rectangle(
        [bezel, bezel, bezel + screen_w, bezel + screen_h], radius=side // 9, fill=screen
    )
    for row in range(4):  # app chrome below the code
        y = bezel + int(side * (1.3 + row * 0.16))
        width = int(side * rng.uniform(0.4, 1.0))
        draw.rectangle([bezel + side // 12, y, bezel + width, y + side // 14], fill=120)
    patch = np.asarray(phone, np.float32).copy()
    if modules is not None:
        ink = int(rng.integers(200, 240)) if dark_mode else 10
        code = _code_patch(modules, module_px, ink, screen)
        top, left = bezel + side // 8, bezel + (screen_w - side) // 2
        patch[top : top + side, left : left + side] = code
    return patch


def _quad(rng: Rng, center: tuple[float, float], side: float, angle: float, tilt: float) -> Quad:
    """Corners of a square of `side` pixels turned by `angle` degrees, one edge shrunk by `tilt`
    (0 = flat, 0.4 = strongly tilted away from the camera)."""
    half = side / 2
    edge = rng.integers(4)
    square = np.array([[-half, -half], [half, -half], [half, half], [-half, half]], np.float64)
    shrink = np.ones(4)
    shrink[[edge, (edge + 1) % 4]] = 1 - tilt
    shrink = shrink[:, None] * np.array([[1, 1]])
    rad = np.deg2rad(angle)
    turn = np.array([[np.cos(rad), -np.sin(rad)], [np.sin(rad), np.cos(rad)]])
    return (square * shrink) @ turn.T + np.array(center)


def _perspective_coefficients(output: Quad, source: Quad) -> list[float]:
    """Pillow's PERSPECTIVE data: maps each output pixel back into the source patch."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(output, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return list(np.linalg.solve(np.array(rows), np.array(rhs)))


def _place(frame: np.ndarray, patch: np.ndarray, quad: Quad) -> np.ndarray:
    """Warps `patch` onto `quad` (frame pixels) and paints it over `frame`; returns the mask."""
    height, width = patch.shape
    left, top = np.floor(quad.min(axis=0)).astype(int)
    right, bottom = np.ceil(quad.max(axis=0)).astype(int) + 1
    box_w, box_h = right - left, bottom - top
    source = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float64)
    data = _perspective_coefficients(quad - [left, top], source)
    warp = Image.Transform.PERSPECTIVE

    opaque = np.full(patch.shape, 255, np.uint8)
    both = Image.fromarray(np.dstack([np.clip(patch, 0, 255).astype(np.uint8), opaque]), "LA")
    out = np.asarray(both.transform((box_w, box_h), warp, data, Image.Resampling.BICUBIC))
    layer, alpha = out[:, :, 0].astype(np.float32), out[:, :, 1].astype(np.float32) / 255
    mask = np.zeros(frame.shape, np.float32)
    # Clip the box to the frame: large codes may reach past an edge.
    y0, x0 = max(0, -top), max(0, -left)
    y1, x1 = min(box_h, HEIGHT - top), min(box_w, WIDTH - left)
    region = (slice(top + y0, top + y1), slice(left + x0, left + x1))
    a = alpha[y0:y1, x0:x1]
    frame[region] = frame[region] * (1 - a) + layer[y0:y1, x0:x1] * a
    mask[region] = a
    return mask


def _finish(frame: np.ndarray) -> np.ndarray:
    return np.clip(frame, 0, 255).round().astype(np.uint8)


def _blur(frame: np.ndarray, radius: float) -> np.ndarray:
    image = Image.fromarray(_finish(frame)).filter(ImageFilter.GaussianBlur(radius))
    return np.asarray(image, np.float32)


def _motion_blur(frame: np.ndarray, length: int, angle: float) -> np.ndarray:
    dx, dy = np.cos(np.deg2rad(angle)), np.sin(np.deg2rad(angle))
    steps = [np.roll(frame, (round(i * dy), round(i * dx)), axis=(0, 1)) for i in range(length)]
    return np.mean(steps, axis=0)


def _jpeg(frame: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(_finish(frame)).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(buffer), np.float32)


def _glare(rng: Rng, frame: np.ndarray, center: np.ndarray, radius: float) -> np.ndarray:
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    cy, cx = center + rng.normal(0, radius * 0.3, 2)
    spot = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * radius**2))
    return frame + spot * rng.uniform(150, 260)


def _moire(rng: Rng, frame: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The beat between a screen's pixel grid and the camera's: slanted stripes and a grid."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    period = rng.uniform(5, 14)
    stripes = np.sin(2 * np.pi * (xx * np.cos(angle) + yy * np.sin(angle)) / period)
    grid = np.sin(np.pi * xx / 1.5) * np.sin(np.pi * yy / 1.5)
    pattern = 1 + rng.uniform(0.08, 0.2) * stripes + 0.05 * grid
    return frame * (1 - mask) + frame * pattern * mask


@cache
def _sensor_noise() -> np.ndarray:
    """One field of unit Gaussian noise, larger than a frame: samples take shifted windows of
    it, which is much cheaper than drawing a million normal numbers per frame."""
    return np.random.default_rng(0).standard_normal((HEIGHT + 64, WIDTH + 64), dtype=np.float32)


def _noise(rng: Rng, frame: np.ndarray, sigma: float) -> np.ndarray:
    dy, dx = rng.integers(0, 64, 2)
    return frame + _sensor_noise()[dy : dy + HEIGHT, dx : dx + WIDTH] * sigma


# ---------------------------------------------------------------- scenes with a code


@dataclass(frozen=True)
class _Scene:
    frame: np.ndarray
    quad: Quad
    mask: np.ndarray


def _scene(
    rng: Rng,
    payload: str,
    *,
    module: float,
    angle: float | None = None,
    tilt: float = 0.0,
    on_card: bool | None = None,
    dark_room: bool = False,
) -> _Scene:
    """A code whose modules are about `module` frame pixels wide, somewhere in the frame."""
    modules = _modules(payload)
    patch_px = 6
    on_card = rng.random() < 0.6 if on_card is None else on_card
    patch = (
        _card_patch(rng, modules, patch_px)
        if on_card
        else _code_patch(modules, patch_px, 20, int(rng.integers(210, 250)))
    )
    code_side = modules.shape[0] * module
    scale = code_side / (modules.shape[0] * patch_px)
    side = patch.shape[1] * scale  # the card is wider than the code; keep the code's scale
    angle = rng.uniform(-25, 25) if angle is None else angle
    margin = max(code_side, side * 0.5) * 0.75
    center = (
        rng.uniform(min(margin, WIDTH / 2), max(WIDTH - margin, WIDTH / 2)),
        rng.uniform(min(margin, HEIGHT / 2), max(HEIGHT - margin, HEIGHT / 2)),
    )
    quad = _quad(rng, center, side, angle, tilt)
    # _quad draws a square; squash its height to the patch's aspect ratio around the centre.
    aspect = patch.shape[0] / patch.shape[1]
    quad = _inside(_squash(quad, aspect))
    level, spread = (40, 50) if dark_room else (rng.uniform(80, 170), rng.uniform(40, 110))
    frame = _background(rng, level, spread)
    mask = _place(frame, patch, quad)
    return _Scene(frame, quad, mask)


def _inside(quad: Quad, margin: float = 8) -> Quad:
    """`quad` moved fully into the frame where it fits: a cut-off code is no test of a decoder."""
    low, high = quad.min(axis=0), quad.max(axis=0)
    limit = np.array([WIDTH, HEIGHT]) - margin
    shift = np.maximum(margin - low, 0) + np.minimum(limit - high, 0)
    fits = (high - low) <= (limit - margin)
    return quad + np.where(fits, shift, 0)


def _squash(quad: Quad, aspect: float) -> Quad:
    top_mid, bottom_mid = (quad[0] + quad[1]) / 2, (quad[3] + quad[2]) / 2
    middle = (top_mid + bottom_mid) / 2
    out = quad.copy()
    for i in range(4):
        along = (top_mid - middle) if i < 2 else (bottom_mid - middle)
        out[i] = quad[i] - along * (1 - aspect)
    return out


def _phone_scene(
    rng: Rng, payload: str | None, *, module: float, dark_mode: bool = False
) -> _Scene:
    modules = _modules(payload) if payload is not None else None
    patch_px = 6
    patch = _phone_patch(rng, modules, patch_px, dark_mode=dark_mode)
    scale = module / patch_px
    width, height = patch.shape[1] * scale, patch.shape[0] * scale
    center = (rng.uniform(width * 0.6, WIDTH - width * 0.6), HEIGHT / 2 + rng.uniform(-60, 60))
    quad = _inside(
        _squash(
            _quad(rng, center, width, rng.uniform(-20, 20), rng.uniform(0, 0.25)), height / width
        )
    )
    frame = _background(rng, rng.uniform(25, 60), 45)
    mask = _place(frame, patch, quad)
    frame = _moire(rng, frame, mask)
    # The bright screen blooms into its dark surroundings.
    bloom = _blur(np.where(frame > 200, frame, 0), 8)
    return _Scene(frame + 0.4 * bloom, quad, mask)


Maker = Callable[[Rng, str], np.ndarray]  # a frame showing this payload's code
Drawer = Callable[[Rng], np.ndarray]  # a frame with no code


def _clean(rng: Rng, payload: str) -> np.ndarray:
    return _noise(rng, _scene(rng, payload, module=rng.uniform(4.5, 6.5)).frame, 2)


def _small(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(1.7, 2.8), on_card=True)
    return _noise(rng, _blur(scene.frame, 0.6), 3)


def _large(rng: Rng, payload: str) -> np.ndarray:
    modules = _modules(payload).shape[0]
    scene = _scene(rng, payload, module=rng.uniform(560, 700) / modules, on_card=False)
    return _noise(rng, _blur(scene.frame, 1.2), 3)


def _rotated(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(3, 6), angle=rng.uniform(0, 360))
    return _noise(rng, scene.frame, 3)


def _blurred(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(4, 7))
    if rng.random() < 0.5:
        return _noise(rng, _blur(scene.frame, rng.uniform(1.5, 3.6)), 2)
    return _noise(rng, _motion_blur(scene.frame, int(rng.integers(4, 11)), rng.uniform(0, 180)), 2)


def _perspective(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(4, 7), tilt=rng.uniform(0.25, 0.5))
    return _noise(rng, _blur(scene.frame, 0.8), 3)


def _glared(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(4, 7))
    side = np.linalg.norm(scene.quad[1] - scene.quad[0])
    frame = _glare(rng, scene.frame, scene.quad.mean(axis=0), rng.uniform(0.12, 0.3) * side)
    return _noise(rng, frame, 2)


def _low_contrast(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(4, 7))
    middle = rng.uniform(90, 170)
    frame = middle + (scene.frame - 128) * rng.uniform(0.1, 0.22)
    return _noise(rng, _blur(frame, 0.8), 1.5)


def _phone(rng: Rng, payload: str) -> np.ndarray:
    scene = _phone_scene(rng, payload, module=rng.uniform(2.6, 6))
    return _noise(rng, _blur(scene.frame, rng.uniform(0.5, 1.5)), 3)


def _dim_noisy(rng: Rng, payload: str) -> np.ndarray:
    scene = _scene(rng, payload, module=rng.uniform(3.5, 6))
    frame = _noise(rng, scene.frame * rng.uniform(0.2, 0.35), rng.uniform(4, 9))
    return _jpeg(frame, int(rng.integers(25, 60)))


# ---------------------------------------------------------------- scenes without a code


def _texture(rng: Rng) -> np.ndarray:
    frame = _background(rng, rng.uniform(60, 190), rng.uniform(60, 160))
    weave = np.sin(np.arange(WIDTH)[None, :] * rng.uniform(0.3, 1.2)) * rng.uniform(0, 25)
    return _noise(rng, frame + weave, 6)


def _text_like(rng: Rng) -> np.ndarray:
    """A printed page: rows of glyph-sized strokes, boxes and rings."""
    page = Image.new("L", (WIDTH, HEIGHT), int(rng.integers(190, 240)))
    draw = ImageDraw.Draw(page)
    size = int(rng.integers(8, 22))
    for y in range(20, HEIGHT - size, int(size * 1.7)):
        x = 20
        while x < WIDTH - 40:
            for _ in range(int(rng.integers(2, 9))):
                glyph = int(rng.integers(3))
                w = int(size * rng.uniform(0.4, 0.9))
                box = [x, y, x + w, y + size]
                if glyph == 0:
                    draw.rectangle(box, fill=int(rng.integers(0, 60)))
                elif glyph == 1:
                    draw.ellipse(box, outline=int(rng.integers(0, 60)), width=max(1, size // 6))
                else:
                    draw.line(box, fill=int(rng.integers(0, 60)), width=max(1, size // 5))
                x += w + 2
            x += size
    frame = np.asarray(page, np.float32)
    return _noise(rng, _blur(frame, rng.uniform(0, 1.2)), 3)


def _faces(rng: Rng) -> np.ndarray:
    frame = _background(rng, rng.uniform(70, 160), 80)
    image = Image.fromarray(_finish(frame))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(1, 4))):
        cx, cy = rng.uniform(150, WIDTH - 150), rng.uniform(150, HEIGHT - 150)
        rx, ry = rng.uniform(70, 140), rng.uniform(95, 180)
        draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=int(rng.integers(120, 210)))
        for side in (-1, 1):
            ex, ey = cx + side * rx * 0.4, cy - ry * 0.2
            draw.ellipse([ex - rx * 0.15, ey - ry * 0.08, ex + rx * 0.15, ey + ry * 0.08], fill=30)
        draw.ellipse([cx - rx * 0.35, cy + ry * 0.4, cx + rx * 0.35, cy + ry * 0.55], fill=60)
        draw.rectangle([cx - rx * 0.9, cy - ry * 1.05, cx + rx * 0.9, cy - ry * 0.6], fill=25)
    return _noise(rng, _blur(np.asarray(image, np.float32), 1.5), 4)


def _checkerboard(rng: Rng) -> np.ndarray:
    cell = int(rng.integers(6, 40))
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    board = (((xx // cell) + (yy // cell)) % 2) * 200.0 + 30
    scene = _background(rng, 128, 60)
    quad = _quad(rng, (WIDTH / 2, HEIGHT / 2), 500, rng.uniform(0, 90), rng.uniform(0, 0.3))
    _place(scene, board[:500, :500].astype(np.float32), quad)
    return _noise(rng, _blur(scene, 0.8), 3)


def _card_without_code(rng: Rng) -> np.ndarray:
    blank = np.zeros((33, 33), bool)  # a light square where another card has its code
    frame = _background(rng, rng.uniform(80, 170), 80)
    patch = _card_patch(rng, blank, 8)
    quad = _squash(
        _quad(rng, (WIDTH / 2, HEIGHT / 2), patch.shape[1] * 1.4, rng.uniform(-30, 30), 0.1),
        patch.shape[0] / patch.shape[1],
    )
    _place(frame, patch, quad)
    return _noise(rng, frame, 3)


def _phone_without_code(rng: Rng) -> np.ndarray:
    return _noise(rng, _phone_scene(rng, None, module=rng.uniform(3, 5)).frame, 3)


def _look_alike(rng: Rng) -> np.ndarray:
    """Three finder patterns around random modules: a decoder finds it and must not read it."""
    count = int(rng.choice([25, 29, 33]))
    modules = rng.random((count, count)) < 0.5
    finder = np.ones((7, 7), bool)
    finder[1:6, 1:6] = False
    finder[2:5, 2:5] = True
    for top, left in ((0, 0), (0, count - 7), (count - 7, 0)):
        modules[max(0, top - 1) : top + 8, max(0, left - 1) : left + 8] = False
        modules[top : top + 7, left : left + 7] = finder
    framed = np.pad(modules, 4)
    frame = _background(rng, rng.uniform(90, 170), 70)
    patch = _code_patch(framed, 6, 20, 230)
    side = framed.shape[0] * rng.uniform(4, 8)
    center = (rng.uniform(300, WIDTH - 300), rng.uniform(250, HEIGHT - 250))
    _place(frame, patch, _quad(rng, center, side, rng.uniform(-30, 30), 0.0))
    return _noise(rng, frame, 3)


WITH_CODE: dict[str, tuple[Maker, int]] = {
    "clean": (_clean, 4),
    "small": (_small, 8),
    "large": (_large, 4),
    "rotated": (_rotated, 8),
    "blurred": (_blurred, 10),
    "perspective": (_perspective, 8),
    "glare": (_glared, 8),
    "low_contrast": (_low_contrast, 8),
    "phone": (_phone, 10),
    "dim_noisy": (_dim_noisy, 6),
}

WITHOUT_CODE: dict[str, tuple[Drawer, int]] = {
    "texture": (_texture, 4),
    "text_like": (_text_like, 4),
    "faces": (_faces, 4),
    "checkerboard": (_checkerboard, 3),
    "card_no_code": (_card_without_code, 3),
    "phone_no_code": (_phone_without_code, 3),
    "look_alike": (_look_alike, 4),
}


def draw_samples(
    seed: int,
    with_code: dict[str, tuple[Maker, int]],
    without_code: dict[str, tuple[Drawer, int]],
    payload: Callable[[Rng], str],
) -> Iterator[Sample]:
    """Each kind's frames in turn, every frame from its own generator seeded by (seed, its
    index): a frame does not change when another kind's drawing does."""
    index = 0
    for kind, (make, count) in with_code.items():
        for n in range(count):
            rng = np.random.default_rng([seed, index])
            index += 1
            text = payload(rng)
            yield Sample(f"{kind}-{n}", kind, _finish(make(rng, text)), text)
    for kind, (draw, count) in without_code.items():
        for n in range(count):
            rng = np.random.default_rng([seed, index])
            index += 1
            yield Sample(f"{kind}-{n}", kind, _finish(draw(rng)), None)


def _samples(seed: int) -> Iterator[Sample]:
    return draw_samples(seed, WITH_CODE, WITHOUT_CODE, _payload)


@cache
def image_set(seed: int = DEFAULT_SEED) -> tuple[Sample, ...]:
    """The whole set: drawn once (a few seconds), then loaded from a cache in the temp folder."""
    return cached_samples("imageset", seed, _samples, [Path(__file__)])


def cached_samples(
    label: str, seed: int, draw: Callable[[int], Iterator[Sample]], sources: list[Path]
) -> tuple[Sample, ...]:
    """`draw(seed)`'s samples, kept in the temp folder under a key made of the drawing code's
    text (`sources`) and the drawing libraries' versions: a change to either draws them anew."""
    texts = [path.read_text() for path in {Path(__file__), *sources}]
    key = hashlib.sha256(
        "|".join([*sorted(texts), str(seed), np.__version__, PIL.__version__, _QR_VERSION]).encode()
    ).hexdigest()[:16]
    cached = Path(tempfile.gettempdir()) / f"kiosk-camera-{label}-{key}.npz"
    if cached.exists():
        with np.load(cached) as stored:
            names, kinds, payloads = (list(stored[k]) for k in ("names", "kinds", "payloads"))
            frames = stored["frames"]
        return tuple(
            Sample(str(n), str(k), frames[i], str(p) if p else None)
            for i, (n, k, p) in enumerate(zip(names, kinds, payloads, strict=True))
        )
    samples = tuple(draw(seed))
    partial = cached.with_suffix(f".{os.getpid()}.npz")  # rename: readers never see half a file
    np.savez(
        partial,
        frames=np.stack([s.frame for s in samples]),
        names=np.array([s.name for s in samples]),
        kinds=np.array([s.kind for s in samples]),
        payloads=np.array([s.payload or "" for s in samples]),
    )
    partial.replace(cached)
    return samples
