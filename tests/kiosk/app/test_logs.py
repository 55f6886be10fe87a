"""Every log line the kiosk writes during UI check-ins is free of personal data.

A demo kiosk (real UI, demo hospital over HTTP, simulated devices) runs the walkthrough's
check-ins with the file log on at DEBUG; then every line of every log file is scanned for the
demo personas' ID numbers, insurance numbers, names and addresses.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.app.controller import KioskApp
from kiosk.app.logs import LOG_FILE, mask_digits, setup_logging
from kiosk.app.walkthrough import SCENARIOS, Driver
from kiosk.config import Config
from kiosk.core.flow import Screen
from kiosk.demo_hospital.personas import demo_personas

pytestmark = [pytest.mark.ui, pytest.mark.timeout(240)]


def personal_strings(today: date) -> set[str]:
    """What must never reach a log: numbers (and the parts that open a chip), names, addresses."""
    found: set[str] = set()
    for persona in demo_personas(today):
        identity = persona.identity
        if identity.citizen_id:
            found |= {identity.citizen_id, identity.citizen_id[-9:]}  # BAC's document number
        for number in (identity.insurance_number, persona.insurance_number):
            if number:
                found |= {number, number[-10:]}  # the social insurance number inside it
        for text in (identity.full_name, identity.address):
            if text:
                found.add(text)
                found |= {word for word in text.split() if len(word) >= 6}
    return found


@pytest.fixture
def log_folder(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    folder = tmp_path / "logs"
    setup_logging(folder, level=logging.DEBUG)
    yield folder
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def test_ui_checkins_log_no_personal_data(
    qapp: QApplication, tmp_path: Path, log_folder: Path
) -> None:
    kiosk = KioskApp(Config(), demo=True, data_dir=tmp_path / "kiosk")
    try:
        kiosk.wait_until_ready()
        kiosk.window.resize(1080, 1920)
        kiosk.window.show()
        driver = Driver(kiosk)
        for scenario in SCENARIOS:
            driver.begin(scenario.name)
            driver.wait_for(Screen.WELCOME)
            scenario.run(driver)
            kiosk.printer.set_problem(None)
            kiosk.demo_devices.hospital_offline(False)
        today = kiosk.demo_hospital.today
    finally:
        kiosk.close()
    for handler in logging.getLogger().handlers:
        handler.flush()

    lines = [
        line
        for path in sorted(log_folder.glob(f"{LOG_FILE}*"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert len(lines) > 50, "the check-ins should have logged something"
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {"ts", "level", "logger", "msg"} <= set(entries[0])
    secrets = personal_strings(today)
    leaks = [(secret, line) for line in lines for secret in secrets if secret in line]
    assert not leaks, f"personal data in the log: {leaks[:3]}"
    # The masking filter is a second line of defence: nothing should have needed it.
    masked = [line for line in lines if re.search(r"#{9,}", line)]
    assert not masked, f"a module logged a long number (masked): {masked[:3]}"


def test_long_numbers_are_masked_even_if_a_module_logs_one(log_folder: Path) -> None:
    logging.getLogger("kiosk.test").warning("looked up %s", "001078012345")
    try:
        raise ValueError("bad card DN4010123456789")
    except ValueError:
        logging.getLogger("kiosk.test").exception("failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (log_folder / LOG_FILE).read_text(encoding="utf-8")
    assert "001078012345" not in text and "4010123456789" not in text
    assert mask_digits("ID 001078012345, 12 ms") == "ID ############, 12 ms"
    [first, second] = [json.loads(line) for line in text.splitlines()]
    assert first["level"] == "warning" and first["logger"] == "kiosk.test"
    assert "exc" in second and "ValueError" in second["exc"]


def test_journald_gets_priority_prefixed_lines(
    tmp_path: Path, log_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under systemd, stderr is the journal's stream: JOURNAL_STREAM holds its device:inode."""
    path = tmp_path / "journal-stream"
    with path.open("w", encoding="utf-8") as stream:
        info = path.stat()
        monkeypatch.setenv("JOURNAL_STREAM", f"{info.st_dev}:{info.st_ino}")
        setup_logging(None, stream=stream)
        logging.getLogger("kiosk.printer").warning("printer: out_of_paper")
        logging.getLogger("kiosk.app.controller").info("backends ready")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "<4>kiosk.printer: printer: out_of_paper",
        "<6>kiosk.app.controller: backends ready",
    ]
    other = tmp_path / "terminal"
    with other.open("w", encoding="utf-8") as stream:  # not the journal: timestamped lines
        setup_logging(None, stream=stream)
        logging.getLogger("kiosk.app.controller").info("backends ready")
    assert re.match(
        r"\d{4}-\d\d-\d\d .* INFO kiosk.app.controller: backends ready$", other.read_text()
    )


def test_an_objects_address_is_not_taken_for_a_number() -> None:
    """A repr's hexadecimal address may hold ten decimal digits in a row: it is no ID."""
    assert mask_digits("<SyncStream object at 0x7f1234567890>") == (
        "<SyncStream object at 0x7f1234567890>"
    )
    assert mask_digits("id 001090012345 card DN4010123456789") == (
        "id ############ card DN#############"
    )
