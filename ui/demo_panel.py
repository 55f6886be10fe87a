"""The demo's device simulator: a staff-side window that plays card reader, camera, printer and
network, so people can try the kiosk without hardware. Not for patients: ordinary widgets,
fixed bilingual labels (no translation catalogue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTime, Signal, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class PanelPersona:
    """A demo patient: what they carry decides which buttons the panel offers."""

    key: str
    label: str
    has_card: bool
    has_cccd_qr: bool
    has_bhyt_qr: bool
    has_vneid_qr: bool  # the VNeID app: a code only the hospital can read
    has_booking_qr: bool  # a booking confirmation for today's appointment


class DemoPanel(QWidget):
    present_card = Signal(str)
    show_cccd_qr = Signal(str)
    show_bhyt_qr = Signal(str)
    show_vneid_qr = Signal(str)
    show_booking_qr = Signal(str)
    show_unknown_qr = Signal()
    faulty_card = Signal()
    take_card_away = Signal()
    cloned_card = Signal()
    codes_via_camera = Signal(bool)
    printer_out_of_paper = Signal(bool)
    hospital_offline = Signal(bool)
    bank_confirms = Signal()  # the transfer for the payment on screen arrived
    patient_gives_up = Signal()  # the patient walked away from the payment screen

    def __init__(self, personas: Sequence[PanelPersona]) -> None:
        super().__init__()
        self.setWindowTitle("Demo — thiết bị mô phỏng / simulated devices")
        column = QVBoxLayout(self)
        column.addWidget(self._personas_box(personas))
        column.addWidget(self._faults_box())
        column.addWidget(self._payment_box())
        column.addWidget(self._alerts_box(), 1)
        self.ticket_folder = QLabel()
        self.ticket_folder.setObjectName("lbl_ticket_folder")
        self.ticket_folder.setWordWrap(True)
        self.ticket_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.ticket_folder)
        self.set_ticket_folder("")

    def _personas_box(self, personas: Sequence[PanelPersona]) -> QGroupBox:
        box = QGroupBox("Bệnh nhân mẫu / Demo patients")
        grid = QGridLayout(box)
        for row, persona in enumerate(personas):
            grid.addWidget(QLabel(persona.label), row, 0)
            actions = (
                ("card", "Đặt thẻ CCCD / Tap card", persona.has_card, self.present_card),
                ("cccd_qr", "QR CCCD", persona.has_cccd_qr, self.show_cccd_qr),
                ("bhyt_qr", "QR BHYT", persona.has_bhyt_qr, self.show_bhyt_qr),
                ("vneid_qr", "QR VNeID", persona.has_vneid_qr, self.show_vneid_qr),
                ("booking_qr", "QR lịch hẹn", persona.has_booking_qr, self.show_booking_qr),
            )
            for column, (name, text, available, signal) in enumerate(actions, start=1):
                action = QPushButton(text)
                action.setObjectName(f"btn_{name}_{persona.key}")
                action.setEnabled(available)
                action.clicked.connect(lambda _=False, s=signal, k=persona.key: s.emit(k))
                grid.addWidget(action, row, column)
        return box

    def _faults_box(self) -> QGroupBox:
        box = QGroupBox("Sự cố / Faults")
        row = QHBoxLayout(box)
        cloned = _press("btn_cloned_card", "Thẻ sao chép / Cloned card", self.cloned_card)
        cloned.setToolTip("Bản sao thẻ của BN bảo hiểm / A copy of the walk-in insurance card")
        camera = _switch(
            "chk_codes_via_camera",
            "Mã QR qua camera / QR codes through the camera",
            self.codes_via_camera,
        )
        camera.setToolTip(
            "Bật: mã được vẽ thành ảnh và giải mã từ camera mô phỏng / "
            "On: codes are drawn into camera frames and decoded from pixels"
        )
        # One-shot faults are buttons, lasting ones switches.
        for widget in (
            _press("btn_unknown_qr", "QR lạ / Unknown QR", self.show_unknown_qr),
            _press("btn_faulty_card", "Thẻ lỗi / Faulty card", self.faulty_card),
            cloned,
            _press("btn_take_card_away", "Lấy thẻ ra / Take card away", self.take_card_away),
            camera,
            _switch(
                "chk_printer_out_of_paper",
                "Máy in hết giấy / Printer out of paper",
                self.printer_out_of_paper,
            ),
            _switch(
                "chk_hospital_offline",
                "Mất kết nối bệnh viện / Hospital offline",
                self.hospital_offline,
            ),
        ):
            row.addWidget(widget)
        return box

    def _payment_box(self) -> QGroupBox:
        box = QGroupBox("Thanh toán VietQR / VietQR payment")
        row = QHBoxLayout(box)
        row.addWidget(
            _press("btn_bank_confirms", "Ngân hàng xác nhận / Bank confirms", self.bank_confirms)
        )
        row.addWidget(
            _press("btn_patient_gives_up", "Bệnh nhân bỏ / Patient gives up", self.patient_gives_up)
        )
        return box

    def _alerts_box(self) -> QGroupBox:
        box = QGroupBox("Cảnh báo cho nhân viên / Staff alerts")
        self.alerts = QPlainTextEdit()
        self.alerts.setObjectName("log_staff_alerts")
        self.alerts.setReadOnly(True)
        QVBoxLayout(box).addWidget(self.alerts)
        return box

    def add_staff_alert(self, text: str) -> None:
        self.alerts.appendPlainText(f"{QTime.currentTime().toString('HH:mm:ss')}  {text}")

    def set_ticket_folder(self, path: str) -> None:
        shown = path or "—"
        self.ticket_folder.setText(f"Phiếu in lưu tại / Tickets saved in: {shown}")


def _press(name: str, text: str, pressed: SignalInstance) -> QPushButton:
    press = QPushButton(text)
    press.setObjectName(name)
    press.clicked.connect(lambda: pressed.emit())
    return press


def _switch(name: str, text: str, toggled: SignalInstance) -> QCheckBox:
    switch = QCheckBox(text)
    switch.setObjectName(name)
    switch.toggled.connect(toggled.emit)
    return switch
