"""A scanner without hardware: the demo panel and the tests decide what it reads."""

from __future__ import annotations

import threading
from collections.abc import Callable


class SimulatedScanner:
    """Delivers raw payloads exactly as a scanner would; the kiosk parses them, not this.

    A scanner that cannot read a code says nothing, so there is no error path here.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._on_payload: Callable[[str], None] | None = None

    def set_listener(self, on_payload: Callable[[str], None]) -> None:
        with self._lock:
            self._on_payload = on_payload

    def show(self, payload: str) -> None:
        """Hold a code in front of the scanner; the listener runs on the calling thread."""
        with self._lock:
            on_payload = self._on_payload
        if on_payload is None:
            raise RuntimeError("no listener set: call set_listener first")
        on_payload(payload)
