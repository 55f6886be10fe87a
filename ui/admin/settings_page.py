"""One module: the staff settings page's fields share one form state.

The staff settings page: what the kiosk is, where its hospital and devices are, how it
treats patients. Fixed choices are big buttons (the chosen one filled); free values are text
fields typed on the on-screen keyboard, with what the kiosk detected (readers, serial ports,
cameras) offered as buttons; the departments are toggles from the hospital's own list.

The page only collects values: SettingsFile validates and writes them (kiosk/staff/settings.py),
and a value it refuses comes back here with its key, marked on the field that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import ConfigError
from kiosk.core.domain import Department
from kiosk.core.flow import Language
from kiosk.staff.settings import (
    CACHE_HOURS_CHOICES,
    IDLE_CHOICES,
    PRINTER_ADDRESS,
    Detected,
    Settings,
    parse_number,
)
from ui.admin.keyboard import OnScreenKeyboard
from ui.admin.pages import AdminPage, arrange, mark
from ui.theme import Metrics, Tone, repolish
from ui.widgets import add_part, button, clear_layout, label, show_if

# Each language is named in itself, as on the patients' language button.
_LANGUAGE_NAMES = {Language.VI.value: "Tiếng Việt", Language.EN.value: "English"}
_NUMBER_KEYS = {"printer.port", "printer.baudrate"}


class ChoiceField(QWidget):
    """A heading over a row of option buttons; exactly one is chosen."""

    def __init__(
        self, key: str, options: Sequence[Any], on_pick: Callable[[], None], columns: int = 0
    ) -> None:
        """`columns` 0: four options in a row, else rows of three."""
        super().__init__()
        self.key = key
        self.value: Any = None
        self.heading = label("heading", name=f"lbl_{_name(key)}")
        self.buttons = {
            option: button(
                f"btn_{_name(key)}_{_name(str(option))}", "secondary", self._picker(option, on_pick)
            )
            for option in options
        }
        self.grid = QGridLayout()
        columns = columns or (4 if len(self.buttons) == 4 else 3)
        arrange(self.grid, list(self.buttons.values()), columns)
        _stack(self, self.heading, self.grid)

    def set_value(self, value: Any) -> None:
        self.value = value
        for option, widget in self.buttons.items():
            mark(widget, option == value)

    def set_enabled(self, enabled: bool) -> None:
        for widget in self.buttons.values():
            widget.setEnabled(enabled)

    def _picker(self, option: Any, on_pick: Callable[[], None]) -> Callable[[], None]:
        def pick() -> None:
            self.set_value(option)
            on_pick()

        return pick


class TextField(QWidget):
    """A heading, a text field and buttons with detected values that fill it."""

    def __init__(self, key: str, keyboard: OnScreenKeyboard, on_edit: Callable[[], None]) -> None:
        super().__init__()
        self.key = key
        self.heading = label("heading", name=f"lbl_{_name(key)}")
        self.edit = QLineEdit()
        self.edit.setObjectName(f"edit_{_name(key)}")
        self.edit.textEdited.connect(lambda _text: on_edit())
        self.edit.textChanged.connect(lambda _text: self.mark_invalid(False))
        self.edit.installEventFilter(self)
        self._keyboard = keyboard
        self._on_edit = on_edit
        self.suggestions = QGridLayout()
        _stack(self, self.heading, self.edit, self.suggestions)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.edit and event.type() == event.Type.FocusIn:
            self._keyboard.attach(self.edit)
        return False

    def offer(self, values: Sequence[str], fill: Callable[[str], str] = str) -> None:
        clear_layout(self.suggestions)
        buttons = [
            button(f"btn_{_name(self.key)}_pick_{index}", "secondary", self._filler(fill(value)))
            for index, value in enumerate(values)
        ]
        for widget, value in zip(buttons, values, strict=True):
            widget.setText(value)
        arrange(self.suggestions, buttons, 2)

    def mark_invalid(self, invalid: bool) -> None:
        if bool(self.edit.property("invalid")) != invalid:
            self.edit.setProperty("invalid", invalid)
            repolish(self.edit)

    def _filler(self, text: str) -> Callable[[], None]:
        def fill() -> None:
            self.edit.setText(text)
            self._on_edit()

        return fill


class DepartmentsField(QWidget):
    """Toggles from the hospital's departments; none chosen means all are shown."""

    def __init__(self, on_pick: Callable[[], None]) -> None:
        super().__init__()
        self.key = "kiosk.departments"
        self._on_pick = on_pick
        self.chosen: tuple[str, ...] = ()
        self.heading = label("heading", name="lbl_kiosk_departments")
        self.note = label("muted", name="lbl_departments_note")
        self.all = button("btn_departments_all", "secondary", self._pick_all)
        self.toggles: dict[str, QPushButton] = {}
        self.grid = QGridLayout()
        _stack(self, self.heading, self.note, self.all, self.grid)

    def show_choices(self, listed: Sequence[Department] | None, chosen: tuple[str, ...]) -> None:
        """`listed` None: the hospital did not answer; the chosen codes are offered alone."""
        self.chosen = chosen
        clear_layout(self.grid)
        named = [(d.code, f"{d.code} · {d.name}") for d in listed or ()]
        known = {code for code, _ in named}
        named += [(code, code) for code in chosen if code not in known]
        self.toggles = {}
        for code, text in named:
            toggle = button(f"btn_department_{_name(code)}", "secondary", self._toggler(code))
            toggle.setText(text)
            self.toggles[code] = toggle
        arrange(self.grid, list(self.toggles.values()), 1)  # names are long
        self._refresh()

    def set_chosen(self, chosen: tuple[str, ...]) -> None:
        self.chosen = chosen
        self._refresh()

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.all, *self.toggles.values()):
            widget.setEnabled(enabled)

    def _toggler(self, code: str) -> Callable[[], None]:
        def toggle() -> None:
            picked = set(self.chosen) ^ {code}
            self.chosen = tuple(c for c in self.toggles if c in picked)
            self._refresh()
            self._on_pick()

        return toggle

    def _pick_all(self) -> None:
        self.chosen = ()
        self._refresh()
        self._on_pick()

    def _refresh(self) -> None:
        mark(self.all, not self.chosen)
        for code, widget in self.toggles.items():
            mark(widget, code in self.chosen)


