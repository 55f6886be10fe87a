"""Which of the hospital's departments patients may choose at this kiosk (`kiosk.departments`),
and which of them suit this patient, in the order they most likely want.

The hospital lists every department; a kiosk in one wing may offer only some. The flow hides
the others from the patient's choice whether the list came from the hospital or, offline, from
the kiosk's cache. An appointment still checks in wherever it is: the appointment decides, not
this setting. A configured code the hospital does not list is ignored with one warning for
staff; if none is listed, patients see every department rather than none.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from kiosk.core.domain import Audience, Department, Sex

log = logging.getLogger(__name__)


def hidden_codes(departments: Sequence[Department], shown: Sequence[str]) -> frozenset[str]:
    """Codes of the listed departments patients may not choose (none when `shown` is empty or
    names no listed department)."""
    listed = {department.code for department in departments}
    if not shown or listed.isdisjoint(shown):
        return frozenset()
    return frozenset(listed.difference(shown))


ADULT_AGE = 16  # a paediatric clinic sees children under this age
WOMEN_FROM_AGE = 12  # obstetrics and gynaecology: women and girls from this age


def sees(department: Department, age: int | None, sex: Sex | None) -> bool:
    """Whether the department sees this patient (unknown age or sex: it may)."""
    match department.audience:
        case Audience.ADULT:
            return age is None or age >= ADULT_AGE
        case Audience.CHILD:
            return age is None or age < ADULT_AGE
        case Audience.WOMEN:
            return sex is not Sex.MALE and (age is None or age >= WOMEN_FROM_AGE)
    return True


def suggested(
    departments: Sequence[Department],
    *,
    age: int | None,
    sex: Sex | None,
    recent_names: Sequence[str] = (),
) -> tuple[Department, ...]:
    """The departments that see this patient: those of their recent visits first, then a
    child's own clinics, then the hospital's order."""
    recent = {name.casefold() for name in recent_names}

    def rank(department: Department) -> int:
        if department.name.casefold() in recent:
            return 0
        if age is not None and age < ADULT_AGE and department.audience is Audience.CHILD:
            return 1
        return 2

    fitting = [d for d in departments if sees(d, age, sex)]
    return tuple(sorted(fitting, key=rank))  # sorted is stable: the hospital's order within


def unknown_codes(departments: Sequence[Department], shown: Sequence[str]) -> tuple[str, ...]:
    """The configured codes the hospital does not list, in the config's order."""
    listed = {department.code for department in departments}
    return tuple(code for code in shown if code not in listed)


class UnknownCodeWarning:
    """Warns staff once about configured codes the hospital does not list (again only if the
    hospital's list changes so that other codes are missing)."""

    def __init__(self, shown: Sequence[str]) -> None:
        self._shown = tuple(shown)
        self._warned: set[tuple[str, ...]] = set()

    def seen(self, departments: Sequence[Department]) -> None:
        unknown = unknown_codes(departments, self._shown)
        if not unknown or unknown in self._warned:
            return
        self._warned.add(unknown)
        codes = ", ".join(unknown)
        if set(unknown) == set(self._shown):
            log.warning(
                "kiosk.departments: the hospital lists none of %s: patients see every department",
                codes,
            )
        else:
            log.warning("kiosk.departments: the hospital lists no department %s: ignored", codes)
