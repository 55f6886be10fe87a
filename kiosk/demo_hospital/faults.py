"""Faults the demo panel and the tests switch on to see how the kiosk copes.

`FaultSwitch` is plain thread-safe state set from any thread; `FaultMiddleware` reads it
for every request in the server's event loop. Each rule may be limited to a path prefix
and to the next N matching requests (None: until cleared).

Latency has three phases:
- "request": before the hospital looks at the request (it is slow to answer);
- "processing": inside the hospital's work, after an idempotency key is claimed and
  before the answer is stored (the window in which a retry gets 409 request_in_progress);
- "response": after the work is done and stored, before the answer leaves (a lost
  response, as far as a client with a shorter timeout can tell).
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal

from kiosk.demo_hospital.errors import error_body
from kiosk.demo_hospital.store import dump_json

Phase = Literal["request", "processing", "response"]
FaultKind = Literal["latency", "fail_status", "malformed_json", "schema_invalid"]

# The ASGI scope key through which the middleware hands the processing delay to handlers.
PROCESSING_DELAY_KEY = "demo_hospital.processing_delay"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_MALFORMED_BODY = b'{"departments": [{"code": "NOI", "name": "Kh'  # cut mid-string
_WRONG_SHAPE_BODY = {"result": "ok", "items": [{"id": 1}], "count": "1"}
_FAULT_CODES = {500: "internal_error", 502: "bad_gateway", 503: "unavailable", 504: "timeout"}


@dataclass(frozen=True)
class FaultRule:
    kind: FaultKind
    path_prefix: str = "/"
    remaining: int | None = None  # requests left to affect; None: until cleared
    seconds: float = 0.0  # latency only
    phase: Phase = "request"  # latency only
    status: int = 200  # the status answered by the other kinds


@dataclass(frozen=True)
class FaultPlan:
    """What happens to one request."""

    delay_before: float = 0.0
    delay_processing: float = 0.0
    delay_after: float = 0.0
    answer: FaultRule | None = None  # answer this instead of the hospital's own answer


class FaultSwitch:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def latency(
        self,
        seconds: float,
        *,
        phase: Phase = "request",
        count: int | None = None,
        path_prefix: str = "/",
    ) -> None:
        if seconds < 0:
            raise ValueError("latency must not be negative")
        self._add(FaultRule("latency", path_prefix, count, seconds=seconds, phase=phase))

    def fail_status(self, status: int, *, count: int | None = None, path_prefix: str = "/") -> None:
        """Answer `status` with the contract's error body, without doing the work."""
        if not 400 <= status <= 599:
            raise ValueError("fail_status needs a 4xx or 5xx status")
        self._add(FaultRule("fail_status", path_prefix, count, status=status))

    def malformed_json(
        self, *, status: int = 200, count: int | None = None, path_prefix: str = "/"
    ) -> None:
        """Answer broken JSON with a success status, without doing the work."""
        self._add(FaultRule("malformed_json", path_prefix, count, status=status))

    def schema_invalid(
        self, *, status: int = 200, count: int | None = None, path_prefix: str = "/"
    ) -> None:
        """Answer valid JSON of the wrong shape with a success status, without doing the work."""
        self._add(FaultRule("schema_invalid", path_prefix, count, status=status))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def active(self) -> tuple[FaultRule, ...]:
        with self._lock:
            return tuple(self._rules)

    def plan(self, path: str) -> FaultPlan:
        """The faults for one request to `path`, using up one count of each rule applied."""
        delays: dict[Phase, float] = {"request": 0.0, "processing": 0.0, "response": 0.0}
        answer: FaultRule | None = None
        with self._lock:
            kept: list[FaultRule] = []
            for rule in self._rules:
                applies = path.startswith(rule.path_prefix) and (
                    rule.kind == "latency" or answer is None
                )
                if applies:
                    if rule.kind == "latency":
                        delays[rule.phase] += rule.seconds
                    else:
                        answer = rule
                    if rule.remaining is not None:
                        rule = dataclasses.replace(rule, remaining=rule.remaining - 1)
                if rule.remaining is None or rule.remaining > 0:
                    kept.append(rule)
            self._rules = kept
        return FaultPlan(delays["request"], delays["processing"], delays["response"], answer)

    def _add(self, rule: FaultRule) -> None:
        if rule.remaining is not None and rule.remaining < 1:
            raise ValueError("count must be at least 1 (or None for until cleared)")
        with self._lock:
            self._rules.append(rule)


class FaultMiddleware:
    """Pure ASGI middleware applying the switch's plan to each HTTP request."""

    def __init__(self, app: ASGIApp, switch: FaultSwitch) -> None:
        self.app = app
        self.switch = switch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        plan = self.switch.plan(scope["path"])
        scope[PROCESSING_DELAY_KEY] = plan.delay_processing
        if plan.delay_before:
            await asyncio.sleep(plan.delay_before)
        if plan.answer is not None:
            await _drain(receive)
            await _send_fault(send, plan.answer)
            return
        if not plan.delay_after:
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        await asyncio.sleep(plan.delay_after)
        for message in held:
            await send(message)


async def _drain(receive: Receive) -> None:
    """Read the request body to its end so the connection stays usable."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


async def _send_fault(send: Send, rule: FaultRule) -> None:
    if rule.kind == "fail_status":
        code = _FAULT_CODES.get(rule.status, "injected_fault")
        body = dump_json(error_body(code, "fault injected by the demo hospital")).encode()
    elif rule.kind == "malformed_json":
        body = _MALFORMED_BODY
    else:
        body = dump_json(_WRONG_SHAPE_BODY).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": rule.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
