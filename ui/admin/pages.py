"""One module: the small staff pages share AdminPage and its layout helpers (settings: its own).

The staff screens: PIN pad, device status with actions, recent tickets, follow-ups.

Each page only renders what the admin mode hands it and calls back with the staff's intent;
texts are set in `retranslate`/`show_*` so they follow the kiosk's current language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.domain import Ticket
from kiosk.staff.pin import MAX_PIN_DIGITS, MIN_PIN_DIGITS, PinAnswer, PinResult
from kiosk.staff.service import EXIT_RESTART, FollowUpKind, FollowUpView
from kiosk.staff.status import AdminStatus, Device, DeviceLine, Level
from ui.theme import BLUE, Metrics, Tone, repolish
from ui.widgets import (
    TOUCH_HEIGHT,
    IconKind,
    TileButton,
    ToneBox,
    button,
    clear_layout,
    digit_pad,
    icon_pixmap,
    label,
    show_if,
)

_TONES = {Level.OK: Tone.OK, Level.WARN: Tone.WARN, Level.BAD: Tone.BAD, Level.OFF: Tone.INFO}


class AdminPage(QWidget):
    """A staff page: a title, then its content in a scroll area (staff screens may be long)."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("page", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.title = label("title", name="lbl_admin_title")
        self.message = ToneBox("lbl_admin_message")
        self.message.hide()
        inner = QWidget()
        inner.setProperty("page", True)
        self.body = QVBoxLayout(inner)
        self.body.addWidget(self.title)
        self.body.addWidget(self.message)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        self.outer = QVBoxLayout(self)  # the scroll area; a page may add a fixed footer
        self.outer.setContentsMargins(0, 0, 0, 0)
        self.outer.addWidget(scroll)

    def retranslate(self) -> None:
        """Set the page's texts in the staff's language (each page has its own)."""
        raise NotImplementedError

    def say(self, tone: Tone, title: str, body: str = "") -> None:
        self.message.set_message(tone, title, body)
        self.message.show()

    def hush(self) -> None:
        self.message.hide()

    def apply_metrics(self, metrics: Metrics) -> None:
        self.body.setContentsMargins(
            metrics.margin, metrics.spacing, metrics.margin, metrics.spacing
        )
        self.body.setSpacing(metrics.spacing)
        self.message.apply_scale(metrics.px(56), metrics.px(20))


