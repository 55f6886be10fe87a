"""The kiosk's alert sources mapped to incidents (kiosk/app/alerting.py), with the real
dispatcher, its store on disk and a webhook on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app.alerting import CHIP_FAILURES_IN_A_ROW, StaffAlerts
from kiosk.config import AlertsSection, KioskSection
from kiosk.core.domain import CardProblem, Identity, IdentitySource, PrinterProblem
from kiosk.core.flow import (
    AlertStaff,
    ChipFailed,
    ChipRead,
    FlowState,
    PrinterChanged,
    PrintFailed,
    Problem,
    Screen,
    TicketPrinted,
)
from tests.kiosk.alerts.receiver import SECRET, WebhookReceiver
from tests.waiting import eventually


@pytest.fixture
def alerts(tmp_path: Path, receiver: WebhookReceiver) -> Iterator[StaffAlerts]:
    section = AlertsSection(webhook_url=receiver.url, webhook_secret=SECRET, resolve_after=0.0)
    staff = StaffAlerts(KioskSection(id="KIOSK-09"), section, tmp_path)
    yield staff
    staff.close()


def open_kinds(alerts: StaffAlerts) -> list[str]:
    state = alerts.state()
    assert state is not None
    return [incident.kind for incident in state.incidents]


def test_what_happens_before_it_opens_is_kept_and_sent(
    alerts: StaffAlerts, receiver: WebhookReceiver
) -> None:
    alerts.raise_("startup_failed", "ConfigError")
    assert alerts.state() is None
    alerts.open()
    [message] = receiver.wait_for(1)
    assert (message["kind"], message["detail"]) == ("startup_failed", "configerror")


def test_a_print_failure_tells_the_session_once_the_webhook_took_it(
    alerts: StaffAlerts, receiver: WebhookReceiver
) -> None:
    told = threading.Event()
    sessions: list[int] = []
    alerts.fault_told = lambda session: (sessions.append(session), told.set())
    alerts.open()
    fault = FlowState(screen=Screen.PRINTER_FAULT, session=7, problem=Problem.PRINTER_FAULT)
    alert = AlertStaff(Problem.PRINTER_FAULT, "printer: out_of_paper")
    alerts.flow_step(PrintFailed(7, PrinterProblem.OUT_OF_PAPER), [alert], fault)
    assert told.wait(5)
    assert sessions == [7]
    [message] = receiver.wait_for(1)
    assert message["kind"] == "printer_out_of_paper"

    # The next patient meets the same open incident: told at once, no second message.
    again = threading.Event()
    alerts.fault_told = lambda session: again.set()
    alerts.flow_step(PrintFailed(8, PrinterProblem.OUT_OF_PAPER), [], fault)
    assert again.wait(5)
    alerts.flow_step(TicketPrinted(9), [], FlowState(screen=Screen.TICKET, session=9))
    messages = receiver.wait_for(2)
    assert [m["status"] for m in messages] == ["firing", "resolved"]


def test_chip_failures_alert_only_in_a_row_and_a_good_read_clears(
    alerts: StaffAlerts, receiver: WebhookReceiver
) -> None:
    alerts.open()
    state = FlowState(screen=Screen.READ_FAILED)
    for _ in range(CHIP_FAILURES_IN_A_ROW - 1):
        alerts.flow_step(ChipFailed(1, CardProblem.UNREADABLE), [], state)
    assert open_kinds(alerts) == []
    alerts.flow_step(ChipFailed(1, CardProblem.UNREADABLE), [], state)
    assert open_kinds(alerts) == ["chip_read_failing"]
    identity = Identity(IdentitySource.CHIP, citizen_id="001078012345")
    alerts.flow_step(ChipRead(2, identity), [], FlowState(screen=Screen.LOOKING_UP))
    messages = receiver.wait_for(2)
    assert [(m["kind"], m["status"]) for m in messages] == [
        ("chip_read_failing", "firing"),
        ("chip_read_failing", "resolved"),
    ]
    assert messages[0]["detail"] == "unreadable"


def test_a_cloned_card_names_the_screen_never_the_card(
    alerts: StaffAlerts, receiver: WebhookReceiver
) -> None:
    alerts.open()
    forged = AlertStaff(Problem.CARD_FORGED, "card: chip failed authentication")
    state = FlowState(screen=Screen.GO_TO_COUNTER, problem=Problem.CARD_FORGED)
    alerts.flow_step(ChipFailed(1, CardProblem.FORGED), [forged], state)
    [message] = receiver.wait_for(1)
    assert (message["kind"], message["detail"], message["severity"]) == (
        "card_forged",
        "go_to_counter",
        "critical",
    )


def test_printer_status_words_open_and_close_the_right_incidents(alerts: StaffAlerts) -> None:
    alerts.open()
    alerts.printer_status("paper_near_end")
    assert open_kinds(alerts) == ["printer_paper_near_end"]
    alerts.printer_status("out_of_paper")
    assert open_kinds(alerts) == ["printer_paper_near_end", "printer_out_of_paper"]
    alerts.printer_status("paper_near_end")  # a new roll, nearly used up already
    eventually(lambda: open_kinds(alerts) == ["printer_paper_near_end"])
    alerts.printer_status("ready")
    eventually(lambda: open_kinds(alerts) == [])
    alerts.flow_step(PrinterChanged(PrinterProblem.COVER_OPEN), [], FlowState())
    assert open_kinds(alerts) == ["printer_cover_open"]
    alerts.flow_step(PrinterChanged(None), [], FlowState())
    eventually(lambda: open_kinds(alerts) == [])


def test_the_camera_and_the_hospital_link(alerts: StaffAlerts, receiver: WebhookReceiver) -> None:
    alerts.open()
    alerts.camera_status("not_found", missing=True)
    alerts.camera_status("starting", missing=False)  # not back until frames arrive
    assert open_kinds(alerts) == ["camera_missing"]
    alerts.camera_status("active", missing=False)
    alerts.hospital_online(False)
    eventually(lambda: open_kinds(alerts) == ["hospital_offline"])
    alerts.hospital_online(True)
    messages = receiver.wait_for(4)
    assert sorted((m["kind"], m["status"]) for m in messages) == [
        ("camera_missing", "firing"),
        ("camera_missing", "resolved"),
        ("hospital_offline", "firing"),
        ("hospital_offline", "resolved"),
    ]


def test_a_newly_refused_offline_check_in_is_an_alert(
    alerts: StaffAlerts, receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.app.alerting as alerting

    monkeypatch.setattr(alerting, "OUTBOX_CHECK_SECONDS", 0.05)
    alerts.open()
    refused = [1]
    seen: list[int] = []
    alerts.watch_outbox(lambda: refused[0], seen.append)
    time.sleep(0.2)
    assert receiver.messages() == []  # one already refused before the kiosk started
    refused[0] = 2
    [message] = receiver.wait_for(1)
    assert message["kind"] == "outbox_rejected"
    eventually(lambda: seen[-1:] == [2])
