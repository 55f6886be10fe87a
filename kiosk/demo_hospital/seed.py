"""Deterministic synthetic data for the demo hospital.

Same `seed` and `today` give the same rows, byte for byte: everything comes from one
random.Random(seed) and dates are offsets from `today`, never from the wall clock.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kiosk.core.domain import Sex
from kiosk.demo_hospital.catalog import DEPARTMENTS, DIAGNOSES, DOCTOR_TITLES, departments_for
from kiosk.demo_hospital.personas import DemoPersona, demo_personas
from kiosk.demo_hospital.vietnam import (
    VIETNAM_TZ,
    Province,
    citizen_id,
    insurance_number,
    random_address,
    random_name,
    random_province,
    years_after,
    years_before,
)

RANDOM_PATIENTS = 240
FIRST_RANDOM_PATIENT = 101  # BN00000101; personas use the numbers below

# Every result code the kiosk must handle appears at least once (None: no card on record).
REQUIRED_INSURANCE_RESULTS: tuple[str | None, ...] = (
    "000", "001", "002", "003", "004", "010", "050", "051", "052", "053",
    "060", "061", "070", "110", "120", "130", "500", None,
)  # fmt: skip
_RESULT_WEIGHTS: tuple[tuple[str | None, int], ...] = (
    ("000", 60), ("001", 2), ("002", 2), ("003", 2), ("004", 2), ("010", 6),
    ("050", 1), ("051", 1), ("052", 1), ("053", 1), ("060", 2), ("061", 1),
    ("070", 2), ("110", 1), ("120", 1), ("500", 1), (None, 16),
)  # fmt: skip
_NO_CARD_DETAILS = {"050", "051", "052", "053", "500"}  # VSS found nothing to report
# Age bands (lowest, highest, weight) of a city hospital's outpatients.
_AGE_BANDS = ((0, 5, 10), (6, 17, 10), (18, 39, 25), (40, 59, 25), (60, 74, 18), (75, 95, 12))

PatientRow = tuple[
    str, str, str, str, str | None, str | None, str | None, str | None, str | None, str | None,
    str | None,
]  # fmt: skip


@dataclass
class _Uniques:
    citizen_ids: set[str]
    social_numbers: set[int]


def seed_database(conn: sqlite3.Connection, *, seed: int, today: date) -> None:
    """Fill the (empty) tables created by the store; the caller owns the transaction."""
    rng = random.Random(seed)
    personas = [p for p in demo_personas(today) if p.in_hospital]
    uniques = _Uniques(
        citizen_ids={p.identity.citizen_id for p in demo_personas(today) if p.identity.citizen_id},
        social_numbers=set(),
    )
    conn.executemany(
        "INSERT INTO departments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                d.code, position, d.name, d.name_en, d.room, d.floor, d.directions,
                d.directions_en, int(d.accepts_insurance), d.minutes_per_patient,
            )
            for position, d in enumerate(DEPARTMENTS)
        ],
    )  # fmt: skip
    patients: list[PatientRow] = [_persona_row(p) for p in personas]
    appointments: list[tuple[str, str, str, str, str | None]] = []
    past_visits: list[tuple[str, str, str, str | None, str | None]] = []
    for persona in personas:
        assert persona.patient_id is not None
        if persona.appointment:
            a = persona.appointment
            appointments.append(
                (a.appointment_id, persona.patient_id, a.department_code,
                 a.starts_at.isoformat(), a.doctor_name)
            )  # fmt: skip
        past_visits.extend(
            (persona.patient_id, v.visit_date.isoformat(), v.department_name, v.diagnosis,
             v.doctor_name)
            for v in persona.history
        )  # fmt: skip

    for index in range(RANDOM_PATIENTS):
        patient_id = f"BN{FIRST_RANDOM_PATIENT + index:08d}"
        if index < len(REQUIRED_INSURANCE_RESULTS):
            result = REQUIRED_INSURANCE_RESULTS[index]
        else:
            codes, weights = zip(*_RESULT_WEIGHTS, strict=True)
            result = rng.choices(codes, weights)[0]
        row, age, female = _random_patient(rng, patient_id, result, today, uniques)
        patients.append(row)
        for department_code, starts_at, doctor in _random_appointments(rng, age, female, today):
            appointment_id = f"LH{len(appointments) + 1:06d}"
            appointments.append((appointment_id, patient_id, department_code, starts_at, doctor))
        past_visits.extend(_random_history(rng, patient_id, age, female, today))

    conn.executemany("INSERT INTO patients VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", patients)
    conn.executemany("INSERT INTO appointments VALUES (?, ?, ?, ?, ?)", appointments)
    conn.executemany("INSERT INTO past_visits VALUES (?, ?, ?, ?, ?)", past_visits)
    conn.executemany("INSERT INTO queues VALUES (?, ?, ?, ?, ?)", _queues(rng, today))
    next_number = FIRST_RANDOM_PATIENT + RANDOM_PATIENTS
    conn.execute("INSERT INTO meta VALUES ('next_patient_number', ?)", (str(next_number),))


def _persona_row(persona: DemoPersona) -> PatientRow:
    identity, card = persona.identity, persona.insurance
    assert persona.patient_id and identity.full_name and identity.birth and identity.sex
    return (
        persona.patient_id,
        identity.full_name,
        identity.birth.iso(),
        identity.sex.value,
        identity.citizen_id,
        identity.address,
        card.number if card else None,
        card.result_code if card else None,
        card.valid_from.isoformat() if card and card.valid_from else None,
        card.valid_to.isoformat() if card and card.valid_to else None,
        card.facility_code if card else None,
    )


def _random_patient(
    rng: random.Random, patient_id: str, result: str | None, today: date, uniques: _Uniques
) -> tuple[PatientRow, int, bool]:
    if result == "130":  # a young child whose card is not issued yet
        age = rng.randint(0, 5)
    else:
        low, high, _ = rng.choices(_AGE_BANDS, [w for *_, w in _AGE_BANDS])[0]
        age = rng.randint(low, high)
    birth = years_before(today, age) - timedelta(days=rng.randint(0, 364))
    sex = Sex.FEMALE if rng.random() < 0.52 else Sex.MALE
    name = random_name(rng, sex)
    birth_province = random_province(rng)
    home = birth_province if rng.random() < 0.7 else random_province(rng)
    address = random_address(rng, home)
    # Some elderly records only know the birth year, as on old BHYT cards.
    birth_text = str(birth.year) if age >= 70 and rng.random() < 0.15 else birth.isoformat()

    citizen: str | None = None
    if age >= 6 or result == "130" or rng.random() < 0.6:
        citizen = _unique_citizen_id(rng, birth_province, birth.year, sex, uniques)

    card = _random_card(rng, result, age, birth, home, citizen, today, uniques)
    row: PatientRow = (patient_id, name, birth_text, sex.value, citizen, address, *card)
    return row, age, sex is Sex.FEMALE


def _unique_citizen_id(
    rng: random.Random, province: Province, year: int, sex: Sex, uniques: _Uniques
) -> str:
    while True:
        number = citizen_id(province.code, year, sex, rng.randint(0, 999_999))
        if number not in uniques.citizen_ids:
            uniques.citizen_ids.add(number)
            return number


def _random_card(
    rng: random.Random,
    result: str | None,
    age: int,
    birth: date,
    home: Province,
    citizen: str | None,
    today: date,
    uniques: _Uniques,
) -> tuple[str | None, str | None, str | None, str | None, str | None]:
    if result is None:
        return (None, None, None, None, None)
    if result == "130":
        assert citizen is not None  # since 2025 the personal ID doubles as the card number
        return (citizen, result, None, None, None)

    while True:
        social = rng.randint(10**9, 10**10 - 1)
        if social not in uniques.social_numbers:
            uniques.social_numbers.add(social)
            break
    group, benefit = _group_for(rng, age, result)
    number = insurance_number(group, benefit, home, social)
    if result in _NO_CARD_DETAILS:
        return (number, result, None, None, None)

    facility = f"{home.insurance_code} - {rng.randint(1, 120):03d}"
    if result == "010":
        valid_to = today - timedelta(days=rng.randint(5, 300))
        valid_from = valid_to - timedelta(days=364)
    elif group == "TE":  # a child's card runs until the day before the 6th birthday
        valid_from, valid_to = birth, years_after(birth, 6) - timedelta(days=1)
    else:
        valid_from, valid_to = date(today.year, 1, 1), date(today.year, 12, 31)
    return (number, result, valid_from.isoformat(), valid_to.isoformat(), facility)


def _group_for(rng: random.Random, age: int, result: str) -> tuple[str, int]:
    """BHYT group code and benefit level (mức hưởng) that fit the patient."""
    if result == "001":
        return ("QN", 5)  # defence
    if result == "002":
        return ("CA", 5)  # police
    if age < 6:
        return ("TE", 1)
    if age < 18:
        return ("HS", 4)
    if age < 23 and rng.random() < 0.5:
        return ("SV", 4)
    if age >= 60 and rng.random() < 0.7:
        return ("HT", 3)
    return rng.choices((("DN", 4), ("GD", 4), ("HC", 4), ("HN", 2)), (40, 35, 15, 10))[0]


def _doctor(rng: random.Random) -> str:
    sex = Sex.FEMALE if rng.random() < 0.5 else Sex.MALE
    return f"{rng.choice(DOCTOR_TITLES)} {random_name(rng, sex)}"


def _random_appointments(
    rng: random.Random, age: int, female: bool, today: date
) -> list[tuple[str, str, str | None]]:
    appointments = []
    for day, chance in ((today, 0.12), (today + timedelta(days=1), 0.05)):
        if rng.random() < chance:
            department = rng.choice(departments_for(age, female))
            slot = datetime.combine(day, time(7, 30), VIETNAM_TZ) + timedelta(
                minutes=15 * rng.randint(0, 34)
            )
            doctor = _doctor(rng) if rng.random() < 0.8 else None
            appointments.append((department.code, slot.isoformat(), doctor))
    return appointments


def _random_history(
    rng: random.Random, patient_id: str, age: int, female: bool, today: date
) -> list[tuple[str, str, str, str | None, str | None]]:
    visits = []
    max_days_back = min(1100, max(age * 365, 30))
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 5))):
        department = rng.choice(departments_for(age, female))
        visit_date = today - timedelta(days=rng.randint(7, max_days_back))
        diagnosis = rng.choice(DIAGNOSES[department.code]) if rng.random() < 0.85 else None
        doctor = _doctor(rng) if rng.random() < 0.9 else None
        visits.append((patient_id, visit_date.isoformat(), department.name, diagnosis, doctor))
    return visits


def _queues(rng: random.Random, today: date) -> list[tuple[str, str, str, int, int]]:
    """Today's queue counters: how many were served and how many still wait, per queue."""
    rows = []
    for department in DEPARTMENTS:
        busy = 1 if department.accepts_insurance else 3  # paid clinics have short queues
        served, waiting = rng.randint(3, 40), rng.randint(0, 18 // busy)
        rows.append((today.isoformat(), department.code, "normal", served + waiting, served))
        served, waiting = rng.randint(0, 8), rng.randint(0, 4)
        rows.append((today.isoformat(), department.code, "priority", served + waiting, served))
    return rows
