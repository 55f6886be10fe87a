"""A kiosk's alert sender in a process of its own, for the test that kills it mid-queue:
`python -m tests.kiosk.alerts.kiosk_process DB URL SECRET COUNT` raises COUNT events (none
when 0), then delivers until killed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kiosk.alerts import AlertDispatcher, KioskIdentity, Limits, WebhookChannel


def main(db: str, url: str, secret: str, count: int) -> None:
    alerts = AlertDispatcher(
        Path(db),
        KioskIdentity("KIOSK-07"),
        [WebhookChannel(url, secret)],
        Limits(retry_first=0.05, retry_cap=0.2, events_per_hour=1000),
    )
    for n in range(count):
        alerts.call_staff(f"screen_{n}")
    print("queued", flush=True)
    alerts.start()
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
