"""KioskWindow: the patient-facing window, a thin view of the flow's state.

`show_state(state)` is the only way in; button presses leave through `send` as the flow's events.
The window holds nothing of the patient beyond what the current state shows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.flow import (
    BUSY_SCREENS,
    NOT_CANCELLABLE,
    Event,
    FlowState,
    Language,
    Pressed,
    Screen,
)
from ui.i18n import in_every_language, set_language
from ui.screens.base import Page
from ui.screens.welcome import WelcomePage
from ui.theme import Metrics, Tone, button_font, font_for, repolish, stylesheet
from ui.widgets import TOUCH_HEIGHT, ToneBox, button, fit_label, label, show_if

if TYPE_CHECKING:  # loaded when first needed: the welcome screen does not wait for them
    from ui.idle_countdown import IdleCountdown
    from ui.speech import SpeechGuide

# The language toggle names the other language in that language, so it reads right to the
# person who needs it: not translated.
_OTHER_LANGUAGE_NAME = {Language.VI: "English", Language.EN: "Tiếng Việt"}
_STAFF_CALL_SHOWN_MS = 60_000  # a call's answer stays this long, or until the session ends


def _call_staff_source(m: Metrics) -> str:
    """The call-staff button's wording (see `_call_staff_wording`): landscape's bar also carries
    Back, and the short form keeps the hospital's name beside the buttons there."""
    return "Call staff for help" if m.portrait else "Call staff"


# Screen -> (module, class) of its page. Pages are built the first time they are needed, so
# the welcome screen comes up without waiting for the other eighteen; the four busy screens
# share one page.
_PAGES: dict[Screen, tuple[str, str]] = {
    Screen.WELCOME: ("welcome", "WelcomePage"),
    Screen.KEYPAD: ("keypad", "KeypadPage"),
    Screen.CARD_NEEDS_ID: ("card_needs_id", "CardNeedsIdPage"),
    Screen.PLACE_CARD: ("place_card", "PlaceCardPage"),
    Screen.BIRTH_DATE: ("keypad", "BirthDatePage"),
    Screen.READ_FAILED: ("read_failed", "ReadFailedPage"),
    Screen.LOOKING_UP: ("busy", "BusyPage"),
    Screen.CREATING_PATIENT: ("busy", "BusyPage"),
    Screen.REGISTERING: ("busy", "BusyPage"),
    Screen.PAYING: ("payment", "PaymentPage"),
    Screen.PRINTING: ("busy", "BusyPage"),
    Screen.NOT_FOUND: ("not_found", "NotFoundPage"),
    Screen.PATIENT_SUMMARY: ("patient_summary", "PatientSummaryPage"),
    Screen.HISTORY: ("history", "HistoryPage"),
    Screen.APPOINTMENT: ("appointment", "AppointmentPage"),
    Screen.SERVICE: ("service", "ServicePage"),
    Screen.DEPARTMENT: ("department", "DepartmentPage"),
    Screen.PRIORITY: ("priority", "PriorityPage"),
    Screen.CONFIRM: ("confirm", "ConfirmPage"),
    Screen.TICKET: ("ticket", "TicketPage"),
    Screen.PRINTER_FAULT: ("printer_fault", "PrinterFaultPage"),
    Screen.HOSPITAL_UNAVAILABLE: ("message", "HospitalUnavailablePage"),
    Screen.GO_TO_COUNTER: ("counter_slip", "CounterSlipPage"),
    Screen.SWITCH_PATIENT: ("switch_patient", "SwitchPatientPage"),
    Screen.ALREADY_CHECKED_IN: ("already_checked_in", "AlreadyCheckedInPage"),
}


# Screens showing a number just issued: no Cancel (patients read it as "cancel my number");
# Done is the way out.
_NUMBER_ISSUED = frozenset({Screen.TICKET, Screen.PRINTER_FAULT})


