"""KioskWindow: the patient-facing window, a thin view of the flow's state.

`show_state(state)` is the only way in; button presses leave through `send` as the flow's events.
The window holds nothing of the patient beyond what the current state shows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtCore import Qt, QTime, QTimer
from PySide6.QtGui import QFont, QResizeEvent
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
from ui.i18n import set_language
from ui.screens.base import Page
from ui.screens.welcome import WelcomePage
from ui.theme import Metrics, Tone, button_font, font_for, repolish, stylesheet
from ui.widgets import TOUCH_HEIGHT, ToneBox, button, label, show_if

# The language toggle names the other language in that language, so it reads right to the
# person who needs it: not translated.
_OTHER_LANGUAGE_NAME = {Language.VI: "English", Language.EN: "Tiếng Việt"}

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
    Screen.GO_TO_COUNTER: ("message", "GoToCounterPage"),
    Screen.SWITCH_PATIENT: ("switch_patient", "SwitchPatientPage"),
}


class KioskWindow(QMainWindow):
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
        self.hospital = label("bar", name="lbl_hospital")
        self.hospital.setText(hospital_name)
        self.clock = label("clock", name="lbl_clock", wrap=False)
        self.language_button = button("btn_language", "bar", self._toggle_language)
        self.cancel_button = button("btn_cancel", "cancel", lambda: self._send(Pressed.CANCEL))
        self.top_row = QHBoxLayout(self.top_bar)
        self.top_row.addWidget(self.hospital, 1)
        self.top_row.addWidget(self.clock)
        self.top_row.addWidget(self.language_button)
        self.top_row.addWidget(self.cancel_button)

        # Created when the hospital first goes down: most kiosks never need it.
        self.offline_banner: ToneBox | None = None

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
        page.show_state(state)

        self.language_button.setText(_OTHER_LANGUAGE_NAME[state.language])
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setVisible(state.screen not in NOT_CANCELLABLE)
        self.back_button.setText(self.tr("‹ Back"))
        self._show_offline(state.hospital_offline)
        self._show_back = bool(state.trail) and state.screen not in BUSY_SCREENS
        self._place_back_button()
        self._style_widgets()

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
            self.offline_banner.set_message(
                Tone.WARN,
                self.tr("The hospital system is not answering: tickets are provisional."),
                self.tr("You still get a number. Please confirm it at the reception counter."),
            )

    def _scale_banner(self, metrics: Metrics) -> None:
        assert self.offline_banner is not None
        self.offline_banner.apply_scale(metrics.px(48), metrics.px(14))

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
        self.setStyleSheet(stylesheet(metrics))
        for row in (self.top_row, self.bottom_row):
            row.setContentsMargins(metrics.margin, metrics.px(14), metrics.margin, metrics.px(14))
            row.setSpacing(metrics.spacing)
        if self.offline_banner is not None:
            self._scale_banner(metrics)
        self._place_back_button()
        for page in dict.fromkeys(self._pages.values()):
            page.apply_metrics(metrics)
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
        on_show = (self.top_bar, self.offline_banner, self.bottom_bar, self.stack.currentWidget())
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
            widget.setMinimumWidth(m.touch)
            compact = kind in ("bar", "cancel", "key", "key_text")
            asked = int(widget.property(TOUCH_HEIGHT) or 0)  # what the page wants, if more
            widget.setMinimumHeight(max(m.touch if compact else m.button_height, asked))

    # --- top bar ---------------------------------------------------------------------------

    def _toggle_language(self) -> None:
        self._send(Pressed.LANGUAGE)

    def _tick(self) -> None:
        now = QTime.currentTime().toString("HH:mm")
        if self.clock.text() != now:
            self.clock.setText(now)