class PinPage(AdminPage):
    """Big keys like the ID keypad; the PIN shows as dots and is dropped once submitted."""

    def __init__(
        self,
        on_submit: Callable[[str], None],
        on_cancel: Callable[[], None],
        on_touch: Callable[[], None],
    ) -> None:
        super().__init__()
        self._on_submit = on_submit
        self._on_touch = on_touch
        self._pin = ""
        self.hint = label("muted", name="lbl_pin_hint")
        self.dots = label("key", name="lbl_pin_dots", wrap=False)
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grid, self.keys, self.backspace, self.clear = digit_pad(
            "pin", self._type, self._backspace, self._clear
        )
        self.cancel = button("btn_admin_cancel", "secondary", on_cancel)
        self.ok = button("btn_pin_ok", "primary", self._submit)
        actions = QHBoxLayout()
        actions.addWidget(self.cancel)
        actions.addWidget(self.ok, 1)
        self.body.insertWidget(1, self.hint)
        self.body.addWidget(self.dots)
        self.body.addLayout(self.grid, 1)
        self.body.addLayout(actions)
        self._checking = False
        self._closed = False  # no PIN configured: the keys stay off

    @property
    def pin_length(self) -> int:
        return len(self._pin)

    def reset(self, *, closed: bool = False) -> None:
        self._pin = ""
        self._checking = False
        self._closed = closed
        self.hush()
        if closed:
            self.say(
                Tone.BAD,
                self.tr("Staff mode is not set up on this kiosk"),
                self.tr("IT staff set a PIN with: kiosk admin set-pin CONFIG-FILE"),
            )
        self._refresh()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Staff mode"))
        self.hint.setText(self.tr("Enter the staff PIN"))
        self.clear.setText(self.tr("Clear"))
        self.backspace.setAccessibleName(self.tr("Delete the last digit"))
        self.cancel.setText(self.tr("Cancel"))
        self.ok.setText(self.tr("Open"))

    def set_checking(self, checking: bool) -> None:
        self._checking = checking
        if checking:
            self.say(Tone.INFO, self.tr("Checking the PIN…"))
        self._refresh()

    def show_answer(self, answer: PinAnswer) -> None:
        self._checking = False
        if answer.result is PinResult.WRONG:
            self.say(
                Tone.BAD,
                self.tr("Wrong PIN"),
                self.tr("{left} tries left before staff mode locks for 5 minutes.").format(
                    left=answer.attempts_left
                ),
            )
        elif answer.result is PinResult.LOCKED:
            self.show_locked(answer.locked_seconds)
        elif answer.result is PinResult.NOT_CONFIGURED:
            self.reset(closed=True)
        self._refresh()

    def show_locked(self, seconds: float) -> None:
        minutes = max(1, round(seconds / 60 + 0.49))
        self.say(
            Tone.BAD,
            self.tr("Too many wrong PINs: staff mode is locked"),
            self.tr("Try again in {minutes} min.").format(minutes=minutes),
        )

    def _type(self, digit: str) -> None:
        self._on_touch()
        if len(self._pin) < MAX_PIN_DIGITS and not self._checking:
            self._pin += digit
            self._refresh()

    def _backspace(self) -> None:
        self._on_touch()
        self._pin = self._pin[:-1]
        self._refresh()

    def _clear(self) -> None:
        self._on_touch()
        self._pin = ""
        self._refresh()

    def _submit(self) -> None:
        if len(self._pin) < MIN_PIN_DIGITS or self._checking:
            return
        pin, self._pin = self._pin, ""  # not kept a moment longer than the check needs
        self._on_submit(pin)

    def _refresh(self) -> None:
        self.dots.setText("●" * len(self._pin) + "○" * max(0, MIN_PIN_DIGITS - len(self._pin)))
        usable = not self._checking and not self._closed
        for key in self.keys:
            key.setEnabled(usable and len(self._pin) < MAX_PIN_DIGITS)
        self.backspace.setEnabled(usable and bool(self._pin))
        self.clear.setEnabled(usable and bool(self._pin))
        self.ok.setEnabled(usable and len(self._pin) >= MIN_PIN_DIGITS)
        show_if(self.dots, not self._closed)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.grid.setSpacing(metrics.spacing)
        side = metrics.px(72)
        self.backspace.setIcon(QIcon(icon_pixmap(IconKind.BACKSPACE, side * 2, BLUE)))
        self.backspace.setIconSize(QSize(side, side))
        key_height = metrics.px(150) if metrics.portrait else metrics.touch
        for key in [*self.keys, self.backspace, self.clear]:
            key.setProperty(TOUCH_HEIGHT, key_height)


