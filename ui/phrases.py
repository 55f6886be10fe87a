"""Small phrases several screens share: rooms, waiting times, dates, ages, department names."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication

from kiosk.core.domain import BirthDate, Department
from kiosk.core.flow import Language


def room_floor(room: str, floor: int) -> str:
    return QCoreApplication.translate("Phrases", "Room {room} · Floor {floor}").format(
        room=room, floor=floor
    )


def people_waiting(people: int) -> str:
    return QCoreApplication.translate("Phrases", "{people} people waiting").format(people=people)


def wait_about(minutes: int) -> str:
    return QCoreApplication.translate("Phrases", "Wait about {minutes} min").format(minutes=minutes)


def age_text(age: int) -> str:
    return QCoreApplication.translate("Phrases", "{age} years old").format(age=age)


def date_text(value: date) -> str:
    """Day first, as every Vietnamese document writes it (also in English)."""
    return value.strftime("%d/%m/%Y")


def birth_text(birth: BirthDate) -> str:
    full = birth.as_date()
    return date_text(full) if full else f"{birth.year:04d}"


def department_name(department: Department, language: Language) -> str:
    if language is Language.EN and department.name_en:
        return department.name_en
    return department.name


def department_directions(department: Department, language: Language) -> str:
    if language is Language.EN and department.directions_en:
        return department.directions_en
    return department.directions
