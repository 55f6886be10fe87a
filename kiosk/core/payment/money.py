"""Amounts of đồng as Vietnamese write them: "150.000 đ" (dots between thousands)."""

from __future__ import annotations


def format_vnd(amount: int) -> str:
    """`amount` đồng for screen and paper, e.g. 150000 → "150.000 đ"."""
    if amount < 0:
        raise ValueError("an amount to pay is never negative")
    return f"{amount:,} đ".replace(",", ".")


_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


def _group_in_words(number: int, leading: bool) -> list[str]:
    """Three digits as read aloud; `leading`: the first group, read without "không trăm"."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")  # 105: một trăm linh năm
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")  # 21: hai mươi mốt
    elif units == 4 and tens >= 2:
        words.append("tư")  # 24: hai mươi tư
    elif units == 5 and tens >= 1:
        words.append("lăm")  # 15, 25: mười lăm, hai mươi lăm
    elif units:
        words.append(_DIGITS[units])
    return words


def vnd_in_words(amount: int) -> str:
    """`amount` đồng in Vietnamese words, as a transfer slip writes it:
    150000 → "Một trăm năm mươi nghìn đồng"."""
    if amount < 0:
        raise ValueError("an amount to pay is never negative")
    groups: list[int] = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    if len(groups) > len(_SCALES):
        raise ValueError("the amount is too large to read")
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        if groups[index] == 0:
            continue
        words += _group_in_words(groups[index], leading=not words)
        if _SCALES[index]:
            words.append(_SCALES[index])
    text = " ".join(words or ["không"]) + " đồng"
    return text[0].upper() + text[1:]
