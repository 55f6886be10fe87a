"""One scan, one trigger: a code seen again within a few seconds is the same presentation.

A camera sees a code held up in every frame, and serial scanners in continuous mode
repeat it; the patient meant it once. The window slides: every sighting restarts it, so
a code held in view for a minute still triggers once. Only hashes are kept, so this
holds no personal data. Pure: the caller passes the clock (monotonic seconds).
"""

from __future__ import annotations

import hashlib

from kiosk.core.identity.fields import clean_payload

DEFAULT_WINDOW_SECONDS = 3.0


class RepeatFilter:
    def __init__(self, window_seconds: float = DEFAULT_WINDOW_SECONDS) -> None:
        if window_seconds <= 0:
            raise ValueError("window_seconds must be positive")
        self._window = window_seconds
        self._last_seen: dict[bytes, float] = {}

    def admit(self, payload: str, now: float) -> bool:
        """True when this payload should trigger; False for a repeat within the window.

        Payloads that differ only in what scanners wrap around them (CR/LF, a BOM,
        surrounding spaces) are the same code.
        """
        self._forget_before(now - self._window)
        key = hashlib.sha256(clean_payload(payload).encode("utf-8", "surrogatepass")).digest()
        previous = self._last_seen.get(key)
        self._last_seen[key] = now
        return previous is None

    def clear(self) -> None:
        """Let every code trigger again (e.g. the patient cancelled and scans once more)."""
        self._last_seen.clear()

    def _forget_before(self, horizon: float) -> None:
        expired = [key for key, seen in self._last_seen.items() if seen < horizon]
        for key in expired:
            del self._last_seen[key]
