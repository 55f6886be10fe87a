"""A webhook receiver on 127.0.0.1 for the staff-alert tests (the alerts' own and the app's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.kiosk.alerts.receiver import SECRET, WebhookReceiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver(SECRET)
    yield server
    server.stop()
