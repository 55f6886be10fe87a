"""Float keys: TOML's nan and inf are floats, but no duration, limit or rate can be one.

`patient_cache_hours = inf` once passed `kiosk config check` and then crashed the kiosk at every
start; `idle_seconds = nan` left a screen that never timed out.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.config import Config, ConfigError, load_config

FLOAT_KEYS = [
    (section.name, key.name)
    for section in fields(Config)
    for key in fields(section.default_factory())  # type: ignore[misc]
    if isinstance(key.default, float)
]
NOT_FINITE = ["nan", "inf", "+inf", "-inf", "-nan"]


def test_every_float_key_is_listed() -> None:
    # The parametrisation below is derived from the schema: a new float key is covered by itself.
    assert len(FLOAT_KEYS) >= 15
    assert ("offline", "patient_cache_hours") in FLOAT_KEYS
    assert ("kiosk", "idle_seconds") in FLOAT_KEYS
    assert ("printer", "min_bytes_per_second") in FLOAT_KEYS  # 0 allowed, nan is not


def file_setting(tmp_path: Path, section: str, key: str, value: str) -> tuple[Path, int]:
    """A config with other keys around the one under test; returns the file and its line."""
    text = f"# a kiosk\n\n[metrics]\nport = 9464\n\n[{section}]\n# the value under test\n"
    line = text.count("\n") + 1
    text += f"{key} = {value}   # set by hand\n"
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path, line


@pytest.mark.parametrize("value", NOT_FINITE)
@pytest.mark.parametrize(("section", "key"), FLOAT_KEYS, ids=[".".join(k) for k in FLOAT_KEYS])
def test_loading_refuses_nan_and_inf(tmp_path: Path, section: str, key: str, value: str) -> None:
    path, line = file_setting(tmp_path, section, key, value)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert raised.value.key == f"{section}.{key}"
    assert raised.value.line == line
    assert "finite number" in raised.value.problem


@pytest.mark.parametrize(("section", "key"), FLOAT_KEYS, ids=[".".join(k) for k in FLOAT_KEYS])
def test_config_check_names_key_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], section: str, key: str
) -> None:
    path, line = file_setting(tmp_path, section, key, "inf")
    assert main(["config", "check", str(path)]) == 1
    assert f"{path}:{line}: {section}.{key}: must be a finite number, not inf" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(("section", "key"), FLOAT_KEYS, ids=[".".join(k) for k in FLOAT_KEYS])
def test_finite_values_still_load(tmp_path: Path, section: str, key: str) -> None:
    default = getattr(getattr(Config(), section), key)
    path, _ = file_setting(tmp_path, section, key, repr(default * 2 or 1.5))
    assert getattr(getattr(load_config(path), section), key) == (default * 2 or 1.5)
