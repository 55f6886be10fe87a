"""What a CCCD chip says about its holder: the values DG13 parses into and the virtual
card builder writes from. The chip library's own types, so it needs no application's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum


class Sex(Enum):
    MALE = "male"  # "Nam" in DG13, M in the MRZ
    FEMALE = "female"  # "Nữ" in DG13, F in the MRZ


@dataclass(frozen=True)
class PartialDate:
    """A date as the card gives it: the year alone for people whose birthday was never
    recorded (DG13 then holds `yyyy`, the MRZ `yy<<<<`)."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    def as_date(self) -> date | None:
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)


@dataclass(frozen=True, repr=False)
class CardHolder:
    """The person a CCCD belongs to, as its DG13 (and, in part, its MRZ) records them."""

    citizen_id: str  # the 12-digit personal ID number
    full_name: str | None = None
    birth: PartialDate | None = None
    sex: Sex | None = None
    residence: str | None = None  # "Nơi thường trú", DG13 field 9

    def __repr__(self) -> str:
        # Personal data must not reach logs through a repr; say only what is present.
        present = [
            name for name in ("full_name", "birth", "sex", "residence") if getattr(self, name)
        ]
        return f"CardHolder(fields={present})"
