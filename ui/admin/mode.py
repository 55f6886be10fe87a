"""Staff mode over the kiosk window: the PIN pad, then the staff pages.

Built the first time staff make the corner gesture (ui/admin/gesture.py, wired in
kiosk/app/controller.py), so none of it is on the kiosk's start path.

Staff mode opens only while the kiosk waits on its welcome screen: mid-session the gesture
is refused (a patient may be in front of it), and while it is open a patient's card or code
is cancelled at once, so no session runs hidden under the staff pages. Every blocking call
(the slow PIN hash, the devices, the printer, the outbox) runs on a worker thread and comes
back as a queued signal: the GUI thread never waits. Entry, exit and every staff action are
written to the audit log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.domain import PrinterError, PrinterProblem, Ticket
from kiosk.core.flow import NOT_CANCELLABLE, Event, FlowState, Pressed, Screen
from kiosk.staff.pin import PinAnswer, PinResult
from kiosk.staff.service import EXIT_RESTART, EXIT_TO_DESKTOP, AdminService
from kiosk.staff.settings import DeviceLists, Settings, SettingsFile, detect
from kiosk.staff.status import AdminStatus
from ui.admin.pages import (
    AdminPage,
    FollowUpsPage,
    LeaveKioskPage,
    PinPage,
    StatusPage,
    TicketsPage,
)
from ui.admin.settings_page import SettingsPage
from ui.camera_view import camera_names
from ui.theme import Metrics, Tone, button_font, font_for
from ui.widgets import TOUCH_HEIGHT

audit = logging.getLogger("kiosk.audit.admin")


def _leaving(code: int) -> str:
    return "restart" if code == EXIT_RESTART else "exit to the desktop"


@dataclass(frozen=True)
class _Outcome:
    value: Any = None
    error: Exception | None = None


class AdminPanel(QWidget):
    """The staff pages, covering the whole kiosk window while staff mode is open."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("admin_panel")
        self.setProperty("page", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.stack = QStackedWidget()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.stack)
        self._metrics: Metrics | None = None
        self._covered = parent
        parent.installEventFilter(self)  # follow the window's size
        self.hide()

    def add(self, page: AdminPage) -> None:
        self.stack.addWidget(page)

    def show_page(self, page: AdminPage) -> None:
        self.stack.setCurrentWidget(page)
        self.style_fonts()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._covered:
            if event.type() is QEvent.Type.Resize:
                self.cover()
            elif event.type() is QEvent.Type.ChildAdded and self.isVisible():
                self.raise_()  # e.g. the offline banner, made when the hospital first goes down
        return False

    def cover(self) -> None:
        """Take the whole of the widget the panel covers."""
        self.setGeometry(self._covered.rect())

    def apply_metrics(self, metrics: Metrics) -> None:
        if metrics == self._metrics:
            return
        self._metrics = metrics
        for index in range(self.stack.count()):
            page = self.stack.widget(index)
            assert isinstance(page, AdminPage)
            page.apply_metrics(metrics)
        self.style_fonts()

    def style_fonts(self) -> None:
        """Fonts by role and kind, buttons at least a fingertip, as on the patient pages."""
        m = self._metrics
        if m is None:
            return
        for text in self.findChildren(QLabel):
            text.setFont(font_for(m, str(text.property("role") or "body")))
        for widget in self.findChildren(QPushButton):
            kind = str(widget.property("kind") or "secondary")
            widget.setFont(button_font(m, kind))
            widget.setMinimumWidth(m.touch)
            compact = kind in ("key", "key_text", "keycap")
            asked = int(widget.property(TOUCH_HEIGHT) or 0)
            widget.setMinimumHeight(max(m.touch if compact else m.button_height, asked))
        for field in self.findChildren(QLineEdit):
            field.setFont(font_for(m, "body"))
            field.setMinimumHeight(m.touch)


