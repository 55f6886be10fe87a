"""The staff settings page through the real Qt UI of a demo kiosk started with a config file:
the idle timeout and the first language are saved to the file, comments kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit

from kiosk.admin_settings import IDLE_CHOICES, KioskSettings, SettingsFile
from kiosk.app import KioskApp
from kiosk.config import AdminSection, Config, ConfigError, load_config
from kiosk.flow import Language, Screen
from kiosk.walkthrough import Driver
from tests.admin.test_admin_ui import HOLD, click, open_admin, shot, shown, wait

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


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("config") / "kiosk.toml"


@pytest.fixture(scope="module")
def kiosk(
    qapp: QApplication, tmp_path_factory: pytest.TempPathFactory, config_file: Path
) -> Iterator[KioskApp]:
    config_file.write_text(CONFIG_TEXT, encoding="utf-8")
    config = Config(admin=AdminSection(hold_seconds=HOLD))
    app = KioskApp(
        config, demo=True, data_dir=tmp_path_factory.mktemp("kiosk"), config_path=config_file
    )
    app.wait_until_ready()
    app.window.resize(1080, 1920)
    app.window.show()
    yield app
    app.close()


@pytest.fixture
def driver(kiosk: KioskApp, config_file: Path) -> Iterator[Driver]:
    config_file.write_text(CONFIG_TEXT, encoding="utf-8")
    kiosk.admin._quit = lambda code: None  # not the real event loop's exit
    drive = Driver(kiosk)
    drive.wait_for(Screen.WELCOME)
    yield drive
    kiosk.admin.close("test over")
    wait(lambda: not kiosk.admin.busy)


def open_settings(kiosk: KioskApp, driver: Driver) -> None:
    open_admin(kiosk, driver)
    click(kiosk, "btn_admin_settings")
    wait(lambda: not kiosk.admin.busy)
    assert kiosk.admin.panel.stack.currentWidget() is kiosk.admin.settings_page


def test_the_kiosk_knows_its_config_file(kiosk: KioskApp, config_file: Path) -> None:
    assert kiosk.config_path == config_file
    assert kiosk.admin.settings.path == config_file


def test_both_settings_are_saved_to_the_file_keeping_its_comments(
    kiosk: KioskApp, driver: Driver, config_file: Path
) -> None:
    open_settings(kiosk, driver)
    page = kiosk.admin.settings_page
    assert page.chosen == KioskSettings(60.0, Language.VI)
    assert page.idle_buttons[60].property("kind") == "primary"
    assert not page.save.isEnabled()  # nothing changed yet
    click(kiosk, "btn_idle_90")
    click(kiosk, "btn_language_en")
    assert page.idle_buttons[90].property("kind") == "primary"
    assert page.idle_buttons[60].property("kind") == "secondary"
    assert config_file.read_text(encoding="utf-8") == CONFIG_TEXT  # only Save writes
    click(kiosk, "btn_settings_save")
    wait(lambda: not kiosk.admin.busy)
    assert "Khởi động lại kiosk" in shown(kiosk)  # after a restart, in the kiosk's language
    shot(kiosk, "settings")
    text = config_file.read_text(encoding="utf-8")
    for comment in ("# Front-door kiosk, ward B", "# the hospital link"):
        assert comment in text
    assert "idle_seconds = 90.0" in text and 'language = "en"' in text
    saved = load_config(config_file)
    assert (saved.kiosk.idle_seconds, saved.language) == (90.0, Language.EN)
    assert saved.kiosk.id == "KIOSK-01" and saved.hospital.name == "Bệnh viện Đa khoa Demo"
    assert not page.save.isEnabled()  # saved: nothing left to save
    # The running kiosk keeps its settings until the restart.
    assert kiosk.config.kiosk.idle_seconds == 60.0
    # Opening the page again shows what the file now holds.
    click(kiosk, "btn_admin_back")
    click(kiosk, "btn_admin_settings")
    wait(lambda: not kiosk.admin.busy)
    assert page.chosen == KioskSettings(90.0, Language.EN)


def test_the_restart_button_on_the_settings_page_restarts(kiosk: KioskApp, driver: Driver) -> None:
    codes: list[int] = []
    kiosk.admin._quit = codes.append
    open_settings(kiosk, driver)
    click(kiosk, "btn_settings_restart")
    assert codes == [3] and not kiosk.admin.is_open


def test_only_the_offered_choices_can_be_written(config_file: Path, tmp_path: Path) -> None:
    config_file.write_text(CONFIG_TEXT, encoding="utf-8")
    settings = SettingsFile(config_file)
    with pytest.raises(ValueError):
        settings.save(KioskSettings(45.0, Language.VI))
    assert config_file.read_text(encoding="utf-8") == CONFIG_TEXT
    assert settings.save(KioskSettings(30.0, Language.VI)) == KioskSettings(30.0, Language.VI)
    # A file that is no longer valid is reported, never overwritten.
    broken = tmp_path / "broken.toml"
    broken.write_text("[kiosk]\nlanguage = 'fr'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        SettingsFile(broken).save(KioskSettings(30.0, Language.EN))
    assert raised.value.key == "kiosk.language"
    assert broken.read_text(encoding="utf-8") == "[kiosk]\nlanguage = 'fr'\n"


def test_the_ui_offers_only_valid_values(kiosk: KioskApp, driver: Driver, tmp_path: Path):
    open_settings(kiosk, driver)
    page = kiosk.admin.settings_page
    assert not page.findChildren(QLineEdit) and not page.findChildren(QAbstractSpinBox)
    assert tuple(page.idle_buttons) == IDLE_CHOICES
    assert set(page.language_buttons) == set(Language)
    copy = tmp_path / "kiosk.toml"
    copy.write_text(CONFIG_TEXT, encoding="utf-8")
    for seconds in IDLE_CHOICES:  # each choice is a value the kiosk accepts at its next start
        for language in Language:
            SettingsFile(copy).save(KioskSettings(float(seconds), language))
            loaded = load_config(copy)
            assert (loaded.kiosk.idle_seconds, loaded.language) == (seconds, language)


def test_a_file_that_cannot_be_read_is_shown_and_nothing_is_offered(
    kiosk: KioskApp, driver: Driver, config_file: Path
) -> None:
    config_file.write_text("[kiosk]\nidle_seconds = -5\n", encoding="utf-8")
    open_settings(kiosk, driver)
    page = kiosk.admin.settings_page
    assert "kiosk.idle_seconds" in shown(kiosk)
    assert not any(b.isEnabled() for b in page.idle_buttons.values())
    assert not page.save.isEnabled()


def test_without_a_config_file_the_controls_are_disabled(kiosk: KioskApp, driver: Driver) -> None:
    real, kiosk.admin.settings = kiosk.admin.settings, SettingsFile(None)
    try:
        open_settings(kiosk, driver)
        page = kiosk.admin.settings_page
        buttons = [*page.idle_buttons.values(), *page.language_buttons.values(), page.save]
        assert not any(b.isEnabled() for b in buttons)
        assert "Không lưu được cài đặt ở đây" in shown(kiosk)
        shot(kiosk, "settings_no_file")
    finally:
        kiosk.admin.settings = real
