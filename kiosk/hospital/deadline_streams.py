"""Network streams that know the deadline of the call using them (issue 14).

httpx timeouts are per read: a server that sends one byte per second, in its TLS handshake,
its headers or its body, never trips one. The hospital transport runs each attempt on a
thread of its own and binds that thread to the attempt (`bind`); every stream the attempt
touches, a fresh connection or one kept alive from an earlier call, then

- clips each read, write and handshake timeout to what is left of the attempt's deadline,
  and fails at once when none is left;
- tells the attempt it is in use (`Attempt.using`), so the caller can shut its socket down
  when it walks away at the deadline, and the attempt's thread ends then, not minutes later.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any, Protocol

import httpcore


class Attempt(Protocol):
    """What a stream needs from the attempt running on its thread."""

    deadline_at: float  # monotonic

    def using(self, stream: httpcore.NetworkStream) -> None:
        """The attempt now reads or writes on `stream` (its socket may be shut at abandon)."""
        ...


_bound = threading.local()


def bind(attempt: Attempt | None) -> None:
    """Streams used on this thread from now on answer to `attempt` (None: to nobody)."""
    _bound.attempt = attempt


def _attempt() -> Attempt | None:
    return getattr(_bound, "attempt", None)


def _clip(timeout: float | None, failure: type[Exception]) -> float | None:
    attempt = _attempt()
    if attempt is None:
        return timeout
    left = attempt.deadline_at - time.monotonic()
    if left <= 0:
        raise failure("the call's deadline has passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self._claim()
        return self._inner.read(max_bytes, _clip(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._claim()
        self._inner.write(buffer, _clip(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        self._claim()
        clipped = _clip(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, clipped))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)

    def _claim(self) -> None:
        attempt = _attempt()
        if attempt is not None:
            attempt.using(self)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own synchronous backend, its streams wrapped in DeadlineStream."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        clipped = _clip(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, clipped, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.UnsupportedProtocol("the hospital is reached over TCP only")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
