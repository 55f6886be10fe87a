"""RepeatFilter: one trigger per presentation of a code, with the clock passed in."""

from __future__ import annotations

import pytest

from kiosk.core.identity import RepeatFilter

CCCD = "001078012345||Nguyễn Văn An|14031978|Nam|25 Lý Thường Kiệt, Hà Nội|15082021"
BHYT = "DN4010123456789|4e677579e1bb856e2056c4836e20416e|14/03/1978|1|$"


def test_the_same_code_within_the_window_triggers_once() -> None:
    seen = RepeatFilter(window_seconds=3.0)
    assert seen.admit(CCCD, 100.0)
    assert not seen.admit(CCCD, 101.0)
    assert not seen.admit(CCCD, 103.0)  # exactly at the window's edge is still a repeat


def test_after_the_window_the_code_triggers_again() -> None:
    seen = RepeatFilter(window_seconds=3.0)
    assert seen.admit(CCCD, 100.0)
    assert seen.admit(CCCD, 103.5)


def test_a_code_held_in_view_keeps_the_window_open() -> None:
    seen = RepeatFilter(window_seconds=3.0)
    triggers = [seen.admit(CCCD, 100.0 + 0.5 * frame) for frame in range(40)]  # 20 s of frames
    assert triggers == [True] + [False] * 39


def test_different_codes_each_trigger_and_alternating_ones_do_not_repeat() -> None:
    seen = RepeatFilter(window_seconds=3.0)
    assert seen.admit(CCCD, 10.0)
    assert seen.admit(BHYT, 10.2)
    assert not seen.admit(CCCD, 10.4)  # both codes in the camera's view
    assert not seen.admit(BHYT, 10.6)


def test_scanner_wrapping_does_not_make_a_new_code() -> None:
    seen = RepeatFilter()
    assert seen.admit(CCCD, 0.0)
    assert not seen.admit(f"\ufeff{CCCD}\r\n", 0.5)
    assert seen.admit(CCCD.replace("Nam", "Nữ"), 0.6)


def test_clear_lets_the_code_trigger_at_once() -> None:
    seen = RepeatFilter()
    assert seen.admit(CCCD, 0.0)
    seen.clear()
    assert seen.admit(CCCD, 0.1)


def test_only_hashes_are_kept_and_old_ones_are_forgotten() -> None:
    seen = RepeatFilter(window_seconds=1.0)
    for i in range(100):
        seen.admit(f"code {i}", float(i))
    kept = seen._last_seen
    assert len(kept) <= 2
    assert all(isinstance(key, bytes) and b"code" not in key for key in kept)


def test_lone_surrogates_from_a_broken_decoder_do_not_crash() -> None:
    seen = RepeatFilter()
    assert seen.admit("abc\udcff", 0.0)
    assert not seen.admit("abc\udcff", 0.1)


def test_the_window_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RepeatFilter(window_seconds=0)
