"""The printer's python-escpos profile decides the ticket's width, resolution and native parts."""

from __future__ import annotations

import pytest

from drivers.printer.escpos_decode import decode_paper
from drivers.printer.escpos_output import encode_layout
from drivers.printer.layout import build_layout
from drivers.printer.preview import preview
from drivers.printer.profile import (
    ProfileError,
    known_profiles,
    printer_model,
    profile_warnings,
)
from tests.drivers.printer.printer_samples import STANDARD


@pytest.mark.parametrize(
    ("profile", "paper_mm", "dots", "dpi", "native_text", "native_qr"),
    [
        ("TM-T20II", 80, 576, 203, True, True),
        ("TM-T88V", 80, 512, 180, True, True),  # 42 columns of 12 dots, 8 to spare
        ("POS-5890", 58, 384, 203, True, False),
        ("RP-F10-58mm", 58, 432, 203, True, True),
        ("TM-T20II-42col", 80, 544, 203, False, True),  # 546 dots of 13-dot cells
    ],
)
def test_the_profile_gives_width_resolution_and_native_parts(
    profile: str, paper_mm: int, dots: int, dpi: int, native_text: bool, native_qr: bool
) -> None:
    model = printer_model(profile)
    assert (model.paper_width_mm, model.dots, model.dpi) == (paper_mm, dots, dpi)
    assert (model.native_text, model.native_qr) == (native_text, native_qr)
    assert model.width_known and profile_warnings(model) == []
    assert printer_model(profile, paper_mm) == model
    assert build_layout(STANDARD, profile=profile).width == dots


def test_a_profile_keeps_type_the_same_size_on_paper_at_its_resolution() -> None:
    t20, t88 = printer_model("TM-T20II"), printer_model("TM-T88V")
    assert t20.mm(t20.dots) == pytest.approx(72.0, abs=0.1)
    assert t88.mm(t88.dots) == pytest.approx(72.2, abs=0.1)
    assert t88.mm(30 * t88.scale) == pytest.approx(t20.mm(30 * t20.scale))


def test_the_other_paper_width_is_refused_naming_both() -> None:
    with pytest.raises(ProfileError) as caught:
        printer_model("TM-T88V", 58)
    assert str(caught.value) == (
        "printer profile 'TM-T88V' prints on 80 mm paper (512 dots at 180 dpi), "
        "but the paper width is 58 mm"
    )
    with pytest.raises(ProfileError, match="unsupported paper width 112 mm"):
        printer_model("TM-T20II", 112)


@pytest.mark.parametrize(("paper_mm", "dots"), [(80, 576), (58, 384)])
def test_a_profile_without_its_width_takes_the_papers_with_a_warning(
    paper_mm: int, dots: int
) -> None:
    model = printer_model("default", paper_mm)
    assert (model.dots, model.dpi, model.width_known, model.native_text) == (
        dots,
        203,
        False,
        False,  # an unknown font's cell cannot be trusted
    )
    (warning,) = profile_warnings(model)
    assert f"assuming {dots} dots ({paper_mm} mm paper at 203 dpi)" in warning


def test_unknown_and_raster_less_profiles_are_refused() -> None:
    with pytest.raises(ProfileError, match="unknown printer profile 'TM-NOPE'"):
        printer_model("TM-NOPE")
    with pytest.raises(ProfileError, match="cannot print raster images"):
        printer_model("TM-U220")


@pytest.mark.parametrize("profile", known_profiles())
def test_every_profile_prints_a_ticket_that_decodes_to_its_preview_or_is_refused(
    profile: str,
) -> None:
    try:
        model = printer_model(profile)
    except ProfileError as error:
        assert "cannot print raster" in str(error)
        return
    layout = build_layout(STANDARD, profile=profile)
    assert layout.width == model.dots and layout.width % 8 == 0
    data = encode_layout(layout, profile=profile)
    assert decode_paper(data, paper_width=layout.width).image.tobytes() == (
        preview(layout).tobytes()
    )
