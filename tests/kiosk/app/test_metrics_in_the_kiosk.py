"""The metrics endpoint of a running demo kiosk, after real check-ins through its UI."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
from PySide6.QtWidgets import QApplication

from kiosk.app.controller import KioskApp
from kiosk.app.walkthrough import Driver, walk_in_insurance
from kiosk.config import Config, KioskSection, MetricsSection


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_kiosk_with_metrics_on_counts_its_check_ins(qapp: QApplication, tmp_path: Path) -> None:
    port = free_port()
    config = Config(
        kiosk=KioskSection(name="Sảnh A, tầng 1"), metrics=MetricsSection(enabled=True, port=port)
    )
    kiosk = KioskApp(config, demo=True, data_dir=tmp_path)
    try:
        kiosk.wait_until_ready()
        kiosk.window.resize(1080, 1920)
        kiosk.window.show()
        walk_in_insurance(Driver(kiosk))
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    finally:
        kiosk.close()
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    checkins = [line for line in lines if line.startswith("kiosk_checkins_total")]
    assert checkins and any(float(line.split()[-1]) >= 1 for line in checkins)
    assert any(line.startswith("kiosk_hospital_call_seconds") for line in lines)
    assert any(line.startswith("kiosk_card_read_seconds") for line in lines)
    assert 'kiosk_info{id="KIOSK-01",location="",name="Sảnh A, tầng 1"} 1.0' in lines
