"""`RestHospitalClient`: HospitalApi over the kiosk REST contract (openapi.yaml), with httpx.

Every public call has one overall deadline, kept by the hospital transport (transport.py),
which also clips each attempt's timeouts, caps the body and does the resending. Resent are
only idempotent requests (GETs, the lookup and resolve POSTs, POSTs carrying an
Idempotency-Key, always resent with the same key) and only when the answer is unknown or
transient: connection failures, timeouts, dropped connections, 502/503/504, and 409
request_in_progress. Errors are typed (kiosk.core.ports); logs carry the method, the path
template, the status and the time, never personal data.
"""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from kiosk.core import domain
from kiosk.core.ports import (
    HospitalError,
    HospitalFailed,
    HospitalProtocolError,
    HospitalRejected,
    HospitalUnavailable,
    LeaseRequest,
    NumberLease,
)
from kiosk.hospital import bounds, wire
from kiosk.hospital.client_base import HospitalClientBase, lookup_numbers
from kiosk.hospital.transport import HospitalTransport, Reply

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_HISTORY = 50  # the contract's maximum for ?limit
MAX_RESOLVE_PAYLOAD = 4096  # the contract's maximum for IdentityPayload.payload
MAX_LEASE = 50  # the contract's maximum for QueueNumberLeaseRequest.count
_MAX_BODY_BYTES = 2 * 1024 * 1024
_TRANSIENT_STATUSES = frozenset({502, 503, 504})


