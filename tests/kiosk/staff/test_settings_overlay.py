"""Staff settings are saved in the kiosk's data folder, layered over its config file.

On an installed kiosk the config file is root's in /etc and the unit's ProtectSystem=strict
makes it read-only: the staff settings file in the data folder is the only place a save can go.
The sandboxed round trip under the unit's own settings is in tests/packaging/test_unit.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.app.doctor import _config as doctor_config
from kiosk.config import ConfigError, load_config
from kiosk.staff.overlay import OVERLAY_NAME, OverlayError
from kiosk.staff.settings import SettingsFile, layered_config, staff_layers

BASE = """\
# The hospital's file: root's, never rewritten by the kiosk
[kiosk]
id = "KIOSK-01"
idle_seconds = 60.0
data_dir = "{data}"

[hospital]
url = "http://10.0.0.5:8765"
token = "s3cret-token"

[printer]
kind = "network"
host = "10.0.0.9"
"""


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "etc" / "kiosk.toml"
    path.parent.mkdir()
    path.write_text(BASE.format(data=tmp_path / "state"), encoding="utf-8")
    return path


def overlay_of(base: Path) -> Path:
    return base.parent.parent / "state" / OVERLAY_NAME


def test_a_save_goes_to_the_data_folder_and_is_read_back(base: Path) -> None:
    before = base.read_bytes()
    saved = SettingsFile(base).save(
        {"kiosk.idle_seconds": 90.0, "kiosk.language": "en", "kiosk.departments": ("K01", "K05")}
    )
    assert base.read_bytes() == before  # the config file is left as its owner wrote it
    overlay = overlay_of(base)
    assert overlay.parent.stat().st_mode & 0o777 == 0o700
    assert saved["kiosk.idle_seconds"] == 90.0 and saved["kiosk.departments"] == ("K01", "K05")
    # A new process (the kiosk's next start) reads the file with the staff settings over it.
    config = layered_config(base)
    assert (config.kiosk.idle_seconds, config.kiosk.language) == (90.0, "en")
    assert config.kiosk.departments == ("K01", "K05")
    assert config.printer.host == "10.0.0.9" and config.hospital.token == "s3cret-token"
    assert load_config(overlay).kiosk.idle_seconds == 90.0  # the overlay is a config itself
    assert "s3cret" not in overlay.read_text(encoding="utf-8")  # only what staff changed
    layers = staff_layers(base)
    assert layers.sources["kiosk.idle_seconds"] == overlay
    assert layers.sources["kiosk.id"] == base and "kiosk.fullscreen" not in layers.sources


def test_going_back_to_the_files_value_leaves_the_overlay(base: Path) -> None:
    settings = SettingsFile(base)
    settings.save({"kiosk.idle_seconds": 90.0, "kiosk.language": "en"})
    settings.save({"kiosk.idle_seconds": 60.0})  # the config file's own value
    assert staff_layers(base).overlay_values == {"kiosk.language": "en"}
    # The file's owner changes it later: the file's value shows, not a stale copy.
    base.write_text(
        base.read_text(encoding="utf-8").replace("idle_seconds = 60.0", "idle_seconds = 30.0")
    )
    assert layered_config(base).kiosk.idle_seconds == 30.0


def test_a_value_refused_with_the_file_writes_nothing(base: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        SettingsFile(base).save({"printer.kind": "serial"})  # needs printer.device
    assert raised.value.key == "printer.device"
    assert "staff settings" in raised.value.problem
    assert not overlay_of(base).exists()


@pytest.mark.parametrize(
    ("text", "key", "line", "words"),
    [
        ("[kiosk]\nlanguage = 'en'\nidle_seconds = nan\n", "kiosk.idle_seconds", 3, "finite"),
        ("# staff\n[hospital]\ntoken = 'x'\n", "hospital.token", 3, "not a staff setting"),
        ("[kiosk]\ndata_dir = '/tmp'\n", "kiosk.data_dir", 2, "not a staff setting"),
        ("[kiosk]\nidle_seconds = \n", "", 2, "not valid TOML"),
    ],
)
def test_a_broken_overlay_is_named_with_its_file_and_line(
    base: Path, capsys: pytest.CaptureFixture[str], text: str, key: str, line: int, words: str
) -> None:
    overlay = overlay_of(base)
    overlay.parent.mkdir()
    overlay.write_text(text, encoding="utf-8")
    with pytest.raises(OverlayError) as raised:
        layered_config(base)
    assert (raised.value.file, raised.value.key, raised.value.line) == (overlay, key, line)
    assert words in raised.value.problem
    assert main(["config", "check", str(base)]) == 1
    assert f"{overlay}:{line}: " in capsys.readouterr().err
    # The kiosk itself refuses to start on it (exit 2: restarting would not help).
    assert main(["--config", str(base)]) == 2
    assert f"config error: {overlay}:{line}: " in capsys.readouterr().err


def test_config_check_shows_the_effective_config_and_each_values_file(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    SettingsFile(base).save({"kiosk.idle_seconds": 120.0})
    assert main(["config", "check", str(base)]) == 0
    out = capsys.readouterr().out
    overlay = overlay_of(base)
    assert f"kiosk.idle_seconds = 120.0  ({overlay})" in out
    assert f'printer.host = "10.0.0.9"  ({base})' in out
    assert f"hospital.token = (set)  ({base})" in out and "s3cret" not in out
    assert "kiosk.fullscreen" not in out  # a default: no file sets it


def test_the_doctor_names_the_staff_settings(base: Path) -> None:
    config, line = doctor_config(base)
    assert config.kiosk.idle_seconds == 60.0 and "no staff settings" in line
    SettingsFile(base).save({"kiosk.idle_seconds": 30.0, "camera.source": "none"})
    config, line = doctor_config(base)
    assert config.kiosk.idle_seconds == 30.0
    staff = "camera.source, kiosk.idle_seconds"
    assert line == f"{base}, staff settings from {overlay_of(base)}: {staff}"


def test_an_unreadable_overlay_is_an_error_not_a_silent_default(base: Path) -> None:
    overlay = overlay_of(base)
    overlay.mkdir(parents=True)  # a folder where the file should be: reading it fails
    with pytest.raises(OverlayError) as raised:
        layered_config(base)
    assert raised.value.file == overlay and "cannot read" in raised.value.problem
