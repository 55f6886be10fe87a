"""The staff PIN: scrypt hash with its parameters, constant-time check, lockout, audit."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import pytest

from kiosk.staff.lockout import LockoutFile
from kiosk.staff.pin import (
    DEFAULT_N,
    LOCKOUT_SECONDS,
    PinGate,
    PinHashError,
    PinResult,
    check_pin_format,
    hash_pin,
    parse_pin_hash,
    verify_pin,
)
from tests.manual_clock import ManualClock

FAST_N = 2**10  # the tests' hashes: same code path, a thousandth of the work
PIN = "482916"


@pytest.fixture
def stored() -> str:
    return hash_pin(PIN, n=FAST_N)


def test_the_hash_carries_its_parameters_and_a_fresh_salt() -> None:
    first, second = hash_pin(PIN, n=FAST_N), hash_pin(PIN, n=FAST_N)
    assert first != second  # random salt
    scheme, n, r, p, _salt, _digest = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(FAST_N), "8", "1")
    assert PIN not in first
    parsed = parse_pin_hash(first)
    assert len(parsed.salt) == 16 and len(parsed.digest) == 32
    assert verify_pin(PIN, first) and verify_pin(PIN, second)


def test_the_default_cost_is_the_slow_one() -> None:
    assert parse_pin_hash(hash_pin(PIN)).n == DEFAULT_N == 2**15


def test_only_the_same_pin_verifies(stored: str) -> None:
    assert verify_pin(PIN, stored)
    assert not verify_pin("482917", stored)
    assert not verify_pin("48291", stored)
    assert not verify_pin(PIN + "0", stored)


@pytest.mark.parametrize("pin", ["12345", "1234567890123", "12345a", "１２３４５６", ""])
def test_pins_are_6_to_12_ascii_digits(pin: str) -> None:
    with pytest.raises(ValueError):
        check_pin_format(pin)
    with pytest.raises(ValueError):
        hash_pin(pin, n=FAST_N)


@pytest.mark.parametrize(
    "damaged",
    [
        "482916",
        "bcrypt$1024$8$1$c2FsdHNhbHQ$ZGlnZXN0ZGlnZXN0ZGlnZXN0",
        "scrypt$1000$8$1$c2FsdHNhbHQ$ZGlnZXN0ZGlnZXN0ZGlnZXN0",  # n not a power of two
        "scrypt$2097152$8$1$c2FsdHNhbHQ$ZGlnZXN0ZGlnZXN0ZGlnZXN0",  # n too large
        "scrypt$1024$8$1$c2Fs$ZGlnZXN0ZGlnZXN0ZGlnZXN0",  # salt too short
        "scrypt$1024$8$1$c2FsdHNhbHQ$ZGln",  # digest too short
        "scrypt$x$8$1$c2FsdHNhbHQ$ZGlnZXN0ZGlnZXN0ZGlnZXN0",
        "scrypt$1024$8$1$!!!!$ZGlnZXN0ZGlnZXN0ZGlnZXN0",
    ],
)
def test_a_damaged_hash_is_refused_up_front(damaged: str) -> None:
    with pytest.raises(PinHashError):
        parse_pin_hash(damaged)
    with pytest.raises(PinHashError):
        PinGate(damaged)


def test_five_wrong_pins_lock_for_five_minutes(stored: str) -> None:
    clock = ManualClock(1000.0)
    gate = PinGate(stored, clock=clock)
    answers = [gate.try_pin("000000") for _ in range(4)]
    assert [a.result for a in answers] == [PinResult.WRONG] * 4
    assert [a.attempts_left for a in answers] == [4, 3, 2, 1]
    fifth = gate.try_pin("000000")
    assert fifth.result is PinResult.LOCKED and fifth.locked_seconds == LOCKOUT_SECONDS == 300
    # Locked: even the right PIN is not checked.
    clock.now += 299
    locked = gate.try_pin(PIN)
    assert locked.result is PinResult.LOCKED and locked.locked_seconds == pytest.approx(1)
    assert gate.locked_seconds() == pytest.approx(1)
    clock.now += 1
    assert gate.locked_seconds() == 0
    assert gate.try_pin(PIN).result is PinResult.ACCEPTED


def test_after_a_lockout_the_count_starts_again(stored: str) -> None:
    clock = ManualClock(1000.0)
    gate = PinGate(stored, clock=clock)
    for _ in range(5):
        gate.try_pin("111111")
    clock.now += LOCKOUT_SECONDS
    assert gate.try_pin("111111").attempts_left == 4


def test_the_right_pin_resets_the_count(stored: str) -> None:
    gate = PinGate(stored, clock=ManualClock(1000.0))
    for _ in range(4):
        gate.try_pin("999999")
    assert gate.try_pin(PIN).result is PinResult.ACCEPTED
    assert gate.try_pin("999999").attempts_left == 4


def test_malformed_input_counts_as_a_wrong_pin(stored: str) -> None:
    gate = PinGate(stored, clock=ManualClock(1000.0))
    assert gate.try_pin("12").result is PinResult.WRONG
    assert gate.try_pin("abcdef").attempts_left == 3


def test_no_pin_configured_means_no_staff_mode() -> None:
    gate = PinGate("")
    assert not gate.configured
    assert gate.try_pin("123456").result is PinResult.NOT_CONFIGURED


def test_concurrent_attempts_cannot_exceed_the_limit(stored: str) -> None:
    gate = PinGate(stored, clock=ManualClock(1000.0))
    results: list[PinResult] = []
    threads = [
        threading.Thread(target=lambda: results.append(gate.try_pin("000000").result))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(PinResult.WRONG) <= 4
    assert gate.try_pin(PIN).result is PinResult.LOCKED


def test_every_attempt_is_audited_without_the_pin(
    stored: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.audit.admin")
    clock = ManualClock(1000.0)
    gate = PinGate(stored, clock=clock)
    for pin in ("731902", "731903", "731904", "731905", "731906", PIN):
        gate.try_pin(pin)
    clock.now += LOCKOUT_SECONDS
    gate.try_pin(PIN)
    messages = [r.getMessage() for r in caplog.records if r.name == "kiosk.audit.admin"]
    assert len(messages) >= 8
    assert any("locked for 300 s" in m for m in messages)
    assert any("while locked out" in m for m in messages)
    assert any("lockout ended" in m for m in messages)
    assert messages[-1] == "admin PIN accepted"
    for text in messages:
        assert "7319" not in text and PIN not in text


# --- the lockout across restarts ---------------------------------------------------------------


class WallClock(ManualClock):
    """time.time() of the kiosk: it goes on while the kiosk is off, and staff may set it."""

    def __init__(self) -> None:
        super().__init__(1_750_000_000.0)


def restarted(stored: str, path: Path, wall: WallClock) -> tuple[PinGate, ManualClock]:
    """A new process: a fresh monotonic clock, nothing in memory, the same file."""
    clock = ManualClock(7.0)  # a new boot's monotonic clock starts anywhere
    return PinGate(stored, clock=clock, state_file=LockoutFile(path), wall_clock=wall), clock


def test_a_lockout_survives_a_restart(stored: str, tmp_path: Path) -> None:
    path, wall = tmp_path / "admin_lockout.json", WallClock()
    gate, clock = restarted(stored, path, wall)
    for _ in range(5):
        gate.try_pin("000000")
    assert gate.locked_seconds() == LOCKOUT_SECONDS
    clock.now += 100
    wall.now += 100 + 40  # 40 s without power
    gate, clock = restarted(stored, path, wall)
    assert gate.locked_seconds() == pytest.approx(LOCKOUT_SECONDS - 140)
    answer = gate.try_pin(PIN)  # even the right PIN waits
    assert answer.result is PinResult.LOCKED and answer.locked_seconds == pytest.approx(160)
    clock.now += 160
    wall.now += 160
    assert gate.try_pin(PIN).result is PinResult.ACCEPTED
    # The lockout's end was written down: a later start is not locked, and has every try.
    gate, _ = restarted(stored, path, wall)
    assert gate.locked_seconds() == 0
    assert gate.try_pin("000000").attempts_left == 4


def test_the_wrong_count_survives_a_restart(stored: str, tmp_path: Path) -> None:
    path, wall = tmp_path / "admin_lockout.json", WallClock()
    gate, _ = restarted(stored, path, wall)
    assert [gate.try_pin("000000").attempts_left for _ in range(3)] == [4, 3, 2]
    gate, _ = restarted(stored, path, wall)
    assert gate.try_pin("000000").attempts_left == 1
    gate, _ = restarted(stored, path, wall)
    assert gate.try_pin("000000").result is PinResult.LOCKED
    assert json.loads(path.read_text())["failures"] == 0  # the count starts again after it


def test_the_right_pin_clears_the_saved_count(stored: str, tmp_path: Path) -> None:
    path, wall = tmp_path / "admin_lockout.json", WallClock()
    gate, _ = restarted(stored, path, wall)
    gate.try_pin("000000")
    gate.try_pin(PIN)
    gate, _ = restarted(stored, path, wall)
    assert gate.try_pin("000000").attempts_left == 4


def test_a_running_lockout_ignores_the_wall_clock(stored: str, tmp_path: Path) -> None:
    path, wall = tmp_path / "admin_lockout.json", WallClock()
    gate, _ = restarted(stored, path, wall)
    for _ in range(5):
        gate.try_pin("000000")
    wall.now += 86_400  # set forward a day while running: still locked
    assert gate.try_pin(PIN).result is PinResult.LOCKED


@pytest.mark.parametrize(
    ("jump", "left"),
    [
        (-30 * 86_400, LOCKOUT_SECONDS),  # set back a month while off: 5 minutes, not a month
        (-60, LOCKOUT_SECONDS),
        (0, LOCKOUT_SECONDS),
        (120, LOCKOUT_SECONDS - 120),
        (10 * 86_400, 0),  # ten days later: over
    ],
)
def test_a_clock_jump_while_off_is_clamped_to_the_lockout(
    stored: str, tmp_path: Path, jump: float, left: float
) -> None:
    path, wall = tmp_path / "admin_lockout.json", WallClock()
    gate, _ = restarted(stored, path, wall)
    for _ in range(5):
        gate.try_pin("000000")
    wall.now += jump
    gate, _ = restarted(stored, path, wall)
    assert gate.locked_seconds() == pytest.approx(left)


def test_a_lockout_end_far_in_the_future_is_clamped(stored: str, tmp_path: Path) -> None:
    path, wall = tmp_path / "admin_lockout.json", WallClock()
    path.write_text(json.dumps({"failures": 0, "locked_until": wall.now + 1e9}))
    gate, _ = restarted(stored, path, wall)
    assert gate.locked_seconds() == LOCKOUT_SECONDS


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"failures": "3", "locked_until": null}',
        b'{"failures": -1, "locked_until": null}',
        b'{"failures": true, "locked_until": null}',
        b'{"failures": 0, "locked_until": "tomorrow"}',
        b'{"failures": 0, "locked_until": 1e999}',
        b'{"failures": 0}',
    ],
)
def test_a_damaged_file_starts_clean_and_is_rewritten(
    stored: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.audit.admin")
    path, wall = tmp_path / "admin_lockout.json", WallClock()
    path.write_bytes(content)
    gate, _ = restarted(stored, path, wall)
    assert gate.locked_seconds() == 0
    assert any("starting clean" in m for m in caplog.messages)
    assert gate.try_pin("000000").attempts_left == 4
    assert json.loads(path.read_text()) == {"failures": 1, "locked_until": None}


def test_a_missing_file_starts_clean_and_the_folder_is_made(
    stored: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.audit.admin")
    path, wall = tmp_path / "new" / "admin_lockout.json", WallClock()
    gate, _ = restarted(stored, path, wall)
    assert any("no saved PIN lockout state" in m for m in caplog.messages)
    gate.try_pin("000000")
    assert json.loads(path.read_text())["failures"] == 1
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_file_that_cannot_be_written_keeps_the_lockout_in_memory(
    stored: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.audit.admin")
    path, wall = tmp_path / "admin_lockout.json", WallClock()
    path.mkdir()  # a folder where the file should be: every write fails
    gate, _ = restarted(stored, path, wall)
    for _ in range(5):
        gate.try_pin("000000")
    assert gate.locked_seconds() == LOCKOUT_SECONDS
    assert any("not saved" in m for m in caplog.messages)


def test_a_restored_lockout_is_audited(
    stored: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path, wall = tmp_path / "admin_lockout.json", WallClock()
    gate, _ = restarted(stored, path, wall)
    for _ in range(5):
        gate.try_pin("000000")
    caplog.set_level(logging.INFO, logger="kiosk.audit.admin")
    restarted(stored, path, wall)
    assert "admin PIN lockout carried over a restart: 300 s left" in caplog.messages
