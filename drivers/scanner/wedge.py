"""A scanner in keyboard-wedge mode: tell its key bursts from a person typing.

A wedge scanner "types" the code far faster than anyone can (a few ms per key) and
ends with Enter. This decoder is fed one key at a time as (timestamp, text) and answers
the payload when a fast run of keys ends with a fast Enter. Keys further apart than
`max_gap` start over, so a person's typing (100 ms and more per key) never forms one.

Pure: no Qt, no clock of its own; the UI's event filter feeds it (ui/wedge_filter.py).
"""

from __future__ import annotations

import unicodedata

DEFAULT_MAX_GAP = 0.03  # seconds; scanners send keys 1-15 ms apart, people 80 ms and more
DEFAULT_MIN_LENGTH = 4  # a person's two-key rollover must not count as a scan
DEFAULT_MAX_LENGTH = 8192
ENTER = frozenset({"\r", "\n"})


class WedgeDecoder:
    def __init__(
        self,
        *,
        max_gap: float = DEFAULT_MAX_GAP,
        min_length: int = DEFAULT_MIN_LENGTH,
        max_length: int = DEFAULT_MAX_LENGTH,
        terminators: frozenset[str] = ENTER,
    ) -> None:
        if max_gap <= 0 or min_length < 1 or max_length < min_length or not terminators:
            raise ValueError("need max_gap > 0, 1 <= min_length <= max_length, a terminator")
        self._max_gap = max_gap
        self._min_length = min_length
        self._max_length = max_length
        self._terminators = terminators
        self._parts: list[str] = []
        self._length = 0
        self._last: float | None = None
        self._flooding = False

    @property
    def in_burst(self) -> bool:
        """True while a run of fast keys is being collected."""
        return self._length > 0

    def reset(self) -> None:
        """Forget the run so far (e.g. on an auto-repeated key, which only people make)."""
        self._parts.clear()
        self._length = 0
        self._last = None
        self._flooding = False

    def feed(self, timestamp: float, text: str) -> str | None:
        """One key press (its text; "" for Shift and other keys without text).

        Returns the payload when this key is the Enter that ends a scanner burst, NFC
        normalised (a scanner may send "ễ" as "e" plus combining marks); else None.
        """
        if not text:
            return None  # modifiers come between a scanner's keys too; they carry no text
        fast = self._last is not None and 0 <= timestamp - self._last <= self._max_gap
        if not fast:
            self._parts.clear()
            self._length = 0
            self._flooding = False
        self._last = timestamp
        if self._flooding:  # the rest of a run that broke the length limit
            self._flooding = text not in self._terminators
            return None
        if text in self._terminators:
            payload = "".join(self._parts)
            complete = fast and self._length >= self._min_length
            self._parts.clear()
            self._length = 0
            return unicodedata.normalize("NFC", payload) if complete else None
        if self._length + len(text) > self._max_length:
            # Endless fast input is a flood, not a code: drop it up to its Enter or a pause.
            self._parts.clear()
            self._length = 0
            self._flooding = True
            return None
        self._parts.append(text)
        self._length += len(text)
        return None
