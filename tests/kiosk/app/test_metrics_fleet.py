"""What a fleet's Prometheus reads from a kiosk: the patient's journey (seconds from identity
to ticket, taps), link, camera, follow-ups and certificate gauges, and an endpoint that serves
a LAN address only to its allow-list."""

from __future__ import annotations

import socket

import httpx
import pytest

from kiosk.app.metrics import KioskMetrics, start_metrics
from kiosk.config import KioskSection, MetricsSection
from kiosk.core.domain import Identity, IdentitySource, PrinterProblem, ServiceType
from kiosk.core.flow import (
    DepartmentChosen,
    FlowState,
    IdentityPresented,
    Pressed,
    PrintFailed,
    Screen,
    ServiceChosen,
    TicketPrinted,
)
from tests.kiosk.app.test_metrics import scrape
from tests.manual_clock import ManualClock

pytestmark = pytest.mark.timeout(30)
IDENTITY = Identity(IdentitySource.CCCD_QR, citizen_id="001078012345")


def at(screen: Screen, session: int) -> FlowState:
    return FlowState(screen=screen, session=session)


def test_the_journey_is_seconds_from_identity_to_ticket_and_taps_after_identity(
    metrics: KioskMetrics, clock: ManualClock
) -> None:
    metrics.flow_step(Pressed.LANGUAGE, [], at(Screen.WELCOME, 1))  # before: not counted
    metrics.flow_step(IdentityPresented(IDENTITY), [], at(Screen.LOOKING_UP, 1))
    clock.now += 4
    metrics.flow_step(Pressed.CONTINUE, [], at(Screen.SERVICE, 1))
    metrics.flow_step(Pressed.LANGUAGE, [], at(Screen.SERVICE, 1))  # a switch: not a step
    metrics.flow_step(ServiceChosen(ServiceType.INSURANCE), [], at(Screen.DEPARTMENT, 1))
    metrics.flow_step(DepartmentChosen("NOI"), [], at(Screen.CONFIRM, 1))
    metrics.flow_step(Pressed.CONFIRM, [], at(Screen.PRINTING, 1))
    clock.now += 17
    metrics.flow_step(TicketPrinted(1), [], at(Screen.TICKET, 1))
    metrics.flow_step(Pressed.REPRINT, [], at(Screen.PRINTING, 1))
    metrics.flow_step(TicketPrinted(1), [], at(Screen.TICKET, 1))  # a reprint: same journey
    # The next patient: straight to a printer fault, which still hands out a number.
    metrics.flow_step(IdentityPresented(IDENTITY), [], at(Screen.LOOKING_UP, 2))
    clock.now += 9
    metrics.flow_step(Pressed.APPOINTMENT_CONFIRM, [], at(Screen.PRINTING, 2))
    metrics.flow_step(PrintFailed(2, PrinterProblem.OUT_OF_PAPER), [], at(Screen.PRINTER_FAULT, 2))
    # A third who gives up: no journey observed.
    metrics.flow_step(IdentityPresented(IDENTITY), [], at(Screen.LOOKING_UP, 3))
    metrics.flow_step(Pressed.CANCEL, [], at(Screen.WELCOME, 4))

    samples = scrape(metrics)
    assert samples[("kiosk_checkin_seconds_count", ())] == 2
    assert samples[("kiosk_checkin_seconds_sum", ())] == pytest.approx(21 + 9)
    assert samples[("kiosk_checkin_seconds_bucket", (("le", "10.0"),))] == 1
    assert samples[("kiosk_checkin_taps_count", ())] == 2
    assert samples[("kiosk_checkin_taps_sum", ())] == 4 + 1
    assert samples[("kiosk_checkin_taps_bucket", (("le", "1.0"),))] == 1


def test_link_camera_follow_ups_and_certificates_are_gauges(metrics: KioskMetrics) -> None:
    metrics.hospital_online(False)
    metrics.camera_state("not_found")
    metrics.follow_ups(2)
    metrics.certificate_expires("hospital_server", 1_900_000_000)
    samples = scrape(metrics)
    assert samples[("kiosk_hospital_up", ())] == 0
    assert samples[("kiosk_camera_state", (("kiosk_camera_state", "not_found"),))] == 1
    assert samples[("kiosk_camera_state", (("kiosk_camera_state", "active"),))] == 0
    assert samples[("kiosk_outbox_follow_ups", ())] == 2
    expiry = (("certificate", "hospital_server"),)
    assert samples[("kiosk_tls_certificate_expiry_timestamp_seconds", expiry)] == 1.9e9


def lan_address() -> str | None:
    """This machine's own non-loopback IPv4 address, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: it only picks a route
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_a_lan_address_serves_only_its_allow_list() -> None:
    address = lan_address()
    if address is None:
        pytest.skip("this machine has no LAN address")
    with socket.socket() as probe:
        probe.bind((address, 0))
        port = probe.getsockname()[1]
    # Bound to the LAN, this machine's own LAN address not allowed: refused.
    refused = start_metrics(
        MetricsSection(enabled=True, port=port, bind=address, allow=("198.51.100.7",)),
        KioskSection(),
    )
    assert refused is not None
    try:
        answer = httpx.get(f"http://{address}:{port}/metrics", timeout=5)
        assert answer.status_code == 403
        assert "kiosk_info" not in answer.text
    finally:
        refused.close()
    allowed = start_metrics(
        MetricsSection(enabled=True, port=port, bind=address, allow=(f"{address}/32",)),
        KioskSection(),
    )
    assert allowed is not None
    try:
        answer = httpx.get(f"http://{address}:{port}/metrics", timeout=5)
        assert answer.status_code == 200
        assert "kiosk_info" in answer.text
    finally:
        allowed.close()


def test_the_default_binds_loopback_only() -> None:
    metrics = start_metrics(MetricsSection(enabled=True, port=0), KioskSection())
    assert metrics is not None
    try:
        assert metrics._server is not None
        assert metrics._server.server_address[0] == "127.0.0.1"
    finally:
        metrics.close()
