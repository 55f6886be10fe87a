"""The demo hospital's HTTP layer: the kiosk contract (kiosk/hospital/openapi.yaml) on Starlette.

Handlers validate input strictly, ask the store, and answer the contract's JSON. Every
4xx/5xx carries {"error": {"code", "message"}}; messages never echo personal data.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kiosk.core.domain import PriorityGroup
from kiosk.demo_hospital.codes import booking_appointment_id, token_patient_id
from kiosk.demo_hospital.errors import ApiError, error_body
from kiosk.demo_hospital.faults import (
    PROCESSING_DELAY_KEY,
    ASGIApp,
    FaultMiddleware,
    FaultSwitch,
    Receive,
    Scope,
    Send,
)
from kiosk.demo_hospital.store import Claim, ClaimState, HospitalStore, dump_json
from kiosk.demo_hospital.vietnam import VIETNAM_TZ

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_HISTORY = 50
MAX_PAYLOAD_CHARS = 4096  # IdentityPayload.payload in the contract
MAX_LEASE = 50  # QueueNumberLeaseRequest.count in the contract
DEFAULT_HISTORY = 10

_CITIZEN_ID = re.compile(r"\d{12}")
# A 15-character BHYT card number, the 10-digit SI number, or the 12-digit personal ID.
_INSURANCE_NUMBER = re.compile(r"[A-Z]{2}[1-5]\d{12}|\d{10}|\d{12}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BIRTH_DATE = re.compile(r"\d{4}(-\d{2}-\d{2})?")
_PRIORITIES = frozenset(group.value for group in PriorityGroup)
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


class RequestCounter:
    """How many requests reached the server, per (method, path); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self._counts[(method, path)] += 1

    def count(self, path_prefix: str = "/", method: str | None = None) -> int:
        with self._lock:
            return sum(
                n
                for (m, path), n in self._counts.items()
                if path.startswith(path_prefix) and (method is None or m == method)
            )

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class _CountingMiddleware:
    def __init__(self, app: ASGIApp, counter: RequestCounter) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.counter.record(scope["method"], scope["path"])
        await self.app(scope, receive, send)


class _BearerAuthMiddleware:
    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            presented = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(presented, self.expected):
                body = dump_json(error_body("unauthorized", "missing or wrong bearer token"))
                response = _raw_json(401, body)
                response.headers["WWW-Authenticate"] = "Bearer"
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    store: HospitalStore,
    faults: FaultSwitch,
    counter: RequestCounter,
    *,
    token: str | None = None,
) -> Starlette:
    handlers = _Handlers(store)
    routes = [
        Route("/v1/health", handlers.health, methods=["GET"]),
        Route("/v1/departments", handlers.departments, methods=["GET"]),
        Route("/v1/identity/resolve", handlers.resolve_identity, methods=["POST"]),
        Route("/v1/patients/lookup", handlers.lookup, methods=["POST"]),
        Route("/v1/patients", handlers.create_patient, methods=["POST"]),
        Route("/v1/patients/{patient_id}/appointments", handlers.appointments, methods=["GET"]),
        Route("/v1/patients/{patient_id}/visits", handlers.past_visits, methods=["GET"]),
        Route("/v1/patients/{patient_id}/registrations", handlers.registrations, methods=["GET"]),
        Route("/v1/visits", handlers.register_visit, methods=["POST"]),
        Route("/v1/queue-numbers/lease", handlers.lease_queue_numbers, methods=["POST"]),
        Route("/v1/payments/{reference}", handlers.payment, methods=["GET"]),
    ]
    middleware = [Middleware(_CountingMiddleware, counter=counter)]
    if token:
        middleware.append(Middleware(_BearerAuthMiddleware, token=token))
    middleware.append(Middleware(FaultMiddleware, switch=faults))
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )


