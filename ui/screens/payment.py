"""PAYING: a paid visit is registered; its VietQR code, large, for any banking app, with the
amount, the bank and the account holder in words beside it and the time left. The hospital's
confirmation prints the paid ticket; "pay at the cashier" prints it unpaid.

The visit exists already: no Cancel, no Back (the window hides them), and no idle timeout:
the payment's own deadline ends the screen."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer

from kiosk.core.domain import PaymentRequest
from kiosk.core.flow import FlowState, Pressed
from kiosk.core.payment.money import format_vnd, vnd_in_words
from ui.qr_view import QrView
from ui.screens.base import Page, Send, arrange_columns, column, columns
from ui.theme import Metrics
from ui.widgets import InfoCard, button, label


def time_left(deadline: datetime | None, now: datetime) -> str:
    """The time left until `deadline` as minutes:seconds ("9:05"), never negative."""
    if deadline is None:
        return ""
    seconds = max(0, int((deadline - now).total_seconds() + 0.999))
    return f"{seconds // 60}:{seconds % 60:02d}"


class PaymentPage(Page):
    def __init__(self, send: Send) -> None:
        super().__init__(send)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr = QrView(name="qr_payment")
        self.amount = label("title", name="lbl_amount", wrap=False)
        self.amount.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.amount_words = label("muted", name="lbl_amount_words")  # as the transfer slip
        self.amount_words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = InfoCard()
        self.countdown = label("heading", name="lbl_countdown")
        self.advice = label("body", name="lbl_advice")
        self.cashier = button("btn_pay_at_cashier", "secondary", self.sender_of(Pressed.COUNTER))
        self.words = column(self.amount, self.amount_words, self.details, self.countdown)
        self.columns = columns(self.qr, self.words)
        self.content.addLayout(self.columns, 1)
        self.content.addWidget(self.advice)
        self.content.addWidget(self.cashier)
        self._deadline: datetime | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(250)  # the seconds tick over on time, not up to 1 s late
        self._timer.timeout.connect(self._tick)

    def show_state(self, state: FlowState) -> None:
        payment = state.registration.payment if state.registration else None
        self.title.setText(self.tr("Scan to pay"))
        self.advice.setText(
            self.tr("Scan it with your bank's app: the ticket prints once the bank confirms.")
        )
        self.cashier.setText(self.tr("Pay at the cashier instead"))
        self.qr.set_payload(state.payment_code or "")
        self.amount.setText(format_vnd(payment.amount_vnd) if payment else "")
        self.amount_words.setText(vnd_in_words(payment.amount_vnd) if payment else "")
        self.details.set_rows(self._rows(payment))
        self._deadline = state.payment_deadline
        self._tick()

    def _rows(self, payment: PaymentRequest | None) -> list[tuple[str, str]]:
        if payment is None:
            return []
        return [
            (self.tr("Bank"), payment.bank_name),
            (self.tr("Account holder"), payment.account_name),
            (self.tr("Account"), payment.account),
            (self.tr("Transfer note"), payment.reference),
        ]

    def _tick(self) -> None:
        left = time_left(self._deadline, datetime.now())
        self.countdown.setText(self.tr("Time left: {time}").format(time=left) if left else "")

    def entered(self) -> None:
        self._timer.start()

    def left(self) -> None:
        self._timer.stop()
        self.qr.clear()
        self.details.clear()
        self.amount.clear()
        self.amount_words.clear()
        self._deadline = None

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        arrange_columns(self.columns, metrics)
        self.columns.setSpacing(metrics.spacing * 2)
        self.words.setSpacing(metrics.spacing // 2)  # the amount, its words and the rows: one block
        # 30–50 cm from a phone: on a 1080-pixel-wide screen the code takes over half of it.
        self.qr.minimum_side = metrics.px(540 if metrics.portrait else 460)
        self.qr.updateGeometry()
        # Landscape has the height of the code for the amount, the four rows and the time.
        self.details.apply_scale(metrics.px(20 if metrics.portrait else 16), metrics.px(8))
