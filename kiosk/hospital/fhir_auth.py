"""Credentials for a FHIR server as `httpx.Auth`: a fixed bearer token, or OAuth2 client
credentials.

Client credentials (RFC 6749 §4.4, client_secret_basic): the access token is fetched from the
token endpoint when first needed, through the same client and within the same attempt's
timeouts, and kept until shortly before `expires_in` runs out; a 401 from the FHIR server
drops it and the request is sent once more with a new one. Tokens and secrets are never logged.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Generator

import httpx

from kiosk.core.ports import HospitalProtocolError, HospitalRejected, HospitalUnavailable

logger = logging.getLogger(__name__)

_DEFAULT_LIFETIME = 300.0  # seconds, when the token answer carries no expires_in
_EARLY_REFRESH = 30.0  # renew this long before expiry (clock skew, request in flight)


class BearerToken(httpx.Auth):
    """A fixed token: a 401 is final, since asking again with it cannot get a better answer."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


class ClientCredentials(httpx.Auth):
    """OAuth2 client credentials grant with the token cached until it expires. Thread-safe."""

    def __init__(
        self, token_url: str, client_id: str, client_secret: str, *, scope: str = ""
    ) -> None:
        if not token_url.startswith(("http://", "https://")):
            raise ValueError("token_url must be an http:// or https:// URL")
        self._token_url = token_url
        pair = f"{client_id}:{client_secret}".encode()
        self._basic = f"Basic {base64.b64encode(pair).decode('ascii')}"
        self._scope = scope
        # Held while a token is fetched: concurrent calls wait for it rather than fetch more.
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0  # monotonic
        self.fetches = 0  # token requests made: the cache is observable in tests and benchmarks

    # The flow does I/O (the token request), so it is httpx's synchronous flow itself (the
    # hospital clients are synchronous): httpx then closes this very generator, and the lock
    # below is never left held by a suspended one.
    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        token = yield from self._current_token(request)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        # An expired or revoked token: one more try with a new one (unless another call
        # already replaced it).
        with self._lock:
            if self._token == token:
                self._token = None
        token = yield from self._current_token(request)
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    def _current_token(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, str]:
        with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                self.fetches += 1
                answer = yield self._token_request(request)
                self._token, lifetime = _token_from(answer)
                self._renew_at = time.monotonic() + max(lifetime - _EARLY_REFRESH, lifetime / 2)
            return self._token

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        form = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        return httpx.Request(
            "POST", self._token_url, data=form,
            headers={"Accept": "application/json", "Authorization": self._basic},
            extensions={"timeout": request.extensions.get("timeout", {})},
        )  # fmt: skip


def _token_from(response: httpx.Response) -> tuple[str, float]:
    """The access token and its lifetime, or the typed error for the token endpoint's answer."""
    status = response.status_code
    if status in (400, 401, 403):
        logger.error("token endpoint refused the kiosk's client credentials (%d)", status)
        raise HospitalRejected("unauthorized", "the token endpoint refused the credentials")
    if status >= 500:
        raise HospitalUnavailable(f"token endpoint answered {status}")
    response.read()  # the token endpoint's answer is small; httpx reads it again anyway
    try:
        body = response.json()
        token = body["access_token"]
        lifetime = float(body.get("expires_in", _DEFAULT_LIFETIME))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise HospitalProtocolError("token endpoint: not an OAuth2 token answer") from error
    if status != 200 or not isinstance(token, str) or not token:
        raise HospitalProtocolError(f"token endpoint: unexpected answer {status}")
    return token, lifetime