class _Handlers:
    def __init__(self, store: HospitalStore) -> None:
        self.store = store

    async def health(self, request: Request) -> Response:
        await _processing_pause(request)
        now = datetime.now(VIETNAM_TZ).isoformat(timespec="seconds")
        return _json(200, {"status": "ok", "time": now})

    async def departments(self, request: Request) -> Response:
        await _processing_pause(request)
        return _json(200, {"departments": self.store.departments()})

    async def lookup(self, request: Request) -> Response:
        body = await _json_object(request)
        if len(body) != 1 or not body.keys() <= {"citizen_id", "insurance_number"}:
            raise _invalid("give exactly one of citizen_id and insurance_number")
        await _processing_pause(request)
        if "citizen_id" in body:
            patient = self.store.find_by_citizen_id(_citizen_id(body["citizen_id"]))
        else:
            patient = self.store.find_by_insurance_number(
                _insurance_number(body["insurance_number"])
            )
        if patient is None:
            raise ApiError(404, "patient_not_found", "no patient with this number")
        return _json(200, {"patient": patient})

    async def resolve_identity(self, request: Request) -> Response:
        """Resolves the VNeID-style tokens and booking codes this hospital issued (codes.py)."""
        body = await _json_object(request)
        _exact_keys(body, {"payload"})
        payload = body["payload"]
        if not isinstance(payload, str) or not 1 <= len(payload) <= MAX_PAYLOAD_CHARS:
            raise _invalid(f"payload must be a string of 1 to {MAX_PAYLOAD_CHARS} characters")
        await _processing_pause(request)
        patient_id = token_patient_id(payload)
        appointment_id = booking_appointment_id(payload)
        if patient_id is not None:
            patient = self.store.find_by_patient_id(patient_id)
        elif appointment_id is not None:
            patient = self.store.find_by_appointment_id(appointment_id)
        else:
            patient = None
        card = patient["insurance"] if patient else None
        card_number = card["number"] if card else None
        if patient is None or not (patient["citizen_id"] or card_number):
            raise ApiError(404, "identity_not_found", "no identity for this code")
        identity = {
            "citizen_id": patient["citizen_id"],
            "insurance_number": card_number,
            "full_name": patient["full_name"],
            "birth_date": patient["birth_date"],
            "sex": patient["sex"],
            "address": patient["address"],
        }
        return _json(200, {"identity": identity})

    async def create_patient(self, request: Request) -> Response:
        return await self._idempotent(request, _patient_fields, self.store.finish_create_patient)

    async def appointments(self, request: Request) -> Response:
        day = _required_day(request)
        await _processing_pause(request)
        appointments = self.store.appointments(request.path_params["patient_id"], day)
        return _json(200, {"appointments": appointments})

    async def registrations(self, request: Request) -> Response:
        day = _required_day(request)
        await _processing_pause(request)
        visits = self.store.registrations(request.path_params["patient_id"], day)
        return _json(200, {"visits": visits})

    async def past_visits(self, request: Request) -> Response:
        limit_text = request.query_params.get("limit", str(DEFAULT_HISTORY))
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_HISTORY:
            raise _invalid(f"limit must be an integer from 1 to {MAX_HISTORY}")
        await _processing_pause(request)
        visits = self.store.past_visits(request.path_params["patient_id"], int(limit_text))
        return _json(200, {"visits": visits})

    async def register_visit(self, request: Request) -> Response:
        return await self._idempotent(request, _visit_fields, self.store.finish_register_visit)

    async def payment(self, request: Request) -> Response:
        found = self.store.payment_status(request.path_params["reference"])
        if found is None:
            raise ApiError(404, "payment_not_found", "no payment request with this reference")
        return _json(200, {"payment": found})

    async def lease_queue_numbers(self, request: Request) -> Response:
        return await self._idempotent(request, _lease_fields, self.store.finish_lease)

    async def _idempotent(
        self,
        request: Request,
        validate: Callable[[dict[str, Any]], dict[str, Any]],
        finish: Callable[[str, str, dict[str, Any]], Claim],
    ) -> Response:
        """The Idempotency-Key protocol around one piece of work (see openapi.yaml)."""
        key = _idempotency_key(request)
        body = await _json_object(request)
        fields = validate(body)  # a malformed request is refused before the key is used
        scope = f"{request.method} {request.url.path}"
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False)
        request_hash = hashlib.sha256(canonical.encode()).hexdigest()
        claim = self.store.claim(scope, key, request_hash)
        if claim.state is ClaimState.MISMATCH:
            raise ApiError(
                422, "idempotency_key_reused", "this key was used for a different request"
            )
        if claim.state is ClaimState.IN_PROGRESS:
            raise ApiError(
                409, "request_in_progress", "a request with this key is still being processed"
            )
        if claim.state is ClaimState.NEW:
            finished = False
            try:
                await _processing_pause(request)
                claim = finish(scope, key, fields)
                finished = True
            finally:
                if not finished:  # crashed or cancelled: let a retry start over
                    self.store.release(scope, key)
        assert claim.status is not None and claim.body is not None
        return _raw_json(claim.status, claim.body)


