"""Credentials for a FHIR server: a fixed bearer token, or OAuth2 client credentials.

Client credentials (RFC 6749 §4.4, client_secret_basic): the access token is fetched from the
token endpoint when first needed and kept until shortly before `expires_in` runs out; a 401
from the FHIR server drops it so the next attempt fetches a new one. Tokens and secrets are
never logged.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

import httpx

from kiosk.core.ports import HospitalProtocolError, HospitalRejected, HospitalUnavailable

logger = logging.getLogger(__name__)

_DEFAULT_LIFETIME = 300.0  # seconds, when the token answer carries no expires_in
_EARLY_REFRESH = 30.0  # renew this long before expiry (clock skew, request in flight)


class Credentials(Protocol):
    def authorization(self, client: httpx.Client, timeout: httpx.Timeout) -> str | None:
        """The Authorization header value, or None to send none."""
        ...

    def rejected(self) -> bool:
        """The server said 401: forget the token; True if a new one may fix it."""
        ...


class NoCredentials:
    def authorization(self, client: httpx.Client, timeout: httpx.Timeout) -> str | None:
        return None

    def rejected(self) -> bool:
        return False


class BearerToken:
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def authorization(self, client: httpx.Client, timeout: httpx.Timeout) -> str | None:
        return self._header

    def rejected(self) -> bool:
        return False  # a fixed token does not get better by asking again


class ClientCredentials:
    """OAuth2 client credentials grant with the token cached until it expires. Thread-safe."""

    def __init__(
        self, token_url: str, client_id: str, client_secret: str, *, scope: str = ""
    ) -> None:
        if not token_url.startswith(("http://", "https://")):
            raise ValueError("token_url must be an http:// or https:// URL")
        self._token_url = token_url
        self._basic = httpx.BasicAuth(client_id, client_secret)
        self._scope = scope
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0  # monotonic
        self.fetches = 0  # token requests made: the cache is observable in tests and benchmarks

    def authorization(self, client: httpx.Client, timeout: httpx.Timeout) -> str | None:
        with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                self._token, lifetime = self._fetch(client, timeout)
                self._renew_at = time.monotonic() + max(lifetime - _EARLY_REFRESH, lifetime / 2)
            return f"Bearer {self._token}"

    def rejected(self) -> bool:
        with self._lock:
            self._token = None
        return True

    def _fetch(self, client: httpx.Client, timeout: httpx.Timeout) -> tuple[str, float]:
        form = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        self.fetches += 1
        try:
            response = client.post(
                self._token_url, data=form, auth=self._basic, timeout=timeout,
                headers={"Accept": "application/json"},
            )  # fmt: skip
        except httpx.HTTPError as error:
            raise HospitalUnavailable(f"token endpoint: {type(error).__name__}") from error
        if response.status_code in (400, 401, 403):
            logger.error("token endpoint refused the kiosk's client credentials (%d)",
                         response.status_code)  # fmt: skip
            raise HospitalRejected("unauthorized", "the token endpoint refused the credentials")
        if response.status_code >= 500:
            raise HospitalUnavailable(f"token endpoint answered {response.status_code}")
        try:
            body = response.json()
            token = body["access_token"]
            lifetime = float(body.get("expires_in", _DEFAULT_LIFETIME))
        except (ValueError, KeyError, TypeError) as error:
            raise HospitalProtocolError("token endpoint: not an OAuth2 token answer") from error
        if response.status_code != 200 or not isinstance(token, str) or not token:
            raise HospitalProtocolError(f"token endpoint: unexpected answer {response.status_code}")
        return token, lifetime
