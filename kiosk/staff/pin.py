"""The staff PIN: a slow salted hash in the config, a constant-time check, and a lockout.

The stored form is `scrypt$<n>$<r>$<p>$<salt>$<hash>` (salt and hash in unpadded URL-safe
base64): the cost parameters travel with the hash, so they can be raised later without
breaking PINs set before. Five wrong PINs in a row lock the gate for five minutes, and every
attempt, entry and exit is written to the audit log — never the PIN itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from kiosk.staff.lockout import LockoutFile, SavedLockout

audit = logging.getLogger("kiosk.audit.admin")

SCHEME = "scrypt"
# ~0.1 s and 32 MiB per check on a kiosk PC: cheap for staff, slow for a stolen config file.
DEFAULT_N = 2**15
DEFAULT_R = 8
DEFAULT_P = 1
_SALT_BYTES = 16
_HASH_BYTES = 32
_MAX_N = 2**20  # a hash asking for more would let a bad config file exhaust memory

MIN_PIN_DIGITS = 6
MAX_PIN_DIGITS = 12
# The demo kiosk's PIN when its config sets none (documented in the README): never on a
# real kiosk, which without `admin.pin_hash` has no staff mode at all.
DEMO_PIN = "123456"

MAX_ATTEMPTS = 5
LOCKOUT_SECONDS = 300.0


class PinHashError(ValueError):
    """A stored PIN hash that cannot be read (wrong scheme, parameters or encoding)."""


def check_pin_format(pin: str) -> None:
    """Raise ValueError unless `pin` is 6 to 12 ASCII digits (what the PIN pad can type)."""
    if not (pin.isascii() and pin.isdigit()):
        raise ValueError("the PIN must be digits only")
    if not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        raise ValueError(f"the PIN must have {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits")


def hash_pin(pin: str, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P) -> str:
    """The stored form of `pin`, with a fresh random salt."""
    check_pin_format(pin)
    salt = os.urandom(_SALT_BYTES)
    digest = _scrypt(pin, salt, n, r, p)
    return "$".join((SCHEME, str(n), str(r), str(p), _b64(salt), _b64(digest)))


@dataclass(frozen=True)
class _Stored:
    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes


def parse_pin_hash(stored: str) -> _Stored:
    """Check a stored hash's form (config validation uses this); raise PinHashError."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise PinHashError("not a PIN hash: set it with `kiosk admin set-pin FILE`")
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt, digest = _unb64(parts[4]), _unb64(parts[5])
    except ValueError as error:
        raise PinHashError(f"damaged PIN hash ({error})") from error
    if n < 2 or n & (n - 1) or n > _MAX_N or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise PinHashError("PIN hash parameters out of range")
    if len(salt) < 8 or len(digest) < 16:
        raise PinHashError("PIN hash salt or digest too short")
    return _Stored(n, r, p, salt, digest)


