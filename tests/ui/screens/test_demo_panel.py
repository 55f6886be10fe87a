"""The demo device panel: its buttons emit the signals the app wires to the simulators."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from ui.demo_panel import DemoPanel, PanelPersona

PERSONAS = [
    PanelPersona(
        "an",
        "Bà An (75 tuổi)",
        has_card=True,
        has_cccd_qr=True,
        has_bhyt_qr=True,
        has_vneid_qr=True,
        has_booking_qr=True,
    ),
    PanelPersona(
        "binh",
        "Bé Bình (4 tuổi)",
        has_card=False,
        has_cccd_qr=False,
        has_bhyt_qr=True,
        has_vneid_qr=False,
        has_booking_qr=False,
    ),
]


def make(qtbot: QtBot) -> DemoPanel:
    panel = DemoPanel(PERSONAS)
    qtbot.addWidget(panel)
    return panel


def click(panel: DemoPanel, name: str) -> None:
    button = panel.findChild(QPushButton, name)
    assert button is not None, name
    button.click()


def test_persona_buttons_emit_the_persona_key(qtbot: QtBot) -> None:
    panel = make(qtbot)
    got: list[tuple[str, str]] = []
    panel.present_card.connect(lambda key: got.append(("card", key)))
    panel.show_cccd_qr.connect(lambda key: got.append(("cccd", key)))
    panel.show_bhyt_qr.connect(lambda key: got.append(("bhyt", key)))
    panel.show_vneid_qr.connect(lambda key: got.append(("vneid", key)))
    panel.show_booking_qr.connect(lambda key: got.append(("booking", key)))
    click(panel, "btn_card_an")
    click(panel, "btn_cccd_qr_an")
    click(panel, "btn_bhyt_qr_binh")
    click(panel, "btn_vneid_qr_an")
    click(panel, "btn_booking_qr_an")
    click(panel, "btn_card_binh")  # a child without a card: the button is disabled
    click(panel, "btn_booking_qr_binh")  # no appointment today: disabled too
    assert got == [
        ("card", "an"),
        ("cccd", "an"),
        ("bhyt", "binh"),
        ("vneid", "an"),
        ("booking", "an"),
    ]
    assert not panel.findChild(QPushButton, "btn_cccd_qr_binh").isEnabled()


def test_faults_and_toggles(qtbot: QtBot) -> None:
    panel = make(qtbot)
    got: list[object] = []
    panel.show_unknown_qr.connect(lambda: got.append("unknown"))
    panel.faulty_card.connect(lambda: got.append("faulty"))
    panel.cloned_card.connect(lambda: got.append("cloned"))
    panel.take_card_away.connect(lambda: got.append("taken"))
    panel.codes_via_camera.connect(lambda on: got.append(("camera", on)))
    panel.printer_out_of_paper.connect(lambda on: got.append(("paper", on)))
    panel.hospital_offline.connect(lambda on: got.append(("offline", on)))
    click(panel, "btn_unknown_qr")
    click(panel, "btn_faulty_card")
    click(panel, "btn_cloned_card")
    click(panel, "btn_take_card_away")
    panel.findChild(QCheckBox, "chk_codes_via_camera").setChecked(True)
    paper = panel.findChild(QCheckBox, "chk_printer_out_of_paper")
    offline = panel.findChild(QCheckBox, "chk_hospital_offline")
    paper.setChecked(True)
    offline.setChecked(True)
    paper.setChecked(False)
    assert got == [
        "unknown",
        "faulty",
        "cloned",
        "taken",
        ("camera", True),
        ("paper", True),
        ("offline", True),
        ("paper", False),
    ]


def test_staff_alerts_are_logged_read_only_and_the_ticket_folder_is_shown(qtbot: QtBot) -> None:
    panel = make(qtbot)
    panel.add_staff_alert("printer: out_of_paper")
    panel.add_staff_alert("hospital: register failed")
    log = panel.findChild(QPlainTextEdit, "log_staff_alerts")
    assert log.isReadOnly()
    lines = log.toPlainText().splitlines()
    assert len(lines) == 2 and lines[0].endswith("printer: out_of_paper")
    panel.set_ticket_folder("/tmp/kiosk/tickets")
    assert "/tmp/kiosk/tickets" in panel.findChild(QLabel, "lbl_ticket_folder").text()
