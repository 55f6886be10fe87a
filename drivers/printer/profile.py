"""What a printer model can do, from its python-escpos capability profile.

The profile decides the layout: its print width in dots, its resolution, whether its font A
is the 12-dot cell the emulation draws, whether it encodes QR codes itself (GS ( k) and prints
raster (GS v 0). The paper width of a kiosk's config only chooses among what the profile
supports: profiles give one media width, so a paper width of the other class is refused
with both values named. A profile that does not give its width (python-escpos's "default")
gets the common printable width of the configured paper at its resolution, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# python-escpos's capability database loads on import (about 0.25 s): printers only.
from escpos.capabilities import CAPABILITIES

from drivers.printer.emulation import FONT_A_WIDTH

PAPER_WIDTHS_MM = (58, 80)
_ASSUMED_DPI = 203  # nearly every thermal receipt head
# Printable dots of common 203 dpi heads: 72 mm on 80 mm paper, 48 mm on 58 mm.
_PRINTABLE_AT_203_DPI = {80: 576, 58: 384}
# Profiles give either the paper's width or the printed width: both are over 60 mm for
# 80 mm paper (TM-T20II: 72, TM-T88V: 80) and under it for 58 mm paper (48 to 57.5).
_WIDE_PAPER_FROM_MM = 60.0


class ProfileError(ValueError):
    """A profile that cannot print the kiosk's tickets, or not on the configured paper."""


@dataclass(frozen=True)
class PrinterModel:
    profile: str
    paper_width_mm: int  # 58 | 80: the class of paper the profile prints on
    dots: int  # printable width the layout uses, whole bytes
    dpi: int
    native_text: bool  # font A is the 12 x 24 cell the emulation draws
    native_qr: bool  # GS ( k model 2
    code_pages: tuple[str, ...]  # the encodings the profile names, for `kiosk doctor`
    width_known: bool  # False: `dots` assumed from the paper width

    @property
    def scale(self) -> float:
        """Dots per dot of the 203 dpi, 80 mm ticket the styles are given for.

        Keeps type and gaps the same size on paper at other resolutions; 58 mm paper gets
        slightly smaller type so lines still hold a few words.
        """
        paper = 1.0 if self.paper_width_mm == 80 else 0.875
        return paper * self.dpi / _ASSUMED_DPI

    def mm(self, dots: float) -> float:
        """Paper length of `dots` dots, in millimetres."""
        return dots * 25.4 / self.dpi

    def dots_for_mm(self, mm: float) -> int:
        return round(mm * self.dpi / 25.4)


def printer_model(profile: str, paper_width_mm: int | None = None) -> PrinterModel:
    """The model `profile` names, on `paper_width_mm` paper (None: the profile's own).

    Raises ProfileError for an unknown profile, one without raster printing, or a paper
    width the profile does not print on.
    """
    model = _model(profile)
    if paper_width_mm is None or paper_width_mm == model.paper_width_mm:
        return model
    if paper_width_mm not in PAPER_WIDTHS_MM:
        raise ProfileError(
            f"unsupported paper width {paper_width_mm} mm; supported: {list(PAPER_WIDTHS_MM)}"
        )
    if model.width_known:
        raise ProfileError(
            f"printer profile {profile!r} prints on {model.paper_width_mm} mm paper "
            f"({model.dots} dots at {model.dpi} dpi), but the paper width is {paper_width_mm} mm"
        )
    return _assumed(profile, paper_width_mm, model.dpi, model.native_qr, model.code_pages)


def profile_warnings(model: PrinterModel) -> list[str]:
    """What a person configuring this model should know, e.g. an assumed width."""
    if model.width_known:
        return []
    return [
        f"printer profile {model.profile!r} does not give its print width: assuming "
        f"{model.dots} dots ({model.paper_width_mm} mm paper at {model.dpi} dpi)"
    ]


def known_profiles() -> list[str]:
    return sorted(CAPABILITIES["profiles"])


@lru_cache(maxsize=32)
def _model(profile: str) -> PrinterModel:
    profiles = CAPABILITIES["profiles"]
    if profile not in profiles:
        raise ProfileError(f"unknown printer profile {profile!r}")
    data: dict[str, Any] = profiles[profile]
    features = data.get("features", {})
    if not features.get("bitImageRaster"):
        raise ProfileError(f"printer profile {profile!r} cannot print raster images (GS v 0)")
    dpi = data.get("media", {}).get("dpi")
    dpi = dpi if isinstance(dpi, int) and dpi > 0 else _ASSUMED_DPI
    width = data.get("media", {}).get("width", {})
    pixels, mm = width.get("pixels"), width.get("mm")
    native_qr = bool(features.get("qrCode"))
    code_pages = tuple(sorted(set(data.get("codePages", {}).values())))
    if not isinstance(pixels, int) or pixels <= 0:
        paper = 58 if isinstance(mm, int | float) and mm < _WIDE_PAPER_FROM_MM else 80
        return _assumed(profile, paper, dpi, native_qr, code_pages)
    if not isinstance(mm, int | float):
        mm = pixels * 25.4 / dpi
    columns = data.get("fonts", {}).get("0", {}).get("columns")
    return PrinterModel(
        profile=profile,
        paper_width_mm=80 if mm >= _WIDE_PAPER_FROM_MM else 58,
        dots=pixels // 8 * 8,  # GS v 0 rows are whole bytes
        dpi=dpi,
        # 512 dots / 42 columns: 12-dot cells with 8 dots to spare (TM-T88V).
        native_text=isinstance(columns, int) and columns > 0 and pixels // columns == FONT_A_WIDTH,
        native_qr=native_qr,
        code_pages=code_pages,
        width_known=True,
    )


def _assumed(
    profile: str, paper_width_mm: int, dpi: int, native_qr: bool, code_pages: tuple[str, ...]
) -> PrinterModel:
    dots = round(_PRINTABLE_AT_203_DPI[paper_width_mm] * dpi / _ASSUMED_DPI / 8) * 8
    return PrinterModel(
        profile=profile,
        paper_width_mm=paper_width_mm,
        dots=dots,
        dpi=dpi,
        native_text=False,  # the cell of an unknown font cannot be trusted
        native_qr=native_qr,
        code_pages=code_pages,
        width_known=False,
    )
