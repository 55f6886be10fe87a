"""`kiosk --self-test`: the whole product exercised once, offscreen, without any real device.

Meant for the frozen bundle: every check goes through the libraries a build could leave out
(fonts, python-escpos capability data, Qt plugins, translations, the SQLite demo hospital,
HTTP, cryptography, QR decoding), so a missing piece shows up here and not at a patient.
Composition root like kiosk/app/controller.py: it knows every layer. One line per check with
its time; exit status 0 only when every check passed.
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
    from PySide6.QtCore import QCoreApplication
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


# Each check imports what it exercises inside itself, whatever the cost: a library the build
# left out then fails that check (its ImportError is reported by _timed), not the whole run.


def check_config(context: _Context) -> str:
    config = context.config = load_config(context.config_path)
    source = context.config_path or "defaults"
    return f"{source}: kiosk {config.kiosk.id}, paper {config.ticket.paper_width_mm} mm"


def check_ticket(context: _Context) -> str:
    from drivers.printer.escpos_decode import decode_raster
    from drivers.printer.escpos_output import ticket_job
    from drivers.printer.render import render_ticket
    from kiosk.app.ticket_paper import paper_ticket, sample_ticket

    config = _config(context)
    ticket = sample_ticket(
        hospital_name=config.hospital.name, footer=config.ticket.footer, issued_at=datetime.now()
    )
    document = paper_ticket(ticket)
    profile, paper_mm = config.printer.profile, config.ticket.paper_width_mm
    image = render_ticket(document, profile=profile, paper_width_mm=paper_mm)
    job = ticket_job(document, profile=profile, paper_width_mm=paper_mm)
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
    from drivers.camera.decoder import FrameDecoder
    from drivers.camera.simulated import HEIGHT, WIDTH, frame_with_code

    frame = frame_with_code(QR_TEXT)  # a camera frame (H×W memoryview) with the code in the middle
    found = [code.text for code in FrameDecoder().decode(frame)]
    if found != [QR_TEXT]:
        raise AssertionError(f"expected the generated code back, decoded {len(found)} codes")
    return f"{WIDTH}x{HEIGHT} camera frame, QR decoded back (zxing-cpp)"


def check_chip(context: _Context) -> str:
    from drivers.card.active_auth import ActiveAuthStatus
    from drivers.card.cccd_reader import CardKeys, CccdReader, ClonedChipError
    from drivers.card.holder import CardHolder, PartialDate, Sex
    from drivers.card.passive_auth import PassiveAuthStatus
    from drivers.card.virtual_cccd import VirtualCccdIssuer
    from drivers.card.virtual_chip import ChipBehaviour, EndOfFile
    from kiosk.app.chip_adapter import identity_from_chip

    # A synthetic holder: the demo's kind of person, nobody real. The issuer is the demo's:
    # its cards carry an active authentication key, as real CCCDs do.
    citizen_id, birth, issued = "001090012345", date(1990, 5, 17), date(2021, 3, 1)
    holder = CardHolder(
        citizen_id=citizen_id,
        full_name="Nguyễn Văn An",
        birth=PartialDate.from_date(birth),
        sex=Sex.MALE,
        residence="12 Phố Huế, Hai Bà Trưng, Hà Nội",
    )
    issuer = VirtualCccdIssuer()
    reader = CccdReader(issuer.csca_store)
    keys = CardKeys(citizen_id, birth=birth, issue_date=issued)
    chip = issuer.chip(holder, issued=issued, expires=date(2030, 5, 17))
    result = reader.read(chip, keys)
    if result.verification.status is not PassiveAuthStatus.VERIFIED:
        raise AssertionError(f"passive authentication: {result.verification.status.value}")
    if result.active_auth is not ActiveAuthStatus.PASSED:
        raise AssertionError(f"active authentication: {result.active_auth.value}")
    identity = identity_from_chip(result)  # what the kiosk's flow gets
    if identity.citizen_id != citizen_id or not identity.chip_verified:
        raise AssertionError("the chip's identity does not match the card written")
    clone = issuer.chip(holder, issued=issued, expires=date(2030, 5, 17), cloned=True)
    try:
        reader.read(clone, keys)
    except ClonedChipError:
        pass
    else:
        raise AssertionError("a cloned chip passed active authentication")
    # A Căn cước (2024) whose DG13 layout is unknown, on a chip answering 6282 at the end of
    # a file: opened by PACE with the ID alone, the holder from DG1.
    behaviour = ChipBehaviour(EndOfFile.WARNING_6282)
    new_card = issuer.chip(
        holder, issued=issued, expires=None, can_cuoc_2024=True, behaviour=behaviour
    )
    new_read = CccdReader(issuer.csca_store).read(new_card, CardKeys(citizen_id))
    if not new_read.verification.verified or identity_from_chip(new_read).name_source is None:
        raise AssertionError("a Căn cước (2024) chip was not read with the ID alone from DG1")
    return (
        f"virtual CCCD read, {result.apdu_count} APDUs, passive and active authentication "
        "verified; a cloned chip refused; a Căn cước (2024) read with the ID alone"
    )


def check_camera(context: _Context) -> str:
    """QtMultimedia and its FFmpeg backend load (what the real camera needs), and a camera's
    video frame goes the real camera's way: luma plane -> H×W frame -> zxing-cpp."""
    from PySide6.QtGui import QImage
    from PySide6.QtMultimedia import QMediaFormat, QVideoFrame

    from drivers.camera.decoder import FrameDecoder
    from drivers.camera.simulated import HEIGHT, WIDTH, frame_with_code
    from ui.camera_view import video_frame_to_gray

    _qt_app()
    # Only a loaded backend plugin (FFmpeg: plugins/multimedia and the libav* libraries)
    # lists formats; without one QtMultimedia imports but finds no camera, ever.
    formats = QMediaFormat().supportedFileFormats(QMediaFormat.ConversionMode.Decode)
    if not formats:
        raise AssertionError("QtMultimedia has no media backend (plugins/multimedia missing)")
    gray = frame_with_code(QR_TEXT)
    image = QImage(gray, WIDTH, HEIGHT, WIDTH, QImage.Format.Format_Grayscale8)
    frame = QVideoFrame(image.convertToFormat(QImage.Format.Format_RGBX8888))
    luma = video_frame_to_gray(frame)
    if luma is None:
        raise AssertionError("the video frame gave no image")
    found = [code.text for code in FrameDecoder().decode(luma)]
    if found != [QR_TEXT]:
        raise AssertionError(f"expected the code back from a video frame, got {len(found)}")
    return f"QtMultimedia loaded, {len(formats)} media formats; video frame -> QR decoded back"


def check_welcome(context: _Context) -> str:
    from PySide6.QtWidgets import QApplication

    from kiosk.app.controller import KioskApp
    from kiosk.core.flow import Screen

    qt_app = _qt_app()
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


def _qt_app() -> QCoreApplication:
    """The process's one Qt application (the checks that need Qt share it)."""
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([sys.argv[0]])


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
    ("camera", check_camera),
    ("welcome", check_welcome),
)
