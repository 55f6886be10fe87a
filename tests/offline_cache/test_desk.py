"""Offline check-in: committed before it returns, provisional numbers, leases, online bracket."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.core.domain import (
    BirthDate,
    Identity,
    IdentitySource,
    Patient,
    PriorityGroup,
    Registration,
    ServiceType,
    Sex,
)
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient
from offline_cache import OutboxState

from .conftest import KIOSK_ID, TODAY, Kit, checkin, department


def _patient(patient_id: str = "BN1") -> Patient:
    return Patient(patient_id, "Trần Văn Hùng", BirthDate(1958, 2, 1), Sex.MALE)


def test_the_row_is_on_disk_when_issue_returns(kit: Kit, tmp_path: Path) -> None:
    item = checkin("BN1", service=ServiceType.INSURANCE)
    issued = kit.desk.issue(item, department=department(), patient=_patient())
    # Another connection (as after a crash: no shared memory) already sees the row.
    other = sqlite3.connect(tmp_path / "offline.sqlite")
    try:
        state, label = other.execute(
            "SELECT state, provisional_label FROM outbox WHERE idempotency_key = ?",
            (item.idempotency_key,),
        ).fetchone()
    finally:
        other.close()
    assert (state, label) == ("pending", "K7-B001")
    ticket = issued.ticket
    assert ticket.provisional and ticket.queue_label == "K7-B001" and not issued.leased
    assert (ticket.masked_name, ticket.birth_year, ticket.room) == ("TRẦN V. H.", 1958, "P.105")


def test_kiosk_numbers_count_per_department_queue_and_issue_is_idempotent(kit: Kit) -> None:
    labels = []
    for code, priority in (("NOI", False), ("NOI", False), ("NOI", True), ("TMH", False)):
        group = PriorityGroup.ELDERLY_75 if priority else PriorityGroup.NONE
        item = checkin("BN1", department=code, priority=group)
        labels.append(kit.desk.issue(item, department=department(code), patient=_patient()))
    assert [i.ticket.queue_label for i in labels] == ["K7-D001", "K7-D002", "K7-UD001", "K7-D001"]
    again = checkin("BN1")
    first = kit.desk.issue(again, department=department(), patient=_patient())
    second = kit.desk.issue(again, department=department(), patient=_patient())
    assert first.provisional_number == second.provisional_number == 3
    assert kit.outbox.size() == 5


def test_identity_alone_is_kept_sealed_for_the_worker(kit: Kit, tmp_path: Path) -> None:
    identity = Identity(IdentitySource.KEYPAD, citizen_id="001203012345")
    issued = kit.desk.issue(checkin("ignored"), department=department(), identity=identity)
    assert issued.ticket.birth_year == 2003  # from the ID's century code and year digits
    assert issued.ticket.masked_name == ""
    head = kit.outbox.head()
    assert head is not None and head.identity == identity and head.checkin.patient_id == ""
    assert b"001203012345" not in (tmp_path / "offline.sqlite-wal").read_bytes()


def test_leased_numbers_are_used_first_then_the_kiosk_range(
    kit: Kit, hospital: DemoHospitalServer, client: RestHospitalClient
) -> None:
    added = kit.numbers.top_up(
        client, kiosk_id=KIOSK_ID, department_codes=["NOI"], day=TODAY, low_water=2, block=2
    )
    assert added == 4  # normal and priority queue
    assert kit.numbers.leased_left(TODAY, "NOI", False) == 2
    # Enough left: no second lease.
    assert kit.numbers.top_up(client, kiosk_id=KIOSK_ID, department_codes=["NOI"], day=TODAY) == 0
    issued = [
        kit.desk.issue(checkin("BN1"), department=department(), patient=_patient())
        for _ in range(3)
    ]
    assert [i.leased for i in issued] == [True, True, False]
    first = issued[0].provisional_number
    assert issued[1].provisional_number == first + 1
    assert issued[0].ticket.queue_label == f"D{first:03d}"  # a real hospital number
    assert issued[2].ticket.queue_label == "K7-D001"


def test_online_bracket_gates_the_key(kit: Kit) -> None:
    item = checkin("BN1")
    assert kit.desk.begin_online(item)
    assert kit.outbox.head() is None  # the worker never sends a row the front path holds
    assert kit.outbox.size() == 1
    registration = Registration("V1", 12, "NOI", "P.105", 1, 2, 10, datetime.now(UTC))
    kit.desk.finish_online(item, registration, printed_label="D012")
    assert kit.outbox.state_of(item.idempotency_key) is OutboxState.SYNCED
    assert kit.outbox.size() == 0
    with pytest.raises(ValueError, match="already settled"):
        kit.desk.issue(item, department=department(), patient=_patient())

    failed = checkin("BN2")
    assert kit.desk.begin_online(failed)
    issued = kit.desk.issue(failed, department=department(), patient=_patient("BN2"))
    assert issued.ticket.provisional
    assert not kit.desk.begin_online(failed)  # queued now: only the worker may send it
    head = kit.outbox.head()
    assert head is not None and head.key == failed.idempotency_key

    refused = checkin("BN3")
    kit.desk.begin_online(refused)
    kit.desk.finish_online(refused, None)
    assert kit.outbox.state_of(refused.idempotency_key) is None


def test_rows_in_flight_at_a_crash_are_resent(kit: Kit) -> None:
    item = checkin("BN1")
    kit.desk.begin_online(item)
    assert kit.outbox.recover_after_restart() == 1
    head = kit.outbox.head()
    assert head is not None and head.key == item.idempotency_key


def test_an_online_answer_after_the_flow_gave_up_settles_the_queued_row(kit: Kit) -> None:
    """Issue 14: the flow's bound passed, the visit was queued with a provisional ticket, then
    the hospital's answer came: the row is settled and the printed label is kept."""
    item = checkin("BN1")
    assert kit.desk.begin_online(item)
    issued = kit.desk.issue(item, department=department(), patient=_patient())
    registration = Registration("V9", 31, "NOI", "P.105", 1, 2, 10, datetime.now(UTC))
    kit.desk.finish_online(item, registration, printed_label="D031")
    assert kit.outbox.state_of(item.idempotency_key) is OutboxState.SYNCED
    assert kit.outbox.hospital_number(item.idempotency_key) == 31
    with kit.store.read() as conn:
        label, provisional, number = conn.execute(
            "SELECT label, provisional, hospital_number FROM tickets WHERE idempotency_key = ?",
            (item.idempotency_key,),
        ).fetchone()
    assert (label, provisional, number) == (issued.ticket.queue_label, 1, 31)


