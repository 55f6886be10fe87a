"""Bytes from a serial scanner -> whole frames, however the bytes were chunked on the wire."""

from __future__ import annotations

import re

from drivers.scanner.errors import ScannerError, ScannerProblem

# The largest QR code holds 2,953 bytes; a frame far longer than that is line noise.
DEFAULT_MAX_FRAME_BYTES = 8192


class FrameSplitter:
    """Cuts a byte stream at a terminator: CR, LF or CRLF by default, else an exact suffix.

    Empty frames are skipped (CRLF is one terminator, not two). A frame that grows past
    `max_frame_bytes` is reported once and its bytes dropped up to the next terminator.
    """

    def __init__(
        self, suffix: bytes | None = None, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES
    ) -> None:
        if suffix is not None and not suffix:
            raise ValueError("suffix must be None (CR/LF) or at least one byte")
        if max_frame_bytes < 1:
            raise ValueError("max_frame_bytes must be positive")
        self._terminator = re.compile(rb"[\r\n]" if suffix is None else re.escape(suffix))
        self._keep = 0 if suffix is None else len(suffix) - 1  # a suffix may straddle chunks
        self._max = max_frame_bytes
        self._buffer = bytearray()
        self._discarding = False

    @property
    def has_partial(self) -> bool:
        return bool(self._buffer) or self._discarding

    def discard_partial(self) -> None:
        """Forget an unfinished frame (the device went quiet or away mid-frame)."""
        self._buffer.clear()
        self._discarding = False

    def feed(self, data: bytes) -> list[bytes | ScannerError]:
        """The frames (and size errors) completed by `data`, in arrival order."""
        self._buffer += data
        out: list[bytes | ScannerError] = []
        while match := self._terminator.search(self._buffer):
            frame = bytes(self._buffer[: match.start()])
            del self._buffer[: match.end()]
            if self._discarding:
                self._discarding = False
            elif frame:
                out.append(frame)
        if len(self._buffer) - self._keep > self._max:
            if not self._discarding:
                out.append(
                    ScannerError(
                        ScannerProblem.FRAME_TOO_LONG, f"no terminator within {self._max} bytes"
                    )
                )
            self._discarding = True
            del self._buffer[: len(self._buffer) - self._keep]
        return out
