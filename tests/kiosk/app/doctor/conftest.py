"""pcscd with the vpcd driver for the doctor's reader checks (as tests/pcsc uses it)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.drivers.card.pcsc.pcscd import PcscDaemon

VPCD_CONFIG = Path("/etc/reader.conf.d/vpcd")


@pytest.fixture(scope="session")
def pcscd() -> Iterator[PcscDaemon]:
    if not (shutil.which("pcscd") or shutil.which("pcscd", path="/usr/sbin:/sbin")):
        pytest.skip("pcscd is not installed (Debian package pcscd; packaging/dev.sh installs it)")
    if not VPCD_CONFIG.exists():
        pytest.skip("the vpcd reader driver is not installed (Debian package vsmartcard-vpcd)")
    pytest.importorskip("smartcard", reason="pyscard is not installed")
    from tests.drivers.card.pcsc.pcscd import PcscDaemon

    with PcscDaemon.running() as daemon:
        yield daemon
