"""Staff alerts through a real webhook on 127.0.0.1 that checks every signature, with the
queue in SQLite on disk: one message per incident, a "resolved" when it clears, nothing lost
while the receiver is down, nothing sent twice across a restart."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from kiosk.alerts import AlertDispatcher, KioskIdentity, Limits, WebhookChannel
from tests.kiosk.alerts.receiver import SECRET, WebhookReceiver
from tests.waiting import eventually

KIOSK = KioskIdentity("KIOSK-07", "Sảnh A, tầng 1", "toa-A")
FAST = Limits(resolve_after=0.2, retry_first=0.05, retry_cap=0.2)


def dispatcher(
    path: Path, receiver: WebhookReceiver, limits: Limits = FAST, secret: str = SECRET
) -> AlertDispatcher:
    channel = WebhookChannel(receiver.url, secret, timeout=2.0)
    sender = AlertDispatcher(path, KIOSK, [channel], limits, rng=random.Random(7))
    sender.start()
    return sender


def test_paper_out_is_one_message_and_paper_back_one_resolved(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    alerts = dispatcher(tmp_path / "alerts.db", receiver)
    try:
        first = alerts.raise_("printer_out_of_paper", "printer: out_of_paper")
        again = alerts.raise_("printer_out_of_paper")  # the status poll says so once more
        assert again == first
        [fired] = receiver.wait_for(1)
        assert fired["status"] == "firing"
        assert fired["kind"] == "printer_out_of_paper"
        assert fired["severity"] == "critical"
        assert fired["kiosk"] == {"id": "KIOSK-07", "name": "Sảnh A, tầng 1", "location": "toa-A"}
        assert fired["summary"]["vi"] == "Máy in hết giấy"
        assert fired["incident_id"] == first
        eventually(lambda: alerts.accepted(first))

        alerts.clear("printer_out_of_paper")
        _, resolved = receiver.wait_for(2)
        assert resolved["status"] == "resolved"
        assert resolved["incident_id"] == first
        assert resolved["resolved_at"] is not None
        time.sleep(0.3)
        assert len(receiver.messages()) == 2
        assert receiver.bad_signatures == 0
        assert alerts.state().incidents == []
    finally:
        alerts.close()


def test_receiver_down_for_a_while_loses_nothing(tmp_path: Path, receiver: WebhookReceiver) -> None:
    receiver.stop()
    alerts = dispatcher(tmp_path / "alerts.db", receiver)
    try:
        paper = alerts.raise_("printer_out_of_paper")
        alerts.raise_("hospital_offline")
        alerts.clear("printer_out_of_paper")
        alerts.call_staff("department")
        eventually(lambda: alerts.state().channels[0].waiting == 4)  # the resolved after 0.2 s
        eventually(lambda: alerts.state().channels[0].failing >= 3)
        assert not alerts.accepted(paper)
        state = alerts.state().channels[0]
        assert state.last_delivered_at is None
        assert state.last_error  # a refused connection, in a few words

        receiver.start()
        messages = receiver.wait_for(4)
        assert [(m["kind"], m["status"]) for m in messages] == [
            ("printer_out_of_paper", "firing"),
            ("hospital_offline", "firing"),
            ("staff_called", "firing"),
            ("printer_out_of_paper", "resolved"),
        ]
        assert messages[2]["detail"] == "department"
        eventually(lambda: alerts.state().channels[0].waiting == 0)
        assert alerts.state().channels[0].failing == 0
        assert alerts.state().channels[0].failures >= 3
    finally:
        alerts.close()


def test_a_bridge_answering_503_is_retried_until_it_takes_the_message(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    receiver.answer_status = 503
    alerts = dispatcher(tmp_path / "alerts.db", receiver)
    try:
        incident = alerts.raise_("camera_missing")
        eventually(lambda: alerts.state().channels[0].failing >= 2)
        assert alerts.state().channels[0].last_error == "HTTP 503"
        receiver.answer_status = 200
        [message] = receiver.wait_for(1)
        assert message["incident_id"] == incident
    finally:
        alerts.close()


def test_restart_mid_queue_sends_nothing_twice(tmp_path: Path, receiver: WebhookReceiver) -> None:
    path = tmp_path / "alerts.db"
    alerts = dispatcher(path, receiver)
    paper = alerts.raise_("printer_out_of_paper")
    receiver.wait_for(1)
    receiver.stop()  # the rest queue up behind a refused connection
    alerts.raise_("hospital_offline")
    alerts.raise_("card_forged", "place_card")
    eventually(lambda: alerts.state().channels[0].failing >= 1)
    alerts.close()  # the kiosk restarts (or loses power) with two messages waiting

    receiver.start()
    again = dispatcher(path, receiver)
    try:
        assert again.raise_("printer_out_of_paper") == paper  # the same incident, still open
        messages = receiver.wait_for(3)
        time.sleep(0.3)
        ids = [m["message_id"] for m in receiver.messages()]
        assert len(ids) == len(set(ids)) == 3
        assert [m["kind"] for m in messages] == [
            "printer_out_of_paper",
            "hospital_offline",
            "card_forged",
        ]
    finally:
        again.close()


def test_a_flapping_printer_sends_one_incident(tmp_path: Path, receiver: WebhookReceiver) -> None:
    alerts = dispatcher(tmp_path / "alerts.db", receiver, Limits(resolve_after=0.5))
    try:
        for _ in range(6):  # paper in and out faster than the hold-down
            alerts.raise_("printer_out_of_paper")
            alerts.clear("printer_out_of_paper")
            time.sleep(0.02)
        messages = receiver.wait_for(2)
        assert [m["status"] for m in messages] == ["firing", "resolved"]
        time.sleep(0.3)
        assert len(receiver.messages()) == 2
    finally:
        alerts.close()


def test_more_incidents_than_the_hourly_limit_are_listed_not_sent(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    alerts = dispatcher(tmp_path / "alerts.db", receiver, Limits(resolve_after=0.0, per_hour=2))
    try:
        for _ in range(4):
            alerts.raise_("printer_cover_open")
            alerts.clear("printer_cover_open")
            eventually(lambda: not alerts.state().incidents)
        alerts.raise_("printer_cover_open")
        [muted] = alerts.state().incidents
        assert muted.muted and not muted.accepted
        receiver.wait_for(4)
        time.sleep(0.3)
        assert [m["status"] for m in receiver.messages()] == ["firing", "resolved"] * 2
    finally:
        alerts.close()


def test_the_same_call_from_one_screen_is_one_message(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    alerts = dispatcher(tmp_path / "alerts.db", receiver)
    try:
        first = alerts.call_staff("service")
        assert alerts.call_staff("service") == first  # pressed again while waiting
        other = alerts.call_staff("welcome")
        assert other != first
        messages = receiver.wait_for(2)
        assert [m["detail"] for m in messages] == ["service", "welcome"]
        assert all(m["resolved_at"] is None for m in messages)
    finally:
        alerts.close()


def test_a_wrong_secret_is_refused_and_never_counts_as_told(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    told: list[str] = []
    alerts = dispatcher(tmp_path / "alerts.db", receiver, secret="not-the-bridge's")
    alerts.on_accepted(told.append)
    try:
        incident = alerts.raise_("printer_out_of_paper")
        eventually(lambda: receiver.bad_signatures >= 2)
        assert alerts.state().channels[0].last_error == "HTTP 401"
        assert not alerts.accepted(incident)
        assert told == []
        assert receiver.messages() == []
    finally:
        alerts.close()


def test_acceptance_is_told_to_listeners_with_the_incident(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    told: list[str] = []
    arrived = threading.Event()
    alerts = dispatcher(tmp_path / "alerts.db", receiver)
    alerts.on_accepted(lambda incident: (told.append(incident), arrived.set()))
    try:
        incident = alerts.raise_("printer_out_of_paper")
        assert arrived.wait(5)
        assert told == [incident]
    finally:
        alerts.close()


def test_details_carry_no_numbers_that_could_identify_someone(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    alerts = dispatcher(tmp_path / "alerts.db", receiver)
    try:
        alerts.raise_("hospital_error", "lookup 001234567890 Nguyễn Văn A")
        [message] = receiver.wait_for(1)
        assert "001234567890" not in str(message)
        assert "Nguy" not in message["detail"]
    finally:
        alerts.close()


def test_a_kiosk_killed_mid_queue_loses_nothing_and_repeats_at_most_its_message_in_flight(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    import signal
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    command = [
        sys.executable,
        "-m",
        "tests.kiosk.alerts.kiosk_process",
        str(tmp_path / "alerts.db"),
        receiver.url,
        SECRET,
    ]
    receiver.answer_delay = 0.05  # 30 messages take 1.5 s: time to cut the power among them
    first = subprocess.Popen([*command, "30"], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "queued"
        receiver.wait_for(5)
    finally:
        first.send_signal(signal.SIGKILL)  # a power cut, mid-queue
        first.wait(10)
    assert len(receiver.messages()) < 30
    second = subprocess.Popen([*command, "0"], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        eventually(lambda: len({m["message_id"] for m in receiver.messages()}) == 30, 20)
        time.sleep(0.3)
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait(10)
    ids = [m["message_id"] for m in receiver.messages()]
    details = sorted({m["detail"] for m in receiver.messages()}, key=lambda d: int(d[7:]))
    assert details == [f"screen_{n}" for n in range(30)]
    # The kiosk commits "delivered" right after the 200: only a message whose answer the
    # kill cut off can come again, with its id, for the receiver to drop.
    assert len(ids) - len(set(ids)) <= 1


def test_many_patients_calling_staff_are_not_muted_like_a_flapping_printer(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    alerts = dispatcher(tmp_path / "alerts.db", receiver, Limits(per_hour=2, events_per_hour=6))
    try:
        for n in range(8):
            alerts.call_staff(f"screen_{n}")
        receiver.wait_for(6)
        time.sleep(0.3)
        assert len(receiver.messages()) == 6  # the rest only on the staff page
    finally:
        alerts.close()
