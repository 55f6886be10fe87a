"""Amounts in đồng as patients read them (kiosk.core.payment.money)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.payment.money import format_vnd, vnd_in_words


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "0 đ"), (500, "500 đ"), (42_100, "42.100 đ"), (150_000, "150.000 đ"),
     (1_250_000, "1.250.000 đ")],
)  # fmt: skip
def test_thousands_are_grouped_with_dots(amount: int, text: str) -> None:
    assert format_vnd(amount) == text


@given(st.integers(min_value=0, max_value=10**12))
def test_the_digits_read_back(amount: int) -> None:
    text = format_vnd(amount)
    assert text.endswith(" đ")
    assert int(text[:-2].replace(".", "")) == amount


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError):
        format_vnd(-1)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi tư đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (2_005, "Hai nghìn không trăm linh năm đồng"),
        (42_100, "Bốn mươi hai nghìn một trăm đồng"),
        (150_000, "Một trăm năm mươi nghìn đồng"),
        (1_000_500, "Một triệu năm trăm đồng"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (2_000_000_000, "Hai tỷ đồng"),
    ],
)
def test_amounts_read_as_a_transfer_slip_writes_them(amount: int, words: str) -> None:
    assert vnd_in_words(amount) == words


@given(st.integers(min_value=0, max_value=10**13))
def test_every_amount_has_words(amount: int) -> None:
    words = vnd_in_words(amount)
    assert words[0].isupper() and words.endswith(" đồng")
    assert "  " not in words and "linh linh" not in words
    assert words.lower().startswith("không") == (amount == 0)
