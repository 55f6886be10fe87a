"""Fixtures for tests that go through the real PC/SC stack: pcscd with the vpcd driver.

The session fixture uses a pcscd that already runs, or starts one (`pcscd --foreground
--auto-exit`, so a crashed test run cannot leave it behind for long) and stops it at the
end. Tests skip only when pcscd, the vpcd driver or pyscard is not installed
(`sh packaging/dev.sh setup` installs all three); anything else that goes wrong fails.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .pcscd import PcscDaemon, VpcdSlot

VPCD_CONFIG = Path("/etc/reader.conf.d/vpcd")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fault(kind, at_apdu): the virtual card misbehaves on that APDU"
    )


@pytest.fixture(scope="session")
def pcscd() -> Iterator[PcscDaemon]:
    if not (shutil.which("pcscd") or shutil.which("pcscd", path="/usr/sbin:/sbin")):
        pytest.skip("pcscd is not installed (Debian package pcscd; packaging/dev.sh installs it)")
    if not VPCD_CONFIG.exists():
        pytest.skip("the vpcd reader driver is not installed (Debian package vsmartcard-vpcd)")
    pytest.importorskip("smartcard", reason="pyscard is not installed")
    from .pcscd import PcscDaemon

    with PcscDaemon.running() as daemon:
        yield daemon


@pytest.fixture
def slots(pcscd: PcscDaemon) -> list[VpcdSlot]:
    """The vpcd slots (two by default), once pcscd lists them."""
    return pcscd.wait_for_vpcd()
