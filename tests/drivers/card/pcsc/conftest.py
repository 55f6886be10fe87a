"""Fixtures for tests that go through the real PC/SC stack: the vpcd slots of the suite's
pcscd (tests/conftest.py), and the marker for a misbehaving virtual card."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .pcscd import PcscDaemon, VpcdSlot


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fault(kind, at_apdu): the virtual card misbehaves on that APDU"
    )


@pytest.fixture
def slots(pcscd: PcscDaemon) -> list[VpcdSlot]:
    """The vpcd slots (two by default), once pcscd lists them."""
    return pcscd.wait_for_vpcd()