class StatusPage(AdminPage):
    """Every device at a glance, and what staff can do about it."""

    def __init__(self, actions: dict[str, Callable[[], None]]) -> None:
        super().__init__()
        # Which kiosk, beside the title: on its own line it would push the way out off the screen.
        self.kiosk = label("muted", name="lbl_admin_kiosk")
        self.kiosk.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = QHBoxLayout()
        self.body.removeWidget(self.title)
        header.addWidget(self.title)
        header.addWidget(self.kiosk, 1)
        self.body.insertLayout(0, header)
        self.subtitle = label("muted", name="lbl_admin_subtitle")
        self.body.insertWidget(1, self.subtitle)
        self.rows: dict[Device, ToneBox] = {}
        for device in Device:
            box = ToneBox(f"lbl_status_{device.value}")
            box.setObjectName(f"status_{device.value}")
            self.rows[device] = box
        self.row_grid = QGridLayout()
        self.body.addLayout(self.row_grid)
        self.buttons: dict[str, QPushButton] = {}
        for name in ("refresh", "test_print", "tickets", "follow_ups", "restart", "exit_desktop"):
            self.buttons[name] = button(f"btn_admin_{name}", "secondary", actions[name])
        self.grid = QGridLayout()
        self.body.addLayout(self.grid)
        # Beside the way out, not in the grid: a third row would push it off a landscape screen.
        self.settings_button = button("btn_admin_settings", "secondary", actions["settings"])
        self.close_button = button("btn_admin_close", "primary", actions["close"])
        last_row = QHBoxLayout()
        last_row.addWidget(self.settings_button)
        last_row.addWidget(self.close_button, 1)
        self.body.addLayout(last_row)
        self.body.addStretch(1)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Staff mode"))
        self.buttons["refresh"].setText(self.tr("Refresh"))
        self.buttons["test_print"].setText(self.tr("Test print"))
        self.buttons["tickets"].setText(self.tr("Reprint a ticket"))
        self.buttons["follow_ups"].setText(self.tr("Follow-ups"))
        self.buttons["restart"].setText(self.tr("Restart the kiosk"))
        self.buttons["exit_desktop"].setText(self.tr("Exit to the desktop"))
        self.settings_button.setText(self.tr("Settings"))
        self.close_button.setText(self.tr("Back to check-in"))

    def set_kiosk(self, kiosk_id: str, name: str) -> None:
        """The kiosk's id and where it stands (kiosk.name, "" if not set), in the header."""
        self.kiosk.setText(f"{kiosk_id} · {name}" if name else kiosk_id)

    def show_loading(self) -> None:
        self.subtitle.setText(self.tr("Reading the devices…"))

    def show_status(self, status: AdminStatus) -> None:
        self.subtitle.setText(
            self.tr("Status at {time}").format(time=status.taken_at.strftime("%H:%M:%S"))
        )
        for line in status.lines:
            body = self._detail(line)
            if line.device is Device.OUTBOX and line.level is not Level.OFF:
                body = f"{body}\n{self._last_sync(status.last_sync)}"
            if line.device is Device.STAFF_ALERTS and line.detail != "staff_page_only":
                body = f"{body}\n{self._alert_delivery(status)}"
            self.rows[line.device].set_message(_TONES[line.level], self._device(line.device), body)

    def show_unavailable(self, reason: str) -> None:
        self.subtitle.setText(
            self.tr("The devices could not be read ({reason})").format(reason=reason)
        )

    def _last_sync(self, at: datetime | None) -> str:
        if at is None:
            return self.tr("Never synced with the hospital yet")
        return self.tr("Last sync: {time}").format(time=at.astimezone().strftime("%d/%m %H:%M"))

    def _alert_delivery(self, status: AdminStatus) -> str:
        at = status.last_alert_delivery
        when = (
            self.tr("Last delivered: {time}").format(time=at.strftime("%d/%m %H:%M"))
            if at is not None
            else self.tr("Nothing delivered yet")
        )
        if status.alert_error:
            return f"{when}\n" + self.tr("Last failure: {error}").format(error=status.alert_error)
        return when

    def _device(self, device: Device) -> str:
        return {
            Device.CARD_READER: self.tr("Card reader"),
            Device.CAMERA: self.tr("Camera"),
            Device.SCANNER: self.tr("QR scanner"),
            Device.PRINTER: self.tr("Ticket printer"),
            Device.HOSPITAL: self.tr("Hospital link"),
            Device.OUTBOX: self.tr("Offline outbox"),
            Device.STAFF_ALERTS: self.tr("Staff alerts"),
        }[device]

    def _detail(self, line: DeviceLine) -> str:
        count = line.count or 0
        if line.device is Device.CARD_READER and line.detail == "ready":
            return self.tr("Ready ({count} reader(s))").format(count=count)
        if line.device is Device.OUTBOX and line.detail == "waiting":
            return self.tr("{count} check-ins waiting to be sent").format(count=count)
        if line.device is Device.STAFF_ALERTS:
            return self._alerts_detail(line.detail, count)
        words = {
            "not_configured": self.tr("Not configured"),
            "no_reader": self.tr("No reader connected"),
            "card_present": self.tr("A card is on the reader"),
            "ready": self.tr("Ready"),
            "simulated": self.tr("Simulated (demo)"),
            "active": self.tr("Working"),
            "starting": self.tr("Starting"),
            "stopped": self.tr("Stopped"),
            "not_found": self.tr("Not found"),
            "unplugged": self.tr("Unplugged"),
            "failed": self.tr("Failed"),
            "disconnected": self.tr("Disconnected"),
            "keyboard": self.tr("Keyboard-wedge scanner"),
            "out_of_paper": self.tr("Out of paper"),
            "cover_open": self.tr("Cover open"),
            "offline": self.tr("Offline"),
            "write_failed": self.tr("Cannot send to the printer"),
            "paper_near_end": self.tr("Paper nearly out"),
            "unknown": self.tr("Unknown"),
            "online": self.tr("Online"),
            "empty": self.tr("Nothing waiting"),
        }
        return words.get(line.detail, line.detail)

    def _alerts_detail(self, detail: str, count: int) -> str:
        words = {
            "not_configured": self.tr("Not started"),
            "staff_page_only": self.tr("No webhook: shown only here ({count} open)"),
            "not_delivered": self.tr("Not reaching staff: {count} alerts waiting"),
            "sending": self.tr("Sending {count} alerts"),
            "delivered": self.tr("Reaching staff ({count} open)"),
        }
        return words.get(detail, detail).format(count=count)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        # Portrait: one device a row, actions two a row; landscape: 4 and 3, so it all fits.
        arrange(self.row_grid, list(self.rows.values()), 1 if metrics.portrait else 4)
        arrange(self.grid, list(self.buttons.values()), 2 if metrics.portrait else 3)
        for grid in (self.row_grid, self.grid):
            grid.setSpacing(metrics.spacing)
        for box in self.rows.values():
            box.apply_scale(metrics.px(48), metrics.px(14 if metrics.portrait else 8))


