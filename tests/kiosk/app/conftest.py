"""Fixtures shared by the metrics tests: a manual clock and a metrics endpoint on a free port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.app.metrics import KioskMetrics
from tests.manual_clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(100.0)


@pytest.fixture
def metrics(clock: ManualClock) -> Iterator[KioskMetrics]:
    served = KioskMetrics(clock=clock)
    served.serve(0)
    yield served
    served.close()
