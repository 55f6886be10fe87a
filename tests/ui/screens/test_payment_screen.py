"""PAYING on screen: the VietQR code read back from the window's own pixels with zxing-cpp
(full size, and downscaled to what a phone's camera sees at arm's length), parsed, its CRC
checked; the amount, bank and time left in words; no Cancel; pay at the cashier instead."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
import zxingcpp
from PIL import Image, ImageFilter
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from kiosk.core.domain import PaymentRequest, Registration, ServiceType
from kiosk.core.flow import FlowState, Language, Pressed, Screen
from kiosk.core.payment.request import payment_qr
from kiosk.core.payment.vietqr import decode
from ui.main_window import KioskWindow

from .conftest import Recorder
from .samples import DEPARTMENTS, FOUND
from .screen_checks import layout_problems, settle, texts

NOW = datetime.now().replace(microsecond=0)
PAYMENT = PaymentRequest(
    reference="KB7Q2M9XAB4C",
    amount_vnd=150_000,
    bank_bin="970436",
    bank_name="Vietcombank",
    account="0011004321987",
    account_name="BENH VIEN DA KHOA DEMO",
    expires_at=NOW + timedelta(minutes=10),
)
REGISTRATION = Registration(
    visit_id="V20261207-00001", queue_number=4, department_code=DEPARTMENTS[1].code,
    room="P.101", floor=1, people_ahead=3, estimated_wait_minutes=15, registered_at=NOW,
    payment=PAYMENT,
)  # fmt: skip
PAYING = replace(
    FOUND,
    screen=Screen.PAYING,
    service=ServiceType.PAID,
    department=DEPARTMENTS[1],
    registration=REGISTRATION,
    payment_code=payment_qr(PAYMENT),
    payment_deadline=NOW + timedelta(minutes=10),
)


def screenshot(window: KioskWindow) -> Image.Image:
    """The window as the screen shows it, in grey."""
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    raw = bytes(image.constBits())  # rows padded to bytesPerLine
    return Image.frombuffer(
        "L", (image.width(), image.height()), raw, "raw", "L", image.bytesPerLine(), 1
    )


def read_codes(image: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(image) if found.valid]


def _show(window: KioskWindow, state: FlowState) -> None:
    window.show_state(state)
    settle(window)


@pytest.mark.parametrize("language", list(Language))
def test_the_code_on_screen_reads_back_to_the_transfer(
    window: KioskWindow, language: Language
) -> None:
    _show(window, replace(PAYING, language=language))
    assert window.size().width() == 1080 and window.size().height() == 1920
    (payload,) = read_codes(screenshot(window))
    qr = decode(payload)  # the CRC is checked here
    assert payload == PAYING.payment_code
    assert (qr.bank_bin, qr.account, qr.amount_vnd, qr.reference) == (
        "970436", "0011004321987", 150_000, "KB7Q2M9XAB4C",
    )  # fmt: skip
    assert layout_problems(window) == []


@pytest.mark.parametrize("phone_width", [540, 432, 360])
def test_the_code_reads_from_a_phones_view_of_the_screen(
    window: KioskWindow, phone_width: int
) -> None:
    """A phone at 30–50 cm sees the whole portrait screen in a few hundred pixels across,
    slightly out of focus."""
    _show(window, PAYING)
    shot = screenshot(window)
    height = round(shot.height * phone_width / shot.width)
    view = shot.resize((phone_width, height), Image.Resampling.BILINEAR)
    view = view.filter(ImageFilter.GaussianBlur(0.8))
    assert read_codes(view) == [PAYING.payment_code]


def test_the_code_is_large(window: KioskWindow) -> None:
    _show(window, PAYING)
    code = window.findChild(QPushButton, "btn_pay_at_cashier")
    assert code is not None
    from ui.qr_view import QrView

    (view,) = [w for w in window.findChildren(QrView) if w.isVisibleTo(window)]
    # Over half the 1080-pixel width: modules of 3 mm and more on a 21.5" screen.
    assert view.code_rect().width() >= 540


def test_amount_bank_and_time_left_are_in_words(window: KioskWindow) -> None:
    deadline = datetime.now() + timedelta(minutes=10)
    _show(window, replace(PAYING, payment_deadline=deadline))
    shown = texts(window)
    assert "150.000 đ" in shown and "Một trăm năm mươi nghìn đồng" in shown
    assert "Vietcombank" in shown and "BENH VIEN DA KHOA DEMO" in shown
    assert "KB7Q2M9XAB4C" in shown
    (left,) = [t for t in shown if t.startswith("Thời gian còn lại: ")]
    assert left.removeprefix("Thời gian còn lại: ") in {"10:00", "9:59", "9:58"}


def test_no_cancel_and_the_cashier_instead(
    window: KioskWindow, sent: Recorder, qtbot: QtBot
) -> None:
    _show(window, PAYING)
    assert not window.cancel_button.isVisible()
    cashier = window.findChild(QPushButton, "btn_pay_at_cashier")
    assert cashier is not None and cashier.isVisible()
    assert cashier.text() == "Tôi sẽ nộp tiền tại quầy thu ngân"
    qtbot.mouseClick(cashier, Qt.MouseButton.LeftButton)
    assert sent.events == [Pressed.COUNTER]


def test_leaving_the_screen_forgets_the_code(window: KioskWindow) -> None:
    _show(window, PAYING)
    _show(window, FlowState())
    from ui.qr_view import QrView

    assert all(view.payload == "" for view in window.findChildren(QrView))
    assert "Vietcombank" not in texts(window, hidden_too=True)


def test_landscape_too(window: KioskWindow) -> None:
    window.resize(1920, 1080)
    _show(window, PAYING)
    assert read_codes(screenshot(window)) == [PAYING.payment_code]
    assert layout_problems(window) == []
