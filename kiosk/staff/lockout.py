"""The staff PIN's wrong-try count and lockout, kept on disk so a restart does not wipe them.

Without it, five wrong PINs and a power cycle would give five more tries. One small JSON file
in the kiosk's data folder, replaced atomically: the wrong PINs counted so far and when the
lockout ends in wall-clock seconds (the only clock that survives a restart). The running gate
(kiosk/staff/pin.py) counts on the monotonic clock and reads this file once, when it is made.
Reading and writing never raise: a missing or damaged file starts clean, a failed write keeps
the lockout in memory, each with a log line.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

from kiosk.atomic_file import write_atomically

audit = logging.getLogger("kiosk.audit.admin")


@dataclass(frozen=True)
class SavedLockout:
    failures: int = 0  # wrong PINs in a row, not yet locked
    locked_until: float | None = None  # wall-clock seconds (time.time()); None: not locked


class LockoutFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> SavedLockout:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            audit.info("no saved PIN lockout state in %s: starting clean", self.path)
            return SavedLockout()
        except (OSError, UnicodeDecodeError) as error:
            audit.warning("PIN lockout state unreadable (%s): starting clean", type(error).__name__)
            return SavedLockout()
        try:
            return _parse(json.loads(text))
        except (ValueError, TypeError) as error:
            audit.warning("PIN lockout state in %s damaged (%s): starting clean", self.path, error)
            return SavedLockout()

    def save(self, state: SavedLockout) -> None:

        text = json.dumps({"failures": state.failures, "locked_until": state.locked_until})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, text + "\n")
        except OSError as error:
            audit.error(
                "PIN lockout state not saved (%s): it holds until the kiosk restarts",
                type(error).__name__,
            )


def _parse(raw: object) -> SavedLockout:
    if not isinstance(raw, dict) or set(raw) != {"failures", "locked_until"}:
        raise ValueError("not a lockout record")
    failures, until = raw["failures"], raw["locked_until"]
    if type(failures) is not int or failures < 0:
        raise ValueError("bad failure count")
    if until is not None and (
        type(until) not in (int, float) or not math.isfinite(until) or until < 0
    ):
        raise ValueError("bad lockout end")
    return SavedLockout(failures, None if until is None else float(until))
