"""`kiosk doctor`: what the kiosk finds on this machine, one line per check.

The kiosk's id and name, card readers and cards (PC/SC), cameras (QtMultimedia), serial ports,
the configured printer (its status, optionally a test print), the hospital link and its TLS,
and the departments `kiosk.departments` names. Each line says OK, WARN (works, but look at it)
or FAIL (the kiosk cannot serve with this); the exit status is 1 when anything failed.
Composition root like kiosk/app/selftest.py: it knows the drivers. Nothing here reads a card's data
or prints personal data; the hospital token is never shown.
"""

from __future__ import annotations

import os
import socket
import ssl
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from ipaddress import ip_address
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from drivers.scanner.serial_ports import serial_port_names
from kiosk.app.backends import (
    build_escpos_printer,
    check_printer_profile,
    hospital_tls,
    ticket_template,
)
from kiosk.app.ticket_paper import PaperTicketPrinter, sample_ticket
from kiosk.config import Config, ConfigError, load_config
from kiosk.core.department_choice import hidden_codes, unknown_codes
from kiosk.core.domain import PrinterError
from kiosk.hospital.rest import RestHospitalClient
from kiosk.hospital.tls import describe

if TYPE_CHECKING:
    from kiosk.core.ports import HospitalApi

CERT_WARN_DAYS = 30  # a certificate expiring sooner is a WARN: someone must renew it


