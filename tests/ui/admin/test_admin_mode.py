"""Staff mode through the real Qt UI of a demo kiosk: the corner gesture, the PIN pad and its
lockout, the status page, test print, reprint and the offline follow-up list."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from drivers.printer import errors as printer_errors
from drivers.printer.document import Qr
from kiosk.app.controller import KioskApp
from kiosk.app.walkthrough import Driver, printer_out_of_paper, walk_in_paid
from kiosk.config import AdminSection, Config, KioskSection
from kiosk.core.domain import Identity, IdentitySource
from kiosk.core.flow import Screen
from kiosk.core.tickets import queue_label
from kiosk.staff.pin import hash_pin
from kiosk.staff.service import EXIT_RESTART, EXIT_TO_DESKTOP, AdminService
from offline_cache import OfflineDesk, QueueNumbers
from tests.demo_kiosk import running_demo_kiosk, wait
from tests.manual_clock import ManualClock
from ui.widgets import TileButton

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "admin"
HOLD = 0.25  # seconds: the configured hold, short for the tests
DEMO_PIN = "123456"
PLACE = "Sảnh A, tầng 1"  # kiosk.name: where it stands


@pytest.fixture(scope="module")
def kiosk(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskApp]:
    config = Config(kiosk=KioskSection(name=PLACE), admin=AdminSection(hold_seconds=HOLD))
    with running_demo_kiosk(config, tmp_path_factory.mktemp("kiosk")) as app:
        yield app


@pytest.fixture
def quits(kiosk: KioskApp) -> list[int]:
    codes: list[int] = []
    kiosk.admin._quit = codes.append  # not the real event loop's exit
    return codes


def staff_driver(kiosk: KioskApp) -> Iterator[Driver]:
    """The body of a staff-mode `driver` fixture: the kiosk at its welcome screen; after the
    test, staff mode closed and idle."""
    drive = Driver(kiosk)  # no screenshot of every patient screen: `shot` saves staff pages
    drive.wait_for(Screen.WELCOME)
    yield drive
    kiosk.admin.close("test over")
    wait(lambda: not kiosk.admin.busy)


@pytest.fixture
def driver(kiosk: KioskApp, quits: list[int]) -> Iterator[Driver]:
    yield from staff_driver(kiosk)
    kiosk.printer.set_problem(None)
    kiosk.demo_devices.hospital_offline(False)
    if kiosk.controller.state.screen is not Screen.WELCOME:
        kiosk.controller.expire_idle_timer()


def shot(kiosk: KioskApp, name: str) -> None:
    wait(lambda: not kiosk.admin.busy)
    for _ in range(5):  # word-wrapped labels settle in a few layout passes
        QApplication.processEvents()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert kiosk.window.grab().save(str(ARTIFACTS / f"{name}.png"))


def corner_widget(kiosk: KioskApp) -> tuple[QWindow, QPoint]:
    """Where a finger on the corner lands, as the platform delivers it: the native window."""
    handle = kiosk.window.windowHandle()
    assert handle is not None
    return handle, QPoint(10, 10)


def hold_corner(kiosk: KioskApp, seconds: float) -> None:
    widget, pos = corner_widget(kiosk)
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    QTest.qWait(int(seconds * 1000))
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    QApplication.processEvents()


def click(kiosk: KioskApp, name: str) -> None:
    found = [
        b
        for b in kiosk.admin.panel.findChildren(QAbstractButton, name)
        if b.isVisibleTo(kiosk.window)
    ]
    assert len(found) == 1, f"{name}: {len(found)} visible"
    assert found[0].isEnabled(), f"{name} is disabled"
    QTest.mouseClick(found[0], Qt.MouseButton.LeftButton)


def type_pin(kiosk: KioskApp, pin: str) -> None:
    for digit in pin:
        click(kiosk, f"pin_{digit}")
    click(kiosk, "btn_pin_ok")
    wait(lambda: not kiosk.admin.busy)


def shown(kiosk: KioskApp) -> str:
    QApplication.processEvents()  # widgets added to a shown layout show on the next pass
    return "\n".join(
        label.text()
        for label in kiosk.admin.panel.findChildren(QLabel)
        if label.isVisibleTo(kiosk.window) and label.text()
    )


def label_text(kiosk: KioskApp, name: str) -> str:
    label = kiosk.admin.panel.findChild(QLabel, name)
    assert label is not None
    return label.text()


def open_admin(kiosk: KioskApp, driver: Driver) -> None:
    hold_corner(kiosk, HOLD + 0.15)
    assert kiosk.admin.is_open
    type_pin(kiosk, DEMO_PIN)
    assert kiosk.admin.unlocked
    wait(lambda: not kiosk.admin.busy)
    assert kiosk.admin.panel.stack.currentWidget() is kiosk.admin.status_page


# --- the gesture ---------------------------------------------------------------------------


def test_a_tap_or_a_short_press_on_the_corner_does_nothing(kiosk: KioskApp, driver: Driver):
    hold_corner(kiosk, 0)
    hold_corner(kiosk, HOLD / 3)
    QTest.qWait(int(HOLD * 1500))
    assert not kiosk.admin.is_open
    assert kiosk.controller.state.screen is Screen.WELCOME


def test_a_long_press_elsewhere_does_nothing(kiosk: KioskApp, driver: Driver) -> None:
    widget, pos = kiosk.window.windowHandle(), kiosk.window.rect().center()
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    QTest.qWait(int(HOLD * 1500))
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    assert not kiosk.admin.is_open


def test_sliding_out_of_the_corner_cancels_the_hold(kiosk: KioskApp, driver: Driver) -> None:
    widget, pos = corner_widget(kiosk)
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    assert kiosk.admin_gesture.holding
    QTest.mouseMove(widget, kiosk.window.rect().center())
    QTest.qWait(int(HOLD * 1500))
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    assert not kiosk.admin.is_open


def test_a_long_press_on_the_corner_asks_for_the_pin(kiosk: KioskApp, driver: Driver) -> None:
    hold_corner(kiosk, HOLD + 0.15)
    assert kiosk.admin.is_open and not kiosk.admin.unlocked
    assert kiosk.admin.panel.stack.currentWidget() is kiosk.admin.pin_page
    shot(kiosk, "pin_pad")
    click(kiosk, "btn_admin_cancel")
    assert not kiosk.admin.is_open


def test_mid_session_the_gesture_is_refused(
    kiosk: KioskApp, driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.audit.admin")
    driver.devices.show_cccd_qr("walk_in_paid")
    driver.wait_for(Screen.PLACE_CARD)
    hold_corner(kiosk, HOLD + 0.15)
    assert not kiosk.admin.is_open
    assert "staff mode refused: a patient session is on PLACE_CARD" in caplog.messages
    driver.click("btn_cancel")
    driver.wait_for(Screen.WELCOME)


# --- the PIN ---------------------------------------------------------------------------------


def test_five_wrong_pins_lock_staff_mode_for_five_minutes(
    kiosk: KioskApp, driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.audit.admin")
    clock = ManualClock()
    service = AdminService(
        pin_hash=hash_pin("246810"),
        demo=False,
        recent=kiosk.recent_tickets,
        sample_ticket=kiosk._sample_ticket,
        clock=clock,
    )
    service.attach(kiosk.backends, lambda: None)
    real_service, kiosk.admin.service = kiosk.admin.service, service
    try:
        hold_corner(kiosk, HOLD + 0.15)
        for attempt in range(1, 5):
            type_pin(kiosk, "135790")
            assert "Sai mã PIN" in shown(kiosk)  # Vietnamese first
            assert str(5 - attempt) in shown(kiosk)
        shot(kiosk, "wrong_pin")
        type_pin(kiosk, "135790")
        assert not kiosk.admin.unlocked
        shot(kiosk, "locked")
        locked_text = shown(kiosk)
        type_pin(kiosk, "246810")  # the right one, but locked
        assert not kiosk.admin.unlocked
        assert shown(kiosk) == locked_text
        # Closing and reopening does not reset the lock.
        kiosk.admin.close("test")
        hold_corner(kiosk, HOLD + 0.15)
        wait(lambda: not kiosk.admin.busy)
        assert shown(kiosk) == locked_text
        clock.now += 300
        type_pin(kiosk, "246810")
        assert kiosk.admin.unlocked
    finally:
        kiosk.admin.close("test")
        kiosk.admin.service = real_service
    audit = [r.getMessage() for r in caplog.records if r.name == "kiosk.audit.admin"]
    assert audit.count("staff mode entered") == 1
    assert any("locked for 300 s" in m for m in audit)
    assert not any("135790" in m or "246810" in m for m in audit)


def test_wrong_pins_are_counted_in_the_kiosks_data_folder(kiosk: KioskApp, driver: Driver):
    saved = kiosk.data_dir / "admin_lockout.json"
    hold_corner(kiosk, HOLD + 0.15)
    type_pin(kiosk, "135790")
    assert json.loads(saved.read_text()) == {"failures": 1, "locked_until": None}
    type_pin(kiosk, DEMO_PIN)
    assert kiosk.admin.unlocked
    assert json.loads(saved.read_text()) == {"failures": 0, "locked_until": None}


def test_without_a_pin_configured_staff_mode_stays_closed(kiosk: KioskApp, driver: Driver):
    service = AdminService(
        pin_hash="", demo=False, recent=kiosk.recent_tickets, sample_ticket=kiosk._sample_ticket
    )
    real_service, kiosk.admin.service = kiosk.admin.service, service
    try:
        hold_corner(kiosk, HOLD + 0.15)
        assert kiosk.admin.is_open
        assert "kiosk admin set-pin" in shown(kiosk)
        assert not kiosk.admin.pin_page.ok.isEnabled()
        assert not any(key.isEnabled() for key in kiosk.admin.pin_page.keys)
        shot(kiosk, "no_pin")
    finally:
        kiosk.admin.close("test")
        kiosk.admin.service = real_service


# --- the staff pages -------------------------------------------------------------------------


def test_the_status_page_shows_printer_and_hospital(kiosk: KioskApp, driver: Driver) -> None:
    open_admin(kiosk, driver)
    assert label_text(kiosk, "lbl_status_printer") == "Máy in phiếu"
    text = shown(kiosk)
    assert label_text(kiosk, "lbl_admin_kiosk") == f"KIOSK-01 · {PLACE}"
    assert label_text(kiosk, "lbl_admin_subtitle").startswith("Trạng thái lúc ")
    shot(kiosk, "status")
    printer_ok = text
    # The printer runs out of paper and the hospital goes away: Refresh shows both.
    kiosk.demo_devices.printer_out_of_paper(True)
    kiosk.demo_devices.hospital_offline(True)
    offline = kiosk.backends.offline
    assert offline is not None
    wait(lambda: not offline.online)
    click(kiosk, "btn_admin_refresh")
    wait(lambda: not kiosk.admin.busy)
    assert shown(kiosk) != printer_ok
    printer = kiosk.admin.status_page.rows
    from kiosk.staff.status import Device

    assert printer[Device.PRINTER].property("tone") == "bad"
    assert printer[Device.HOSPITAL].property("tone") == "bad"
    shot(kiosk, "status_trouble")
    # The offline banner made meanwhile stays under the staff pages.
    root = kiosk.window.centralWidget()
    assert kiosk.admin.panel.isAncestorOf(root.childAt(QPoint(root.width() // 2, 150)))
    kiosk.demo_devices.hospital_offline(False)
    wait(lambda: offline.online)
    click(kiosk, "btn_admin_refresh")
    wait(lambda: not kiosk.admin.busy)
    assert printer[Device.HOSPITAL].property("tone") == "ok"


def test_test_print_prints_the_sample_ticket(kiosk: KioskApp, driver: Driver) -> None:
    open_admin(kiosk, driver)
    before = kiosk.printer.printed_count
    click(kiosk, "btn_admin_test_print")
    wait(lambda: kiosk.printer.printed_count == before + 1)
    assert Qr("SAMPLE") in kiosk.printer.jobs[-1].document.elements
    shot(kiosk, "test_printed")
    kiosk.printer.set_problem(printer_errors.PrinterProblem.OUT_OF_PAPER)
    click(kiosk, "btn_admin_test_print")
    wait(lambda: kiosk.admin.status_page.message.property("tone") == "bad")
    assert "Chưa in được: hết giấy" in shown(kiosk)
    assert kiosk.printer.printed_count == before + 1


def test_reprint_sends_a_recent_ticket_again(kiosk: KioskApp, driver: Driver) -> None:
    walk_in_paid(driver)  # ends back on the welcome screen
    printed = kiosk.printer.jobs[-1]
    ticket = kiosk.recent_tickets.newest_first()[0]
    assert printed.document == kiosk.backends.ticket_printer.paper(ticket)
    count = kiosk.printer.printed_count
    open_admin(kiosk, driver)
    click(kiosk, "btn_admin_tickets")
    assert ticket.queue_label in shown(kiosk)
    shot(kiosk, "recent_tickets")
    click(kiosk, "tile_ticket_0")
    wait(lambda: kiosk.printer.printed_count == count + 1)
    again = kiosk.printer.jobs[-1]
    assert again.document == printed.document
    assert again.data == printed.data  # the same paper
    shot(kiosk, "reprinted")
    click(kiosk, "btn_admin_back")
    assert kiosk.admin.panel.stack.currentWidget() is kiosk.admin.status_page


def test_a_ticket_the_printer_could_not_print_is_reprinted_once_it_has_paper(
    kiosk: KioskApp, driver: Driver
) -> None:
    count = kiosk.printer.printed_count
    printer_out_of_paper(driver)  # the patient left with the number on screen only
    assert kiosk.printer.printed_count == count
    lost = kiosk.recent_tickets.newest_first()[0]
    open_admin(kiosk, driver)
    click(kiosk, "btn_admin_tickets")
    assert lost.queue_label in shown(kiosk)
    click(kiosk, "tile_ticket_0")
    wait(lambda: kiosk.printer.printed_count == count + 1)
    assert kiosk.printer.jobs[-1].document == kiosk.backends.ticket_printer.paper(lost)


def test_a_refused_offline_check_in_is_followed_up_and_resolved(
    kiosk: KioskApp, driver: Driver
) -> None:
    offline = kiosk.backends.offline
    assert offline is not None
    # An offline check-in the hospital cannot place (no such patient): the sync refuses it.
    desk = OfflineDesk(
        offline.store,
        QueueNumbers(offline.store),
        hospital_name="Demo",
        footer="",
        kiosk_prefix="K9",
        queue_label=queue_label,
        on_queued=offline.worker.wake,
    )
    from kiosk.core.domain import CheckIn, PriorityGroup, ServiceType

    department = kiosk.hospital.departments()[0]
    checkin = CheckIn("follow-up-1", "KIOSK-01", "", department.code, ServiceType.PAID,
                      PriorityGroup.NONE)  # fmt: skip
    nobody = Identity(IdentitySource.KEYPAD, citizen_id="001099000001")
    desk.issue(checkin, department=department, identity=nobody)
    wait(lambda: bool(offline.outbox.follow_ups()), timeout=15)

    open_admin(kiosk, driver)
    click(kiosk, "btn_admin_follow_ups")
    wait(lambda: bool(kiosk.admin.follow_ups_page.done_buttons))
    text = shown(kiosk)
    assert "K9" in text and department.code in text
    assert "không tìm thấy người bệnh" in text
    shot(kiosk, "follow_ups")
    click(kiosk, "btn_follow_up_done_0")
    wait(lambda: not kiosk.admin.follow_ups_page.done_buttons)
    assert offline.outbox.follow_ups() == []
    assert [f.key for f in offline.outbox.follow_ups(include_resolved=True)] == ["follow-up-1"]
    shot(kiosk, "follow_ups_resolved")


class Leaving(NamedTuple):
    """A way out of the kiosk: its admin button, exit status and the question staff confirm."""

    button: str
    code: int
    question: str
    consequence: str


LEAVING = [
    Leaving("restart", EXIT_RESTART, "Khởi động lại kiosk?", "lấy số khám trong khoảng một phút"),
    Leaving("exit_desktop", EXIT_TO_DESKTOP, "Thoát khỏi kiosk?", "cho đến khi được khởi động lại"),
]
leaving_each_way = pytest.mark.parametrize("leaving", LEAVING, ids=lambda way: way.button)


@pytest.fixture
def admin_audit(
    kiosk: KioskApp, driver: Driver, caplog: pytest.LogCaptureFixture
) -> pytest.LogCaptureFixture:
    """The admin panel open, what it writes to the audit log captured."""
    caplog.set_level(logging.INFO, logger="kiosk.audit.admin")
    open_admin(kiosk, driver)
    return caplog


@leaving_each_way
def test_restart_and_exit_are_asked_once_more_then_leave_with_their_status(
    kiosk: KioskApp, quits: list[int], admin_audit: pytest.LogCaptureFixture, leaving: Leaving
) -> None:
    button, code, question, consequence = leaving
    click(kiosk, f"btn_admin_{button}")
    assert kiosk.admin.panel.stack.currentWidget() is kiosk.admin.confirm_page
    assert quits == [] and kiosk.admin.is_open
    text = shown(kiosk)
    assert question in text and consequence in text
    assert kiosk.admin.confirm_page.message.property("tone") == "warn"
    shot(kiosk, f"confirm_{button}")
    click(kiosk, "btn_confirm_ok")
    assert quits == [code]
    assert not kiosk.admin.is_open
    assert f"staff asked for {_what(code)} (exit status {code})" in admin_audit.messages
    assert EXIT_TO_DESKTOP == 0 and EXIT_RESTART not in (0, 2)  # 2: systemd does not restart


@leaving_each_way
def test_cancel_on_the_question_goes_back_with_nothing_done(
    kiosk: KioskApp, quits: list[int], admin_audit: pytest.LogCaptureFixture, leaving: Leaving
) -> None:
    button, code, question = leaving.button, leaving.code, leaving.question
    status = shown(kiosk)
    click(kiosk, f"btn_admin_{button}")
    assert question in shown(kiosk)
    click(kiosk, "btn_confirm_cancel")
    assert kiosk.admin.panel.stack.currentWidget() is kiosk.admin.status_page
    assert kiosk.admin.is_open and kiosk.admin.unlocked
    assert shown(kiosk) == status  # as it was: not even refreshed
    assert quits == []
    assert f"staff cancelled the {_what(code)}" in admin_audit.messages
    assert not any(m.startswith("staff asked for") for m in admin_audit.messages)
    # Asked again, the question is the right one (not the one cancelled before).
    other = "exit_desktop" if button == "restart" else "restart"
    click(kiosk, f"btn_admin_{other}")
    assert question not in shown(kiosk)
    click(kiosk, "btn_confirm_cancel")
    assert quits == []


def _what(code: int) -> str:
    return "restart" if code == EXIT_RESTART else "exit to the desktop"


def test_a_patient_card_while_staff_mode_is_open_is_cancelled(
    kiosk: KioskApp, driver: Driver
) -> None:
    open_admin(kiosk, driver)
    session = kiosk.controller.state.session
    driver.devices.show_cccd_qr("walk_in_paid")
    wait(lambda: kiosk.controller.state.session > session)
    wait(lambda: kiosk.controller.state.screen is Screen.WELCOME)
    assert kiosk.admin.is_open
    click(kiosk, "btn_admin_close")
    assert not kiosk.admin.is_open


def test_staff_mode_closes_itself_when_left_alone(kiosk: KioskApp, driver: Driver) -> None:
    open_admin(kiosk, driver)
    kiosk.admin._idle.setInterval(50)
    kiosk.admin._idle.start()
    wait(lambda: not kiosk.admin.is_open)
    kiosk.admin._idle.setInterval(int(kiosk.config.admin.idle_seconds * 1000))


def test_english_staff_pages(kiosk: KioskApp, driver: Driver) -> None:
    driver.click("btn_language")
    driver.wait_until(lambda s: s.language.value == "en", "English")
    open_admin(kiosk, driver)
    assert "Ticket printer" in shown(kiosk)
    shot(kiosk, "status_en")
    kiosk.admin.close("test")
    kiosk.controller.expire_idle_timer()
    driver.wait_until(lambda s: s.language.value == "vi", "Vietnamese again")


def clipped(panel: QWidget) -> list[str]:
    """Staff texts that do not fit where they are (checked like the patient screens)."""
    for _ in range(8):
        QApplication.processEvents()
    problems = []
    for text in panel.findChildren(QLabel):
        if not text.isVisibleTo(panel) or not text.text():
            continue
        if text.wordWrap():
            needed = text.heightForWidth(text.width())
            if needed > text.height() + 1:
                problems.append(f"{text.text()!r} needs {needed}px high, has {text.height()}")
        elif text.sizeHint().width() > text.width() + 1:
            problems.append(f"{text.text()!r} needs {text.sizeHint().width()}px wide")
    for button in panel.findChildren(QAbstractButton):
        if not button.isVisibleTo(panel) or isinstance(button, TileButton):
            continue  # a tile's labels are checked above
        if button.sizeHint().width() > button.width() + 1:
            problems.append(f"{button.text()!r} needs {button.sizeHint().width()}px wide")
    return problems


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080), (768, 1024)])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_staff_page_fits_its_texts(
    kiosk: KioskApp, driver: Driver, size: tuple[int, int], language: str
) -> None:
    if kiosk.controller.state.language.value != language:
        driver.click("btn_language")
        driver.wait_until(lambda s: s.language.value == language, language)
    kiosk.window.resize(*size)
    try:
        open_admin(kiosk, driver)
        admin = kiosk.admin
        assert clipped(admin.panel) == [], "status"
        click(kiosk, "btn_admin_tickets")
        assert clipped(admin.panel) == [], "tickets"
        click(kiosk, "btn_admin_back")
        wait(lambda: not admin.busy)
        click(kiosk, "btn_admin_follow_ups")
        wait(lambda: not admin.busy)
        assert clipped(admin.panel) == [], "follow-ups"
        click(kiosk, "btn_admin_back")
        wait(lambda: not admin.busy)
        click(kiosk, "btn_admin_settings")
        wait(lambda: not admin.busy)
        assert clipped(admin.panel) == [], "settings"
        click(kiosk, "btn_admin_back")
        wait(lambda: not admin.busy)
        for leave in ("restart", "exit_desktop"):
            click(kiosk, f"btn_admin_{leave}")
            assert clipped(admin.panel) == [], leave
            click(kiosk, "btn_confirm_cancel")
        admin.close("test")
        hold_corner(kiosk, HOLD + 0.15)
        type_pin(kiosk, "000000")
        assert clipped(admin.panel) == [], "PIN pad"
    finally:
        kiosk.admin.close("test")
        kiosk.window.resize(1080, 1920)
        kiosk.controller.expire_idle_timer()


def test_landscape_layout(kiosk: KioskApp, driver: Driver) -> None:
    kiosk.window.resize(1920, 1080)
    try:
        hold_corner(kiosk, HOLD + 0.15)
        shot(kiosk, "pin_pad_landscape")
        type_pin(kiosk, DEMO_PIN)
        shot(kiosk, "status_landscape")
        close = kiosk.admin.status_page.close_button
        assert close.visibleRegion().boundingRect().height() == close.height()  # no scrolling
    finally:
        kiosk.admin.close("test")
        kiosk.window.resize(1080, 1920)
