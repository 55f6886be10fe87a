"""What the staff settings page offers to pick from: the readers pcscd (with the vpcd driver)
really lists, and the departments of a hospital that may not answer."""

from __future__ import annotations

from drivers.card.pcsc_readers import reader_names
from drivers.scanner.serial_ports import serial_port_names
from kiosk.core.domain import Department
from kiosk.staff.settings import DeviceLists, detect

DEVICES = DeviceLists(reader_names, serial_port_names)


def _down() -> list[Department]:
    raise ConnectionError("hospital down")


def test_the_readers_pcscd_lists_are_offered(pcscd: object) -> None:
    slots = pcscd.wait_for_vpcd()  # type: ignore[attr-defined]
    found = detect(list, DEVICES)
    assert set(found.readers) == {slot.reader for slot in slots}
    assert found.departments == ()


def test_a_hospital_that_does_not_answer_gives_no_department_list(pcscd: object) -> None:
    assert detect(_down, DEVICES).departments is None
