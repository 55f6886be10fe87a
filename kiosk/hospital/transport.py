"""The one HTTP transport of the hospital clients (REST and FHIR): deadline, timeouts, body
cap, retries.

Every call has one overall deadline, and it ends by then whatever the server does (issue 14).
httpx timeouts are per read, so a server that dribbles its TLS handshake, headers or body a
byte at a time would otherwise hold the call far past it. Each attempt therefore runs on a
short-lived thread of its own, bound to the attempt: every stream it uses, fresh or kept
alive, clips its timeouts to the deadline (deadline_streams.py) and reports itself in use, so
when the deadline passes the caller shuts that socket down and walks away, and the attempt's
thread ends with it instead of holding a pooled connection.

Bodies are streamed and refused past a size cap. A request is resent only when the caller says
it is safe to resend, after a failure that leaves the answer unknown (connection failure,
timeout, dropped connection) or an answer the caller calls transient, after a jittered
exponential backoff (kiosk.core.backoff) that never sleeps past the deadline. A TLS failure is
never resent: the same certificates fail again. Logs name the call as the caller describes it
(method and path template), the status and the time: never a URL with values, never a body.
"""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from kiosk.core.backoff import backoff_seconds
from kiosk.core.ports import HospitalProtocolError, HospitalUnavailable
from kiosk.hospital import deadline_streams
from kiosk.hospital.tls import HospitalTlsError, describe, tls_failure

logger = logging.getLogger(__name__)

_BACKOFF_FIRST = 0.1  # seconds before the first resend; doubles, capped
_BACKOFF_CAP = 0.5
_MIN_ATTEMPT = 0.1  # a resend needs at least this much of the deadline left after its backoff
# The attempt's own timeouts fire at the deadline; the caller gives them this long to do so
# before it abandons the attempt (their error names what was slow, a bare deadline does not).
_ABANDON_GRACE = 0.05
# Failures after which the answer is unknown: safe to resend only an idempotent request.
_TRANSPORT_FAILURES = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

Params = Mapping[str, str] | tuple[tuple[str, str], ...]  # pairs: a name may repeat


@dataclass(frozen=True)
class Reply:
    """One HTTP answer, its body read in full (within the cap)."""

    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def media_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()


class AnswerUnknown(HospitalUnavailable):
    """The request may or may not have been applied (timeout, dropped connection, deadline)."""


class _DeadlinePassed(Exception):
    pass


class _BodyTooLarge(Exception):
    pass


class HospitalTransport:
    """A long-lived httpx.Client (keep-alive) to one hospital base URL. Thread-safe.

    `deadline` is the seconds one call may take, unless the caller passes its own `deadline_at`
    (several requests of one public call of a client share one deadline).
    """

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str],
        auth: httpx.Auth | None = None,
        connect_timeout: float,
        read_timeout: float,
        deadline: float,
        retries: int,
        max_body_bytes: int,
        transport: httpx.BaseTransport | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """`ssl_context` (kiosk.hospital.tls.tls_context) sets the CAs trusted and a client
        certificate; without one the system's CAs are trusted. Verification is never off."""
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("base_url must be an http:// or https:// URL with a host")
        if min(connect_timeout, read_timeout, deadline) <= 0:
            raise ValueError("timeouts and the deadline must be positive")
        if retries < 0:
            raise ValueError("retries must not be negative")
        self.base_url = base_url.rstrip("/") + "/"
        self.deadline = deadline
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._retries = retries
        self._max_body_bytes = max_body_bytes
        self._jitter = random.Random()
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"User-Agent": "hospital-checkin-kiosk/0.1", **headers},
            auth=auth,
            transport=transport or _deadline_transport(ssl_context),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            follow_redirects=False,
            trust_env=False,  # the kiosk talks to the configured hospital, not an env proxy
        )

    def deadline_from_now(self) -> float:
        """The monotonic time by which a call starting now must end."""
        return time.monotonic() + self.deadline

    def close(self) -> None:
        self._client.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        where: str,
        resend_safe: bool,
        transient: Callable[[Reply], bool] = lambda reply: False,
        params: Params | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        retries: int | None = None,
        deadline_at: float | None = None,
    ) -> Reply:
        """The answer to `method path`, resent (when `resend_safe`) while the failure leaves
        the answer unknown or `transient(reply)` says so and the deadline allows.

        `where` names the request in logs and errors: it must carry no personal data.
        Raises AnswerUnknown, HospitalTlsError or HospitalProtocolError (a broken answer).
        """
        retries = self._retries if retries is None else retries
        deadline_at = self.deadline_from_now() if deadline_at is None else deadline_at
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline_at - time.monotonic()
            if remaining <= 0:
                raise AnswerUnknown(f"{where}: no answer within the deadline")
            started = time.monotonic()
            exchange = _Exchange(self._max_body_bytes, deadline_at)
            request = self._client.build_request(
                method, path, params=params, json=json, content=content, headers=headers,
                timeout=self._timeout(remaining),
            )  # fmt: skip
            try:
                reply = exchange.run(self._client, request)
            except (*_TRANSPORT_FAILURES, _DeadlinePassed) as error:
                tls_error = tls_failure(error)
                if tls_error is not None:  # the same certificates fail again: no resend
                    logger.warning("%s failed: TLS: %s", where, describe(tls_error))
                    raise HospitalTlsError(f"{where}: TLS: {describe(tls_error)}") from error
                failure = type(error).__name__
                logger.warning("%s failed: %s after %d ms (attempt %d)", where, failure,
                               _ms_since(started), attempt)  # fmt: skip
                if resend_safe and self._pause(attempt, retries, deadline_at):
                    continue
                raise AnswerUnknown(f"{where}: {failure}") from error
            except _BodyTooLarge as error:
                raise HospitalProtocolError(f"{where}: answer larger than allowed") from error
            except httpx.HTTPError as error:  # e.g. broken content encoding
                raise HospitalProtocolError(f"{where}: {type(error).__name__}") from error
            status = reply.status
            level = logging.INFO if status >= 400 else logging.DEBUG
            level = logging.WARNING if status >= 500 else level
            logger.log(level, "%s -> %d in %d ms (attempt %d)", where, status,
                       _ms_since(started), attempt)  # fmt: skip
            if resend_safe and transient(reply) and self._pause(attempt, retries, deadline_at):
                continue
            return reply

    def _timeout(self, remaining: float) -> httpx.Timeout:
        """Each phase's timeout, none longer than what is left of the deadline."""
        connect = min(self._connect_timeout, remaining)
        read = min(self._read_timeout, remaining)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)

    def _pause(self, attempt: int, retries: int, deadline_at: float) -> bool:
        """Sleep the backoff and say True, or say False if no resend fits in the deadline."""
        if attempt > retries:
            return False
        wait = backoff_seconds(attempt, _BACKOFF_FIRST, _BACKOFF_CAP, self._jitter)
        if time.monotonic() + wait + _MIN_ATTEMPT > deadline_at:
            return False
        time.sleep(wait)
        return True