def test_visits_of_today_tell_what_was_printed(kit: Kit) -> None:
    """The query the patient's "already checked in today" uses, and staff's reprint list."""
    from kiosk.core.tickets import queue_label
    from offline_cache import KioskVisits

    visits = KioskVisits(kit.store, queue_label)
    online, queued = checkin("BN1"), checkin("BN1", department="TMH")
    kit.desk.begin_online(online)
    registration = Registration("V1", 12, "NOI", "P.105", 1, 2, 10, datetime.now(UTC))
    kit.desk.finish_online(online, registration, printed_label="D012")
    kit.desk.issue(queued, department=department("TMH"), patient=_patient())
    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    assert {v.key for v in visits.unprinted(midnight)} == {online.idempotency_key,
                                                           queued.idempotency_key}  # fmt: skip
    visits.mark_printed(online.idempotency_key, datetime.now().astimezone())
    mine = visits.of_patient(midnight, patient_id="BN1", citizen_id=None)
    assert [(v.visit.queue_label, v.visit.provisional, v.printed) for v in mine] == [
        ("D012", False, True),
        (mine[1].visit.queue_label, True, False),
    ]
    assert mine[0].visit.visit_id == "V1" and mine[0].visit.room == "P.105"
    assert visits.of_patient(midnight, patient_id="BN2", citizen_id=None) == []
    assert [v.key for v in visits.unprinted(midnight)] == [queued.idempotency_key]