class Status(Enum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    detail: str


Check = Callable[[Config, bool], list[Finding]]


def run_doctor(
    config_path: Path | None, *, test_print: bool = False, out: TextIO = sys.stdout
) -> int:
    """Print every finding; 0 when nothing failed, else 1."""
    try:
        config, source = _config(config_path)
    except ConfigError as error:
        file = getattr(error, "file", config_path)  # the staff settings name their own file
        where = f"{file}:{error.line}" if error.line else str(file)
        _print(Finding("config", Status.FAIL, f"{where}: {error}"), out)
        return 1
    _print(Finding("config", Status.OK, source), out)
    findings = diagnose(config, test_print=test_print, report=lambda f: _print(f, out))
    failed = sum(finding.status is Status.FAIL for finding in findings)
    warned = sum(finding.status is Status.WARN for finding in findings)
    print(f"doctor: {failed} failed, {warned} warnings, {len(findings)} checks", file=out)
    return 1 if failed else 0


def _config(path: Path | None) -> tuple[Config, str]:
    """The config the kiosk would run with, and where its values come from."""
    if path is None:
        return load_config(None), "defaults"
    from kiosk.staff.settings import staff_layers

    layers = staff_layers(path)
    staff = sorted(layers.overlay_values)
    if not staff:
        return layers.config, f"{path} (no staff settings in {layers.overlay})"
    return layers.config, f"{path}, staff settings from {layers.overlay}: {', '.join(staff)}"


def diagnose(
    config: Config,
    *,
    test_print: bool = False,
    report: Callable[[Finding], None] | None = None,
) -> list[Finding]:
    """Every check's findings, each handed to `report` as soon as it is known."""
    findings: list[Finding] = []
    for name, check in CHECKS:
        try:
            found = check(config, test_print)
        except Exception as error:  # noqa: BLE001 - a broken check is a finding, not a crash
            found = [Finding(name, Status.FAIL, f"check failed: {type(error).__name__}: {error}")]
        for finding in found:
            findings.append(finding)
            if report is not None:
                report(finding)
    return findings


def _print(finding: Finding, out: TextIO) -> None:
    print(f"{finding.status.value:4} {finding.check:8} {finding.detail}", file=out, flush=True)


# --- the kiosk itself ------------------------------------------------------------------------


def check_kiosk(config: Config, _test_print: bool) -> list[Finding]:
    """Which kiosk this is and where it stands, so a report from a fleet says whose it is."""
    where = config.kiosk.name or "kiosk.name not set"
    return [Finding("kiosk", Status.OK, f"{config.kiosk.id} · {where}")]


# --- card readers ----------------------------------------------------------------------------


def check_card_readers(config: Config, _test_print: bool) -> list[Finding]:
    needed = config.card.reader == "pcsc"
    missing = Status.FAIL if needed else Status.OK
    note = "" if needed else f" (card.reader is {config.card.reader}: not needed)"
    try:
        from smartcard import scard
    except ImportError:
        return [Finding("card", missing, "pyscard is not installed" + note)]
    from drivers.card.reader import matches  # needs pyscard: imported once it is known to load

    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        reason = scard.SCardGetErrorMessage(result).rstrip(". ")
        return [
            Finding("card", missing, f"pcscd is not running or not reachable ({reason})" + note)
        ]
    try:
        result, names = scard.SCardListReaders(context, [])
        if result != scard.SCARD_S_SUCCESS or not names:
            return [Finding("card", missing, "pcscd runs, but no reader is plugged in" + note)]
        result, states = scard.SCardGetStatusChange(
            context, 0, [(name, scard.SCARD_STATE_UNAWARE) for name in names]
        )
        if result != scard.SCARD_S_SUCCESS:
            reason = scard.SCardGetErrorMessage(result).rstrip(". ")
            return [Finding("card", missing, f"cannot ask the readers: {reason}")]
    finally:
        scard.SCardReleaseContext(context)
    findings = []
    pattern = config.card.reader_name
    for name, state, atr in states:
        if not matches(name, pattern):
            detail = f"reader {name!r}: ignored (does not match card.reader_name)"
            findings.append(Finding("card", Status.OK, detail))
            continue
        if state & scard.SCARD_STATE_PRESENT:
            atr_hex = bytes(atr).hex(" ").upper()
            card = f"card present (ATR {atr_hex})"
        else:
            card = "no card"
        findings.append(Finding("card", Status.OK, f"reader {name!r}: {card}"))
    if needed and not any(matches(name, pattern) for name, _, _ in states):
        detail = f"no reader matches card.reader_name {pattern!r}"
        findings.append(Finding("card", Status.FAIL, detail))
    return findings


# --- cameras ---------------------------------------------------------------------------------


def check_cameras(config: Config, _test_print: bool) -> list[Finding]:
    """QtMultimedia's cameras; Qt is imported only here (it is slow to load)."""
    needed = config.camera.source == "qt"
    missing = Status.FAIL if needed else Status.OK
    note = "" if needed else f" (camera.source is {config.camera.source}: not needed)"
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Its backend reports every optional library it does not find: noise in a doctor's report.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")
    try:
        from PySide6.QtMultimedia import QMediaDevices
        from PySide6.QtWidgets import QApplication
    except ImportError as error:  # e.g. libpulse0 missing on Linux
        return [Finding("camera", missing, f"QtMultimedia does not load: {error}" + note)]
    if QApplication.instance() is None:  # a widget application: the one a process may share
        QApplication([sys.argv[0]])
    cameras = [device.description() for device in QMediaDevices.videoInputs()]
    if not cameras:
        return [Finding("camera", missing, "no camera found" + note)]
    wanted = config.camera.name_contains
    findings = [Finding("camera", Status.OK, f"camera {name!r}") for name in cameras]
    if needed and wanted and not any(wanted in name for name in cameras):
        findings.append(Finding("camera", Status.FAIL, f"none named like {wanted!r}"))
    return findings


# --- serial ports ----------------------------------------------------------------------------


def check_serial_ports(config: Config, _test_print: bool) -> list[Finding]:
    ports = serial_port_names()
    listed = ", ".join(ports) if ports else "none"
    findings = [Finding("serial", Status.OK, f"serial ports: {listed}")]
    configured = []
    if config.scanner.kind == "serial":
        configured.append(("scanner.device", config.scanner.device))
    if config.printer.kind == "serial":
        configured.append(("printer.device", config.printer.device))
    for key, device in configured:
        if not os.path.exists(device):
            findings.append(Finding("serial", Status.FAIL, f"{key} {device}: not found"))
        elif not os.access(device, os.R_OK | os.W_OK):
            detail = (
                f"{key} {device}: no permission (is the kiosk user in its group, e.g. dialout?)"
            )
            findings.append(Finding("serial", Status.FAIL, detail))
        else:
            findings.append(Finding("serial", Status.OK, f"{key} {device}: present"))
    return findings


# --- printer ---------------------------------------------------------------------------------


def check_printer(config: Config, test_print: bool) -> list[Finding]:
    kind = config.printer.kind
    if kind == "simulated":
        return [Finding("printer", Status.OK, "simulated printer (no paper printer configured)")]
    from drivers.printer.escpos_printer import PaperLevel  # 230 ms (python-escpos)

    warnings = check_printer_profile(config.printer.profile, config.ticket.paper_width_mm)
    printer = build_escpos_printer(config, lambda _status: None)
    try:
        findings = [Finding("printer", Status.WARN, warning) for warning in warnings]
        status = printer.check_status()
        if status is None:
            findings.append(Finding("printer", Status.WARN, f"{kind}: cannot report its status"))
        elif status.problem is not None:
            detail = f"{kind}: {status.problem.value}"
            findings.append(Finding("printer", Status.FAIL, detail))
        elif status.paper is PaperLevel.NEAR_END:
            findings.append(Finding("printer", Status.WARN, f"{kind}: ready, paper near end"))
        else:
            findings.append(Finding("printer", Status.OK, f"{kind}: ready"))
        if test_print and all(finding.status is not Status.FAIL for finding in findings):
            ticket = sample_ticket(
                hospital_name=config.hospital.name,
                footer=config.ticket.footer,
                issued_at=datetime.now(),
            )
            try:
                PaperTicketPrinter(printer, ticket_template(config.ticket)).print_ticket(ticket)
            except PrinterError as error:
                findings.append(Finding("printer", Status.FAIL, f"test print: {error}"))
            else:
                findings.append(Finding("printer", Status.OK, "test print sent"))
        return findings
    finally:
        printer.close()


# --- hospital and TLS --------------------------------------------------------------------------


def check_hospital(config: Config, _test_print: bool) -> list[Finding]:
    section = config.hospital
    tls = hospital_tls(section) if section.url.startswith("https://") else None
    client: HospitalApi
    if section.kind == "fhir":
        from kiosk.app.hospital_clients import fhir_client  # 16 ms: FHIR hospitals only

        client = fhir_client(section, section.url, ssl_context=tls)
    else:
        client = RestHospitalClient(
            section.url,
            token=section.token or None,
            connect_timeout=section.connect_timeout,
            read_timeout=section.read_timeout,
            deadline=section.deadline,
            retries=0,
            ssl_context=tls,
        )
    started = time.perf_counter()
    try:
        ready = client.health()
        ms = (time.perf_counter() - started) * 1000
        where = _origin(section.url)
        if not ready:
            detail = f"{where}: no answer, or not ready ({ms:.0f} ms)"
            return [Finding("hospital", Status.FAIL, detail)]
        findings = [Finding("hospital", Status.OK, f"{where}: {section.kind}, ready ({ms:.0f} ms)")]
        if config.kiosk.departments:
            findings.append(_shown_departments(client, config.kiosk.departments))
        return findings
    finally:
        client.close()


def _shown_departments(client: HospitalApi, shown: tuple[str, ...]) -> Finding:
    """kiosk.departments against the hospital's list: a code it does not list is a WARN (the
    kiosk ignores it, and shows every department if it knows none of them)."""
    listed = client.departments()
    unknown = unknown_codes(listed, shown)
    offered = len(listed) - len(hidden_codes(listed, shown))
    count = f"patients choose from {offered} of {len(listed)} departments"
    if not unknown:
        return Finding("hospital", Status.OK, f"kiosk.departments: {count}")
    detail = f"kiosk.departments: the hospital does not list {', '.join(unknown)}; {count}"
    return Finding("hospital", Status.WARN, detail)


def check_tls(config: Config, _test_print: bool) -> list[Finding]:
    section = config.hospital
    parts = urlsplit(section.url)
    host = parts.hostname or ""
    if parts.scheme != "https":
        if _loopback(host):
            return [Finding("tls", Status.OK, "plain http on this machine: no TLS needed")]
        return [Finding("tls", Status.WARN, f"{_origin(section.url)}: plain http, not encrypted")]
    context = hospital_tls(section)
    port = parts.port or 443
    try:
        raw = socket.create_connection((host, port), timeout=section.connect_timeout)
        with raw, context.wrap_socket(raw, server_hostname=host) as tls:
            version = tls.version()
            certificate = tls.getpeercert() or {}
            _ask_once(tls, host, section.read_timeout)
    except ssl.SSLError as error:
        return [Finding("tls", Status.FAIL, f"{_origin(section.url)}: {describe(error)}")]
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return [Finding("tls", Status.FAIL, f"{_origin(section.url)}: cannot connect: {reason}")]
    not_after = str(certificate["notAfter"])  # typeshed types every field as str or tuples
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)
    days = (expires - datetime.now(UTC)).days
    client = ", client certificate accepted" if section.client_cert else ""
    detail = f"{version}, certificate verified, expires {expires:%Y-%m-%d} ({days} days){client}"
    status = Status.WARN if days < CERT_WARN_DAYS else Status.OK
    return [Finding("tls", status, detail)]


