"""What the staff settings page offers to pick from: the readers pcscd (with the vpcd driver)
really lists, and the departments of a hospital that may not answer."""

from __future__ import annotations

from kiosk.core.domain import Department
from kiosk.staff.settings import detect


def _down() -> list[Department]:
    raise ConnectionError("hospital down")


def test_the_readers_pcscd_lists_are_offered(pcscd: object) -> None:
    slots = pcscd.wait_for_vpcd()  # type: ignore[attr-defined]
    found = detect(list)
    assert set(found.readers) == {slot.reader for slot in slots}
    assert found.departments == ()


def test_a_hospital_that_does_not_answer_gives_no_department_list(pcscd: object) -> None:
    assert detect(_down).departments is None