class SettingsPage(AdminPage):
    """Every staff setting; saved over the config file (kiosk/staff/settings.py), used from the
    next start."""

    def __init__(
        self,
        on_save: Callable[[Settings], None],
        on_restart: Callable[[], None],
        on_back: Callable[[], None],
        on_touch: Callable[[], None],
    ) -> None:
        super().__init__()
        self._on_save = on_save
        self._on_touch = on_touch
        self._saved: Settings | None = None
        self._can_save = False
        self._busy = False
        self.keyboard = OnScreenKeyboard(on_touch)
        changed = self._changed
        self.hint = label("muted", name="lbl_settings_hint")
        self.texts = {
            key: TextField(key, self.keyboard, changed)
            for key in (
                "kiosk.id",
                "kiosk.name",
                "hospital.url",
                *(key for keys in PRINTER_ADDRESS.values() for key in keys),
                "card.reader_name",
                "camera.name_contains",
            )
        }
        self.choices = {
            "printer.kind": ChoiceField("printer.kind", list(PRINTER_ADDRESS), changed),
            "card.reader": ChoiceField("card.reader", ["pcsc", "simulated", "none"], changed),
            "camera.source": ChoiceField("camera.source", ["qt", "simulated", "none"], changed),
            "kiosk.idle_seconds": ChoiceField(
                "kiosk.idle_seconds", [float(s) for s in IDLE_CHOICES], changed
            ),
            "kiosk.language": ChoiceField("kiosk.language", list(_LANGUAGE_NAMES), changed),
            "offline.enabled": ChoiceField("offline.enabled", [True, False], changed, 1),
            "offline.patient_cache_hours": ChoiceField(
                "offline.patient_cache_hours", [float(h) for h in CACHE_HOURS_CHOICES], changed
            ),
        }
        self.departments = DepartmentsField(changed)
        self.sections = {
            name: label("title", name=f"lbl_section_{name}")
            for name in ("kiosk", "devices", "patients")
        }
        self.save = button("btn_settings_save", "primary", self._save)
        self.restart = button("btn_settings_restart", "secondary", on_restart)
        self.back = button("btn_admin_back", "secondary", on_back)
        self.body.insertWidget(1, self.hint)
        texts, choices = self.texts, self.choices
        order: dict[str, list[QWidget]] = {
            "kiosk": [texts["kiosk.id"], texts["kiosk.name"], texts["hospital.url"]],
            "devices": [
                choices["printer.kind"],
                *(texts[key] for keys in PRINTER_ADDRESS.values() for key in keys),
                choices["card.reader"],
                texts["card.reader_name"],
                choices["camera.source"],
                texts["camera.name_contains"],
            ],
            "patients": [
                self.departments,
                choices["kiosk.idle_seconds"],
                choices["kiosk.language"],
                choices["offline.enabled"],
                choices["offline.patient_cache_hours"],
            ],
        }
        for section, widgets in order.items():
            self.body.addWidget(self.sections[section])
            for widget in widgets:
                self.body.addWidget(widget)
        self.body.addStretch(1)
        self.body.addWidget(self.restart)
        actions = QHBoxLayout()
        actions.addWidget(self.back)
        actions.addWidget(self.save, 1)
        # Below the scrolling settings: the keyboard and the actions stay in reach.
        footer = QWidget()
        footer.setProperty("page", True)
        self.footer = QVBoxLayout(footer)
        self.footer.addWidget(self.keyboard)
        self.footer.addLayout(actions)
        self.outer.addWidget(footer)

    def chosen(self) -> Settings:
        """The values on the page, typed as the config holds them; ConfigError for a number
        that is not one."""
        values: Settings = {key: field.value for key, field in self.choices.items()}
        values["kiosk.language"] = Language(values["kiosk.language"]).value
        for key, field in self.texts.items():
            text = field.edit.text().strip()
            values[key] = parse_number(key, text) if key in _NUMBER_KEYS else text
        values["kiosk.departments"] = self.departments.chosen
        return values

    def retranslate(self) -> None:
        self.title.setText(self.tr("Settings"))
        self.sections["kiosk"].setText(self.tr("This kiosk"))
        self.sections["devices"].setText(self.tr("Devices"))
        self.sections["patients"].setText(self.tr("Patients"))
        headings = {
            "kiosk.id": self.tr("Kiosk ID (sent with every check-in, unique per kiosk)"),
            "kiosk.name": self.tr("Where it stands (for staff)"),
            "hospital.url": self.tr("Hospital system address"),
            "printer.host": self.tr("Printer address (IP or name)"),
            "printer.port": self.tr("Printer port"),
            "printer.vendor_id": self.tr("USB vendor ID (hex, as lsusb shows it)"),
            "printer.product_id": self.tr("USB product ID (hex)"),
            "printer.device": self.tr("Serial port"),
            "printer.baudrate": self.tr("Serial speed (baud)"),
            "printer.cups_printer": self.tr("CUPS queue name"),
            "printer.path": self.tr("Printer device file"),
            "card.reader_name": self.tr("Card reader name (a part is enough; empty: the first)"),
            "camera.name_contains": self.tr("Camera name (a part is enough; empty: the default)"),
            "printer.kind": self.tr("Ticket printer"),
            "card.reader": self.tr("Chip card reader"),
            "camera.source": self.tr("Camera for QR codes"),
            "kiosk.idle_seconds": self.tr("Back to the welcome screen after no touch for"),
            "kiosk.language": self.tr("Language every patient starts in"),
            "offline.enabled": self.tr("When the hospital system does not answer"),
            "offline.patient_cache_hours": self.tr("Serve patients looked up in the last"),
        }
        fields: list[tuple[str, TextField | ChoiceField]] = [
            *self.texts.items(),
            *self.choices.items(),
        ]
        for key, field in fields:
            field.heading.setText(headings[key])
        options: dict[str, dict[Any, str]] = {
            "printer.kind": {
                "network": self.tr("Network"),
                "usb": "USB",
                "serial": self.tr("Serial"),
                "cups": "CUPS",
                "file": self.tr("Device file"),
                "simulated": self.tr("Simulated"),
            },
            "card.reader": {
                "pcsc": "PC/SC",
                "simulated": self.tr("Simulated"),
                "none": self.tr("None"),
            },
            "camera.source": {
                "qt": self.tr("Camera"),
                "simulated": self.tr("Simulated"),
                "none": self.tr("None"),
            },
            "kiosk.idle_seconds": {
                float(s): self.tr("{seconds} s").format(seconds=s) for s in IDLE_CHOICES
            },
            "kiosk.language": _LANGUAGE_NAMES,
            "offline.enabled": {
                True: self.tr("Provisional tickets"),
                False: self.tr("Send patients to the counter"),
            },
            "offline.patient_cache_hours": {
                float(h): self.tr("{hours} h").format(hours=h) for h in CACHE_HOURS_CHOICES
            },
        }
        for key, field in self.choices.items():
            for option, widget in field.buttons.items():
                widget.setText(options[key][option])
        self.departments.heading.setText(self.tr("Departments patients may choose"))
        self.departments.all.setText(self.tr("All departments"))
        self.keyboard.retranslate()
        self.save.setText(self.tr("Save"))
        self.restart.setText(self.tr("Restart the kiosk"))
        self.back.setText(self.tr("‹ Back"))
        self.hint.setText(
            self.tr(
                "Saved in the kiosk's data folder (settings.toml), over the config file; "
                "they take effect after a restart."
            )
        )

    def show_loading(self, can_save: bool) -> None:
        self._can_save = can_save
        self._saved = None
        self._busy = can_save  # the file is being read
        self.keyboard.hide()
        self.hush()
        if not can_save:
            self.say(
                Tone.WARN,
                self.tr("Settings cannot be saved here"),
                self.tr(
                    "This kiosk was started without a config file (a demo, or no --config). "
                    "IT staff change its settings in the file."
                ),
            )
        self._refresh()

    def show_settings(self, settings: Settings, detected: Detected, cameras: list[str]) -> None:
        self._fill(settings)
        self.texts["card.reader_name"].offer(detected.readers, _exact_name)
        self.texts["printer.device"].offer(detected.serial_ports)
        self.texts["camera.name_contains"].offer(cameras)
        self.departments.show_choices(detected.departments, settings["kiosk.departments"])
        self.departments.note.setText(
            self.tr("None chosen: patients see every department.")
            if detected.departments is not None
            else self.tr("The hospital system does not answer: only the chosen codes are shown.")
        )
        self._busy = False
        self._refresh()

    def show_saved(self, settings: Settings) -> None:
        self._fill(settings)
        self._busy = False
        self._refresh()
        self.say(
            Tone.OK,
            self.tr("Saved"),
            self.tr("The new settings take effect after “Restart the kiosk”."),
        )

    def show_failed(self, error: BaseException) -> None:
        self._busy = False
        self._can_save = self._saved is not None
        reason = str(error)
        if isinstance(error, ConfigError) and error.key in self.texts:
            field = self.texts[error.key]
            field.mark_invalid(True)
            reason = f"{field.heading.text()}: {self._problem(error.problem)}"
        self.say(Tone.BAD, self.tr("The settings could not be saved or read"), reason)
        self._refresh()

    def _problem(self, problem: str) -> str:
        """The config's (English) problem in the staff's language, where the page knows it."""
        known = {
            "must start with http": self.tr("must start with http:// or https://"),
            "names no host": self.tr("names no host, e.g. https://his.example.vn"),
            "letters, digits": self.tr(
                "only letters, digits, “-” and “_”, at most 32 (e.g. KIOSK-01)"
            ),
            "required when": self.tr("required for this kind of printer"),
            "must be hexadecimal": self.tr("must be a hexadecimal number such as 04b8"),
            "must be between 1 and 65535": self.tr("must be between 1 and 65535"),
            "must be greater than 0": self.tr("must be greater than 0"),
            "at most 32 characters": self.tr("at most 32 characters"),
            "must be a whole number": self.tr("must be a whole number"),
            "not a valid regular expression": self.tr(
                "is not a valid pattern (a regular expression)"
            ),
        }
        return next((text for start, text in known.items() if problem.startswith(start)), problem)

    def _fill(self, settings: Settings) -> None:
        self._saved = dict(settings)
        for key, choice in self.choices.items():
            choice.set_value(settings[key])
        for key, text in self.texts.items():
            text.edit.setText(str(settings[key]))
        self.departments.set_chosen(settings["kiosk.departments"])

    def _changed(self) -> None:
        self._on_touch()
        self.hush()
        self._refresh()

    def _save(self) -> None:
        self._on_touch()
        if self._saved is None or self._busy:
            return
        try:
            values = self.chosen()
        except ConfigError as error:
            self.show_failed(error)
            return
        changes = {key: value for key, value in values.items() if value != self._saved[key]}
        if not changes:
            return
        self._busy = True
        self.keyboard.hide()
        self.say(Tone.INFO, self.tr("Saving…"))
        self._refresh()
        self._on_save(changes)

    def _refresh(self) -> None:
        usable = self._can_save and not self._busy and self._saved is not None
        for choice in self.choices.values():
            choice.set_enabled(usable)
        for text in self.texts.values():
            text.edit.setEnabled(usable)
            for widget in text.findChildren(QPushButton):
                widget.setEnabled(usable)
        self.departments.set_enabled(usable)
        self.save.setEnabled(usable and self._differs())
        # Only the address keys of the chosen printer kind, and names only where they apply.
        kind = self.choices["printer.kind"].value
        for printer_kind, keys in PRINTER_ADDRESS.items():
            for key in keys:
                show_if(self.texts[key], printer_kind == kind)
        show_if(self.texts["card.reader_name"], self.choices["card.reader"].value == "pcsc")
        show_if(self.texts["camera.name_contains"], self.choices["camera.source"].value == "qt")
        show_if(self.choices["offline.patient_cache_hours"], self.choices["offline.enabled"].value)
        # Without a file there is nothing to save and nothing a restart would change.
        show_if(self.hint, self._can_save)
        show_if(self.restart, self._can_save)

    def _differs(self) -> bool:
        try:
            values = self.chosen()
        except ConfigError:
            return True  # Save then says what is wrong with the number
        return any(values[key] != self._saved[key] for key in values) if self._saved else False

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.footer.setContentsMargins(metrics.margin, 0, metrics.margin, metrics.spacing)
        self.footer.setSpacing(metrics.spacing)
        self.keyboard.apply_metrics(metrics)
        for grid in (*(choice.grid for choice in self.choices.values()), self.departments.grid):
            grid.setSpacing(metrics.spacing)
        for field in self.texts.values():
            field.suggestions.setSpacing(metrics.spacing)


def _stack(field: QWidget, *parts: QWidget | QLayout) -> None:
    """`parts` one under the other, filling the field edge to edge."""
    column = QVBoxLayout(field)
    column.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        add_part(column, part)


def _name(text: str) -> str:
    """An object-name part: "kiosk.idle_seconds" -> "kiosk_idle_seconds", 60.0 -> "60"."""
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return "".join(c if c.isalnum() else "_" for c in text.lower())


def _exact_name(reader: str) -> str:
    """card.reader_name is a regular expression: a picked reader's name is matched literally."""
    return re.escape(reader)