class KioskWindow(QMainWindow):
    # "Call staff" pressed, with the screen's name (never anything about the patient); the app
    # answers with `show_staff_call(told)`.
    call_staff_requested = Signal(str)

    def __init__(
        self,
        send: Callable[[Event], None],
        *,
        hospital_name: str,
        dpi: float | None = None,
    ) -> None:
        """`dpi` overrides the density the screen reports (monitors often report nonsense)."""
        super().__init__()
        self._send = send
        self._dpi = dpi
        self._metrics: Metrics | None = None
        self._state: FlowState | None = None
        self._show_back = False
        self._staff_told_session: int | None = None  # a printer-fault alert reached staff
        self._staff_call_session: int | None = None  # the session whose call is on show
        self.setWindowTitle(hospital_name)

        root = QWidget()
        root.setObjectName("kiosk_root")
        # The window's size is the screen's, never the content's: pages adapt to it instead
        # (a portrait layout must not keep a landscape window taller than the screen).
        root.setMinimumSize(1, 1)
        column = QVBoxLayout(root)
        column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.setCentralWidget(root)

        self.top_bar = QWidget()
        self.top_bar.setObjectName("top_bar")
        self.top_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        # One line, never wrapped between the buttons: beside them when it fits, else on a
        # line of its own above them (`_place_hospital_name`).
        self.hospital = fit_label("bar", name="lbl_hospital")
        self.hospital.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.hospital.setText(hospital_name)
        self.clock = label("clock", name="lbl_clock", wrap=False)
        self.language_button = button("btn_language", "bar", self._toggle_language)
        self.cancel_button = button("btn_cancel", "cancel", lambda: self._send(Pressed.CANCEL))
        self.call_staff_button = button("btn_call_staff", "bar", self._call_staff)
        self.top_row = QHBoxLayout()
        self.name_row = QHBoxLayout()
        top_column = QVBoxLayout(self.top_bar)
        top_column.setContentsMargins(0, 0, 0, 0)
        top_column.setSpacing(0)
        top_column.addLayout(self.name_row)
        top_column.addLayout(self.top_row)
        self.top_row.addWidget(self.hospital, 1)
        self.top_row.addWidget(self.clock)
        self.top_row.addWidget(self.call_staff_button)
        self.top_row.addWidget(self.language_button)
        self.top_row.addWidget(self.cancel_button)

        # Spoken guidance, when the composition root finds a voice (enable_spoken_guidance).
        self.speech: SpeechGuide | None = None
        self.listen_button: QPushButton | None = None
        # Built the first time the idle time runs out on a patient's screen.
        self.idle_countdown: IdleCountdown | None = None
        self._countdown_for: tuple[int, int] | None = None  # (session, idle_seq) it asks for
        # Created when the hospital first goes down: most kiosks never need it.
        self.offline_banner: ToneBox | None = None
        # Created when a patient first calls staff.
        self.staff_call_banner: ToneBox | None = None

        self.stack = QStackedWidget()
        self._pages: dict[Screen, Page] = {}

        self.bottom_bar = QWidget()
        self.bottom_bar.setObjectName("bottom_bar")
        self.bottom_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.back_button = button("btn_back", "secondary", lambda: self._send(Pressed.BACK))
        self.bottom_row = QHBoxLayout(self.bottom_bar)
        self.bottom_row.addWidget(self.back_button)
        self.bottom_row.addStretch(1)

        column.addWidget(self.top_bar)
        self._column = column
        column.addWidget(self.stack, 1)
        column.addWidget(self.bottom_bar)

        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start()
        self._tick()
        self._apply_metrics()

    def _page(self, screen: Screen) -> Page:
        page = self._pages.get(screen)
        if page is None:
            module, name = _PAGES[screen]
            shared = [s for s, spec in _PAGES.items() if spec == (module, name)]
            page = next((self._pages[s] for s in shared if s in self._pages), None)
            if page is None:
                page_type = getattr(importlib.import_module(f"ui.screens.{module}"), name)
                page = page_type(self._send)
                self.stack.addWidget(page)
                if self._metrics is not None:
                    page.apply_metrics(self._metrics)
            self._pages[screen] = page
        return page

    # --- the view ------------------------------------------------------------------------

    def show_state(self, state: FlowState) -> None:
        set_language(state.language)
        previous = self._state
        page = self._page(state.screen)
        if previous is None or self._pages[previous.screen] is not page:
            if previous is not None:
                self._pages[previous.screen].left()
            page.entered()
            self.stack.setCurrentWidget(page)
        self._state = state
        self._drop_stale_countdown(state)
        if state.screen is Screen.PRINTER_FAULT:
            from ui.screens.printer_fault import PrinterFaultPage  # loaded by _page just now

            assert isinstance(page, PrinterFaultPage)
            page.staff_told = state.session == self._staff_told_session
        page.show_state(state)

        self.language_button.setText(_OTHER_LANGUAGE_NAME[state.language])
        self.call_staff_button.setText(self._call_staff_wording())
        if self._staff_call_session is not None and self._staff_call_session != state.session:
            self.show_staff_call(None, shown=False)  # a new patient: the last one's call goes
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setVisible(
            state.screen not in NOT_CANCELLABLE and state.screen not in _NUMBER_ISSUED
        )
        self.back_button.setText(self.tr("‹ Back"))
        self._show_listen(state, moved=previous is None or previous.screen is not state.screen)
        self._show_offline(state.hospital_offline)
        self._show_back = bool(state.trail) and state.screen not in BUSY_SCREENS
        self._place_back_button()
        self._style_widgets()

    def _bar_widths(self, m: Metrics) -> dict[QAbstractButton, int]:
        """The top bar's buttons as wide as their widest wording in any language, so the
        hospital's name has the same room (and wraps the same way, if it must) in both."""
        wordings: dict[QAbstractButton, list[str]] = {
            self.language_button: list(_OTHER_LANGUAGE_NAME.values()),
            self.cancel_button: in_every_language("KioskWindow", "Cancel"),
            self.call_staff_button: in_every_language("KioskWindow", _call_staff_source(m)),
        }
        if self.listen_button is not None:
            wordings[self.listen_button] = in_every_language("KioskWindow", "Listen")
        widths = {}
        for bar_button, texts in wordings.items():
            metrics = QFontMetrics(bar_button.font())
            padding = bar_button.sizeHint().width() - metrics.horizontalAdvance(bar_button.text())
            widths[bar_button] = max(metrics.horizontalAdvance(text) for text in texts) + padding
        return widths

    def _show_offline(self, offline: bool) -> None:
        if self.offline_banner is None:
            if not offline:
                return
            self.offline_banner = ToneBox("lbl_offline", tone=Tone.WARN)
            self.offline_banner.setObjectName("offline_banner")
            self._column.insertWidget(1, self.offline_banner)
            if self._metrics is not None:
                self._scale_banner(self._metrics)
        show_if(self.offline_banner, offline)
        if offline:
            from ui import messages  # only once the hospital is down: not on the start path

            self.offline_banner.set_message(
                Tone.WARN,
                self.tr("The hospital system is not answering. You still get a number."),
                messages.provisional_instruction(),  # the words of the ticket screen and paper
            )

    def _scale_banner(self, metrics: Metrics) -> None:
        for banner in (self.offline_banner, self.staff_call_banner):
            if banner is not None:
                banner.apply_scale(metrics.px(48), metrics.px(14))

    # --- staff told ----------------------------------------------------------------------

    def set_staff_told(self, session: int) -> None:
        """A channel that reaches people took the printer-fault alert of `session`."""
        self._staff_told_session = session
        state = self._state
        if state is not None and state.session == session and state.screen is Screen.PRINTER_FAULT:
            self.show_state(state)

    def _call_staff_wording(self) -> str:
        if self._metrics is None or self._metrics.portrait:
            return self.tr("Call staff for help")
        return self.tr("Call staff")

    def _call_staff(self) -> None:
        screen = self._state.screen if self._state is not None else Screen.WELCOME
        self.show_staff_call(None)
        self.call_staff_requested.emit(screen.name.lower())

    def show_staff_call(self, told: bool | None, *, shown: bool = True) -> None:
        """The patient's call for staff: on its way (None), taken by a channel that reaches
        people (True) or not (False: where to find staff instead)."""
        if self.staff_call_banner is None:
            if not shown:
                return
            self.staff_call_banner = ToneBox("lbl_staff_call")
            self.staff_call_banner.setObjectName("staff_call_banner")
            self._staff_call_timer = QTimer(self)
            self._staff_call_timer.setSingleShot(True)
            self._staff_call_timer.timeout.connect(lambda: self.show_staff_call(None, shown=False))
            self._column.insertWidget(1, self.staff_call_banner)
            if self._metrics is not None:
                self._scale_banner(self._metrics)
        show_if(self.staff_call_banner, shown)
        self._staff_call_session = self._state.session if shown and self._state else None
        if not shown:
            return
        self._staff_call_timer.start(_STAFF_CALL_SHOWN_MS)
        if told is None:
            self.staff_call_banner.set_message(Tone.INFO, self.tr("Calling staff…"))
        elif told:
            self.staff_call_banner.set_message(
                Tone.OK,
                self.tr("Staff have been told."),
                self.tr("Someone will come to this kiosk. Please wait here."),
            )
        else:
            self.staff_call_banner.set_message(
                Tone.WARN,
                self.tr("The kiosk could not reach staff."),
                self.tr("Please go to the reception counter for help."),
            )
        self._style_widgets()

    # --- "Need more time?" -----------------------------------------------------------------

    def ask_for_more_time(self, reset: Callable[[], None], keep: Callable[[], None]) -> None:
        """The idle time is up: ask for ten seconds before `reset()` runs; a tap calls `keep()`
        (which should start the idle time again) and the screen stays.

        On the welcome screen there is nothing to keep (the idle reset there only brings back
        the default language): `reset()` at once.
        """
        state = self._state
        if state is None or state.screen is Screen.WELCOME:
            reset()
            return
        if self.idle_countdown is None:
            from ui.idle_countdown import IdleCountdown

            self.idle_countdown = IdleCountdown(self.stack.parentWidget() or self)
            if self._metrics is not None:
                self.idle_countdown.apply_metrics(self._metrics)
        self._countdown_for = (state.session, state.idle_seq)
        self.idle_countdown.start(reset, keep)

    def expire_countdown(self) -> None:
        """End a running "Need more time?" count now (the walkthrough's fast-forward)."""
        if self.idle_countdown is not None and self.idle_countdown.running:
            self.idle_countdown.finish()

    def _drop_stale_countdown(self, state: FlowState) -> None:
        """A new screen or session started its own idle time: the question no longer applies."""
        countdown = self.idle_countdown
        if countdown is not None and countdown.running:
            if self._countdown_for != (state.session, state.idle_seq):
                countdown.cancel()
            else:
                countdown.set_texts()  # the language may have changed

    def set_camera_preview(self, preview: QWidget) -> None:
        """The live camera picture, shown on the welcome screen where the patient aims."""
        welcome = self._page(Screen.WELCOME)
        assert isinstance(welcome, WelcomePage)
        welcome.show_camera(preview)
        if self._metrics is not None:
            welcome.apply_metrics(self._metrics)

    def current_page(self) -> Page:
        return self._page(self._state.screen if self._state else Screen.WELCOME)

    def visible_button(self, name: str) -> QAbstractButton | None:
        """The button called `name` that the patient can see now (for drivers and tests)."""
        for parent in (self.top_bar, self.current_page(), self.bottom_bar):
            for candidate in parent.findChildren(QAbstractButton, name):
                if candidate.isVisibleTo(self):
                    return candidate
        return None

    @property
    def metrics(self) -> Metrics | None:
        return self._metrics

    # --- layout --------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_metrics()

    def _dpi_now(self) -> float:
        if self._dpi is not None:
            return self._dpi
        return self.screen().physicalDotsPerInch()

    def _apply_metrics(self) -> None:
        metrics = Metrics(self.width(), self.height(), self._dpi_now())
        if metrics == self._metrics:
            return
        self._metrics = metrics
        if self._state is not None:  # the wording follows the orientation
            self.call_staff_button.setText(self._call_staff_wording())
        self.setStyleSheet(stylesheet(metrics))
        for row in (self.top_row, self.bottom_row):
            row.setContentsMargins(metrics.margin, metrics.px(14), metrics.margin, metrics.px(14))
            row.setSpacing(metrics.spacing)
        self.name_row.setContentsMargins(metrics.margin, metrics.px(12), metrics.margin, 0)
        self._scale_banner(metrics)
        self._place_back_button()
        for page in dict.fromkeys(self._pages.values()):
            page.apply_metrics(metrics)
        if self.idle_countdown is not None:
            self.idle_countdown.apply_metrics(metrics)
        if self._state is not None:
            self.current_page().show_state(self._state)
        self._style_widgets()

    def _place_back_button(self) -> None:
        """Back sits at the bottom in portrait; in landscape, where height is scarce, it starts
        the top bar, unless going back is the page's main action."""
        portrait = self._metrics is None or self._metrics.portrait
        primary = self._state is not None and self.current_page().primary_back
        at_bottom = portrait or primary
        self.top_row.removeWidget(self.back_button)
        self.bottom_row.removeWidget(self.back_button)
        if at_bottom:
            self.bottom_row.insertWidget(0, self.back_button, 1 if primary else 0)
            self.bottom_row.setStretch(1, 0 if primary else 1)  # the spacer after it
        else:
            self.top_row.insertWidget(0, self.back_button)
        kind = "primary" if primary else "secondary" if at_bottom else "bar"
        # Restyled only when it shows: a hidden button's look can wait (and the first restyle
        # builds QStyle's Python enums, ~15 ms that the welcome screen need not wait for).
        if self._show_back and self.back_button.property("kind") != kind:
            self.back_button.setProperty("kind", kind)
            repolish(self.back_button)
        self.back_button.setVisible(self._show_back)
        self.bottom_bar.setVisible(self._show_back and at_bottom)

    def _style_widgets(self) -> None:
        """Fonts by role and kind, and every button at least the minimum touch target.

        Run after each render too: pages create widgets (department tiles, history cards).
        """
        m = self._metrics
        if m is None:
            return
        label_fonts: dict[str, QFont] = {}
        button_fonts: dict[str, QFont] = {}
        on_show = (
            self.top_bar,
            self.offline_banner,
            self.staff_call_banner,
            self.bottom_bar,
            self.stack.currentWidget(),
        )
        labels = [w for part in on_show if part for w in part.findChildren(QLabel)]
        buttons = [w for part in on_show if part for w in part.findChildren(QPushButton)]
        for text in labels:
            role = str(text.property("role") or "body")
            if role not in label_fonts:
                label_fonts[role] = font_for(m, role)
            text.setFont(label_fonts[role])
        for widget in buttons:
            kind = str(widget.property("kind") or "secondary")
            if kind not in button_fonts:
                button_fonts[kind] = button_font(m, kind)
            widget.setFont(button_fonts[kind])
        bar_widths = self._bar_widths(m)
        for widget in buttons:
            kind = str(widget.property("kind") or "secondary")
            widget.setMinimumWidth(max(m.touch, bar_widths.get(widget, 0)))
            compact = kind in ("bar", "cancel", "key", "key_text")
            asked = int(widget.property(TOUCH_HEIGHT) or 0)  # what the page wants, if more
            widget.setMinimumHeight(max(m.touch if compact else m.button_height, asked))
        self._place_hospital_name(m, bar_widths)

    def _place_hospital_name(self, m: Metrics, bar_widths: dict[QAbstractButton, int]) -> None:
        """The name beside the bar's buttons when it fits on one line there, else on its own
        line above them. Decided from every button the bar can show, so it does not jump
        from screen to screen."""
        spacing = self.top_row.spacing()
        taken = 2 * m.margin + self.clock.sizeHint().width() + spacing
        taken += sum(max(m.touch, width) + spacing for width in bar_widths.values())
        if not m.portrait:  # Back joins the bar in landscape, styled as the bar's buttons
            bar = self.language_button
            fits = QFontMetrics(bar.font())
            padding = bar.sizeHint().width() - fits.horizontalAdvance(bar.text())
            back = max(map(fits.horizontalAdvance, in_every_language("KioskWindow", "‹ Back")))
            taken += max(m.touch, back + padding) + spacing
        needed = QFontMetrics(self.hospital.font()).horizontalAdvance(self.hospital.text())
        own_line = needed > self.width() - taken
        if (self.name_row.indexOf(self.hospital) >= 0) == own_line:
            return
        if own_line:
            index = self.top_row.indexOf(self.hospital)
            self.top_row.removeWidget(self.hospital)
            self.top_row.insertStretch(index, 1)  # the buttons stay on the right
            self.name_row.addWidget(self.hospital, 1)
        else:
            self.name_row.removeWidget(self.hospital)
            for index in range(self.top_row.count()):
                item = self.top_row.itemAt(index)
                if item is not None and item.spacerItem() is not None:
                    self.top_row.takeAt(index)
                    self.top_row.insertWidget(index, self.hospital, 1)
                    break

    # --- top bar ---------------------------------------------------------------------------

    def _toggle_language(self) -> None:
        self._send(Pressed.LANGUAGE)

    # --- spoken guidance ---------------------------------------------------------------------

    def enable_spoken_guidance(self, guide: SpeechGuide) -> None:
        """A "Listen" button reading each screen's instruction, shown only in the languages
        `guide` has a voice for (ui.speech.SpeechGuide.detect() finds one, or None)."""
        self.speech = guide
        self.listen_button = button("btn_listen", "bar", self._listen)
        self.top_row.insertWidget(self.top_row.indexOf(self.language_button), self.listen_button)
        if self._state is not None:
            self.show_state(self._state)

    def _show_listen(self, state: FlowState, *, moved: bool) -> None:
        if self.speech is None or self.listen_button is None:
            return
        if moved:
            self.speech.stop()  # the last screen's words no longer apply
        self.listen_button.setText(self.tr("Listen"))
        show_if(self.listen_button, self.speech.speaks(state.language))

    def _listen(self) -> None:
        if self.speech is not None and self._state is not None:
            self.speech.say(self.current_page().instruction(), self._state.language)

    def _tick(self) -> None:
        now = QTime.currentTime().toString("HH:mm")
        if self.clock.text() != now:
            self.clock.setText(now)
