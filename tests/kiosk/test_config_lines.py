"""`kiosk config check` names the line as well as the key, and never prints a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.config import ConfigError, load_config
from kiosk.config_lines import key_line

SAMPLE = """\
# a kiosk
[kiosk]
id = "K1"   # = not a key
footer_note = '''
url = "inside a multi-line string"
'''

[hospital]
name = "BV"
"url" = "http://his"
hospital.token = "x"

[ticket]
hidden_fields = [
  "wait",
]
printer.kind = "usb"
"""


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("kiosk.id", 3),
        ("kiosk", 2),
        ("hospital.url", 10),  # quoted key; the one in the string above does not count
        ("hospital.hospital.token", 11),  # a dotted key inside a table
        ("ticket.hidden_fields[1]", 14),
        ("ticket.printer.kind", 17),
        ("hospital.deadline", 8),  # not in the file: its table's header
        ("camera.source", None),
    ],
)
def test_key_line(key: str, line: int | None) -> None:
    assert key_line(SAMPLE, key) == line


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ("[kiosk]\nid = 'K'\nlanguage = 'fr'\n", "kiosk.language", 3),
        ("[kiosk]\nid = 'K'\n\n[hospitl]\nurl = 'x'\n", "hospitl", 4),
        ("[printer]\nkind = 'network'\nport = 9100\n", "printer.host", 1),  # missing: header
        ("[ticket]\nhidden_fields = ['wait',\n  'age']\n", "ticket.hidden_fields[1]", 2),
        ("hospital.url = 'his.local'\n", "hospital.url", 1),
        ("[kiosk]\nid = 'K'\n[hospital]\ntoken = 42\n", "hospital.token", 4),
    ],
)
def test_errors_carry_their_line(tmp_path: Path, text: str, key: str, line: int) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert (caught.value.key, caught.value.line) == (key, line)


def test_a_toml_syntax_error_has_its_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "[kiosk]\nid = 'K'\nlanguage = \n"))
    assert caught.value.line == 3 and "not valid TOML" in str(caught.value)


def test_config_check_prints_file_line_key_and_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "[kiosk]\nid = 'K'\n\n[printer]\nkind = 'usb'\nvendor_id = 'epson'\n")
    assert main(["config", "check", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{path}:6: printer.vendor_id: must be hexadecimal")
    # Found only after loading (the device libraries): the line is looked up all the same.
    path = write(tmp_path, "[printer]\n\nprofile = 'TM-NOPE'\n")
    assert main(["config", "check", str(path)]) == 1
    assert capsys.readouterr().err.startswith(f"{path}:3: printer.profile: unknown printer")


@pytest.mark.parametrize(
    "text",
    [
        "[hospital]\ntoken = 123456789\n",
        "[hospital]\ntoken = ['s3cret-value']\n",
        "[hospital]\nurl = 'http://his'\ntoken = 's3cret-value'\nclient_key = 's3cret-value'\n",
        "[hospital]\ntoken = 's3cret-value\n",  # broken TOML around the secret
    ],
)
def test_secrets_are_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    assert main(["config", "check", str(write(tmp_path, text))]) == 1
    captured = capsys.readouterr()
    assert "s3cret" not in captured.err + captured.out
    assert "123456789" not in captured.err + captured.out
