"""`kiosk --self-test`: the whole product exercised once, offscreen, without any real device.

Meant for the frozen bundle: every check goes through the libraries a build could leave out
(fonts, python-escpos capability data, Qt plugins, translations, the SQLite demo hospital,
HTTP, cryptography, QR decoding), so a missing piece shows up here and not at a patient.
Composition root like kiosk/app.py: it knows every layer. One line per check with its time;
exit status 0 only when every check passed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kiosk.config import Config, load_config

if TYPE_CHECKING:  # Qt is imported by the welcome check only: --version must stay fast
    from PySide6.QtGui import QImage

# A fixed, synthetic text: the QR check must never carry anything personal.
QR_TEXT = "KIOSK-SELF-TEST|0123456789"
# The demo persona the hospital check looks up; it has a record in the demo hospital.
PERSONA_KEY = "appointment_today"


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    seconds: float
    detail: str  # what was checked, or why it failed; never personal data


@dataclass
class _Context:
    config_path: Path | None
    work_dir: Path
    config: Config | None = None


Check = Callable[[_Context], str]


def run_self_test(config_path: Path | None = None, out: TextIO = sys.stdout) -> int:
    """Run every check, print one line each and a summary; 0 when all passed, else 1."""
    # Forced, not defaulted: the self-test must not open a window on the kiosk's screen.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kiosk-self-test-") as work_dir:
        context = _Context(config_path, Path(work_dir))
        results = []
        for name, check in CHECKS:
            result = _timed(name, check, context)
            results.append(result)
            status = "ok  " if result.passed else "FAIL"
            print(f"{status} {name:8} {result.seconds * 1000:7.0f} ms  {result.detail}", file=out)
    failed = [result.name for result in results if not result.passed]
    total_ms = (time.perf_counter() - started) * 1000
    if failed:
        print(f"self-test FAILED ({', '.join(failed)}) in {total_ms:.0f} ms", file=out)
        return 1
    print(f"self-test passed: {len(results)} checks in {total_ms:.0f} ms", file=out)
    return 0


def _timed(name: str, check: Check, context: _Context) -> CheckResult:
    started = time.perf_counter()
    try:
        detail = check(context)
    except Exception as error:  # noqa: BLE001 - a failing check is reported and counted
        detail = f"{type(error).__name__}: {error}"
        return CheckResult(name, False, time.perf_counter() - started, detail)
    return CheckResult(name, True, time.perf_counter() - started, detail)


def _config(context: _Context) -> Config:
    """The loaded config; the default one when loading failed (that failure is its own check)."""
    return context.config or Config()


def check_config(context: _Context) -> str:
    config = context.config = load_config(context.config_path)
    source = context.config_path or "defaults"
    return f"{source}: kiosk {config.kiosk.id}, paper {config.ticket.paper_width_mm} mm"


def check_ticket(context: _Context) -> str:
    from drivers.printer.escpos_decode import decode_raster
    from drivers.printer.escpos_output import ticket_job
    from drivers.printer.render import render_ticket
    from drivers.printer.sample import sample_ticket

    config = _config(context)
    ticket = sample_ticket(
        hospital_name=config.hospital.name, footer=config.ticket.footer, issued_at=datetime.now()
    )
    image = render_ticket(ticket, paper_width_mm=config.ticket.paper_width_mm)
    job = ticket_job(ticket, paper_width_mm=config.ticket.paper_width_mm)
    paper = decode_raster(job, paper_width=image.width)
    if paper.tobytes() != image.convert("1").tobytes():
        raise AssertionError("the ESC/POS job does not decode back to the rendered ticket")
    return f"{image.width}x{image.height} dots, {len(job)} ESC/POS bytes, decoded back identical"


def check_hospital(context: _Context) -> str:
    from kiosk.demo_hospital.personas import demo_persona
    from kiosk.demo_hospital.server import DemoHospitalServer
    from kiosk.hospital.rest import RestHospitalClient

    server = DemoHospitalServer(context.work_dir / "demo-hospital.sqlite")
    server.start()
    try:
        persona = demo_persona(PERSONA_KEY, server.today)
        with RestHospitalClient(server.url) as client:
            if not client.health():
                raise AssertionError("the demo hospital reports itself unhealthy")
            departments = client.departments()
            if not departments:
                raise AssertionError("the demo hospital lists no departments")
            patient = client.find_patient(persona.identity)
        if patient is None or patient.patient_id != persona.patient_id:
            raise AssertionError(f"demo persona {PERSONA_KEY} not found by lookup")
    finally:
        server.stop()
    return f"health ok, {len(departments)} departments, demo persona {PERSONA_KEY} found"


def check_qr(context: _Context) -> str:
    import qrcode
    import zxingcpp

    image = qrcode.make(QR_TEXT, border=4).get_image().convert("L")
    found = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    if found != [QR_TEXT]:
        raise AssertionError(f"expected the generated code back, decoded {len(found)} codes")
    return f"{image.width}x{image.height} px QR decoded back"


def check_chip(context: _Context) -> str:
    from drivers.card.cccd_reader import CardKeys, CccdReader
    from drivers.card.lds import data_group_file_id, parse_dg1
    from drivers.card.lds_builder import cccd_files
    from drivers.card.passive_auth import CscaStore, PassiveAuthStatus
    from drivers.card.sod_builder import make_authority
    from drivers.card.virtual_chip import Chip
    from kiosk.domain import BirthDate, Identity, IdentitySource, Sex

    # A synthetic holder: the demo's kind of person, nobody real.
    citizen_id, birth, issue = "001090012345", date(1990, 5, 17), date(2021, 3, 1)
    holder = Identity(
        source=IdentitySource.CHIP,
        citizen_id=citizen_id,
        full_name="Nguyễn Văn An",
        birth=BirthDate.from_date(birth),
        sex=Sex.MALE,
        address="12 Phố Huế, Hai Bà Trưng, Hà Nội",
    )
    authority = make_authority()
    files = cccd_files(holder, authority.signer, issue_date=issue, expiry_date=date(2030, 5, 17))
    mrz = parse_dg1(files[data_group_file_id(1)])
    chip = Chip(can=citizen_id[-6:], mrz_info=mrz.bac_information, files=files)
    reader = CccdReader(CscaStore([authority.csca]))
    result = reader.read(chip, CardKeys(citizen_id, birth=birth, issue_date=issue))
    if result.verification.status is not PassiveAuthStatus.VERIFIED:
        raise AssertionError(f"passive authentication: {result.verification.status.value}")
    if result.identity.citizen_id != citizen_id:
        raise AssertionError("the chip's identity does not match the card written")
    return f"virtual CCCD read, {result.apdu_count} APDUs, passive authentication verified"


def check_welcome(context: _Context) -> str:
    from PySide6.QtWidgets import QApplication

    from kiosk.app import KioskApp
    from kiosk.flow import Screen

    qt_app = QApplication.instance() or QApplication([sys.argv[0]])
    kiosk = KioskApp(_config(context), demo=True, data_dir=context.work_dir / "kiosk")
    try:
        kiosk.show(fullscreen=False)
        qt_app.processEvents()
        if kiosk.controller.state.screen is not Screen.WELCOME:
            raise AssertionError(f"first screen is {kiosk.controller.state.screen.name}")
        picture = kiosk.window.grab().toImage()
        if picture.isNull() or _colours(picture) < 2:
            raise AssertionError("the welcome screen rendered blank")
    finally:
        kiosk.close()
    platform = QApplication.platformName()
    return f"welcome screen {picture.width()}x{picture.height()} rendered ({platform})"


def _colours(picture: QImage) -> int:
    """Distinct colours on a coarse grid: a blank (unpainted) window has one."""
    return len(
        {
            picture.pixel(x, y)
            for y in range(0, picture.height(), 16)
            for x in range(0, picture.width(), 16)
        }
    )


CHECKS: tuple[tuple[str, Check], ...] = (
    ("config", check_config),
    ("ticket", check_ticket),
    ("hospital", check_hospital),
    ("qr", check_qr),
    ("chip", check_chip),
    ("welcome", check_welcome),
)
