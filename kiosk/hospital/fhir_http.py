"""FHIR REST over the hospital transport: one request as an Answer, batch and transaction
bundles, searches over their pages, and the typed errors of HospitalApi for FHIR statuses.

The deadline, timeouts, body cap and resending are the transport's (transport.py); here
requests are resent only when safe: reads, searches, batches of reads, conditional creates,
and only after an unknown outcome or 429/502/503/504. Credentials are an httpx.Auth
(fhir_auth.py). Logs name the interaction and the status, never URLs with values or bodies.
Searches follow the searchset's "next" links (servers may answer fewer matches than `_count`
asked for), within the call's deadline and at most MAX_PAGES pages, and only to the configured
base URL: the token goes to no other place.
"""

from __future__ import annotations

import json
import logging
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from kiosk.core.ports import (
    HospitalFailed,
    HospitalProtocolError,
    HospitalRejected,
    HospitalUnavailable,
)
from kiosk.hospital import fhir_mapping as fm
from kiosk.hospital.transport import HospitalTransport, Params, Reply

logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
_MAX_BODY_BYTES = 4 * 1024 * 1024
_TRANSIENT = frozenset({429, 502, 503, 504})
MAX_PAGES = 20  # of one search; a kiosk's searches fit in one page unless a server caps _count


@dataclass(frozen=True)
class Answer:
    """One HTTP answer, or one entry of a batch / transaction answer."""

    status: int
    etag: str | None
    location: str | None
    body: Any


class Conflict(HospitalRejected):
    """409/412: somebody changed the resource first."""


class FhirHttp:
    """Thread-safe; `deadline` is the seconds one public call of the client may take."""

    def __init__(
        self,
        base_url: str,
        *,
        credentials: httpx.Auth | None,
        connect_timeout: float,
        read_timeout: float,
        deadline: float,
        retries: int,
        transport: httpx.BaseTransport | None,
        ssl_context: ssl.SSLContext | None,
    ) -> None:
        self._transport = HospitalTransport(
            base_url, headers={"Accept": FHIR_JSON}, auth=credentials,
            connect_timeout=connect_timeout, read_timeout=read_timeout, deadline=deadline,
            retries=retries, max_body_bytes=_MAX_BODY_BYTES, transport=transport,
            ssl_context=ssl_context,
        )  # fmt: skip

    def deadline_from_now(self) -> float:
        return self._transport.deadline_from_now()

    def close(self) -> None:
        self._transport.close()

    def batch(self, urls: list[str], deadline_at: float) -> list[Answer]:
        """GETs in one batch round trip: one answer per URL, in order."""
        bundle = {
            "resourceType": "Bundle",
            "type": "batch",
            "entry": [{"request": {"method": "GET", "url": url}} for url in urls],
        }
        answer = self.send("POST", "", json_body=bundle, idempotent=True, deadline_at=deadline_at)
        return _entries(expect(answer, (200,), "POST batch"), len(urls), "batch")

    def transaction(self, entries: list[dict[str, Any]], deadline_at: float, *,
                     idempotent: bool = False) -> list[Answer]:  # fmt: skip
        bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
        answer = self.send(
            "POST", "", json_body=bundle, idempotent=idempotent, deadline_at=deadline_at
        )
        results = _entries(expect(answer, (200,), "POST transaction"), len(entries),
                                "transaction")  # fmt: skip
        for result in results:
            if result.status >= 400:  # a server that reports failure per entry
                expect(result, (), "transaction entry")
        return results

    def get(self, path: str, params: Params | None) -> Any:
        answer = self.send("GET", path, params=params, idempotent=True)
        return expect(answer, (200,), f"GET {path.split('/')[0]}")

    def search(
        self,
        resource_type: str,
        params: Params,
        *,
        enough: Callable[[list[fm.Resource]], bool] | None = None,
    ) -> tuple[list[fm.Resource], list[fm.Resource]]:
        """A searchset's (matches, includes) over all its pages, or until `enough(matches)`."""
        deadline_at = self.deadline_from_now()
        where = f"GET {resource_type}"
        answer = self.send("GET", resource_type, params=params, idempotent=True,
                           deadline_at=deadline_at)  # fmt: skip
        bundle = expect(answer, (200,), where)
        matches, included = split(bundle)
        pages = 1
        while (link := next_link(bundle)) is not None and not (enough and enough(matches)):
            if pages == MAX_PAGES:
                logger.warning("%s: more than %d pages, the rest left unread", where, MAX_PAGES)
                break
            answer = self.send("GET", self._relative(link, where), idempotent=True,
                               deadline_at=deadline_at)  # fmt: skip
            bundle = expect(answer, (200,), f"{where} next page")
            more, more_included = split(bundle)
            matches += more
            included += more_included
            pages += 1
        return matches, included

    def _relative(self, link: str, where: str) -> str:
        """A next-page link as a path under the base URL; refused if it points elsewhere."""
        base = self._transport.base_url
        if not link.startswith(base):
            raise HospitalProtocolError(f"{where}: a next-page link outside the FHIR base URL")
        return link[len(base) :]

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        idempotent: bool,
        retries: int | None = None,
        deadline_at: float | None = None,
    ) -> Answer:
        """One interaction's answer (any status); AnswerUnknown when none came in time."""
        where = f"{method} {path.split('?')[0].split('/')[0] or 'bundle'}"
        headers = {}
        content: bytes | None = None
        if json_body is not None:
            content = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = f"{FHIR_JSON}; charset=utf-8"
        elif form is not None:
            content = urlencode(form).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reply = self._transport.send(
            method, path, where=where, resend_safe=idempotent,
            transient=lambda reply: reply.status in _TRANSIENT, params=params, content=content,
            headers=headers, retries=retries, deadline_at=deadline_at,
        )  # fmt: skip
        return _answer(reply, f"{method} {path.split('?')[0]}")  # no query: it may carry ids


