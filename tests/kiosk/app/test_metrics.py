"""The Prometheus endpoint: fed like the app feeds it, scraped over real HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from kiosk.app.metrics import KioskMetrics, start_metrics
from kiosk.config import KioskSection, MetricsSection
from kiosk.core.domain import (
    CardProblem,
    Identity,
    IdentitySource,
    PrinterProblem,
)
from kiosk.core.flow import (
    CardSensed,
    ChipFailed,
    ChipRead,
    FlowState,
    PrintFailed,
    Problem,
    ReadCard,
    Screen,
    TicketPrinted,
)
from kiosk.core.ports import HospitalUnavailable
from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient
from tests.manual_clock import ManualClock
from tests.ui.screens.samples import TICKET

pytestmark = pytest.mark.timeout(30)


def scrape(metrics: KioskMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    port = metrics._server.server_port  # type: ignore[union-attr]
    answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert answer.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_flow_steps_become_checkins_errors_and_card_read_times(
    metrics: KioskMetrics, clock: ManualClock
) -> None:
    read = ReadCard(session=1, citizen_id="001078012345", birth=None, card_issued=None)
    metrics.flow_step(CardSensed.PLACED, [read], FlowState(screen=Screen.PLACE_CARD, session=1))
    clock.now += 1.2
    chip_read = ChipRead(1, Identity(IdentitySource.CHIP, citizen_id="001078012345"))
    metrics.flow_step(chip_read, [], FlowState(screen=Screen.LOOKING_UP, session=1))
    metrics.flow_step(TicketPrinted(1), [], FlowState(screen=Screen.TICKET, session=1))
    metrics.flow_step(TicketPrinted(1), [], FlowState(screen=Screen.TICKET, session=1))  # same end
    # A second session: the chip fails, then the printer is out of paper.
    read2 = ReadCard(session=2, citizen_id="001078012345", birth=None, card_issued=None)
    metrics.flow_step(CardSensed.PLACED, [read2], FlowState(screen=Screen.PLACE_CARD, session=2))
    clock.now += 0.4
    failed = FlowState(screen=Screen.READ_FAILED, session=2, problem=Problem.CARD_UNREADABLE)
    metrics.flow_step(ChipFailed(2, CardProblem.UNREADABLE), [], failed)
    fault = FlowState(screen=Screen.PRINTER_FAULT, session=2, problem=Problem.PRINTER_FAULT)
    metrics.flow_step(PrintFailed(2, PrinterProblem.OUT_OF_PAPER), [], fault)
    # A third, served offline.
    offline = FlowState(screen=Screen.TICKET, session=3, ticket=replace(TICKET, provisional=True))
    metrics.flow_step(TicketPrinted(3), [], offline)
    metrics.outbox_size(4)
    metrics.error("scanner_device_lost")

    samples = scrape(metrics)
    assert samples[("kiosk_checkins_total", (("outcome", "ticket"),))] == 1
    assert samples[("kiosk_checkins_total", (("outcome", "printer_fault"),))] == 1
    assert samples[("kiosk_checkins_total", (("outcome", "provisional_ticket"),))] == 1
    assert samples[("kiosk_errors_total", (("kind", "card_unreadable"),))] == 2  # chip, screen
    assert samples[("kiosk_errors_total", (("kind", "printer_fault"),))] == 1
    assert samples[("kiosk_card_read_seconds_count", ())] == 2
    assert samples[("kiosk_card_read_seconds_sum", ())] == pytest.approx(1.6)
    assert samples[("kiosk_card_read_seconds_bucket", (("le", "1.0"),))] == 1  # 0.4 s only
    assert samples[("kiosk_outbox_size", ())] == 4
    assert samples[("kiosk_errors_total", (("kind", "scanner_device_lost"),))] == 1
    # The provisional ticket printed: the printer is ready again.
    assert samples[("kiosk_printer_state", (("kiosk_printer_state", "ready"),))] == 1
    assert samples[("kiosk_printer_state", (("kiosk_printer_state", "out_of_paper"),))] == 0


def test_printer_state_from_the_real_printers_status(metrics: KioskMetrics) -> None:
    metrics.printer_state("paper_near_end")
    samples = scrape(metrics)
    assert samples[("kiosk_printer_state", (("kiosk_printer_state", "paper_near_end"),))] == 1
    metrics.printer_state("on fire")  # not a state: unknown, not an error
    samples = scrape(metrics)
    assert samples[("kiosk_printer_state", (("kiosk_printer_state", "unknown"),))] == 1


def test_hospital_calls_are_timed_by_operation_and_outcome(
    metrics: KioskMetrics, tmp_path: Path
) -> None:
    with (
        DemoHospitalServer(tmp_path / "h.sqlite") as server,
        RestHospitalClient(server.url) as client,
    ):
        hospital = metrics.timed_hospital(client)
        assert hospital.health()
        assert hospital.departments()
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    down = RestHospitalClient(f"http://127.0.0.1:{port}", deadline=0.5, retries=0)
    with pytest.raises(HospitalUnavailable):
        metrics.timed_hospital(down).departments()
    down.close()

    samples = scrape(metrics)
    ok = (("operation", "departments"), ("outcome", "ok"))
    assert samples[("kiosk_hospital_call_seconds_count", ok)] == 1
    assert (
        samples[("kiosk_hospital_call_seconds_count", (("operation", "health"), ("outcome", "ok")))]
        == 1
    )
    failed = (("operation", "departments"), ("outcome", "HospitalUnavailable"))
    assert samples[("kiosk_hospital_call_seconds_count", failed)] == 1


def test_off_unless_enabled_and_only_on_localhost() -> None:
    assert start_metrics(MetricsSection(), KioskSection()) is None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    metrics = start_metrics(MetricsSection(enabled=True, port=port), KioskSection())
    assert metrics is not None
    try:
        assert metrics._server.server_address[0] == "127.0.0.1"  # type: ignore[union-attr]
        assert httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).status_code == 200
    finally:
        metrics.close()


def test_the_kiosks_id_and_name_are_an_info_metric() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kiosk = KioskSection(id="SANH-A-02", name='Sảnh A, tầng 1 "cửa Đông"')
    metrics = start_metrics(MetricsSection(enabled=True, port=port), kiosk, "toa-A")
    assert metrics is not None
    try:
        samples = scrape(metrics)
    finally:
        metrics.close()
    labels = (("id", "SANH-A-02"), ("location", "toa-A"), ("name", 'Sảnh A, tầng 1 "cửa Đông"'))
    assert samples[("kiosk_info", labels)] == 1
    unnamed = KioskMetrics()
    [family] = [f for f in unnamed.registry.collect() if f.name == "kiosk"]
    assert family.samples[0].labels == {"id": "KIOSK-01", "name": "", "location": ""}
