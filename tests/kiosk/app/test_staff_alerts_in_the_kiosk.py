"""Staff alerts from a running demo kiosk to a real webhook on 127.0.0.1: the paper runs out,
staff hear it once and hear it is back; the patient is told staff know only when the webhook
took the alert; "call staff" on any screen goes the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

import kiosk.app.controller as controller_module
from kiosk.app.controller import KioskApp
from kiosk.app.walkthrough import Driver, _visit, _with_card
from kiosk.config import AlertsSection, CameraSection, Config, KioskSection
from kiosk.core.flow import Screen
from tests.demo_kiosk import running_demo_kiosk, wait
from tests.kiosk.alerts.receiver import SECRET, WebhookReceiver

TOLD = "Staff have been told about the printer. Please show them your number."
FALLBACK = "Please remember your number and show it to a staff member."


def config(webhook: str = "") -> Config:
    return Config(
        kiosk=KioskSection(id="KIOSK-07", name="Sảnh A, tầng 1", language="en"),
        camera=CameraSection(source="none"),
        alerts=AlertsSection(
            webhook_url=webhook, webhook_secret=SECRET, location="toa-A", resolve_after=0.1
        ),
    )


@pytest.fixture
def told_kiosk(qapp: QApplication, tmp_path: Path, receiver: WebhookReceiver) -> Iterator[KioskApp]:
    with running_demo_kiosk(config(receiver.url), tmp_path) as app:
        yield app


def arrived(receiver: WebhookReceiver, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
    """The first `count` messages, Qt's events flowing meanwhile (the alerts start there)."""
    wait(lambda: len(receiver.messages()) >= count, timeout)
    return receiver.messages()[:count]


def advice(app: KioskApp) -> str:
    page = app.window.current_page()
    return page.advice.title.text()  # type: ignore[attr-defined]


def test_paper_out_reaches_staff_once_the_patient_is_told_and_paper_back_resolves(
    told_kiosk: KioskApp, receiver: WebhookReceiver
) -> None:
    d = Driver(told_kiosk)
    d.devices.printer_out_of_paper(True)
    [fired] = arrived(receiver, 1)
    assert (fired["kind"], fired["status"]) == ("printer_out_of_paper", "firing")
    assert fired["kiosk"] == {"id": "KIOSK-07", "name": "Sảnh A, tầng 1", "location": "toa-A"}

    _with_card(d, "walk_in_insurance")
    state = _visit(d, "insurance", "NOI")
    assert state.screen is Screen.PRINTER_FAULT
    wait(lambda: advice(told_kiosk) == TOLD)

    d.devices.printer_out_of_paper(False)
    messages = arrived(receiver, 2)
    assert [(m["kind"], m["status"]) for m in messages] == [
        ("printer_out_of_paper", "firing"),
        ("printer_out_of_paper", "resolved"),
    ]
    assert messages[1]["incident_id"] == fired["incident_id"]
    d.step("btn_done", Screen.WELCOME)
    assert len(receiver.messages()) == 2
    for message in receiver.messages():  # the patient's name or number never leaves
        assert "001" not in message["detail"] and "NGUY" not in str(message).upper()


def test_with_no_webhook_the_printer_fault_screen_sends_the_patient_to_staff(
    qapp: QApplication, tmp_path: Path
) -> None:
    with running_demo_kiosk(config(), tmp_path) as app:
        d = Driver(app)
        d.devices.printer_out_of_paper(True)
        try:
            _with_card(d, "walk_in_insurance")
            assert _visit(d, "insurance", "NOI").screen is Screen.PRINTER_FAULT
            wait(lambda: advice(app) != "")
            QApplication.processEvents()
            assert advice(app) == FALLBACK
            state = app.alerts.state()
            assert state is not None
            assert [i.kind for i in state.incidents] == ["printer_out_of_paper"]
            assert state.channels == []  # the staff page only
        finally:
            d.devices.printer_out_of_paper(False)


def banner(app: KioskApp) -> str:
    shown = app.window.staff_call_banner
    if shown is None or not shown.isVisibleTo(app.window):
        return ""
    return shown.title.text()


def test_call_staff_from_any_screen_is_confirmed_only_when_the_webhook_took_it(
    told_kiosk: KioskApp, receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = Driver(told_kiosk)
    d.click("btn_call_staff")
    wait(lambda: banner(told_kiosk) == "Staff have been told.")
    [call] = arrived(receiver, 1)
    assert (call["kind"], call["detail"], call["severity"]) == ("staff_called", "welcome", "info")

    _with_card(d, "walk_in_insurance")
    d.step("btn_cancel", Screen.WELCOME)
    assert banner(told_kiosk) == ""  # the next patient does not see this one's call
    _with_card(d, "walk_in_insurance")
    screen = d.state.screen
    receiver.stop()
    monkeypatch.setattr(controller_module, "CALL_STAFF_WAIT", 0.3)
    d.click("btn_call_staff")
    assert banner(told_kiosk) == "Calling staff…"
    wait(lambda: banner(told_kiosk) == "The kiosk could not reach staff.")
    assert told_kiosk.window.staff_call_banner is not None
    assert "reception counter" in told_kiosk.window.staff_call_banner.body.text()

    receiver.start()  # the call still arrives, late, with the screen it came from
    messages = arrived(receiver, 2, 15)
    assert messages[1]["detail"] == screen.name.lower()


def test_the_hospital_going_offline_is_an_alert_and_coming_back_resolves_it(
    told_kiosk: KioskApp, receiver: WebhookReceiver
) -> None:
    d = Driver(told_kiosk)
    d.devices.hospital_offline(True)
    try:
        [down] = arrived(receiver, 1, 15)
        assert (down["kind"], down["status"]) == ("hospital_offline", "firing")
    finally:
        d.devices.hospital_offline(False)
    messages = arrived(receiver, 2, 15)
    assert (messages[1]["kind"], messages[1]["status"]) == ("hospital_offline", "resolved")