def _answer(reply: Reply, where: str) -> Answer:
    body = None
    if reply.body:
        if reply.media_type not in (FHIR_JSON, "application/json"):
            raise HospitalProtocolError(f"{where}: answer is not FHIR JSON")
        try:
            body = json.loads(reply.body)
        except (ValueError, RecursionError) as error:
            raise HospitalProtocolError(f"{where}: malformed JSON") from error
    headers = reply.headers
    return Answer(reply.status, headers.get("etag"), headers.get("location"), body)


def expect(answer: Answer, ok: tuple[int, ...], where: str) -> Any:
    """The body of an `ok` answer; the typed error for any other."""
    status = answer.status
    if status in ok:
        if not isinstance(answer.body, dict) or "resourceType" not in answer.body:
            raise HospitalProtocolError(f"{where}: {status} without a FHIR resource")
        return answer.body
    issue = _issue_code(answer.body)
    if status in (409, 412):
        raise Conflict("conflict", f"{where}: {status} {issue}")
    if status == 401:
        raise HospitalRejected("unauthorized", f"{where}: the FHIR server refused the credentials")
    if status == 403:
        raise HospitalRejected("forbidden", f"{where}: not permitted")
    if status == 404:
        raise HospitalRejected("not_found", f"{where}: {issue}")
    if status in (400, 405, 415, 422):
        raise HospitalRejected("invalid_request", f"{where}: {status} {issue}")
    if status in _TRANSIENT:
        raise HospitalUnavailable(f"{where}: answered {status}")
    if status >= 500:
        raise HospitalFailed(f"{where}: answered {status}")
    raise HospitalProtocolError(f"{where}: unexpected status {status}")


def _entries(bundle: Any, count: int, kind: str) -> list[Answer]:
    entries = bundle.get("entry") if isinstance(bundle, dict) else None
    if (
        bundle.get("type") != f"{kind}-response"
        or not isinstance(entries, list)
        or len(entries) != count
    ):
        raise HospitalProtocolError(f"{kind}: not a {kind}-response with {count} entries")
    answers = []
    for entry in entries:
        response = entry.get("response") if isinstance(entry, dict) else None
        status_text = str(response.get("status", "")) if isinstance(response, dict) else ""
        if not isinstance(response, dict) or not status_text[:3].isdigit():
            raise HospitalProtocolError(f"{kind}: entry without a response status")
        body = entry.get("resource") or response.get("outcome")
        answers.append(
            Answer(int(status_text[:3]), response.get("etag"), response.get("location"), body)
        )
    return answers


def split(bundle: Any) -> tuple[list[fm.Resource], list[fm.Resource]]:
    """A searchset's (matches, includes)."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise HospitalProtocolError("search: the answer is not a Bundle")
    matches: list[fm.Resource] = []
    included: list[fm.Resource] = []
    for entry in bundle.get("entry") or ():
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") == "OperationOutcome":
            continue
        mode = (entry.get("search") or {}).get("mode", "match")
        (included if mode == "include" else matches).append(resource)
    return matches, included


def next_link(bundle: Any) -> str | None:
    for link in bundle.get("link") or ():
        if isinstance(link, dict) and link.get("relation") == "next" and link.get("url"):
            return str(link["url"])
    return None


def query(resource_type: str, **params: str) -> str:
    return f"{resource_type}?{urlencode(params)}"


def etag_of(resource: fm.Resource) -> str:
    version = (resource.get("meta") or {}).get("versionId")
    if not version:
        raise HospitalProtocolError("FHIR server does not version resources (no meta.versionId)")
    return f'W/"{version}"'


def put_entry(current: fm.Resource, etag: str | None, updated: fm.Resource) -> dict[str, Any]:
    rtype, rid = current["resourceType"], current["id"]
    return {
        "resource": updated,
        "request": {"method": "PUT", "url": f"{rtype}/{rid}", "ifMatch": etag or etag_of(current)},
    }


def post_entry(resource: fm.Resource, if_none_exist: str) -> dict[str, Any]:
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": resource,
        "request": {
            "method": "POST",
            "url": resource["resourceType"],
            "ifNoneExist": if_none_exist,
        },
    }


def _issue_code(body: Any) -> str:
    """The OperationOutcome's first issue code (diagnostics may quote personal data)."""
    if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
        issues = body.get("issue") or [{}]
        return str(issues[0].get("code", "")) if isinstance(issues[0], dict) else ""
    return ""
