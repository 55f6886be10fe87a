"""JSON of the kiosk contract (openapi.yaml) <-> the frozen dataclasses of kiosk.core.domain.

Decoding is strict: a missing member, a wrong type or a malformed value raises
WireError naming the member's path (never its value, which may be personal data).
Unknown members are ignored, as the contract allows servers to add them.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from typing import Any

from kiosk.core import domain
from kiosk.core.ports import LeaseRequest, NumberLease
from kiosk.core.tickets import queue_label

logger = logging.getLogger(__name__)

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_CITIZEN_ID = re.compile(r"\d{12}")
_RESULT_CODE = re.compile(r"\d{3}")
_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]*")
_PAYMENT_REFERENCE = re.compile(r"[A-Za-z0-9]{4,25}")  # a transfer's content: no diacritics
_BANK_BIN = re.compile(r"\d{6}")
_ACCOUNT = re.compile(r"[A-Za-z0-9]{1,19}")
_QUEUES = ("normal", "priority")


class WireError(ValueError):
    """The JSON does not have the contract's shape; the message names the member path."""


class _Object:
    """A JSON object being decoded, remembering where it sits for error messages."""

    def __init__(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise WireError(f"{where}: expected an object")
        self.value = value
        self.where = where

    def _get(self, key: str) -> Any:
        if key not in self.value:
            raise WireError(f"{self.where}.{key}: missing")
        return self.value[key]

    def _fail(self, key: str, expected: str) -> WireError:
        return WireError(f"{self.where}.{key}: expected {expected}")

    def text(
        self, key: str, *, pattern: re.Pattern[str] | None = None, allow_empty: bool = False
    ) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not (value or allow_empty):
            raise self._fail(key, "a string" if allow_empty else "a non-empty string")
        if pattern is not None and not pattern.fullmatch(value):
            raise self._fail(key, f"a string matching {pattern.pattern}")
        return value

    def opt_text(self, key: str, *, pattern: re.Pattern[str] | None = None) -> str | None:
        return None if self._get(key) is None else self.text(key, pattern=pattern)

    def integer(self, key: str, *, minimum: int | None = None) -> int:
        value = self._get(key)
        # bool is an int in Python but not in JSON.
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._fail(key, "an integer")
        if minimum is not None and value < minimum:
            raise self._fail(key, f"an integer >= {minimum}")
        return value

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._fail(key, "a boolean")
        return value

    def day(self, key: str) -> date:
        text = self.text(key, pattern=_DAY)
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            raise self._fail(key, "a real date") from error

    def opt_day(self, key: str) -> date | None:
        return None if self._get(key) is None else self.day(key)

    def instant(self, key: str) -> datetime:
        text = self.text(key, pattern=_INSTANT)
        try:
            return datetime.fromisoformat(text)
        except ValueError as error:
            raise self._fail(key, "a real RFC 3339 instant") from error

    def obj(self, key: str) -> _Object:
        return _Object(self._get(key), f"{self.where}.{key}")

    def opt_obj(self, key: str) -> _Object | None:
        return None if self._get(key) is None else self.obj(key)

    def objects(self, key: str) -> list[_Object]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._fail(key, "an array")
        return [_Object(item, f"{self.where}.{key}[{i}]") for i, item in enumerate(value)]


def decode_health(body: Any) -> bool:
    return _Object(body, "$").text("status") == "ok"


def decode_resolved_identity(body: Any) -> domain.Identity:
    """The `identity` of a resolve answer; at least one of the two numbers is present."""
    item = _Object(body, "$").obj("identity")
    citizen_id = item.opt_text("citizen_id", pattern=_CITIZEN_ID)
    insurance_number = item.opt_text("insurance_number")
    if citizen_id is None and insurance_number is None:
        raise WireError(f"{item.where}: expected citizen_id or insurance_number")
    birth = None if item._get("birth_date") is None else _birth(item)
    sex = None if item._get("sex") is None else _sex(item)
    return domain.Identity(
        source=domain.IdentitySource.HOSPITAL_RESOLVED,
        citizen_id=citizen_id,
        insurance_number=insurance_number,
        full_name=item.opt_text("full_name"),
        birth=birth,
        sex=sex,
        address=item.opt_text("address"),
    )


def decode_departments(body: Any) -> list[domain.Department]:
    """The departments; one that breaks the contract is dropped with a log line (issue 14:
    one department with waiting = -1 must not stop every check-in)."""
    departments = []
    for item in _Object(body, "$").objects("departments"):
        try:
            departments.append(_department(item))
        except WireError as error:
            logger.warning("department dropped: %s", error)
    return departments


def decode_patient(body: Any) -> domain.Patient:
    return _patient(_Object(body, "$").obj("patient"))


def decode_appointments(body: Any) -> list[domain.Appointment]:
    return [_appointment(item) for item in _Object(body, "$").objects("appointments")]


def decode_visits(body: Any) -> list[domain.Visit]:
    return [_visit(item) for item in _Object(body, "$").objects("visits")]


def decode_registered_visits(body: Any) -> list[domain.TodayVisit]:
    """`listRegistrations`: the patient's visits of one day, queue labels as on the tickets."""
    return [_registered_visit(item) for item in _Object(body, "$").objects("visits")]


def decode_registration(body: Any) -> domain.Registration:
    item = _Object(body, "$").obj("visit")
    return domain.Registration(
        visit_id=item.text("visit_id"),
        queue_number=item.integer("queue_number", minimum=1),
        department_code=item.text("department_code"),
        room=item.text("room"),
        floor=item.integer("floor"),
        people_ahead=item.integer("people_ahead", minimum=0),
        estimated_wait_minutes=item.integer("estimated_wait_minutes", minimum=0),
        registered_at=item.instant("registered_at"),
        payment=_payment_request(_Object(body, "$")),
    )


def _payment_request(top: _Object) -> domain.PaymentRequest | None:
    """`payment`, optional: present for a paid visit the hospital takes payment for."""
    if top.value.get("payment") is None:
        return None
    item = top.obj("payment")
    return domain.PaymentRequest(
        reference=item.text("reference", pattern=_PAYMENT_REFERENCE),
        amount_vnd=item.integer("amount_vnd", minimum=1),
        bank_bin=item.text("bank_bin", pattern=_BANK_BIN),
        bank_name=item.text("bank_name"),
        account=item.text("account", pattern=_ACCOUNT),
        account_name=item.text("account_name"),
        expires_at=item.instant("expires_at"),
        qr_payload=None if item.value.get("qr_payload") is None else item.text("qr_payload"),
    )


def decode_payment_state(body: Any) -> domain.PaymentState:
    item = _Object(body, "$").obj("payment")
    state = {s.value: s for s in domain.PaymentState}.get(item.text("state"))
    if state is None:
        raise WireError(f"{item.where}.state: expected pending, paid, expired or cancelled")
    return state


def decode_lease(body: Any) -> NumberLease:
    item = _Object(body, "$").obj("lease")
    queue = item.text("queue")
    if queue not in _QUEUES:
        raise WireError(f"{item.where}.queue: expected normal or priority")
    first = item.integer("first", minimum=1)
    last = item.integer("last", minimum=1)
    if last < first:
        raise WireError(f"{item.where}.last: expected an integer >= first")
    return NumberLease(
        lease_id=item.text("lease_id"),
        kiosk_id=item.text("kiosk_id"),
        department_code=item.text("department_code"),
        day=item.day("day"),
        priority_queue=queue == "priority",
        first=first,
        last=last,
    )


def decode_error(body: Any) -> tuple[str, str]:
    """(code, message) of the contract's error body."""
    error = _Object(body, "$").obj("error")
    return error.text("code", pattern=_ERROR_CODE), error.text("message", allow_empty=True)


def new_patient_body(identity: domain.Identity) -> dict[str, Any]:
    assert identity.full_name and identity.birth and identity.sex
    return {
        "citizen_id": identity.citizen_id,
        "insurance_number": identity.insurance_number,
        "full_name": identity.full_name,
        "birth_date": identity.birth.iso(),
        "sex": identity.sex.value,
        "address": identity.address,
    }


def visit_body(checkin: domain.CheckIn, leased_number: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kiosk_id": checkin.kiosk_id,
        "patient_id": checkin.patient_id,
        "department_code": checkin.department_code,
        "service": checkin.service.value,
        "priority": checkin.priority.value,
        "appointment_id": checkin.appointment_id,
        "identity_check": checkin.identity_check.value,
    }
    if leased_number is not None:
        # Only when there is one: hospitals without leases see the body they always saw.
        body["leased_queue_number"] = leased_number
    return body


def lease_body(request: LeaseRequest) -> dict[str, Any]:
    return {
        "kiosk_id": request.kiosk_id,
        "department_code": request.department_code,
        "day": request.day.isoformat(),
        "queue": "priority" if request.priority_queue else "normal",
        "count": request.count,
    }


def _department(item: _Object) -> domain.Department:
    return domain.Department(
        code=item.text("code"),
        name=item.text("name"),
        name_en=item.opt_text("name_en"),
        room=item.text("room"),
        floor=item.integer("floor"),
        directions=item.text("directions"),
        directions_en=item.opt_text("directions_en"),
        accepts_insurance=item.boolean("accepts_insurance"),
        waiting=item.integer("waiting", minimum=0),
        waiting_priority=item.integer("waiting_priority", minimum=0),
        estimated_wait_minutes=item.integer("estimated_wait_minutes", minimum=0),
        audience=_audience(item),
        fee_vnd=_optional_amount(item, "fee_vnd"),
        insured_share_vnd=_optional_amount(item, "insured_share_vnd"),
    )


def _optional_amount(item: _Object, key: str) -> int | None:
    """An optional amount in đồng: absent or null when the hospital does not say."""
    return None if item.value.get(key) is None else item.integer(key, minimum=0)


def _audience(item: _Object) -> domain.Audience:
    """`patients`, optional: a hospital that does not say is taken to see everybody."""
    value = item.value.get("patients", "all")
    audience = {a.value: a for a in domain.Audience}.get(value)
    if audience is None:
        raise WireError(f"{item.where}.patients: expected all, adult, child or women")
    return audience


def _patient(item: _Object) -> domain.Patient:
    card = item.opt_obj("insurance")
    return domain.Patient(
        patient_id=item.text("patient_id"),
        full_name=item.text("full_name"),
        birth=_birth(item),
        sex=_sex(item),
        citizen_id=item.opt_text("citizen_id", pattern=_CITIZEN_ID),
        address=item.opt_text("address"),
        insurance=_insurance(card) if card else None,
    )


def _birth(item: _Object) -> domain.BirthDate:
    text = item.text("birth_date")
    if _YEAR.fullmatch(text):
        return domain.BirthDate(int(text))
    return domain.BirthDate.from_date(item.day("birth_date"))


def _sex(item: _Object) -> domain.Sex:
    text = item.text("sex")
    try:
        return domain.Sex(text)
    except ValueError as error:
        raise WireError(f"{item.where}.sex: expected male or female") from error


def _insurance(item: _Object) -> domain.Insurance:
    return domain.Insurance(
        number=item.text("number"),
        result_code=item.text("result_code", pattern=_RESULT_CODE),
        valid_from=item.opt_day("valid_from"),
        valid_to=item.opt_day("valid_to"),
        facility_code=item.opt_text("facility_code"),
    )


def _appointment(item: _Object) -> domain.Appointment:
    return domain.Appointment(
        appointment_id=item.text("appointment_id"),
        department_code=item.text("department_code"),
        starts_at=item.instant("starts_at"),
        doctor_name=item.opt_text("doctor_name"),
    )


def _visit(item: _Object) -> domain.Visit:
    return domain.Visit(
        visit_date=item.day("visit_date"),
        department_name=item.text("department_name"),
        diagnosis=item.opt_text("diagnosis"),
        doctor_name=item.opt_text("doctor_name"),
    )


_SERVICES = {service.value: service for service in domain.ServiceType}
_PRIORITIES = {group.value: group for group in domain.PriorityGroup}


def _registered_visit(item: _Object) -> domain.TodayVisit:
    service = _SERVICES.get(item.text("service"))
    priority = _PRIORITIES.get(item.text("priority"))
    if service is None:
        raise WireError(f"{item.where}.service: expected insurance or paid")
    if priority is None:
        raise WireError(f"{item.where}.priority: expected a priority group")
    return domain.TodayVisit(
        visit_id=item.text("visit_id"),
        department_code=item.text("department_code"),
        queue_label=queue_label(item.integer("queue_number", minimum=1), service, priority),
        service=service,
        priority=priority,
        room=item.text("room"),
        floor=item.integer("floor"),
        registered_at=item.instant("registered_at"),
    )