# --- input validation ----------------------------------------------------------------


def _invalid(message: str) -> ApiError:
    return ApiError(400, "invalid_request", message)


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", f"the body must be at most {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise _invalid("the body is not valid JSON") from error
    if not isinstance(body, dict):
        raise _invalid("the body must be a JSON object")
    return body


def _exact_keys(body: dict[str, Any], keys: set[str]) -> None:
    missing, unknown = keys - body.keys(), body.keys() - keys
    if missing:
        raise _invalid(f"missing members: {', '.join(sorted(missing))}")
    if unknown:
        raise _invalid(f"unknown members: {', '.join(sorted(unknown))}")


def _string(value: Any, name: str, max_length: int, *, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        kind = "a non-empty string" + (" or null" if nullable else "")
        raise _invalid(f"{name} must be {kind} of at most {max_length} characters")
    return value.strip()


def _citizen_id(value: Any) -> str:
    if not isinstance(value, str) or not _CITIZEN_ID.fullmatch(value):
        raise _invalid("citizen_id must be 12 digits")
    return value


def _insurance_number(value: Any) -> str:
    if not isinstance(value, str) or not _INSURANCE_NUMBER.fullmatch(value.upper()):
        raise _invalid("insurance_number must be a 15-character card number, 10 or 12 digits")
    return value.upper()


def _required_day(request: Request) -> date:
    """The `date` query parameter a per-day list needs."""
    day_text = request.query_params.get("date")
    if day_text is None:
        raise _invalid("date is required (yyyy-mm-dd)")
    return _iso_date(day_text, "date")


def _iso_date(text: str, name: str) -> date:
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as error:
        raise _invalid(f"{name} must be a date yyyy-mm-dd") from error


def _enum(value: Any, name: str, allowed: frozenset[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _invalid(f"{name} must be one of {', '.join(sorted(allowed))}")
    return value


def _patient_fields(body: dict[str, Any]) -> dict[str, Any]:
    _exact_keys(
        body, {"citizen_id", "insurance_number", "full_name", "birth_date", "sex", "address"}
    )
    citizen = None if body["citizen_id"] is None else _citizen_id(body["citizen_id"])
    card = None if body["insurance_number"] is None else _insurance_number(body["insurance_number"])
    if citizen is None and card is None:
        raise _invalid("a new patient needs a citizen_id or an insurance_number")
    birth = body["birth_date"]
    if not isinstance(birth, str) or not _BIRTH_DATE.fullmatch(birth):
        raise _invalid("birth_date must be yyyy-mm-dd or yyyy")
    year = int(birth[:4])
    if len(birth) == 10:
        year = _iso_date(birth, "birth_date").year
        if date.fromisoformat(birth) > date.today():
            raise _invalid("birth_date must not be in the future")
    if not 1900 <= year <= date.today().year:
        raise _invalid("birth_date must be a year from 1900 to this year")
    return {
        "citizen_id": citizen,
        "insurance_number": card,
        "full_name": " ".join(str(_string(body["full_name"], "full_name", 100)).split()),
        "birth_date": birth,
        "sex": _enum(body["sex"], "sex", frozenset({"male", "female"})),
        "address": _string(body["address"], "address", 300, nullable=True),
    }


_IDENTITY_CHECKS = frozenset(
    {"chip_verified", "chip_read", "chip_failed", "card_skipped", "not_checked"}
)


def _visit_fields(body: dict[str, Any]) -> dict[str, Any]:
    keys = {"kiosk_id", "patient_id", "department_code", "service", "priority", "appointment_id"}
    _exact_keys(body, keys | ({"leased_queue_number", "identity_check"} & body.keys()))
    leased = body.get("leased_queue_number")
    if leased is not None:
        leased = _integer(leased, "leased_queue_number", 1, None)
    return {
        "leased_queue_number": leased,
        "identity_check": _enum(
            body.get("identity_check", "not_checked"), "identity_check", _IDENTITY_CHECKS
        ),
        "kiosk_id": _string(body["kiosk_id"], "kiosk_id", 64),
        "patient_id": _string(body["patient_id"], "patient_id", 64),
        "department_code": _string(body["department_code"], "department_code", 32),
        "service": _enum(body["service"], "service", frozenset({"insurance", "paid"})),
        "priority": _enum(body["priority"], "priority", _PRIORITIES),
        "appointment_id": _string(body["appointment_id"], "appointment_id", 64, nullable=True),
    }


def _lease_fields(body: dict[str, Any]) -> dict[str, Any]:
    _exact_keys(body, {"kiosk_id", "department_code", "day", "queue", "count"})
    day = body["day"]
    if not isinstance(day, str):
        raise _invalid("day must be a date yyyy-mm-dd")
    return {
        "kiosk_id": _string(body["kiosk_id"], "kiosk_id", 64),
        "department_code": _string(body["department_code"], "department_code", 32),
        "day": _iso_date(day, "day").isoformat(),
        "queue": _enum(body["queue"], "queue", frozenset({"normal", "priority"})),
        "count": _integer(body["count"], "count", 1, MAX_LEASE),
    }


def _integer(value: Any, name: str, minimum: int, maximum: int | None) -> int:
    # bool is an int in Python but not in JSON.
    in_range = isinstance(value, int) and not isinstance(value, bool) and value >= minimum
    if not in_range or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise _invalid(f"{name} must be an integer of at least {minimum}{upper}")
    return int(value)


def _idempotency_key(request: Request) -> str:
    """The key as an RFC 8941 sf-string ("..."), or bare as many clients send it."""
    raw = request.headers.get("idempotency-key")
    if raw is None:
        raise _invalid("the Idempotency-Key header is required")
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = re.sub(r"\\([\\\"])", r"\1", key[1:-1])
    if not 1 <= len(key) <= 255 or not all(" " <= ch <= "~" for ch in key):
        raise _invalid("the Idempotency-Key must be 1-255 printable ASCII characters")
    return key


async def _processing_pause(request: Request) -> None:
    delay = request.scope.get(PROCESSING_DELAY_KEY, 0.0)
    if delay:
        await asyncio.sleep(delay)


# --- answers -------------------------------------------------------------------------


def _json(status: int, value: Any) -> Response:
    return _raw_json(status, dump_json(value))


def _raw_json(status: int, text: str) -> Response:
    return Response(text, status_code=status, media_type="application/json")


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _json(exc.status, exc.body())


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    response = _json(exc.status_code, error_body(code, str(exc.detail)))
    response.headers.update(exc.headers or {})
    return response


async def _internal_error(request: Request, exc: Exception) -> Response:
    # Only the exception type: its message could quote patient data.
    logger.error("unhandled %s in %s %s", type(exc).__name__, request.method, request.url.path)
    return _json(500, error_body("internal_error", "the demo hospital failed"))
