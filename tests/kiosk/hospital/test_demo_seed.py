"""The demo hospital's synthetic data: deterministic, plentiful, valid by Vietnamese rules."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from kiosk.core.domain import IdentitySource, Sex
from kiosk.demo_hospital.personas import PERSONA_KEYS, demo_persona, demo_personas
from kiosk.demo_hospital.store import HospitalStore

from .conftest import SEED, TODAY

# Province codes of the 12-digit ID (administrative unit codes of the 63 pre-2025 provinces).
PROVINCE_CODES = {
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
}  # fmt: skip
FAMILY_NAMES = {
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương",
}  # fmt: skip
CARD_NUMBER = re.compile(r"(?P<group>[A-Z]{2})(?P<benefit>[1-5])(?P<province>\d{2})\d{10}")


def citizen_id_problem(number: str, birth_date: str, sex: str) -> str | None:
    """Why `number` is not a valid 12-digit ID for this birth and sex (None if it is)."""
    if not re.fullmatch(r"\d{12}", number):
        return "not 12 digits"
    if number[:3] not in PROVINCE_CODES:
        return "unknown province code"
    century_sex = int(number[3])
    if century_sex > 3:
        return "century/sex digit outside 0-3"
    year = int(birth_date[:4])
    century = 1900 if century_sex < 2 else 2000
    if not century <= year < century + 100:
        return "century digit does not match the birth year"
    if (century_sex % 2 == 1) != (sex == "female"):
        return "sex digit does not match"
    if number[4:6] != f"{year % 100:02d}":
        return "year digits do not match"
    return None


def _open(path: Path, *, seed: int = SEED, today: date = TODAY) -> HospitalStore:
    return HospitalStore(path, seed=seed, today=today)


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _rows(path: Path, query: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seeded.db"
    _open(path).close()
    return path


def test_same_seed_and_day_give_identical_data(seeded: Path, tmp_path: Path) -> None:
    _open(tmp_path / "again.db").close()
    assert _dump(tmp_path / "again.db") == _dump(seeded)


def test_other_seed_or_day_give_other_data(seeded: Path, tmp_path: Path) -> None:
    _open(tmp_path / "seed.db", seed=SEED + 1).close()
    _open(tmp_path / "day.db", today=date(2026, 3, 11)).close()
    assert _dump(tmp_path / "seed.db") != _dump(seeded)
    assert _dump(tmp_path / "day.db") != _dump(seeded)


def test_seeding_is_fast(tmp_path: Path) -> None:
    store = _open(tmp_path / "timed.db")
    try:
        assert store.seed_seconds is not None
        assert store.seed_seconds < 0.3, f"seeding took {store.seed_seconds:.3f} s"
    finally:
        store.close()


def test_reopening_keeps_the_data_and_a_new_day_reseeds(tmp_path: Path) -> None:
    path = tmp_path / "kept.db"
    _open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE queues SET last_number = last_number + 100")
    reopened = _open(path)
    assert reopened.seed_seconds is None  # nothing reseeded
    reopened.close()
    assert _rows(path, "SELECT min(last_number) AS n FROM queues")[0]["n"] >= 100
    _open(path, today=date(2026, 3, 11)).close()
    assert _rows(path, "SELECT min(last_number) AS n FROM queues")[0]["n"] < 100


def test_volume(seeded: Path) -> None:
    assert len(_rows(seeded, "SELECT * FROM patients")) >= 200
    departments = _rows(seeded, "SELECT * FROM departments")
    assert len(departments) >= 12
    assert any(not d["accepts_insurance"] for d in departments)
    assert all(re.fullmatch(r"P\.\d{3}", d["room"]) for d in departments)
    assert all(d["directions"].startswith("Tầng") for d in departments)
    assert all(d["directions_en"].startswith("Floor") for d in departments)


def test_every_citizen_id_is_valid_and_unique(seeded: Path) -> None:
    patients = _rows(seeded, "SELECT * FROM patients WHERE citizen_id IS NOT NULL")
    assert len(patients) >= 180
    for patient in patients:
        problem = citizen_id_problem(patient["citizen_id"], patient["birth_date"], patient["sex"])
        assert problem is None, f"{patient['patient_id']}: {problem}"
    assert len({p["citizen_id"] for p in patients}) == len(patients)
    assert {p["citizen_id"][3] for p in patients} == {"0", "1", "2", "3"}


def test_the_validator_catches_wrong_ids() -> None:
    assert citizen_id_problem("001078012345", "1978-03-14", "male") is None
    assert citizen_id_problem("003078012345", "1978-03-14", "male") == "unknown province code"
    assert citizen_id_problem("001178012345", "1978-03-14", "male") == "sex digit does not match"
    assert citizen_id_problem("001278012345", "1978-03-14", "male") == (
        "century digit does not match the birth year"
    )
    assert citizen_id_problem("001079012345", "1978-03-14", "male") == "year digits do not match"


def test_insurance_numbers_and_results(seeded: Path) -> None:
    patients = _rows(seeded, "SELECT * FROM patients")
    results = {p["insurance_result"] for p in patients}
    wanted = {"000", "001", "002", "003", "004", "010", "050", "051", "052", "053", "060", "061",
              "070", "110", "130", "500", None}  # fmt: skip
    assert wanted <= results
    for patient in patients:
        number = patient["insurance_number"]
        if number is None:
            continue
        if len(number) == 12:  # since 2025 the personal ID can be the card number
            assert number == patient["citizen_id"]
            continue
        card = CARD_NUMBER.fullmatch(number)
        assert card, patient["patient_id"]
        assert f"0{card['province']}" in PROVINCE_CODES
        age = TODAY.year - int(patient["birth_date"][:4])
        if card["group"] == "TE":
            assert age <= 6 and card["benefit"] == "1"
        if patient["insurance_result"] == "010":
            assert date.fromisoformat(patient["insurance_valid_to"]) < TODAY
        if patient["insurance_result"] in {"000", "001", "002", "003", "004"}:
            assert date.fromisoformat(patient["insurance_valid_to"]) >= TODAY


def test_names_and_addresses_look_vietnamese(seeded: Path) -> None:
    patients = _rows(seeded, "SELECT full_name, address FROM patients")
    for patient in patients:
        words = patient["full_name"].split()
        assert words[0] in FAMILY_NAMES and len(words) >= 3
        assert unicodedata.is_normalized("NFC", patient["full_name"])
        parts = patient["address"].split(", ")
        assert len(parts) == 4, patient["address"]
        assert parts[1].startswith(("Phường", "Xã", "Thị trấn"))
        assert parts[2].startswith(("Quận", "Huyện", "Thành phố"))
        assert parts[3].startswith(("Thành phố", "Tỉnh"))
    middle_names = {p["full_name"].split()[1] for p in patients}
    assert {"Văn", "Thị"} <= middle_names
    assert any(re.search(r"[ăâđêôơư]", p["full_name"].lower()) for p in patients)


def test_appointments_and_histories(seeded: Path) -> None:
    today = _rows(
        seeded, f"SELECT * FROM appointments WHERE starts_at LIKE '{TODAY.isoformat()}T%'"
    )
    assert len(today) >= 10
    assert all(a["starts_at"].endswith("+07:00") for a in today)
    per_patient = _rows(seeded, "SELECT count(*) AS n FROM past_visits GROUP BY patient_id")
    assert len(per_patient) >= 100 and max(row["n"] for row in per_patient) >= 3
    names = {d["name"] for d in _rows(seeded, "SELECT name FROM departments")}
    visits = _rows(seeded, "SELECT * FROM past_visits")
    assert {v["department_name"] for v in visits} <= names
    assert all(date.fromisoformat(v["visit_date"]) < TODAY for v in visits)
    assert sum(v["diagnosis"] is not None for v in visits) > len(visits) // 2


def test_queues_are_seeded_for_today(seeded: Path) -> None:
    queues = _rows(seeded, "SELECT * FROM queues")
    assert {q["day"] for q in queues} == {TODAY.isoformat()}
    assert {q["queue"] for q in queues} == {"normal", "priority"}
    assert all(q["last_number"] >= q["served"] >= 0 for q in queues)
    assert sum(q["last_number"] - q["served"] for q in queues) > 0


def test_personas_are_as_specified(seeded: Path) -> None:
    personas = {p.key: p for p in demo_personas(TODAY)}
    assert tuple(personas) == PERSONA_KEYS == (
        "appointment_today", "walk_in_insurance", "walk_in_paid", "elderly_80", "child_4",
        "new_patient", "new_patient_old_chip", "insurance_expired", "name_mismatch",
    )  # fmt: skip
    for persona in personas.values():
        identity = persona.identity
        assert persona.label_vi and persona.label_en
        assert identity.full_name and identity.birth and identity.sex and identity.address
        assert identity.can_register_new_patient
        if persona.key != "child_4":
            assert identity.source is IdentitySource.CHIP and identity.chip_verified
            assert identity.citizen_id
            birth = identity.birth.iso()
            assert citizen_id_problem(identity.citizen_id, birth, identity.sex.value) is None
        if persona.insurance is not None:
            assert CARD_NUMBER.fullmatch(persona.insurance.number)

    def result(key: str) -> str | None:
        card = personas[key].insurance
        return card.result_code if card else None

    assert result("appointment_today") == "000"
    appointment = personas["appointment_today"].appointment
    assert appointment and appointment.department_code == "NOI"
    assert appointment.starts_at.date() == TODAY
    assert (
        result("walk_in_insurance") == "000" and personas["walk_in_insurance"].appointment is None
    )
    assert result("walk_in_paid") is None
    elderly = personas["elderly_80"]
    assert elderly.identity.birth and elderly.identity.birth.age_on(TODAY) == 80
    assert result("elderly_80") == "000"
    child = personas["child_4"]
    assert child.identity.source is IdentitySource.BHYT_QR and child.identity.citizen_id is None
    assert child.identity.insurance_number == child.insurance_number
    assert child.insurance_number and child.insurance_number.startswith("TE1")
    assert child.identity.birth and child.identity.birth.age_on(TODAY) == 4
    assert result("child_4") == "000"
    assert result("insurance_expired") == "010"
    expired = personas["insurance_expired"].insurance
    assert expired and expired.valid_to and expired.valid_to < TODAY
    assert result("name_mismatch") == "060"
    new = personas["new_patient"]
    assert not new.in_hospital and new.patient_id is None

    in_db = {row["patient_id"]: row for row in _rows(seeded, "SELECT * FROM patients")}
    for persona in personas.values():
        if not persona.in_hospital:
            assert all(row["citizen_id"] != new.identity.citizen_id for row in in_db.values())
            continue
        assert persona.patient_id is not None
        row = in_db[persona.patient_id]
        assert row["full_name"] == persona.identity.full_name
        assert row["citizen_id"] == persona.identity.citizen_id
        assert row["sex"] == (persona.identity.sex or Sex.MALE).value
        assert row["insurance_result"] == result(persona.key)


@pytest.mark.parametrize(
    "today", [date(2024, 2, 29), date(2025, 1, 1), date(2026, 12, 31), date(2028, 2, 29)]
)
def test_persona_ages_hold_on_any_day(today: date) -> None:
    elderly = demo_persona("elderly_80", today).identity
    child = demo_persona("child_4", today).identity
    assert elderly.birth and elderly.birth.age_on(today) == 80
    assert child.birth and child.birth.age_on(today) == 4
    assert elderly.citizen_id and elderly.sex
    assert citizen_id_problem(elderly.citizen_id, elderly.birth.iso(), elderly.sex.value) is None


def test_unknown_persona_key() -> None:
    with pytest.raises(KeyError, match="appointment_today"):
        demo_persona("nobody", TODAY)
