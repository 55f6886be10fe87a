"""The TOML config: defaults, and errors that name the key and say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.config import Config, ConfigError, load_config
from kiosk.core.flow import Language


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_the_defaults() -> None:
    assert load_config(None) == Config()


def test_a_full_file_is_read(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            """
[kiosk]
id = "SANH-A-02"
language = "en"
idle_seconds = 45

[hospital]
name = "Bệnh viện Chợ Rẫy"
url = "https://his.example.vn/kiosk"
token = "s3cret"
deadline = 6

[ticket]
paper_width_mm = 58
""",
        )
    )
    assert config.kiosk.id == "SANH-A-02" and config.language is Language.EN
    assert config.kiosk.idle_seconds == 45.0 and config.hospital.deadline == 6.0
    assert config.hospital.name == "Bệnh viện Chợ Rẫy"
    assert "s3cret" not in repr(config)  # the token never shows up in logs or reprs


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("[kiosk]\nlanguage = 'fr'", "kiosk.language", "one of vi, en"),
        ("[kiosk]\nidle_seconds = 'soon'", "kiosk.idle_seconds", "must be a float"),
        ("[kiosk]\nidle_seconds = 0", "kiosk.idle_seconds", "greater than 0"),
        ("[kiosk]\nfullscreen = 1", "kiosk.fullscreen", "must be a bool"),
        ("[kiosk]\nidel_seconds = 5", "kiosk.idel_seconds", "unknown key"),
        ("[hospitl]\nurl = 'x'", "hospitl", "unknown section"),
        ("kiosk = 3", "kiosk", "must be a table"),
        ("[hospital]\nurl = 'his.local'", "hospital.url", "http:// or https://"),
        ("[hospital]\nurl = 'https:///kiosk'", "hospital.url", "names no host"),
        ("[kiosk]\nid = ''", "kiosk.id", "letters, digits"),
        ("[kiosk]\nname = '" + "x" * 33 + "'", "kiosk.name", "at most 32"),
        ("[kiosk]\nid = 'Sảnh A'", "kiosk.id", "letters, digits"),
        ("[kiosk]\ndepartments = 'K01'", "kiosk.departments", "array of strings"),
        ("[ticket]\npaper_width_mm = 72", "ticket.paper_width_mm", "one of 58, 80"),
        ("[ticket]\nhidden_fields = 'wait'", "ticket.hidden_fields", "array of strings"),
        ("[ticket]\nhidden_fields = ['wait', 'age']", "ticket.hidden_fields[1]", "one of"),
        ("[ticket]\nfooter = ['ok', 3]", "ticket.footer[1]", "must be a str"),
        ("[printer]\nkind = 'bluetooth'", "printer.kind", "one of simulated, network, usb"),
        ("[printer]\nkind = 'network'", "printer.host", 'required when printer.kind is "network"'),
        ("[printer]\nkind = 'usb'\nvendor_id = '04b8'", "printer.product_id", "required"),
        ("[printer]\nkind = 'usb'\nvendor_id = 'epson'", "printer.vendor_id", "hexadecimal"),
        ("[printer]\nvendor_id = '1ffff'", "printer.vendor_id", "from 0 to FFFF"),
        ("[printer]\nvendor_id = 0x04b8", "printer.vendor_id", "must be a str"),
        (
            "[printer]\nkind = 'usb'\nvendor_id = '1'\nproduct_id = '2'\nin_endpoint = ''",
            "printer.in_endpoint",
            "required",
        ),
        ("[printer]\nkind = 'serial'", "printer.device", "required"),
        ("[printer]\nkind = 'cups'", "printer.cups_printer", "required"),
        ("[printer]\nkind = 'file'", "printer.path", "required"),
        ("[printer]\nport = 70000", "printer.port", "between 1 and 65535"),
        ("[printer]\nread_timeout = 0", "printer.read_timeout", "greater than 0"),
        ("[printer]\npoll_seconds = -1", "printer.poll_seconds", "must not be negative"),
        ("[printer]\nbaudrate = 0", "printer.baudrate", "greater than 0"),
        ("[scanner]\nkind = 'camera'", "scanner.kind", "one of simulated, serial, wedge, none"),
        ("[scanner]\nkind = 'serial'", "scanner.device", 'required when scanner.kind is "serial"'),
        ("[scanner]\nwedge_max_gap = 0", "scanner.wedge_max_gap", "greater than 0"),
        ("[scanner]\nwedge_min_length = 0", "scanner.wedge_min_length", "at least 1"),
        ("[scanner]\nbaud = 9600", "scanner.baud", "unknown key"),
        ("[card]\nreader = 'nfc'", "card.reader", "one of pcsc, simulated, none"),
        ("[card]\ncsca_dir = '/nonexistent/csca'", "card.csca_dir", "no such folder"),
        ("[card]\nreader_name = 'ACS('", "card.reader_name", "regular expression"),
        ("[card]\nextended_length = 'yes'", "card.extended_length", "one of auto, on, off"),
        ("[camera]\nsource = 'usb'", "camera.source", "one of qt, simulated, none"),
        ("[camera]\nmax_side = 32", "camera.max_side", "at least 64"),
        ("[offline]\nlease_block = 99", "offline.lease_block", "between 0 and 50"),
        ("[offline]\nkiosk_prefix = 'K-1'", "offline.kiosk_prefix", "letters and digits"),
        ("[offline]\nkeep_days = 0", "offline.keep_days", "greater than 0"),
        ("[codes]\nhospital_patterns = ['^V', '(']", "codes.hospital_patterns[1]", "regular"),
        ("[kiosk]\ndepartments = 'NOI'", "kiosk.departments", "array of strings"),
        ("[kiosk]\ndepartments = ['NOI', 7]", "kiosk.departments[1]", "must be a str"),
        ("[kiosk]\ndepartments = ['NOI', ' ']", "kiosk.departments[1]", "empty or repeated"),
        ("[kiosk]\ndepartments = ['NOI', 'NOI']", "kiosk.departments[1]", "empty or repeated"),
        ("[kiosk]\nname = 3", "kiosk.name", "must be a str"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.key == key and words in str(caught.value)


def test_a_hospitals_network_printer_and_serial_scanner(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            """
[ticket]
paper_width_mm = 80
footer = ["Xin cảm ơn quý khách.", "Tổng đài CSKH: 1900 1234"]
hidden_fields = ["birth_year"]
logo = "/etc/kiosk/logo.png"

