"""Suite-wide settings and fixtures: Qt renders offscreen, nothing needs a display; the demo
hospital fixtures shared by the folders that talk to one (each folder starts its own
`shared_hospital`, on the day its code expects); pcscd for the tests that go through the real
PC/SC stack (the chip reader's and the doctor's)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kiosk.demo_hospital.server import DemoHospitalServer

if TYPE_CHECKING:
    from tests.drivers.card.pcsc.pcscd import PcscDaemon

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The kiosk's state folder (staff settings overlay, outbox) defaults under $XDG_STATE_HOME: a
# private one per test run, so a developer's own kiosk state can never change a test's outcome.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="kiosk-tests-state-")

VPCD_CONFIG = Path("/etc/reader.conf.d/vpcd")


@pytest.fixture
def hospital(shared_hospital: DemoHospitalServer) -> Iterator[DemoHospitalServer]:
    """The shared hospital with no faults switched on (none left behind), counters at zero."""
    shared_hospital.faults.clear()
    shared_hospital.requests.reset()
    yield shared_hospital
    shared_hospital.faults.clear()


@pytest.fixture
def own_hospital(
    tmp_path: Path, shared_hospital: DemoHospitalServer
) -> Iterator[DemoHospitalServer]:
    """A private demo hospital on the shared one's day, for tests that stop it, restart it or
    count everything."""
    with DemoHospitalServer(tmp_path / "own.db", today=shared_hospital.today) as server:
        yield server


@pytest.fixture(scope="session")
def pcscd() -> Iterator[PcscDaemon]:
    """A pcscd that already runs, or one started (`pcscd --foreground --auto-exit`, so a crashed
    test run cannot leave it behind for long) and stopped at the end.

    Skips only when pcscd, the vpcd driver or pyscard is not installed (`sh packaging/dev.sh
    setup` installs all three); anything else that goes wrong fails.
    """
    if not (shutil.which("pcscd") or shutil.which("pcscd", path="/usr/sbin:/sbin")):
        pytest.skip("pcscd is not installed (Debian package pcscd; packaging/dev.sh installs it)")
    if not VPCD_CONFIG.exists():
        pytest.skip("the vpcd reader driver is not installed (Debian package vsmartcard-vpcd)")
    pytest.importorskip("smartcard", reason="pyscard is not installed")
    from tests.drivers.card.pcsc.pcscd import PcscDaemon  # needs pyscard, checked just above

    with PcscDaemon.running() as daemon:
        yield daemon
