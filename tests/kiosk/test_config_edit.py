"""`[admin]` in the config, `kiosk admin set-pin FILE`, and the atomic one-key edit under it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.app import cli
from kiosk.config import EXAMPLE, AdminSection, ConfigError, load_config
from kiosk.config_edit import set_key, toml_string, update_config_file
from kiosk.staff.pin import hash_pin, verify_pin

FAST_N = 2**10


def test_the_defaults_have_no_pin_and_a_three_second_hold() -> None:
    section = AdminSection()
    assert (section.pin_hash, section.hold_seconds, section.idle_seconds) == ("", 3.0, 120.0)
    assert "pin_hash" not in repr(section)  # a secret's hash is not printed either


def test_the_example_config_has_the_admin_table(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    assert load_config(path).admin == AdminSection()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[admin]\npin_hash = "123456"\n', "admin.pin_hash"),
        ("[admin]\npin_hash = 5\n", "admin.pin_hash"),
        ("[admin]\nhold_seconds = 0\n", "admin.hold_seconds"),
        ("[admin]\nidle_seconds = -1\n", "admin.idle_seconds"),
        ("[admin]\npin = 1\n", "admin.pin"),
    ],
)
def test_bad_admin_values_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert raised.value.key == key


def test_set_key_replaces_adds_or_appends_keeping_comments() -> None:
    text = '# my kiosk\n[kiosk]\nid = "K-7"  # front door\n\n[admin]\nhold_seconds = 2.0\n'
    added = set_key(text, "admin", "pin_hash", '"x"')
    assert added.splitlines()[:6] == [
        "# my kiosk", "[kiosk]", 'id = "K-7"  # front door', "", "[admin]", 'pin_hash = "x"'
    ]  # fmt: skip
    assert set_key(added, "admin", "pin_hash", '"y"').count("pin_hash") == 1
    assert 'pin_hash = "y"' in set_key(added, "admin", "pin_hash", '"y"')
    appended = set_key('[kiosk]\nid = "A"', "admin", "pin_hash", '"z"')
    assert appended == '[kiosk]\nid = "A"\n\n[admin]\npin_hash = "z"\n'
    # A same-named key in another table is left alone.
    other = set_key("[kiosk]\npin_hash = 1\n[admin]\n", "admin", "pin_hash", '"q"')
    assert other.startswith('[kiosk]\npin_hash = 1\n[admin]\npin_hash = "q"')


def test_a_replaced_value_keeps_its_comment_even_with_a_hash_in_the_string() -> None:
    text = '[kiosk]\nname = "Sảnh #2"   # where it stands\nid = "K"\n'
    edited = set_key(text, "kiosk", "name", toml_string("Sảnh #3"))
    assert edited == '[kiosk]\nname = "Sảnh #3"   # where it stands\nid = "K"\n'
    assert set_key('[kiosk]\nid = "K"\n', "kiosk", "id", '"J"') == '[kiosk]\nid = "J"\n'


def test_an_array_over_several_lines_is_replaced_whole() -> None:
    text = '[kiosk]\ndepartments = [  # shown\n  "K01",\n  "K02",  # eyes\n]  # end\nid = "K"\n'
    edited = set_key(text, "kiosk", "departments", '["K05"]')
    assert edited == '[kiosk]\ndepartments = ["K05"]  # end\nid = "K"\n'
    assert tomllib.loads(edited)["kiosk"] == {"departments": ["K05"], "id": "K"}


@given(
    value=st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    comment=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
)
def test_any_string_value_round_trips_and_the_comment_stays(value: str, comment: str) -> None:
    text = f'[kiosk]\nname = "old"  #{comment}\n[admin]\nname = 1\n'
    edited = set_key(text, "kiosk", "name", toml_string(value))
    assert tomllib.loads(edited) == {"kiosk": {"name": value}, "admin": {"name": 1}}
    assert f"  #{comment}\n" in edited


def test_several_keys_are_written_in_one_atomic_write(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('# mine\n[kiosk]\nid = "A"\n', encoding="utf-8")
    changes = {("kiosk", "id"): '"B"', ("kiosk", "name"): toml_string("Sảnh A"),
               ("offline", "enabled"): "false"}  # fmt: skip
    config = update_config_file(path, changes)
    assert (config.kiosk.id, config.kiosk.name, config.offline.enabled) == ("B", "Sảnh A", False)
    assert path.read_text(encoding="utf-8").startswith("# mine\n")
    # One bad value among good ones: nothing at all is written.
    with pytest.raises(ConfigError) as raised:
        update_config_file(path, {("kiosk", "id"): '"C"', ("hospital", "url"): '"ftp://x"'})
    assert raised.value.key == "hospital.url"
    assert load_config(path).kiosk.id == "B"


def test_an_edit_that_would_break_the_config_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[admin]\nhold_seconds = 2.0\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        update_config_file(path, {("admin", "pin_hash"): toml_string("not a hash")})
    assert path.read_text(encoding="utf-8") == "[admin]\nhold_seconds = 2.0\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kiosk.toml"]  # no temp file left


def test_update_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    path.chmod(0o640)
    stored = hash_pin("204060", n=FAST_N)
    config = update_config_file(path, {("admin", "pin_hash"): toml_string(stored)})
    assert config.admin.pin_hash == stored
    assert path.stat().st_mode & 0o777 == 0o640
    assert "# Check-in kiosk configuration" in path.read_text(encoding="utf-8")


def _answers(monkeypatch: pytest.MonkeyPatch, *typed: str) -> list[str]:
    prompts: list[str] = []
    queue = list(typed)

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return queue.pop(0)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    return prompts


def test_set_pin_asks_twice_and_stores_only_the_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    prompts = _answers(monkeypatch, "860204", "860204")
    assert cli.main(["admin", "set-pin", str(path)]) == 0
    assert len(prompts) == 2
    text = path.read_text(encoding="utf-8")
    assert "860204" not in text
    config = load_config(path)
    assert verify_pin("860204", config.admin.pin_hash)
    assert text.count("pin_hash =") == 1
    captured = capsys.readouterr()
    assert "860204" not in captured.out + captured.err


@pytest.mark.parametrize(("first", "second"), [("860204", "860205"), ("1234", "1234")])
def test_set_pin_changes_nothing_on_a_mismatch_or_a_short_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str, second: str
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    _answers(monkeypatch, first, second)
    assert cli.main(["admin", "set-pin", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == EXAMPLE


def test_set_pin_needs_an_existing_file(tmp_path: Path) -> None:
    assert cli.main(["admin", "set-pin", str(tmp_path / "missing.toml")]) == 1
    assert cli.main(["admin", "set-pin"]) == 2