def verify_pin(pin: str, stored: str) -> bool:
    """Whether `pin` matches `stored`; the comparison takes the same time whatever differs."""
    parsed = parse_pin_hash(stored)
    candidate = _scrypt(pin, parsed.salt, parsed.n, parsed.r, parsed.p, len(parsed.digest))
    return hmac.compare_digest(candidate, parsed.digest)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int = _HASH_BYTES) -> bytes:
    memory = 128 * r * (n + p + 2)
    return hashlib.scrypt(
        pin.encode("ascii", errors="replace"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=memory + 1024 * 1024,
        dklen=length,
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise ValueError("bad base64") from error


# --- the gate ---------------------------------------------------------------------------


class PinResult(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"  # too many wrong PINs: no PIN is checked until the lockout ends
    NOT_CONFIGURED = "not_configured"  # no admin.pin_hash: staff mode is closed


@dataclass(frozen=True)
class PinAnswer:
    result: PinResult
    attempts_left: int  # before the lockout
    locked_seconds: float  # how long the lockout still lasts (0 when not locked)


class PinGate:
    """Checks PINs against one stored hash and locks after `max_attempts` wrong ones.

    Thread-safe: the slow hash runs on the caller's thread (a worker, never the GUI thread).
    `clock` is monotonic seconds: a wall clock set back must not shorten a running lockout.
    With a `state_file` the count and the lockout survive a restart: written at every change,
    read once here on the wall clock, the lockout left clamped to at most its length (a clock
    set back while the kiosk was off must not lock staff out for longer).
    """

    def __init__(
        self,
        stored_hash: str | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_attempts: int = MAX_ATTEMPTS,
        lockout_seconds: float = LOCKOUT_SECONDS,
        state_file: LockoutFile | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if stored_hash:
            parse_pin_hash(stored_hash)  # a damaged hash fails now, not at the first attempt
        self._stored = stored_hash or None
        self._clock = clock
        self._wall_clock = wall_clock
        self._max_attempts = max_attempts
        self._lockout = lockout_seconds
        self._lock = threading.Lock()
        self._file = state_file
        self._failures = 0
        self._locked_until: float | None = None
        if state_file is not None:
            self._restore(state_file.load())

    @property
    def configured(self) -> bool:
        return self._stored is not None

    def locked_seconds(self) -> float:
        with self._lock:
            return self._locked_left(self._clock())

    def try_pin(self, pin: str) -> PinAnswer:
        if self._stored is None:
            audit.warning("admin PIN attempt refused: no admin.pin_hash configured")
            return PinAnswer(PinResult.NOT_CONFIGURED, 0, 0.0)
        with self._lock:
            left = self._locked_left(self._clock())
            if left > 0:
                audit.warning("admin PIN attempt while locked out (%.0f s left)", left)
                return PinAnswer(PinResult.LOCKED, 0, left)
        # The slow part, outside the lock: the clock and the counters are re-read after it.
        matches = _matches(pin, self._stored)
        with self._lock:
            now = self._clock()
            left = self._locked_left(now)
            if left > 0:  # another attempt locked the gate meanwhile
                return PinAnswer(PinResult.LOCKED, 0, left)
            if matches:
                audit.warning("admin PIN accepted")
                if self._failures:
                    self._failures = 0
                    self._save(now)
                return PinAnswer(PinResult.ACCEPTED, self._max_attempts, 0.0)
            self._failures += 1
            remaining = self._max_attempts - self._failures
            if remaining <= 0:
                self._failures = 0
                self._locked_until = now + self._lockout
                audit.warning(
                    "admin PIN wrong %d times: locked for %.0f s", self._max_attempts, self._lockout
                )
                self._save(now)
                return PinAnswer(PinResult.LOCKED, 0, self._lockout)
            audit.warning("admin PIN wrong (%d attempts left)", remaining)
            self._save(now)
            return PinAnswer(PinResult.WRONG, remaining, 0.0)

    def _locked_left(self, now: float) -> float:
        if self._locked_until is None:
            return 0.0
        if now >= self._locked_until:
            self._locked_until = None
            audit.warning("admin PIN lockout ended")
            self._save(now)  # or a clock set back before the next start would lock again
            return 0.0
        return self._locked_until - now

    def _restore(self, saved: SavedLockout) -> None:
        self._failures = min(saved.failures, self._max_attempts - 1)
        if saved.locked_until is not None:
            left = min(max(saved.locked_until - self._wall_clock(), 0.0), self._lockout)
            if left > 0:
                self._locked_until = self._clock() + left
                audit.warning("admin PIN lockout carried over a restart: %.0f s left", left)
        if self._failures:
            audit.warning("admin PIN: %d wrong attempts carried over a restart", self._failures)

    def _save(self, now: float) -> None:
        """Under the lock: the count and the lockout's end, on the wall clock, to the file."""
        if self._file is None:
            return
        until = None
        if self._locked_until is not None:
            until = self._wall_clock() + (self._locked_until - now)
        self._file.save(SavedLockout(self._failures, until))


def _matches(pin: str, stored: str) -> bool:
    try:
        check_pin_format(pin)
    except ValueError:
        return False  # still counted as a wrong attempt by the caller
    return verify_pin(pin, stored)