class _Exchange:
    """One attempt: the request sent and its body read on a thread the caller can walk away
    from at the deadline (a deadline_streams.Attempt)."""

    def __init__(self, max_body_bytes: int, deadline_at: float) -> None:
        self._max_body_bytes = max_body_bytes
        self.deadline_at = deadline_at
        self._done = threading.Event()
        # Guards the stream: it is shut down only while this attempt still owns its
        # connection, never after the connection went back to the pool for another call.
        self._lock = threading.Lock()
        self._stream: httpcore.NetworkStream | None = None
        self._finished = False
        self._reply: Reply | None = None
        self._error: BaseException | None = None

    def run(self, client: httpx.Client, request: httpx.Request) -> Reply:
        worker = threading.Thread(
            target=self._work, args=(client, request), name="hospital-call", daemon=True
        )
        worker.start()
        if not self._done.wait(self.deadline_at - time.monotonic() + _ABANDON_GRACE):
            self._abandon()
            raise _DeadlinePassed
        if self._error is not None:
            raise self._error
        assert self._reply is not None
        return self._reply

    def using(self, stream: httpcore.NetworkStream) -> None:
        with self._lock:
            if not self._finished:
                self._stream = stream

    def _work(self, client: httpx.Client, request: httpx.Request) -> None:
        deadline_streams.bind(self)
        try:
            response = client.send(request, stream=True)
            try:
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self._max_body_bytes:
                        raise _BodyTooLarge
                    if time.monotonic() > self.deadline_at:  # a server trickling bytes
                        raise _DeadlinePassed
                    chunks.append(chunk)
            finally:
                with self._lock:
                    self._finished = True  # the connection goes back to the pool
                    self._stream = None
                response.close()
            self._reply = Reply(response.status_code, response.headers, b"".join(chunks))
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            self._error = error
        finally:
            with self._lock:
                self._finished = True
                self._stream = None
            deadline_streams.bind(None)
            self._done.set()

    def _abandon(self) -> None:
        """Shut the attempt's connection down, if it holds one, so its thread ends now."""
        with self._lock:
            self._finished = True
            if self._stream is None:
                return
            sock = self._stream.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def _deadline_transport(ssl_context: ssl.SSLContext | None) -> httpx.HTTPTransport:
    """httpx's own transport over deadline-aware streams."""
    transport = httpx.HTTPTransport(
        verify=ssl_context if ssl_context is not None else True,
        # Idle connections are dropped a little before common server keep-alive limits.
        limits=httpx.Limits(max_connections=8, max_keepalive_connections=4, keepalive_expiry=4),
        trust_env=False,
    )
    pool = transport._pool  # httpx offers no other way to choose httpcore's network backend
    if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("this httpx/httpcore version cannot take the deadline streams")
    pool._network_backend = deadline_streams.DeadlineBackend(pool._network_backend)
    return transport


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