def check_alerts(config: Config, _test_print: bool) -> list[Finding]:
    """Whether staff alerts reach people: the webhook, and what the kiosk's queue says."""
    from kiosk.alerts.store import read_delivery
    from kiosk.app.alerting import STORE_NAME
    from kiosk.staff.overlay import data_folder

    url = config.alerts.webhook_url
    if not url:
        detail = "no webhook_url: alerts show on the staff page only, patients go to the counter"
        return [Finding("alerts", Status.WARN, detail)]
    stored = read_delivery(data_folder(config) / STORE_NAME)
    if stored is None:
        return [Finding("alerts", Status.OK, f"webhook {_origin(url)}; nothing sent yet")]
    channels, incidents = stored
    findings = []
    for channel in channels:
        last = _when(channel.last_delivered_at) if channel.last_delivered_at else "never"
        detail = f"webhook {_origin(url)}: last delivery {last}, {channel.failures} failed attempts"
        if channel.failing:
            waiting = f"{channel.waiting} waiting, {channel.failing} failures in a row"
            detail = f"{detail}; NOT DELIVERING: {waiting}, last: {channel.last_error}"
        findings.append(Finding("alerts", Status.FAIL if channel.failing else Status.OK, detail))
    for incident in incidents:
        told = "delivered" if incident.accepted else "not delivered"
        told = "muted (rate limit)" if incident.muted else told
        detail = f"open: {incident.kind} since {_when(incident.opened_at)}, {told}"
        findings.append(Finding("alerts", Status.WARN, detail))
    return findings


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _ask_once(tls: ssl.SSLSocket, host: str, timeout: float) -> None:
    """One request and the start of its answer: with TLS 1.3 a server refuses a client
    certificate only after the handshake, at the first read."""
    tls.settimeout(timeout)
    tls.sendall(f"GET /v1/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    tls.recv(1)


def _origin(url: str) -> str:
    """scheme://host:port, without any user:password part."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


CHECKS: tuple[tuple[str, Check], ...] = (
    ("kiosk", check_kiosk),
    ("card", check_card_readers),
    ("camera", check_cameras),
    ("serial", check_serial_ports),
    ("printer", check_printer),
    ("hospital", check_hospital),
    ("tls", check_tls),
    ("alerts", check_alerts),
)