class RestHospitalClient(HospitalClientBase):
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
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._transport = HospitalTransport(
            base_url, headers=headers, connect_timeout=connect_timeout,
            read_timeout=read_timeout, deadline=deadline, retries=retries,
            max_body_bytes=_MAX_BODY_BYTES, transport=transport, ssl_context=ssl_context,
        )  # fmt: skip

    # --- HospitalApi ---------------------------------------------------------------

    def health(self) -> bool:
        """A quick probe: one attempt, and False instead of an error."""
        try:
            body = self._call("GET", "/v1/health", expect=200, idempotent=True, retries=0)
            return wire.decode_health(body)
        except (HospitalError, wire.WireError) as error:
            logger.warning("hospital health check failed: %s", type(error).__name__)
            return False

    def departments(self) -> list[domain.Department]:
        body = self._call("GET", "/v1/departments", expect=200, idempotent=True)
        return self._decode(wire.decode_departments, body, "/v1/departments")

    def find_patient(self, identity: domain.Identity) -> domain.Patient | None:
        """By citizen ID; if that finds nothing, by insurance number; else None."""
        lookups = lookup_numbers(
            identity, citizen_id="citizen_id", insurance_number="insurance_number"
        )
        deadline_at = self._transport.deadline_from_now()  # one deadline for both lookups
        for name, value in lookups:
            try:
                body = self._call(
                    "POST",
                    "/v1/patients/lookup",
                    expect=200,
                    json_body={name: value},
                    idempotent=True,  # a read, sent as POST to keep numbers out of URLs
                    deadline_at=deadline_at,
                )
            except HospitalRejected as rejection:
                if rejection.code == "patient_not_found":
                    continue
                raise
            return self._decode(wire.decode_patient, body, "/v1/patients/lookup")
        return None

    def resolve_identity(self, payload: str) -> domain.Identity | None:
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

    def create_patient(self, identity: domain.Identity, idempotency_key: str) -> domain.Patient:
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

    def appointments(self, patient_id: str, day: date) -> list[domain.Appointment]:
        params = {"date": day.isoformat()}
        return self._patient_list(patient_id, "appointments", params, wire.decode_appointments)

    def visits_on(self, patient_id: str, day: date) -> list[domain.TodayVisit]:
        params = {"date": day.isoformat()}
        return self._patient_list(
            patient_id, "registrations", params, wire.decode_registered_visits
        )

    def history(self, patient_id: str, limit: int) -> list[domain.Visit]:
        if not 1 <= limit <= MAX_HISTORY:
            raise ValueError(f"limit must be from 1 to {MAX_HISTORY}")
        return self._patient_list(patient_id, "visits", {"limit": str(limit)}, wire.decode_visits)

    def register_visit(
        self, checkin: domain.CheckIn, *, leased_number: int | None = None
    ) -> domain.Registration:
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

    def payment_status(self, reference: str) -> domain.PaymentState:
        template = "/v1/payments/{reference}"
        body = self._call(
            "GET",
            template,
            path=f"/v1/payments/{quote(reference, safe='')}",
            expect=200,
            idempotent=True,
        )
        return self._decode(wire.decode_payment_state, body, template)

    def lease_queue_numbers(self, request: LeaseRequest) -> NumberLease:
        if not 1 <= request.count <= MAX_LEASE:
            raise ValueError(f"count must be from 1 to {MAX_LEASE}")
        template = "/v1/queue-numbers/lease"
        body = self._call(
            "POST",
            template,
            expect=201,
            json_body=wire.lease_body(request),
            idempotency_key=request.idempotency_key,
        )
        return self._decode(wire.decode_lease, body, template)

    def close(self) -> None:
        self._transport.close()

    # --- one call ---------------------------------------------------------------------

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
        where = f"{method} {template}"

        def transient(reply: Reply) -> bool:
            # 409 request_in_progress: the first request with this key is still running; its
            # answer will be stored, so asking again with the same key shortly is safe.
            return reply.status in _TRANSIENT_STATUSES or (
                reply.status == 409
                and idempotency_key is not None
                and _rejection_code(reply) == "request_in_progress"
            )

        reply = self._transport.send(
            method, path or template, where=where, resend_safe=idempotent, transient=transient,
            params=params, json=json_body, headers=headers, retries=retries,
            deadline_at=deadline_at,
        )  # fmt: skip
        status = reply.status
        if status == expect:
            return _json(reply, where)
        if status in _TRANSIENT_STATUSES:
            raise HospitalUnavailable(f"{where}: answered {status}")
        if 400 <= status < 500:
            raise _rejection(reply, where)
        if status >= 500:
            raise HospitalFailed(f"{where}: answered {status}")
        raise HospitalProtocolError(f"{where}: unexpected status {status}")

    def _patient_list(
        self, patient_id: str, resource: str, params: dict[str, str], decoder: Callable[[Any], T]
    ) -> T:
        """GET one of a patient's lists; errors and logs name the template, not the patient."""
        template = f"/v1/patients/{{patient_id}}/{resource}"
        body = self._call(
            "GET",
            template,
            path=f"/v1/patients/{quote(patient_id, safe='')}/{resource}",
            params=params,
            expect=200,
            idempotent=True,
        )
        return self._decode(decoder, body, template)

    @staticmethod
    def _decode(decoder: Callable[[Any], T], body: Any, template: str) -> T:
        try:
            return bounds.clean(decoder(body))
        except (wire.WireError, bounds.OutOfBounds) as error:
            raise HospitalProtocolError(f"{template}: {error}") from error


def _json(reply: Reply, where: str) -> Any:
    media_type = reply.media_type
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise HospitalProtocolError(f"{where}: answer is not JSON ({media_type or 'no type'})")
    try:
        return json.loads(reply.body)
    except (ValueError, RecursionError) as error:
        raise HospitalProtocolError(f"{where}: malformed JSON") from error


def _rejection(reply: Reply, where: str) -> HospitalRejected:
    """The contract's error body as HospitalRejected, or a protocol error if it has none."""
    body = _json(reply, where)
    try:
        code, message = wire.decode_error(body)
    except wire.WireError as error:
        raise HospitalProtocolError(
            f"{where}: {reply.status} without the contract's error body ({error})"
        ) from error
    return HospitalRejected(code, message)


def _rejection_code(reply: Reply) -> str | None:
    """The error code of a rejection, or None if the answer carries none."""
    try:
        return _rejection(reply, "").code
    except HospitalProtocolError:
        return None


def _sf_string(key: str) -> str:
    """The key as an RFC 8941 sf-string, the form the Idempotency-Key draft specifies."""
    if not key or len(key) > 255 or not all(" " <= ch <= "~" for ch in key):
        raise ValueError("an idempotency key must be 1-255 printable ASCII characters")
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