def arrange(grid: QGridLayout, widgets: Sequence[QWidget], columns: int) -> None:
    for widget in widgets:
        grid.removeWidget(widget)
    for index, widget in enumerate(widgets):
        grid.addWidget(widget, index // columns, index % columns)
    for column in range(3):
        grid.setColumnStretch(column, 1 if column < columns else 0)


def mark(widget: QPushButton, chosen: bool) -> None:
    """The chosen option is filled like a primary button; the others are outlined."""
    kind = "primary" if chosen else "secondary"
    if widget.property("kind") != kind:
        widget.setProperty("kind", kind)
        repolish(widget)


class LeaveKioskPage(AdminPage):
    """One question before a step that stops check-ins (restart, exit to the desktop): what it
    costs patients in a warning box, then Cancel or do it."""

    def __init__(self, on_confirm: Callable[[int], None], on_cancel: Callable[[], None]) -> None:
        super().__init__()
        self._on_confirm = on_confirm
        self._code = EXIT_RESTART
        self.cancel = button("btn_confirm_cancel", "secondary", on_cancel)
        self.confirm = button("btn_confirm_ok", "primary", lambda: self._on_confirm(self._code))
        actions = QHBoxLayout()
        actions.addWidget(self.cancel, 1)
        actions.addWidget(self.confirm, 1)
        self.body.addStretch(1)
        self.body.addLayout(actions)

    @property
    def code(self) -> int:
        """The exit status asked about: EXIT_RESTART or EXIT_TO_DESKTOP."""
        return self._code

    def ask(self, code: int) -> None:
        self._code = code

    def retranslate(self) -> None:
        if self._code == EXIT_RESTART:
            self.title.setText(self.tr("Restart the kiosk?"))
            consequence = self.tr("Patients cannot check in for about a minute.")
            self.confirm.setText(self.tr("Restart"))
        else:
            self.title.setText(self.tr("Exit to the desktop?"))
            consequence = self.tr("The kiosk stops serving patients until it is started again.")
            self.confirm.setText(self.tr("Exit to the desktop"))
        self.say(Tone.WARN, consequence)
        self.cancel.setText(self.tr("Cancel"))


class ListPage(AdminPage):
    """A hint, a list the subclass fills, and Back at the bottom."""

    def __init__(self, hint_name: str, on_back: Callable[[], None]) -> None:
        super().__init__()
        self.hint = label("muted", name=hint_name)
        self.body.insertWidget(1, self.hint)
        self.list = QVBoxLayout()
        self.body.addLayout(self.list)
        self.body.addStretch(1)
        self.back = button("btn_admin_back", "secondary", on_back)
        self.body.addWidget(self.back)

    def retranslate(self) -> None:
        self.back.setText(self.tr("‹ Back"))


class TicketsPage(ListPage):
    """The last tickets printed here, newest first; a touch reprints one."""

    def __init__(self, on_reprint: Callable[[Ticket], None], on_back: Callable[[], None]) -> None:
        super().__init__("lbl_tickets_hint", on_back)
        self._on_reprint = on_reprint
        self.tiles: list[TileButton] = []
        self._metrics: Metrics | None = None

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Reprint a ticket"))

    def show_tickets(self, tickets: Sequence[Ticket]) -> None:
        clear_layout(self.list)
        self.tiles = []
        if not tickets:
            self.hint.setText(self.tr("No ticket has been printed since the kiosk started."))
            return
        self.hint.setText(self.tr("The last tickets printed here, newest first. Touch one."))
        for index, ticket in enumerate(tickets):
            tile = TileButton(f"tile_ticket_{index}", partial(self._on_reprint, ticket))
            tile.set_texts(
                f"{ticket.queue_label} · {ticket.issued_at.strftime('%H:%M')}",
                [ticket.department_name, ticket.masked_name],
            )
            if self._metrics is not None:
                tile.apply_scale(self._metrics.px(28), self._metrics.px(18))
            self.list.addWidget(tile)
            self.tiles.append(tile)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self._metrics = metrics
        self.list.setSpacing(metrics.spacing)


# The buttons each kind of follow-up row carries besides "Done" (issue 14).
_ACTIONS = {
    FollowUpKind.REFUSED: (),
    FollowUpKind.QUARANTINED: ("retry", "drop"),
    FollowUpKind.UNPRINTED: ("reprint",),
}


class FollowUpsPage(ListPage):
    """Check-ins the hospital refused after an offline ticket: staff call them to the counter."""

    def __init__(
        self,
        on_resolve: Callable[[str], None],
        on_back: Callable[[], None],
        on_action: Callable[[str, str], None] = lambda key, action: None,
    ) -> None:
        """`on_action(key, action)`: "retry" or "drop" a quarantined check-in, "reprint" one
        registered but never printed (issue 14)."""
        super().__init__("lbl_follow_ups_hint", on_back)
        self._on_resolve = on_resolve
        self._on_action = on_action
        self.done_buttons: list[QPushButton] = []
        self.action_buttons: dict[str, list[QPushButton]] = {}

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Offline follow-ups"))

    def show_follow_ups(self, items: Sequence[FollowUpView]) -> None:
        clear_layout(self.list)
        self.done_buttons = []
        if not items:
            self.hint.setText(self.tr("Nothing to follow up."))
            return
        self.hint.setText(
            self.tr(
                "The hospital refused these check-ins after the kiosk printed a provisional "
                "ticket. Call the ticket number to the counter, then mark it done."
            )
        )
        self.action_buttons = {"retry": [], "drop": [], "reprint": []}
        for index, item in enumerate(items):
            row = QFrame()
            row.setProperty("card", True)
            line = QHBoxLayout(row)
            text = label("strong", name=f"lbl_follow_up_{index}")
            text.setWordWrap(True)
            text.setText(
                self.tr("Ticket {ticket} · {department} · {reason} · {time}").format(
                    ticket=item.ticket_label or "—",
                    department=item.department_code,
                    reason=self._reason(item),
                    time=item.created_at.astimezone().strftime("%d/%m %H:%M"),
                )
            )
            line.addWidget(text, 1)
            if item.kind is FollowUpKind.REFUSED:
                done = button(
                    f"btn_follow_up_done_{index}", "secondary", partial(self._on_resolve, item.key)
                )
                done.setText(self.tr("Done"))
                line.addWidget(done)
                self.done_buttons.append(done)
            for action in _ACTIONS[item.kind]:
                pressed = button(f"btn_follow_up_{action}_{index}", "secondary",
                                 partial(self._on_action, item.key, action))  # fmt: skip
                pressed.setText(self._action_text(action))
                line.addWidget(pressed)
                self.action_buttons[action].append(pressed)
            self.list.addWidget(row)

    def _action_text(self, action: str) -> str:
        return {
            "retry": self.tr("Send again"),
            "drop": self.tr("Drop"),
            "reprint": self.tr("Print"),
        }[action]

    def _reason(self, item: FollowUpView) -> str:
        """Why it is listed: the hospital's refusal code in words (an unknown code as it
        came), its last answer to a quarantined check-in, or a ticket never printed."""
        if item.kind is FollowUpKind.QUARANTINED:
            return self.tr("not sent: {answer}").format(answer=item.reason)
        if item.kind is FollowUpKind.UNPRINTED:
            return self.tr("registered, ticket not printed")
        code = item.reason
        return {
            "patient_not_found": self.tr("patient not found"),
            "identity_not_found": self.tr("identity not found"),
            "insurance_not_valid": self.tr("insurance not valid"),
            "department_not_found": self.tr("department not found"),
            "appointment_not_found": self.tr("appointment not found"),
        }.get(code, code)