[printer]
kind = "network"
host = "10.20.1.41"
profile = "TM-T88V"
poll_seconds = 10

[scanner]
kind = "serial"
device = "/dev/serial/by-id/usb-Honeywell_Scanner-if00"
baudrate = 115200
""",
        )
    )
    assert config.printer.kind == "network" and config.printer.port == 9100
    assert config.printer.host == "10.20.1.41" and config.printer.poll_seconds == 10.0
    assert config.ticket.footer == "Xin cảm ơn quý khách.\nTổng đài CSKH: 1900 1234"
    assert config.ticket.hidden_fields == ("birth_year",)
    assert config.scanner.kind == "serial" and config.scanner.baudrate == 115200
    assert config.scanner.frame_suffix == ""  # CR, LF or CRLF


def test_broken_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[kiosk\n"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml")


def test_config_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "[kiosk]\nid = 'K1'\n")
    assert main(["config", "check", str(good)]) == 0
    placed = write(tmp_path, "[kiosk]\nname = 'Sảnh A, tầng 1'\ndepartments = ['NOI', 'NHI']\n")
    assert main(["config", "check", str(placed)]) == 0
    assert load_config(placed).kiosk.departments == ("NOI", "NHI")
    assert load_config(placed).kiosk.name == "Sảnh A, tầng 1"
    bad = write(tmp_path, "[kiosk]\nlanguage = 'fr'\n")
    assert main(["config", "check", str(bad)]) == 1
    assert "kiosk.language" in capsys.readouterr().err


def test_kiosk_without_a_display_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--demo"]) == 2
    assert "--walkthrough" in capsys.readouterr().err


def test_config_init_writes_an_example_that_means_the_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kiosk.toml"
    assert main(["config", "init", str(path)]) == 0
    assert load_config(path) == Config()
    assert main(["config", "init", str(path)]) == 1  # never overwrites
    assert "not overwriting" in capsys.readouterr().err
