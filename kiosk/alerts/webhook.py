"""The webhook channel: a signed JSON POST that a hospital bridges to its chat, pager or e-mail.

Any 2xx answer means the receiver took the message; anything else (a refused connection, a
timeout, 4xx, 5xx) is a failure the dispatcher retries with backoff. Standard library HTTP: one
short request now and then needs no client library, and TLS is verified as for any https URL.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

from kiosk.alerts.signing import MESSAGE_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature


class DeliveryFailed(Exception):
    """The channel did not take the message; str() says why in a few words (no body)."""


class WebhookChannel:
    tells_people = True  # what it accepts reaches someone's phone or inbox

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.time,
        name: str = "webhook",
    ) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("the webhook URL must start with http:// or https://")
        self.name = name
        self._url = url
        self._secret = secret
        self._timeout = timeout
        self._clock = clock

    def send(self, message_id: str, body: str) -> None:
        data = body.encode("utf-8")
        timestamp = int(self._clock())
        request = urllib.request.Request(
            self._url,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "hospital-checkin-kiosk",
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: signature(self._secret, timestamp, data),
                MESSAGE_ID_HEADER: message_id,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as answer:
                answer.read(1024)
        except urllib.error.HTTPError as error:
            raise DeliveryFailed(f"HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            why = reason if isinstance(reason, str) else type(reason).__name__
            raise DeliveryFailed(why) from None
