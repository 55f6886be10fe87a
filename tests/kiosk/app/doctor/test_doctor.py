"""`kiosk doctor` against real parts: the virtual chip behind pcscd, the network printer
simulator, the demo hospital over HTTP, an HTTPS server with certificates made here."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from drivers.printer.netprinter_sim import Faults, NetworkPrinterSimulator, PaperSupply
from kiosk.app.doctor import (
    Finding,
    Status,
    check_card_readers,
    check_hospital,
    check_kiosk,
    check_printer,
    check_tls,
    run_doctor,
)
from kiosk.config import CardSection, Config, HospitalSection, KioskSection, PrinterSection
from kiosk.demo_hospital.server import DemoHospitalServer
from tests.kiosk.hospital.tls_certs import Authority, https_server

pytestmark = pytest.mark.timeout(60)
ROOT = Path(__file__).resolve().parents[4]


def statuses(findings: list[Finding]) -> list[Status]:
    return [finding.status for finding in findings]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoHospitalServer]:
    with DemoHospitalServer(tmp_path_factory.mktemp("hospital") / "h.sqlite") as server:
        yield server


@pytest.fixture
def printer() -> Iterator[NetworkPrinterSimulator]:
    with NetworkPrinterSimulator() as sim:
        yield sim


def network_printer(sim: NetworkPrinterSimulator) -> PrinterSection:
    return PrinterSection(
        kind="network", host=sim.host, port=sim.port, connect_timeout=1.0, read_timeout=0.3
    )


# --- card readers ------------------------------------------------------------------------------


def test_readers_and_a_card_behind_pcscd(pcscd: object) -> None:
    from drivers.card.virtual_chip import DEFAULT_ATR, Chip
    from drivers.card.vpcd_card import VirtualCard
    from tests.drivers.card.pcsc.pcscd import wait_for_card

    slots = pcscd.wait_for_vpcd()  # type: ignore[attr-defined]
    config = Config(card=CardSection(reader="pcsc", reader_name="Virtual PCD"))
    empty = check_card_readers(config, False)
    assert statuses(empty) == [Status.OK] * len(slots)
    assert all("no card" in finding.detail for finding in empty)

    with VirtualCard(Chip(), port=slots[0].port):
        wait_for_card(slots[0].reader)
        found = check_card_readers(config, False)
    first = next(f for f in found if slots[0].reader in f.detail)
    assert first.status is Status.OK and "card present" in first.detail
    assert DEFAULT_ATR.hex(" ").upper() in first.detail


def test_no_reader_matching_the_configured_name_fails(pcscd: object) -> None:
    pcscd.wait_for_vpcd()  # type: ignore[attr-defined]
    config = Config(card=CardSection(reader="pcsc", reader_name="^Identiv uTrust"))
    findings = check_card_readers(config, False)
    assert findings[-1].status is Status.FAIL and "no reader matches" in findings[-1].detail
    assert all("ignored" in finding.detail for finding in findings[:-1])


def test_without_pcscd_the_doctor_says_so(tmp_path: Path) -> None:
    """pcsc-lite finds pcscd through PCSCLITE_CSOCK_NAME: pointed at nothing, pcscd is absent."""
    config = tmp_path / "kiosk.toml"
    config.write_text(
        '[card]\nreader = "pcsc"\n[hospital]\nurl = "http://127.0.0.1:9"\n'
        "connect_timeout = 0.2\ndeadline = 0.5\n",
        encoding="utf-8",
    )
    env = dict(os.environ, PCSCLITE_CSOCK_NAME=str(tmp_path / "no-pcscd"), PYTHONPATH=str(ROOT))
    env["QT_QPA_PLATFORM"] = "offscreen"
    run = subprocess.run(
        [sys.executable, "-m", "kiosk.app.cli", "doctor", "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=ROOT,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    card = [line for line in run.stdout.splitlines() if line.split()[1:2] == ["card"]]
    assert card and card[0].startswith("FAIL") and "pcscd is not running" in card[0]
    assert "Traceback" not in run.stderr


# --- printer -----------------------------------------------------------------------------------


def test_a_ready_network_printer_and_a_test_print(printer: NetworkPrinterSimulator) -> None:
    config = Config(printer=network_printer(printer))
    assert statuses(check_printer(config, False)) == [Status.OK]
    findings = check_printer(config, True)
    assert statuses(findings) == [Status.OK, Status.OK] and "test print" in findings[1].detail
    assert sum(len(data) for data in printer.received) > 2000  # a whole ticket arrived


def test_paper_near_end_warns_and_out_of_paper_fails(printer: NetworkPrinterSimulator) -> None:
    config = Config(printer=network_printer(printer))
    printer.set_faults(Faults(paper=PaperSupply.NEAR_END))
    assert statuses(check_printer(config, False)) == [Status.WARN]
    printer.set_faults(Faults(paper=PaperSupply.OUT))
    before = sum(len(data) for data in printer.received)
    findings = check_printer(config, True)
    assert statuses(findings) == [Status.FAIL] and "out_of_paper" in findings[0].detail
    # No test print is tried on a printer that cannot print: only status requests went out.
    assert sum(len(data) for data in printer.received) - before < 20


def test_an_unreachable_printer_fails() -> None:
    section = PrinterSection(
        kind="network", host="127.0.0.1", port=free_port(), connect_timeout=0.5
    )
    findings = check_printer(Config(printer=section), False)
    assert statuses(findings) == [Status.FAIL] and "offline" in findings[0].detail


# --- hospital and TLS --------------------------------------------------------------------------


def test_the_demo_hospital_answers(hospital: DemoHospitalServer) -> None:
    config = Config(hospital=HospitalSection(url=hospital.url))
    [finding] = check_hospital(config, False)
    assert finding.status is Status.OK and "ready" in finding.detail
    [tls] = check_tls(config, False)
    assert tls.status is Status.OK and "no TLS needed" in tls.detail


@pytest.mark.parametrize(
    ("shown", "status", "words"),
    [
        (("NOI", "NHI", "MAT"), Status.OK, "patients choose from 3 of 17 departments"),
        (
            ("NOI", "K99", "NHI"),
            Status.WARN,
            "the hospital does not list K99; patients choose from 2 of 17 departments",
        ),
        (("K98", "K99"), Status.WARN, "does not list K98, K99; patients choose from 17 of 17"),
    ],
)
def test_the_configured_departments_against_the_hospitals_list(
    hospital: DemoHospitalServer, shown: tuple[str, ...], status: Status, words: str
) -> None:
    config = Config(
        kiosk=KioskSection(departments=shown), hospital=HospitalSection(url=hospital.url)
    )
    link, departments = check_hospital(config, False)
    assert link.status is Status.OK
    assert departments.status is status and words in departments.detail


def test_the_kiosks_id_and_name_open_the_report(
    tmp_path: Path, hospital: DemoHospitalServer
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\nid = "SANH-A-02"\nname = "Sảnh A, tầng 1"\ndepartments = ["NOI", "K99"]\n'
        f'[hospital]\nurl = "{hospital.url}"\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    run_doctor(config, out=out)
    lines = out.getvalue().splitlines()
    assert lines[1].split() == ["OK", "kiosk", "SANH-A-02", "·", "Sảnh", "A,", "tầng", "1"]
    assert any(line.startswith("WARN hospital") and "K99" in line for line in lines)
    [unnamed] = check_kiosk(Config(), False)
    assert unnamed.detail == "KIOSK-01 · kiosk.name not set"


def test_a_hospital_that_is_down_fails() -> None:
    section = HospitalSection(url=f"http://127.0.0.1:{free_port()}", deadline=0.5)
    [finding] = check_hospital(Config(hospital=section), False)
    assert finding.status is Status.FAIL


def test_plain_http_to_another_machine_warns() -> None:
    config = Config(hospital=HospitalSection(url="http://his.example.vn"))
    [finding] = check_tls(config, False)
    assert finding.status is Status.WARN and "not encrypted" in finding.detail


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("pki")
    hospital_ca, kiosk_ca = Authority(folder, "hospital-ca"), Authority(folder, "kiosk-ca")
    return {
        "hospital_ca": hospital_ca,
        "kiosk_ca": kiosk_ca,
        "server": hospital_ca.issue("his", server=True),
        "expiring": hospital_ca.issue("his-old", server=True, days=10),
        "client": kiosk_ca.issue("kiosk-01", server=False),
    }


def test_tls_verified_with_expiry_and_mutual_tls(pki: dict) -> None:
    ca = str(pki["hospital_ca"].files.cert)
    client = pki["client"]
    with https_server(pki["server"], client_ca=pki["kiosk_ca"].files.cert) as url:
        section = HospitalSection(
            url=url, ca_bundle=ca, client_cert=str(client.cert), client_key=str(client.key)
        )
        [tls] = check_tls(Config(hospital=section), False)
        assert tls.status is Status.OK, tls.detail
        assert "certificate verified" in tls.detail and "client certificate accepted" in tls.detail
        [link] = check_hospital(Config(hospital=section), False)
        assert link.status is Status.OK
        without = replace(section, client_cert="", client_key="")
        [refused] = check_tls(Config(hospital=without), False)
        assert refused.status is Status.FAIL, refused.detail


def test_tls_untrusted_or_expiring_soon(pki: dict) -> None:
    with https_server(pki["server"]) as url:
        [untrusted] = check_tls(Config(hospital=HospitalSection(url=url)), False)
        assert untrusted.status is Status.FAIL and "certificate verify failed" in untrusted.detail
    with https_server(pki["expiring"]) as url:
        section = HospitalSection(url=url, ca_bundle=str(pki["hospital_ca"].files.cert))
        [soon] = check_tls(Config(hospital=section), False)
        assert soon.status is Status.WARN and "(9 days)" in soon.detail


# --- the whole report ----------------------------------------------------------------------------


def test_report_lines_and_exit_status(
    tmp_path: Path, hospital: DemoHospitalServer, printer: NetworkPrinterSimulator
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[hospital]\nurl = "{hospital.url}"\ntoken = "s3cret-token"\n'
        f'[printer]\nkind = "network"\nhost = "{printer.host}"\nport = {printer.port}\n'
        "read_timeout = 0.3\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert run_doctor(config, out=out) == 0
    lines = out.getvalue().splitlines()
    checks = [line.split()[1] for line in lines[:-1]]
    assert checks[0] == "config" and {
        "card",
        "camera",
        "serial",
        "printer",
        "hospital",
        "tls",
    } <= set(checks)
    assert all(line.split()[0] in {"OK", "WARN", "FAIL"} for line in lines[:-1])
    assert lines[-1].startswith("doctor: 0 failed")
    assert "s3cret-token" not in out.getvalue()

    printer.set_faults(Faults(paper=PaperSupply.OUT))
    out = io.StringIO()
    assert run_doctor(config, out=out) == 1
    assert any(line.startswith("FAIL printer") for line in out.getvalue().splitlines())


def test_a_broken_config_is_reported_with_its_line(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nid = "K"\n\n[printer]\nkind = "bluetooth"\n', encoding="utf-8")
    out = io.StringIO()
    assert run_doctor(config, out=out) == 1
    assert f"{config}:5: printer.kind" in out.getvalue()
