"""The staff settings page through the real Qt UI of a demo kiosk started with a config file:
every staff setting is saved to the staff settings file in the kiosk's data folder (the config
file is left alone: on a kiosk it is root's and read-only), typed on the on-screen keyboard or
chosen from what the kiosk found, and a value the kiosk would refuse is marked, never written."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from kiosk.app.controller import KioskApp
from kiosk.app.walkthrough import Driver
from kiosk.config import AdminSection, Config, ConfigError
from kiosk.core.flow import Language
from kiosk.staff.overlay import OVERLAY_NAME
from kiosk.staff.settings import (
    CACHE_HOURS_CHOICES,
    EDITABLE,
    IDLE_CHOICES,
    SettingsFile,
    layered_config,
)
from tests.demo_kiosk import running_demo_kiosk
from tests.ui.admin.test_admin_mode import HOLD, click, open_admin, shot, shown, staff_driver, wait

CONFIG_TEXT = """\
# Front-door kiosk, ward B
[kiosk]
id = "KIOSK-01"
language = "vi"        # patients start in Vietnamese
idle_seconds = 60.0

# the hospital link
[hospital]
name = "Bệnh viện Đa khoa Demo"
"""


@pytest.fixture(autouse=True)
def staff_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The config has no data_dir: its staff settings go to $XDG_STATE_HOME, fresh per test."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "hospital-kiosk" / OVERLAY_NAME


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("config") / "kiosk.toml"


@pytest.fixture(scope="module")
def kiosk(
    qapp: QApplication, tmp_path_factory: pytest.TempPathFactory, config_file: Path
) -> Iterator[KioskApp]:
    config_file.write_text(CONFIG_TEXT, encoding="utf-8")
    config = Config(admin=AdminSection(hold_seconds=HOLD))
    with running_demo_kiosk(
        config, tmp_path_factory.mktemp("kiosk"), config_path=config_file
    ) as app:
        yield app


@pytest.fixture
def driver(kiosk: KioskApp, config_file: Path) -> Iterator[Driver]:
    config_file.write_text(CONFIG_TEXT, encoding="utf-8")
    kiosk.admin._quit = lambda code: None  # not the real event loop's exit
    yield from staff_driver(kiosk)


def open_settings(kiosk: KioskApp, driver: Driver) -> None:
    open_admin(kiosk, driver)
    click(kiosk, "btn_admin_settings")
    wait(lambda: not kiosk.admin.busy)
    QApplication.processEvents()  # widgets added to a shown layout show on the next pass
    assert kiosk.admin.panel.stack.currentWidget() is kiosk.admin.settings_page


def test_the_kiosk_knows_its_config_file(kiosk: KioskApp, config_file: Path) -> None:
    assert kiosk.config_path == config_file
    assert kiosk.admin.settings.path == config_file


def choose(kiosk: KioskApp, *names: str) -> None:
    for name in names:
        click(kiosk, name)


def type_on_screen(kiosk: KioskApp, field: str, text: str) -> None:
    """Tap the field, clear it with backspace and type `text` on the on-screen keyboard."""
    page = kiosk.admin.settings_page
    edit = page.findChild(QLineEdit, f"edit_{field}")
    assert edit is not None and edit.isVisibleTo(kiosk.window)
    QTest.mouseClick(edit, Qt.MouseButton.LeftButton)
    assert page.keyboard.isVisibleTo(kiosk.window)
    edit.end(False)
    for _ in range(len(edit.text())):
        click(kiosk, "key_backspace")
    names = {":": "colon", ".": "dot", "/": "slash", "-": "dash", "_": "underscore", " ": "space"}
    upper = False
    for char in text:
        if char.isalpha() and char.isupper() != upper:
            click(kiosk, "key_shift")
            upper = not upper
        click(kiosk, f"key_{names.get(char, char.lower())}")
    if upper:
        click(kiosk, "key_shift")
    assert edit.text() == text


def save(kiosk: KioskApp) -> None:
    click(kiosk, "btn_settings_save")
    wait(lambda: not kiosk.admin.busy)


def test_choices_are_saved_as_staff_settings_leaving_the_file_alone(
    kiosk: KioskApp, driver: Driver, config_file: Path, staff_settings: Path
) -> None:
    open_settings(kiosk, driver)
    page = kiosk.admin.settings_page
    assert page.chosen()["kiosk.idle_seconds"] == 60.0
    assert page.choices["kiosk.idle_seconds"].buttons[60.0].property("kind") == "primary"
    assert not page.save.isEnabled()  # nothing changed yet
    choose(kiosk, "btn_kiosk_idle_seconds_90", "btn_kiosk_language_en", "btn_offline_enabled_false")
    assert page.choices["kiosk.idle_seconds"].buttons[90.0].property("kind") == "primary"
    assert page.choices["kiosk.idle_seconds"].buttons[60.0].property("kind") == "secondary"
    # Without provisional tickets the offline look-back does not apply: it is not offered.
    assert not page.choices["offline.patient_cache_hours"].isVisibleTo(kiosk.window)
    assert not staff_settings.exists()  # only Save writes
    save(kiosk)
    assert "Khởi động lại kiosk" in shown(kiosk)  # after a restart, in the kiosk's language
    assert config_file.read_text(encoding="utf-8") == CONFIG_TEXT
    assert 'language = "en"' in staff_settings.read_text(encoding="utf-8")
    saved = layered_config(config_file)
    assert (saved.kiosk.idle_seconds, saved.language) == (90.0, Language.EN)
    assert saved.offline.enabled is False
    assert saved.kiosk.id == "KIOSK-01" and saved.hospital.name == "Bệnh viện Đa khoa Demo"
    assert not page.save.isEnabled()  # saved: nothing left to save
    # The running kiosk keeps its settings until the restart.
    assert kiosk.config.kiosk.idle_seconds == 60.0
    # Opening the page again shows what the file now holds.
    click(kiosk, "btn_admin_back")
    click(kiosk, "btn_admin_settings")
    wait(lambda: not kiosk.admin.busy)
    assert page.chosen()["kiosk.language"] == "en" and not page.chosen()["offline.enabled"]


def test_text_settings_are_typed_on_the_on_screen_keyboard(
    kiosk: KioskApp, driver: Driver, config_file: Path
) -> None:
    open_settings(kiosk, driver)
    type_on_screen(kiosk, "kiosk_id", "KIOSK-07")
    type_on_screen(kiosk, "kiosk_name", "Sanh A tang 1")
    type_on_screen(kiosk, "hospital_url", "https://his.benhvien.vn:8443/kiosk")
    shot(kiosk, "settings_keyboard")
    click(kiosk, "key_done")
    assert not kiosk.admin.settings_page.keyboard.isVisibleTo(kiosk.window)
    save(kiosk)
    saved = layered_config(config_file)
    assert (saved.kiosk.id, saved.kiosk.name) == ("KIOSK-07", "Sanh A tang 1")
    assert saved.hospital.url == "https://his.benhvien.vn:8443/kiosk"


def test_a_refused_value_is_marked_on_its_field_and_nothing_is_written(
    kiosk: KioskApp, driver: Driver, config_file: Path, staff_settings: Path
) -> None:
    open_settings(kiosk, driver)
    page = kiosk.admin.settings_page
    type_on_screen(kiosk, "hospital_url", "his.benhvien.vn")
    save(kiosk)
    assert page.texts["hospital.url"].edit.property("invalid") is True
    assert "phải bắt đầu bằng http:// hoặc https://" in shown(kiosk)
    shot(kiosk, "settings_refused")
    assert not staff_settings.exists()
    type_on_screen(kiosk, "hospital_url", "http://10.0.0.5:8765")
    assert not page.texts["hospital.url"].edit.property("invalid")  # typing clears the mark
    # A network printer needs its address: the field appears with the kind, and is required.
    choose(kiosk, "btn_printer_kind_network")
    assert page.texts["printer.host"].isVisibleTo(kiosk.window)
    assert not page.texts["printer.device"].isVisibleTo(kiosk.window)
    type_on_screen(kiosk, "printer_port", "91o0")
    save(kiosk)
    assert page.texts["printer.port"].edit.property("invalid") is True
    assert "Cổng máy in: phải là số nguyên" in shown(kiosk)
    assert not staff_settings.exists()
    type_on_screen(kiosk, "printer_port", "9100")
    save(kiosk)
    assert page.texts["printer.host"].edit.property("invalid") is True
    assert "bắt buộc với loại máy in này" in shown(kiosk)
    type_on_screen(kiosk, "printer_host", "192.168.1.50")
    save(kiosk)
    saved = layered_config(config_file)
    assert (saved.printer.kind, saved.printer.host, saved.printer.port) == (
        "network", "192.168.1.50", 9100
    )  # fmt: skip
    assert saved.hospital.url == "http://10.0.0.5:8765"


def test_departments_are_chosen_from_the_hospitals_list(
    kiosk: KioskApp, driver: Driver, config_file: Path
) -> None:
    open_settings(kiosk, driver)
    page = kiosk.admin.settings_page
    listed = kiosk.hospital.departments()
    assert len(page.departments.toggles) == len(listed) == 17
    assert page.departments.all.property("kind") == "primary"  # none chosen: all shown
    first, second = listed[0].code, listed[3].code
    choose(kiosk, f"btn_department_{first.lower()}", f"btn_department_{second.lower()}")
    assert page.departments.all.property("kind") == "secondary"
    shot(kiosk, "settings_departments")
    save(kiosk)
    assert layered_config(config_file).kiosk.departments == (first, second)
    choose(kiosk, "btn_departments_all")
    save(kiosk)
    assert layered_config(config_file).kiosk.departments == ()


def test_devices_are_chosen_with_what_the_kiosk_found(
    kiosk: KioskApp, driver: Driver, config_file: Path
) -> None:
    open_settings(kiosk, driver)
    page = kiosk.admin.settings_page
    assert not page.texts["card.reader_name"].isVisibleTo(kiosk.window)  # simulated reader
    choose(kiosk, "btn_card_reader_pcsc", "btn_camera_source_qt")
    assert page.texts["card.reader_name"].isVisibleTo(kiosk.window)
    type_on_screen(kiosk, "card_reader_name", "ACS")
    type_on_screen(kiosk, "camera_name_contains", "USB")
    save(kiosk)
    saved = layered_config(config_file)
    assert (saved.card.reader, saved.card.reader_name) == ("pcsc", "ACS")
    assert (saved.camera.source, saved.camera.name_contains) == ("qt", "USB")


def test_the_restart_button_on_the_settings_page_restarts(kiosk: KioskApp, driver: Driver) -> None:
    codes: list[int] = []
    kiosk.admin._quit = codes.append
    open_settings(kiosk, driver)
    click(kiosk, "btn_settings_restart")
    assert codes == []  # staff confirm first
    click(kiosk, "btn_confirm_ok")
    assert codes == [3] and not kiosk.admin.is_open


def test_only_staff_settings_and_offered_choices_can_be_written(
    config_file: Path, tmp_path: Path
) -> None:
    config_file.write_text(CONFIG_TEXT, encoding="utf-8")
    settings = SettingsFile(config_file)
    with pytest.raises(ValueError):
        settings.save({"kiosk.idle_seconds": 45.0})
    with pytest.raises(ValueError):
        settings.save({"hospital.token": "secret"})  # not a staff setting
    assert config_file.read_text(encoding="utf-8") == CONFIG_TEXT
    assert settings.save({"kiosk.idle_seconds": 30.0})["kiosk.idle_seconds"] == 30.0
    assert set(settings.read()) == set(EDITABLE)
    # A file that is no longer valid is reported, never overwritten.
    broken = tmp_path / "broken.toml"
    broken.write_text("[kiosk]\nlanguage = 'fr'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        SettingsFile(broken).save({"kiosk.language": "en"})
    assert raised.value.key == "kiosk.language"
    assert broken.read_text(encoding="utf-8") == "[kiosk]\nlanguage = 'fr'\n"


def test_every_offered_choice_is_a_value_the_kiosk_accepts(tmp_path: Path) -> None:
    copy = tmp_path / "kiosk.toml"
    copy.write_text(CONFIG_TEXT, encoding="utf-8")
    settings = SettingsFile(copy)
    for seconds, language in itertools.product(IDLE_CHOICES, Language):
        settings.save({"kiosk.idle_seconds": float(seconds), "kiosk.language": language.value})
        loaded = layered_config(copy)
        assert (loaded.kiosk.idle_seconds, loaded.language) == (seconds, language)
    for hours in CACHE_HOURS_CHOICES:
        assert settings.save({"offline.patient_cache_hours": float(hours)})
    for kind in ("pcsc", "none", "simulated"):
        assert settings.save({"card.reader": kind})["card.reader"] == kind
    for source in ("qt", "none", "simulated"):
        assert settings.save({"camera.source": source})["camera.source"] == source


def test_a_file_that_cannot_be_read_is_shown_and_nothing_is_offered(
    kiosk: KioskApp, driver: Driver, config_file: Path
) -> None:
    config_file.write_text("[kiosk]\nidle_seconds = -5\n", encoding="utf-8")
    open_settings(kiosk, driver)
    page = kiosk.admin.settings_page
    assert "kiosk.idle_seconds" in shown(kiosk)
    assert not any(b.isEnabled() for b in page.choices["kiosk.idle_seconds"].buttons.values())
    assert not page.texts["hospital.url"].edit.isEnabled()
    assert not page.save.isEnabled()


def test_without_a_config_file_the_controls_are_disabled(kiosk: KioskApp, driver: Driver) -> None:
    real, kiosk.admin.settings = kiosk.admin.settings, SettingsFile(None)
    try:
        open_settings(kiosk, driver)
        page = kiosk.admin.settings_page
        buttons = [b for field in page.choices.values() for b in field.buttons.values()]
        assert not any(b.isEnabled() for b in [*buttons, page.save])
        assert not any(field.edit.isEnabled() for field in page.texts.values())
        assert "Không lưu được cài đặt ở đây" in shown(kiosk)
        shot(kiosk, "settings_no_file")
    finally:
        kiosk.admin.settings = real
