"""The store on disk: durability settings, the key file, sealed patients, expiry, retention,
and typed errors for a full disk and a locked database."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.core.domain import (
    BirthDate,
    Identity,
    IdentitySource,
    Insurance,
    Patient,
    Registration,
    Sex,
)
from offline_cache import KeyFileError, LookupCache, OfflineStore, StoreBusy, StoreFull

from .conftest import Kit, checkin, department, open_kit

CITIZEN_ID = "079190012345"
CARD = "DN4791234567890"
NAME = "Nguyễn Thị Bích Ngọc"


def _patient() -> Patient:
    return Patient(
        patient_id="BN00000042",
        full_name=NAME,
        birth=BirthDate(1990, 5, 17),
        sex=Sex.FEMALE,
        citizen_id=CITIZEN_ID,
        address="12 Lê Lợi, Quận 1",
        insurance=Insurance(CARD, "000", None, None, "79 - 001"),
    )


def _identity(**changes: object) -> Identity:
    fields: dict[str, object] = {"source": IdentitySource.CHIP, "citizen_id": CITIZEN_ID}
    fields.update(changes)
    return Identity(**fields)  # type: ignore[arg-type]


def _all_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data_dir.glob("offline.sqlite*"))


def test_durability_settings_and_key_file(kit: Kit, tmp_path: Path) -> None:
    with kit.store.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    key = tmp_path / "keys" / "offline.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) == 32


def test_a_store_refuses_a_missing_or_foreign_key(tmp_path: Path) -> None:
    open_kit(tmp_path).close()
    key = tmp_path / "keys" / "offline.key"
    original = key.read_bytes()
    key.unlink()
    with pytest.raises(KeyFileError, match="missing"):
        open_kit(tmp_path)  # never a fresh key for a store that sealed rows with another
    fd = os.open(key, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, os.urandom(32))
    os.close(fd)
    with pytest.raises(KeyFileError, match="not the key"):
        open_kit(tmp_path)
    key.write_bytes(original)
    key.chmod(0o644)
    with pytest.raises(KeyFileError, match="readable by others"):
        open_kit(tmp_path)
    key.chmod(0o600)
    open_kit(tmp_path).close()


def test_patients_are_sealed_minimised_and_found_by_either_number(kit: Kit, tmp_path: Path) -> None:
    kit.cache.remember_patient(_patient(), _identity(insurance_number=CARD))
    kit.store.close()  # everything on disk, nothing only in memory
    data = _all_bytes(tmp_path)
    for secret in (CITIZEN_ID, CARD, NAME, "Lê Lợi", "BN00000042"):
        assert secret.encode() not in data, secret
    reopened = open_kit(tmp_path)
    try:
        by_id = reopened.cache.patient_for(_identity())
        by_card = reopened.cache.patient_for(
            Identity(IdentitySource.BHYT_QR, insurance_number=CARD)
        )
        assert by_id == by_card
        assert by_id is not None
        assert (by_id.patient_id, by_id.full_name, by_id.birth) == (
            "BN00000042",
            NAME,
            BirthDate(1990, 5, 17),
        )
        assert by_id.citizen_id is None and by_id.address is None
        assert by_id.insurance is not None and by_id.insurance.result_code == "000"
        assert by_id.insurance.number == "DN4*********890"
        assert reopened.cache.patient_for(_identity(citizen_id="079190099999")) is None
        # Since 2025 the 12-digit ID is also accepted as the insurance number.
        as_card = Identity(IdentitySource.BHYT_QR, insurance_number=CITIZEN_ID)
        assert reopened.cache.patient_for(as_card) == by_id
    finally:
        reopened.close()


def test_cached_patients_expire_and_are_purged(tmp_path: Path) -> None:
    moment = [datetime(2026, 3, 10, 8, 0, tzinfo=UTC)]
    store = OfflineStore(tmp_path / "o.sqlite", tmp_path / "o.key")
    try:
        cache = LookupCache(store, patient_ttl=timedelta(hours=2), clock=lambda: moment[0])
        cache.remember_patient(_patient())
        assert cache.patient_for(_identity()) is not None
        moment[0] += timedelta(hours=2, seconds=1)
        assert cache.patient_for(_identity()) is None
        assert store.purge(moment[0]).patients == 2  # filed under the ID and the card number
        with store.read() as conn:
            assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 0
    finally:
        store.close()


def test_departments_round_trip(kit: Kit) -> None:
    assert kit.cache.departments() is None
    second = department("TMH")
    kit.cache.remember_departments([department(), second])
    cached = kit.cache.departments()
    assert cached is not None
    assert cached.departments == (department(), second)


def test_synced_rows_are_pruned_after_the_retention(kit: Kit) -> None:
    first, second = checkin("BN1"), checkin("BN2")
    for item in (first, second):
        kit.desk.issue(item, department=department(), patient=_patient_with(item.patient_id))
    registration = Registration("V1", 7, "NOI", "P.105", 1, 0, 0, datetime.now(UTC))
    kit.outbox.synced(first.idempotency_key, registration)
    soon = datetime.now(UTC) + timedelta(days=6)
    assert kit.store.purge(soon, keep_synced=timedelta(days=7)).outbox == 0
    later = datetime.now(UTC) + timedelta(days=8)
    purged = kit.store.purge(later, keep_synced=timedelta(days=7))
    assert (purged.outbox, purged.tickets) == (1, 1)
    assert kit.outbox.size() == 1  # the unsynced one is never pruned
    assert kit.outbox.item(second.idempotency_key) is not None


def _patient_with(patient_id: str) -> Patient:
    return Patient(patient_id, NAME, BirthDate(1990), Sex.FEMALE)


def test_disk_full_is_a_typed_error_and_loses_nothing(tmp_path: Path) -> None:
    kit = open_kit(tmp_path, max_bytes=96 * 1024)
    issued = []
    try:
        with pytest.raises(StoreFull):
            for n in range(10_000):
                item = checkin(f"BN{n}")
                kit.desk.issue(item, department=department(), patient=_patient_with(f"BN{n}"))
                issued.append(item.idempotency_key)  # only once issue() returned
        assert len(issued) > 10
        assert kit.outbox.size() == len(issued)
    finally:
        kit.close()
    reopened = open_kit(tmp_path)
    try:
        for key in issued:
            assert reopened.outbox.item(key) is not None
        assert reopened.outbox.size() == len(issued)
    finally:
        reopened.close()


def test_a_locked_database_is_a_typed_error_and_loses_nothing(tmp_path: Path) -> None:
    kit = open_kit(tmp_path, busy_timeout=0.2)
    other = sqlite3.connect(tmp_path / "offline.sqlite", isolation_level=None)
    try:
        kept = checkin("BN1")
        kit.desk.issue(kept, department=department(), patient=_patient_with("BN1"))
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        blocked = checkin("BN2")
        with pytest.raises(StoreBusy):
            kit.desk.issue(blocked, department=department(), patient=_patient_with("BN2"))
        other.execute("ROLLBACK")
        again = kit.desk.issue(blocked, department=department(), patient=_patient_with("BN2"))
        assert again.provisional_number == 2  # the failed attempt consumed no number
        assert kit.outbox.size() == 2
    finally:
        other.close()
        kit.close()
