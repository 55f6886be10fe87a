"""`RestHospitalClient`: HospitalApi over the kiosk REST contract (openapi.yaml), with httpx.

One long-lived httpx.Client (keep-alive). Every public call has one overall deadline;
each attempt's connect/read/write/pool timeouts are clipped to what is left of it.
Retries, with short jittered backoff, happen only for idempotent requests (GETs, the
lookup and resolve POSTs, POSTs carrying an Idempotency-Key, always resent with the same
key) and only when the answer is unknown or transient: connection failures, timeouts, dropped
connections, 502/503/504, and 409 request_in_progress. Errors are typed (kiosk.core.ports);
logs carry the method, the path template, the status and the time, never personal data.
"""

from __future__ import annotations

import json
import logging
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx

from kiosk.core.domain import (
    Appointment,
    CheckIn,
    Department,
    Identity,
    Patient,
    Registration,
    Visit,
)
from kiosk.core.ports import (
    HospitalError,
    HospitalProtocolError,
    HospitalRejected,
    HospitalUnavailable,
    NumberLease,
)
from kiosk.hospital import wire
from kiosk.hospital.tls import HospitalTlsError, describe, tls_failure

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_HISTORY = 50  # the contract's maximum for ?limit
MAX_RESOLVE_PAYLOAD = 4096  # the contract's maximum for IdentityPayload.payload
MAX_LEASE = 50  # the contract's maximum for QueueNumberLeaseRequest.count
_MAX_BODY_BYTES = 2 * 1024 * 1024
_BACKOFF_FIRST = 0.1  # seconds before the first retry; doubles, capped
_BACKOFF_CAP = 0.5
_MIN_ATTEMPT = 0.1  # a retry needs at least this much of the deadline left after backoff
_TRANSIENT_STATUSES = frozenset({502, 503, 504})
# Failures after which the answer is unknown: safe to resend only an idempotent request.
_TRANSPORT_FAILURES = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str
    body: bytes


class _DeadlinePassed(Exception):
    pass


class _BodyTooLarge(Exception):
    pass


