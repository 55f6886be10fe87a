"""Staff alerts that reach people: incidents queued on disk, delivered to a signed webhook.

`AlertDispatcher` is the way in (raise, resolve, call staff); `AlertStore` keeps incidents and
their messages in SQLite so a restart loses and repeats nothing; `WebhookChannel` posts them,
signed with `signing`. Imports the core (its backoff) and itself only; the composition root
(kiosk/app/alerting.py) feeds it the kiosk's alert sources.
"""

from kiosk.alerts.alert import KINDS, AlertKind, KioskIdentity, Severity
from kiosk.alerts.dispatcher import AlertDispatcher, DeliveryState, Limits
from kiosk.alerts.webhook import WebhookChannel

__all__ = [
    "KINDS",
    "AlertDispatcher",
    "AlertKind",
    "DeliveryState",
    "KioskIdentity",
    "Limits",
    "Severity",
    "WebhookChannel",
]