class AdminMode(QObject):
    """Opens, runs and closes staff mode over one kiosk window."""

    _done = Signal(object, object)  # (callback, _Outcome) from worker threads

    def __init__(
        self,
        window: QWidget,
        service: AdminService,
        *,
        flow_state: Callable[[], FlowState],
        send: Callable[[Event], None],
        quit_kiosk: Callable[[int], None],
        kiosk_id: str,
        idle_seconds: float,
        metrics: Callable[[], Metrics | None],
        devices: DeviceLists,
        settings: SettingsFile | None = None,
        kiosk_name: str = "",
    ) -> None:
        super().__init__(window)
        self._window = window
        self.service = service
        self.settings = settings or SettingsFile(None)
        self._devices = devices
        self._flow_state = flow_state
        self._send = send
        self._quit = quit_kiosk
        self._metrics = metrics
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._busy = 0  # worker calls in flight (tests wait for 0)

        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(int(idle_seconds * 1000))
        self._idle.timeout.connect(lambda: self.close("idle"))

        self._unlocked = False
        root = window.centralWidget() if hasattr(window, "centralWidget") else window
        self.panel = AdminPanel(root)
        self.pin_page = PinPage(self._check_pin, lambda: self.close("cancelled"), self._touch)
        self.status_page = StatusPage(
            {
                "refresh": self._refresh_status,
                "test_print": self._test_print,
                "tickets": self._show_tickets,
                "follow_ups": self._show_follow_ups,
                "settings": self._show_settings,
                "restart": lambda: self._leave_kiosk(EXIT_RESTART),
                "exit_desktop": lambda: self._leave_kiosk(EXIT_TO_DESKTOP),
                "close": lambda: self.close("closed by staff"),
            }
        )
        self.status_page.set_kiosk(kiosk_id, kiosk_name)
        self.tickets_page = TicketsPage(self._reprint, self._show_status_page)
        self.follow_ups_page = FollowUpsPage(
            self._resolve, self._show_follow_ups_back, self._follow_up_action
        )
        self.settings_page = SettingsPage(
            self._save_settings,
            lambda: self._leave_kiosk(EXIT_RESTART),
            self._show_status_page,
            self._touch,
        )
        self.confirm_page = LeaveKioskPage(self._leave_now, self._stay)
        self._asked_from: AdminPage = self.status_page  # where Cancel on the question goes
        pages = (
            self.pin_page,
            self.status_page,
            self.tickets_page,
            self.follow_ups_page,
            self.settings_page,
            self.confirm_page,
        )
        for page in pages:
            self.panel.add(page)

    # --- opening and closing ----------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.panel.isVisible()

    @property
    def unlocked(self) -> bool:
        return self._unlocked

    @property
    def busy(self) -> bool:
        return self._busy > 0

    @Slot()
    def request_open(self) -> None:
        """The gesture: the PIN pad, if no patient is using the kiosk."""
        if self.is_open:
            return
        screen = self._flow_state().screen
        if screen is not Screen.WELCOME:
            audit.warning("staff mode refused: a patient session is on %s", screen.name)
            return
        if not self.service.available:
            audit.warning("staff mode asked for, but no admin.pin_hash is configured")
        audit.warning("staff mode: PIN pad opened")
        self._unlocked = False
        self.pin_page.reset(closed=not self.service.available)
        self._show(self.pin_page)
        self.panel.cover()
        self.panel.show()
        self.panel.raise_()
        self._touch()
        if self.service.available:
            self._background(self.service.locked_seconds, self._lock_known)

    def close(self, reason: str) -> None:
        if not self.is_open:
            return
        self._idle.stop()
        self.panel.hide()
        self.pin_page.reset()
        self.tickets_page.show_tickets([])  # drop the masked names from the widgets
        if self._unlocked:
            audit.warning("staff mode left (%s)", reason)
        else:
            audit.warning("staff mode PIN pad closed (%s)", reason)
        self._unlocked = False

    def flow_changed(self, state: FlowState) -> None:
        """Hold the patient flow at the welcome screen while staff mode is open."""
        # From the welcome screen only cancellable ones can be reached without a touch.
        if self.is_open and state.screen not in NOT_CANCELLABLE:
            audit.info("patient input cancelled while staff mode is open")
            self._send(Pressed.CANCEL)

    # --- the PIN ----------------------------------------------------------------------

    def _check_pin(self, pin: str) -> None:
        self._touch()
        self.pin_page.set_checking(True)
        self.panel.style_fonts()
        self._background(lambda: self.service.check_pin(pin), self._pin_answered)

    def _pin_answered(self, outcome: _Outcome) -> None:
        if outcome.error is not None:
            audit.error("PIN check failed: %s", type(outcome.error).__name__)
            self.pin_page.show_answer(PinAnswer(PinResult.NOT_CONFIGURED, 0, 0.0))
            return
        answer: PinAnswer = outcome.value
        if answer.result is PinResult.ACCEPTED:
            self._unlocked = True
            audit.warning("staff mode entered")
            self._show_status_page()
            return
        self.pin_page.show_answer(answer)
        self.panel.style_fonts()

    def _lock_known(self, outcome: _Outcome) -> None:
        if outcome.error is None and outcome.value > 0 and not self._unlocked:
            self.pin_page.set_checking(False)
            self.pin_page.show_locked(outcome.value)
            self.panel.style_fonts()

    # --- the staff pages --------------------------------------------------------------

    def _show_status_page(self) -> None:
        self._touch()
        self.status_page.hush()
        self._show(self.status_page)
        self._refresh_status()

    def _refresh_status(self) -> None:
        self._touch()
        self.status_page.show_loading()
        self._background(self.service.status, self._status_read)

    def _status_read(self, outcome: _Outcome) -> None:
        if outcome.error is not None:
            self.status_page.show_unavailable(str(outcome.error))
        else:
            status: AdminStatus = outcome.value
            self.status_page.show_status(status)
        self.panel.style_fonts()

    def _test_print(self) -> None:
        self._touch()
        self.status_page.say(Tone.INFO, self.tr("Printing the test ticket…"))
        self.panel.style_fonts()
        self._background(self.service.test_print, lambda o: self._printed(self.status_page, o))

    def _show_tickets(self) -> None:
        self._touch()
        self.tickets_page.hush()
        self.tickets_page.show_tickets(self.service.recent.newest_first())
        self._show(self.tickets_page)

    def _reprint(self, ticket: Ticket) -> None:
        self._touch()
        self.tickets_page.say(Tone.INFO, self.tr("Printing ticket {label} again…").format(
            label=ticket.queue_label))  # fmt: skip
        self.panel.style_fonts()
        self._background(
            lambda: self.service.reprint(ticket), lambda o: self._printed(self.tickets_page, o)
        )

    def _printed(self, page: AdminPage, outcome: _Outcome) -> None:
        if outcome.error is None:
            page.say(Tone.OK, self.tr("Printed. Take the ticket from the printer."))
        elif isinstance(outcome.error, PrinterError):
            page.say(
                Tone.BAD,
                self.tr("Not printed: {problem}").format(
                    problem=self._printer_problem(outcome.error.problem)
                ),
                self.tr("Check the paper and the cover, then try again."),
            )
        else:
            page.say(Tone.BAD, self.tr("Not printed: {problem}").format(problem=outcome.error))
        self.panel.style_fonts()

    def _printer_problem(self, problem: PrinterProblem) -> str:
        return {
            PrinterProblem.OUT_OF_PAPER: self.tr("out of paper"),
            PrinterProblem.COVER_OPEN: self.tr("the cover is open"),
            PrinterProblem.OFFLINE: self.tr("the printer is offline"),
            PrinterProblem.WRITE_FAILED: self.tr("the printer did not take the job"),
        }.get(problem, problem.value)

    def _show_follow_ups(self) -> None:
        self._touch()
        self.follow_ups_page.hush()
        self._show(self.follow_ups_page)
        self._background(self.service.follow_ups, self._follow_ups_read)

    def _show_follow_ups_back(self) -> None:
        self._show_status_page()

    def _follow_ups_read(self, outcome: _Outcome) -> None:
        if outcome.error is not None:
            self.follow_ups_page.say(Tone.BAD, str(outcome.error))
            self.follow_ups_page.show_follow_ups([])
        else:
            self.follow_ups_page.show_follow_ups(outcome.value)
        self.panel.style_fonts()

    def _resolve(self, key: str) -> None:
        self._touch()

        def resolve_then_list() -> object:
            self.service.resolve_follow_up(key)
            return self.service.follow_ups()

        self._background(resolve_then_list, self._follow_ups_read)

    def _follow_up_action(self, key: str, action: str) -> None:
        """Retry or drop a quarantined check-in, or print one never printed (issue 14)."""
        self._touch()
        act = {
            "retry": self.service.retry_quarantined,
            "drop": self.service.drop_quarantined,
            "reprint": self.service.reprint_unprinted,
        }[action]

        def act_then_list() -> object:
            act(key)
            return self.service.follow_ups()

        self._background(act_then_list, self._follow_ups_read)

    def _show_settings(self) -> None:
        self._touch()
        self.settings_page.show_loading(self.settings.available)
        self._show(self.settings_page)
        if self.settings.available:

            def read() -> object:
                return self.settings.read(), detect(self.service.departments, self._devices)

            self._background(read, self._settings_read)

    def _settings_read(self, outcome: _Outcome) -> None:
        if outcome.error is not None:
            self.settings_page.show_failed(outcome.error)
        else:
            settings, detected = outcome.value
            self.settings_page.show_settings(settings, detected, camera_names())
        self.panel.style_fonts()

    def _save_settings(self, settings: Settings) -> None:
        self.panel.style_fonts()
        self._background(lambda: self.settings.save(settings), self._settings_saved)

    def _settings_saved(self, outcome: _Outcome) -> None:
        if outcome.error is not None:
            self.settings_page.show_failed(outcome.error)
        else:
            self.settings_page.show_saved(outcome.value)
        self.panel.style_fonts()

    def _leave_kiosk(self, code: int) -> None:
        """Restart or exit stops check-ins: asked once more, on its own page."""
        self._touch()
        current = self.panel.stack.currentWidget()
        assert isinstance(current, AdminPage)
        self._asked_from = current
        self.confirm_page.ask(code)
        self._show(self.confirm_page)

    def _stay(self) -> None:
        self._touch()
        audit.warning("staff cancelled the %s", _leaving(self.confirm_page.code))
        self._show(self._asked_from)

    def _leave_now(self, code: int) -> None:
        what = _leaving(code)
        audit.warning("staff asked for %s (exit status %d)", what, code)
        self.close(what)
        self._quit(code)

    # --- plumbing ---------------------------------------------------------------------

    def _show(self, page: AdminPage) -> None:
        metrics = self._metrics()
        if metrics is not None:
            self.panel.apply_metrics(metrics)
        page.retranslate()
        self.panel.show_page(page)

    def _touch(self) -> None:
        """Staff touched something: the idle countdown starts again."""
        self._idle.start()

    def _background(self, work: Callable[[], Any], then: Callable[[_Outcome], None]) -> None:
        self._busy += 1

        def run() -> None:
            try:
                outcome = _Outcome(value=work())
            except Exception as error:  # noqa: BLE001 - shown to staff on the GUI thread
                outcome = _Outcome(error=error)
            self._done.emit(then, outcome)

        threading.Thread(target=run, name="admin", daemon=True).start()

    @Slot(object, object)
    def _deliver(self, then: Callable[[_Outcome], None], outcome: _Outcome) -> None:
        self._busy -= 1
        if outcome.error is not None and not isinstance(outcome.error, PrinterError):
            audit.warning("staff action failed: %s", type(outcome.error).__name__)
        if self.is_open:
            then(outcome)
