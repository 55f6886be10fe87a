"""The bundled font has every Vietnamese letter, and every one fits the line box we draw in."""

from __future__ import annotations

import unicodedata

import pytest
from fontTools.ttLib import TTFont
from PIL import ImageFont

from drivers.printer.fonts import bundled_font_path
from drivers.printer.typeset import line_extent

VOWELS = "aăâeêioôơuưy"
TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang huyền sắc hỏi ngã nặng
CONSONANTS = "bcdđghklmnpqrstvxfjwz"


def vietnamese_letters() -> list[str]:
    letters = []
    for base in VOWELS + VOWELS.upper():
        for mark in TONE_MARKS:
            letter = unicodedata.normalize("NFC", base + mark)
            assert len(letter) == 1, f"{base}+{mark!r} has no precomposed form"
            letters.append(letter)
    return letters + list(CONSONANTS + CONSONANTS.upper())


def test_the_alphabet_is_complete() -> None:
    # 12 vowels x 6 tones x 2 cases, and 21 consonants (incl. đ and loan letters) x 2.
    letters = vietnamese_letters()
    assert len(letters) == 144 + 42
    assert len(set(letters)) == len(letters)


def test_font_maps_every_vietnamese_letter() -> None:
    with TTFont(bundled_font_path()) as font:
        cmap = font.getBestCmap()
    missing = [letter for letter in vietnamese_letters() if ord(letter) not in cmap]
    assert missing == []
    # And the punctuation the ticket prints.
    assert all(ord(char) in cmap for char in "–·:/.,!")


@pytest.mark.parametrize("weight", [500, 600, 700])
def test_every_letter_fits_the_line_box_text_is_drawn_in(weight: int) -> None:
    """Text lines are stacked `line_extent` apart: no stacked tone mark may stick out."""
    letters = vietnamese_letters()
    for size in range(18, 36):  # the ticket's sizes on 58 mm and 80 mm paper
        font = ImageFont.truetype(str(bundled_font_path()), size)
        font.set_variation_by_axes([weight, 100])
        top, bottom = line_extent(font)
        for letter in letters:
            _, letter_top, _, letter_bottom = font.getbbox(letter)
            assert top <= letter_top and letter_bottom <= bottom, (size, letter)