class RestHospitalClient:
    """HospitalApi for a hospital that implements kiosk/hospital/openapi.yaml.

    `base_url` is the hospital's root without `/v1` (e.g. "http://127.0.0.1:8080").
    Thread-safe: calls may run concurrently from worker threads.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        deadline: float = 8.0,
        retries: int = 2,
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
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._deadline = deadline
        self._retries = retries
        self._jitter = random.Random()
        headers = {"Accept": "application/json", "User-Agent": "hospital-checkin-kiosk/0.1"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            transport=transport,
            verify=ssl_context if ssl_context is not None else True,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            # Idle connections are dropped a little before common server keep-alive limits.
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=4, keepalive_expiry=4),
            follow_redirects=False,
            trust_env=False,  # the kiosk talks to the configured hospital, not an env proxy
        )

    # --- HospitalApi ---------------------------------------------------------------

    def health(self) -> bool:
        """A quick probe: one attempt, and False instead of an error."""
        try:
            body = self._call("GET", "/v1/health", expect=200, idempotent=True, retries=0)
            return wire.decode_health(body)
        except (HospitalError, wire.WireError) as error:
            logger.warning("hospital health check failed: %s", type(error).__name__)
            return False

    def departments(self) -> list[Department]:
        body = self._call("GET", "/v1/departments", expect=200, idempotent=True)
        return self._decode(wire.decode_departments, body, "/v1/departments")

    def find_patient(self, identity: Identity) -> Patient | None:
        """By citizen ID; if that finds nothing, by insurance number; else None."""
        lookups = [
            {name: value}
            for name, value in (
                ("citizen_id", identity.citizen_id),
                ("insurance_number", identity.insurance_number),
            )
            if value
        ]
        if not lookups:
            raise HospitalRejected("invalid_request", "the identity carries no number to look up")
        deadline_at = time.monotonic() + self._deadline  # one deadline for both lookups
        for lookup in lookups:
            try:
                body = self._call(
                    "POST",
                    "/v1/patients/lookup",
                    expect=200,
                    json_body=lookup,
                    idempotent=True,  # a read, sent as POST to keep numbers out of URLs
                    deadline_at=deadline_at,
                )
            except HospitalRejected as rejection:
                if rejection.code == "patient_not_found":
                    continue
                raise
            return self._decode(wire.decode_patient, body, "/v1/patients/lookup")
        return None

    def resolve_identity(self, payload: str) -> Identity | None:
        """Ask the hospital whose code this is; None when it cannot tell (404).

        The payload travels only in the request body; neither it nor anything derived
        from it is logged, and errors name no content.
        """
        if not 1 <= len(payload) <= MAX_RESOLVE_PAYLOAD:
            raise HospitalRejected(
                "invalid_request", f"a payload to resolve has 1 to {MAX_RESOLVE_PAYLOAD} chars"
            )
        try:
            body = self._call(
                "POST",
                "/v1/identity/resolve",
                expect=200,
                json_body={"payload": payload},
                idempotent=True,  # a read, sent as POST to keep the code out of URLs
            )
        except HospitalRejected as rejection:
            if rejection.code == "identity_not_found":
                return None
            raise
        return self._decode(wire.decode_resolved_identity, body, "/v1/identity/resolve")

    def create_patient(self, identity: Identity, idempotency_key: str) -> Patient:
        if not identity.can_register_new_patient:
            raise HospitalRejected("invalid_request", "the identity lacks data for a new record")
        body = self._call(
            "POST",
            "/v1/patients",
            expect=201,
            json_body=wire.new_patient_body(identity),
            idempotency_key=idempotency_key,
        )
        return self._decode(wire.decode_patient, body, "/v1/patients")

    def appointments(self, patient_id: str, day: date) -> list[Appointment]:
        template = "/v1/patients/{patient_id}/appointments"
        body = self._call(
            "GET",
            template,
            path=f"/v1/patients/{quote(patient_id, safe='')}/appointments",
            params={"date": day.isoformat()},
            expect=200,
            idempotent=True,
        )
        return self._decode(wire.decode_appointments, body, template)

    def history(self, patient_id: str, limit: int) -> list[Visit]:
        if not 1 <= limit <= MAX_HISTORY:
            raise ValueError(f"limit must be from 1 to {MAX_HISTORY}")
        template = "/v1/patients/{patient_id}/visits"
        body = self._call(
            "GET",
            template,
            path=f"/v1/patients/{quote(patient_id, safe='')}/visits",
            params={"limit": str(limit)},
            expect=200,
            idempotent=True,
        )
        return self._decode(wire.decode_visits, body, template)

    def register_visit(self, checkin: CheckIn, *, leased_number: int | None = None) -> Registration:
        if leased_number is not None and leased_number < 1:
            raise ValueError("a leased queue number is at least 1")
        body = self._call(
            "POST",
            "/v1/visits",
            expect=201,
            json_body=wire.visit_body(checkin, leased_number),
            idempotency_key=checkin.idempotency_key,
        )
        return self._decode(wire.decode_registration, body, "/v1/visits")

    def lease_queue_numbers(
        self,
        *,
        kiosk_id: str,
        department_code: str,
        day: date,
        priority_queue: bool,
        count: int,
        idempotency_key: str,
    ) -> NumberLease:
        if not 1 <= count <= MAX_LEASE:
            raise ValueError(f"count must be from 1 to {MAX_LEASE}")
        template = "/v1/queue-numbers/lease"
        body = self._call(
            "POST",
            template,
            expect=201,
            json_body=wire.lease_body(
                kiosk_id=kiosk_id,
                department_code=department_code,
                day=day,
                priority_queue=priority_queue,
                count=count,
            ),
            idempotency_key=idempotency_key,
        )
        return self._decode(wire.decode_lease, body, template)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RestHospitalClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- one call: attempts, retries, deadline -----------------------------------------

    def _call(
        self,
        method: str,
        template: str,
        *,
        expect: int,
        path: str | None = None,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        idempotent: bool = False,
        retries: int | None = None,
        deadline_at: float | None = None,
    ) -> Any:
        """The decoded JSON of an `expect` answer, or the typed error for anything else."""
        headers = {}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = _sf_string(idempotency_key)
            idempotent = True  # the server deduplicates on the (unchanged) key
        retries = self._retries if retries is None else retries
        deadline_at = time.monotonic() + self._deadline if deadline_at is None else deadline_at
        where = f"{method} {template}"
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline_at - time.monotonic()
            if remaining <= 0:
                raise HospitalUnavailable(f"{where}: no answer within the deadline")
            started = time.monotonic()
            try:
                answer = self._attempt(
                    method, path or template, remaining, deadline_at, headers, params, json_body
                )
            except (*_TRANSPORT_FAILURES, _DeadlinePassed) as error:
                tls_error = tls_failure(error)
                if tls_error is not None:  # the same certificates fail again: no retry
                    logger.warning("%s failed: TLS: %s", where, describe(tls_error))
                    raise HospitalTlsError(f"{where}: TLS: {describe(tls_error)}") from error
                failure = type(error).__name__
                logger.warning("%s failed: %s after %d ms (attempt %d)", where, failure,
                               _ms_since(started), attempt)  # fmt: skip
                if idempotent and self._wait_for_retry(attempt, retries, deadline_at):
                    continue
                raise HospitalUnavailable(f"{where}: {failure}") from error
            except _BodyTooLarge as error:
                raise HospitalProtocolError(f"{where}: answer larger than allowed") from error
            except httpx.HTTPError as error:  # e.g. broken content encoding
                raise HospitalProtocolError(f"{where}: {type(error).__name__}") from error

            status = answer.status
            level = logging.DEBUG if status == expect else logging.INFO
            level = logging.WARNING if status >= 500 else level
            logger.log(level, "%s -> %d in %d ms (attempt %d)", where, status,
                       _ms_since(started), attempt)  # fmt: skip
            if status == expect:
                return _json(answer, where)
            if status in _TRANSIENT_STATUSES:
                if idempotent and self._wait_for_retry(attempt, retries, deadline_at):
                    continue
                raise HospitalUnavailable(f"{where}: answered {status}")
            if 400 <= status < 500:
                rejection = _rejection(answer, where)
                # The first request with this key is still running: its answer will be
                # stored, so asking again with the same key shortly is safe.
                if (
                    rejection.code == "request_in_progress"
                    and idempotency_key is not None
                    and self._wait_for_retry(attempt, retries, deadline_at)
                ):
                    continue
                raise rejection
            if status >= 500:
                raise HospitalUnavailable(f"{where}: answered {status}")
            raise HospitalProtocolError(f"{where}: unexpected status {status}")

    def _attempt(
        self,
        method: str,
        path: str,
        remaining: float,
        deadline_at: float,
        headers: dict[str, str],
        params: dict[str, str] | None,
        json_body: dict[str, Any] | None,
    ) -> _Answer:
        connect = min(self._connect_timeout, remaining)
        read = min(self._read_timeout, remaining)
        timeout = httpx.Timeout(connect=connect, read=read, write=read, pool=connect)
        request = self._client.build_request(
            method, path, headers=headers, params=params, json=json_body, timeout=timeout
        )
        response = self._client.send(request, stream=True)
        try:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > _MAX_BODY_BYTES:
                    raise _BodyTooLarge
                if time.monotonic() > deadline_at:  # a server trickling bytes
                    raise _DeadlinePassed
                chunks.append(chunk)
        finally:
            response.close()
        content_type = response.headers.get("content-type", "")
        return _Answer(response.status_code, content_type, b"".join(chunks))

    def _wait_for_retry(self, attempt: int, retries: int, deadline_at: float) -> bool:
        """Sleep the backoff and say True, or say False if no retry fits in the deadline."""
        if attempt > retries:
            return False
        backoff = min(_BACKOFF_CAP, _BACKOFF_FIRST * 2 ** (attempt - 1))
        backoff *= self._jitter.uniform(0.5, 1.0)  # kiosks that failed together spread out
        if time.monotonic() + backoff + _MIN_ATTEMPT > deadline_at:
            return False
        time.sleep(backoff)
        return True

    @staticmethod
    def _decode(decoder: Callable[[Any], T], body: Any, template: str) -> T:
        try:
            return decoder(body)
        except wire.WireError as error:
            raise HospitalProtocolError(f"{template}: {error}") from error


def _json(answer: _Answer, where: str) -> Any:
    media_type = answer.content_type.split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise HospitalProtocolError(f"{where}: answer is not JSON ({media_type or 'no type'})")
    try:
        return json.loads(answer.body)
    except (ValueError, RecursionError) as error:
        raise HospitalProtocolError(f"{where}: malformed JSON") from error


def _rejection(answer: _Answer, where: str) -> HospitalRejected:
    """The contract's error body as HospitalRejected, or a protocol error if it has none."""
    body = _json(answer, where)
    try:
        code, message = wire.decode_error(body)
    except wire.WireError as error:
        raise HospitalProtocolError(
            f"{where}: {answer.status} without the contract's error body ({error})"
        ) from error
    return HospitalRejected(code, message)


def _sf_string(key: str) -> str:
    """The key as an RFC 8941 sf-string, the form the Idempotency-Key draft specifies."""
    if not key or len(key) > 255 or not all(" " <= ch <= "~" for ch in key):
        raise ValueError("an idempotency key must be 1-255 printable ASCII characters")
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
