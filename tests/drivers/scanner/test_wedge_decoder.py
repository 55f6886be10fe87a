"""WedgeDecoder with synthetic key timings: scanner bursts against people typing."""

from __future__ import annotations

import random
import unicodedata

import pytest

from drivers.scanner.wedge import WedgeDecoder

CCCD = "001078012345||Nguyễn Văn An|14031978|Nam|25 Lý Thường Kiệt, Hà Nội|15082021"


def keys(text: str, start: float, gap: float, enter: str = "\r") -> list[tuple[float, str]]:
    """One key press per character, `gap` seconds apart, then Enter."""
    presses = [*text, enter] if enter else list(text)
    return [(start + i * gap, key) for i, key in enumerate(presses)]


def run(decoder: WedgeDecoder, presses: list[tuple[float, str]]) -> list[str]:
    return [out for t, key in presses if (out := decoder.feed(t, key)) is not None]


def test_a_scanner_burst_ending_with_enter_is_one_payload() -> None:
    assert run(WedgeDecoder(), keys(CCCD, 100.0, 0.004)) == [CCCD]


@pytest.mark.parametrize("gap", [0.08, 0.15, 0.3])
def test_a_person_typing_the_same_text_is_not_a_scan(gap: float) -> None:
    assert run(WedgeDecoder(), keys("001078012345", 5.0, gap)) == []


def test_jittery_scanner_timing_within_the_gap_still_counts() -> None:
    rng = random.Random(7)
    t, presses = 0.0, []
    for key in [*CCCD, "\n"]:
        t += rng.uniform(0.0, 0.029)
        presses.append((t, key))
    assert run(WedgeDecoder(), presses) == [CCCD]


def test_a_pause_inside_a_burst_drops_it_and_a_late_enter_triggers_nothing() -> None:
    decoder = WedgeDecoder()
    presses = keys("00107801", 0.0, 0.005, enter="") + keys("2345", 0.2, 0.005, enter="")
    presses.append((0.5, "\r"))  # Enter long after the last key
    assert run(decoder, presses) == []


def test_typing_then_a_scan_gives_only_the_scan() -> None:
    decoder = WedgeDecoder()
    human = keys("0123", 0.0, 0.2, enter="")  # a person taps a few keys, no Enter
    scan = keys("VNEID:1:BN00000001:0f", 2.0, 0.003)
    assert run(decoder, human + scan) == ["VNEID:1:BN00000001:0f"]


def test_two_fast_keys_and_enter_are_rollover_not_a_scan() -> None:
    assert run(WedgeDecoder(), keys("12", 0.0, 0.01)) == []


def test_keys_without_text_do_not_break_a_burst() -> None:
    decoder = WedgeDecoder()
    presses = []
    t = 0.0
    for char in "Nam|Nữ":
        if char.isupper():
            presses.append((t, ""))  # Shift, as scanners press it for capitals
            t += 0.002
        presses.append((t, char))
        t += 0.002
    presses.append((t, "\r"))
    assert run(decoder, presses) == ["Nam|Nữ"]


def test_vietnamese_sent_decomposed_comes_out_composed() -> None:
    decomposed = unicodedata.normalize("NFD", CCCD)
    assert decomposed != CCCD
    # Combining marks arrive as their own key events, as some scanners send them.
    assert run(WedgeDecoder(), keys(decomposed, 0.0, 0.002)) == [CCCD]


def test_a_key_event_may_carry_several_characters() -> None:
    decoder = WedgeDecoder()
    presses = [(0.0, "Ngu"), (0.002, "yễ"), (0.004, "n"), (0.006, "\r")]
    assert run(decoder, presses) == ["Nguyễn"]


def test_back_to_back_scans_are_separate_payloads() -> None:
    first = keys("AAAA1111", 0.0, 0.002)
    second = keys("BBBB2222", first[-1][0] + 0.5, 0.002)
    assert run(WedgeDecoder(), first + second) == ["AAAA1111", "BBBB2222"]


def test_reset_forgets_the_run() -> None:
    decoder = WedgeDecoder()
    run(decoder, keys("12345678", 0.0, 0.002, enter=""))
    assert decoder.in_burst
    decoder.reset()
    assert not decoder.in_burst
    assert decoder.feed(0.018, "\r") is None


def test_a_flood_longer_than_the_limit_is_dropped() -> None:
    decoder = WedgeDecoder(max_length=16)
    assert run(decoder, keys("x" * 40, 0.0, 0.001)) == []
    assert run(decoder, keys("after", 1.0, 0.001)) == ["after"]  # the next scan still reads


def test_clock_going_backwards_starts_over() -> None:
    decoder = WedgeDecoder()
    presses = [*keys("1234", 10.0, 0.002, enter=""), (5.0, "5"), (5.002, "\r")]
    assert run(decoder, presses) == []


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        WedgeDecoder(max_gap=0)
    with pytest.raises(ValueError):
        WedgeDecoder(min_length=10, max_length=5)
