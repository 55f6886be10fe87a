"""`kiosk doctor` says whether staff alerts reach people: the webhook and the kiosk's queue."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.alerts import AlertDispatcher, KioskIdentity, Limits, WebhookChannel
from kiosk.app.alerting import STORE_NAME
from kiosk.app.doctor import Status, check_alerts
from kiosk.config import AlertsSection, Config, KioskSection
from tests.kiosk.alerts.receiver import WebhookReceiver

SECRET = "sixteen-characters-at-least"


def config(tmp_path: Path, url: str) -> Config:
    return Config(
        kiosk=KioskSection(data_dir=str(tmp_path)),
        alerts=AlertsSection(webhook_url=url, webhook_secret=SECRET),
    )


def test_no_webhook_warns_that_alerts_reach_nobody(tmp_path: Path) -> None:
    [finding] = check_alerts(config(tmp_path, ""), False)
    assert finding.status is Status.WARN
    assert "staff page only" in finding.detail


def test_deliveries_and_failures_as_the_kiosk_recorded_them(tmp_path: Path) -> None:
    receiver = WebhookReceiver(SECRET)
    try:
        [fresh] = check_alerts(config(tmp_path, receiver.url), False)
        assert (fresh.status, fresh.detail.endswith("nothing sent yet")) == (Status.OK, True)
        channel = WebhookChannel(receiver.url + "?token=x", SECRET)
        limits = Limits(retry_first=0.05, retry_cap=0.1)
        alerts = AlertDispatcher(tmp_path / STORE_NAME, KioskIdentity("K-1"), [channel], limits)
        alerts.start()
        try:
            alerts.raise_("printer_out_of_paper")
            receiver.wait_for(1)
            time.sleep(0.1)
            [ok, paper] = check_alerts(config(tmp_path, receiver.url), False)
            assert ok.status is Status.OK and "last delivery 20" in ok.detail
            assert "token" not in ok.detail  # the URL's origin only
            assert paper.status is Status.WARN
            assert paper.detail.startswith("open: printer_out_of_paper since ")
            assert paper.detail.endswith("delivered")

            receiver.stop()
            alerts.raise_("hospital_offline")
            deadline = time.monotonic() + 10
            while alerts.state().channels[0].failing < 2:
                assert time.monotonic() < deadline
                time.sleep(0.02)
            failing = check_alerts(config(tmp_path, receiver.url), False)[0]
            assert failing.status is Status.FAIL
            assert "NOT DELIVERING: 1 waiting" in failing.detail
            assert "ConnectionRefusedError" in failing.detail
        finally:
            alerts.close()
    finally:
        receiver.stop()
