"""The kiosk's TOML configuration: schema, defaults and validation with errors that name the key.

One file per kiosk. Every key has a default so a demo needs no file at all; an unknown key or a
value of the wrong kind is an error (a typo must not silently fall back to a default).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kiosk.flow import Language


class ConfigError(Exception):
    """A config file that cannot be used; `key` is the dotted path of the offending key."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}" if key else problem)
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class KioskSection:
    id: str = "KIOSK-01"
    language: str = "vi"
    idle_seconds: float = 60.0
    ticket_seconds: float = 20.0
    fullscreen: bool = True


@dataclass(frozen=True)
class HospitalSection:
    name: str = "Bệnh viện Đa khoa Demo"
    url: str = "http://127.0.0.1:8765"
    token: str = field(default="", repr=False)  # a secret: never printed or logged
    connect_timeout: float = 2.0
    read_timeout: float = 5.0
    deadline: float = 8.0


@dataclass(frozen=True)
class TicketSection:
    footer: str = "Xin cảm ơn quý khách. Chúc quý khách mau khỏe!"
    paper_width_mm: int = 80


@dataclass(frozen=True)
class PrinterSection:
    kind: str = "simulated"
    output_dir: str = ""  # where the simulated printer saves each ticket's bytes and PNG


@dataclass(frozen=True)
class CardSection:
    reader: str = "simulated"  # pcsc | simulated (the demo's virtual cards) | none
    reader_name: str = ""  # regular expression matched against PC/SC reader names
    csca_dir: str = ""  # trusted CSCA certificates (PEM/DER); none: chips read but not verified
    read_timeout: float = 5.0  # one whole chip read, access control included
    extended_length: str = "auto"  # auto: as the reader driver says | on | off
    active_authentication: bool = True  # challenge chips that carry DG15 (tells clones apart)


@dataclass(frozen=True)
class CameraSection:
    source: str = "simulated"  # qt (a real camera) | simulated (the demo's) | none
    name_contains: str = ""  # picks the camera whose name contains this; "" = the default one
    max_side: int = 1280  # frames larger than this are shrunk before decoding
    try_invert: bool = False  # also read light-on-dark codes (phones in dark mode): ~60% slower


@dataclass(frozen=True)
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    hospital: HospitalSection = field(default_factory=HospitalSection)
    ticket: TicketSection = field(default_factory=TicketSection)
    printer: PrinterSection = field(default_factory=PrinterSection)
    card: CardSection = field(default_factory=CardSection)
    camera: CameraSection = field(default_factory=CameraSection)

    @property
    def language(self) -> Language:
        return Language(self.kiosk.language)


_CHOICES: dict[str, tuple[str, ...]] = {
    "kiosk.language": tuple(language.value for language in Language),
    "ticket.paper_width_mm": ("58", "80"),
    "printer.kind": ("simulated",),
    "card.reader": ("pcsc", "simulated", "none"),
    "card.extended_length": ("auto", "on", "off"),
    "camera.source": ("qt", "simulated", "none"),
}
_POSITIVE = {
    "kiosk.idle_seconds",
    "kiosk.ticket_seconds",
    "hospital.connect_timeout",
    "hospital.read_timeout",
    "hospital.deadline",
    "card.read_timeout",
}


def load_config(path: Path | None) -> Config:
    """The config in `path`, or the defaults when there is no file."""
    if path is None:
        return Config()
    import tomllib  # only with a file: a demo start skips it

    try:
        with path.open("rb") as file:
            raw = tomllib.load(file)
    except FileNotFoundError as error:
        raise ConfigError("", f"config file not found: {path}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("", f"not valid TOML: {error}") from error
    return parse_config(raw)


def parse_config(raw: dict[str, Any]) -> Config:
    sections: dict[str, Any] = {}
    known = {f.name: f for f in fields(Config)}
    for name, value in raw.items():
        if name not in known:
            raise ConfigError(name, f"unknown section (known: {', '.join(known)})")
        if not isinstance(value, dict):
            raise ConfigError(name, "must be a table, e.g. [" + name + "]")
        section_type = known[name].default_factory  # type: ignore[misc]
        sections[name] = _parse_section(name, section_type, value)
    return Config(**sections)


def _parse_section(name: str, section_type: Any, raw: dict[str, Any]) -> Any:
    defaults = section_type()
    known = {f.name: f for f in fields(section_type)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{name}.{key}"
        if key not in known:
            raise ConfigError(dotted, f"unknown key (known: {', '.join(known)})")
        values[key] = _check_value(dotted, getattr(defaults, key), value)
    return section_type(**values)


def _check_value(dotted: str, default: Any, value: Any) -> Any:
    expected = type(default)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not expected:
        raise ConfigError(dotted, f"must be a {expected.__name__}, not {type(value).__name__}")
    if dotted in _CHOICES and str(value) not in _CHOICES[dotted]:
        raise ConfigError(dotted, f"must be one of {', '.join(_CHOICES[dotted])}")
    if dotted in _POSITIVE and value <= 0:
        raise ConfigError(dotted, "must be greater than 0")
    if dotted == "hospital.url" and not value.startswith(("http://", "https://")):
        raise ConfigError(dotted, "must start with http:// or https://")
    if dotted == "camera.max_side" and value < 64:
        raise ConfigError(dotted, "must be at least 64 (pixels): no code reads in less")
    if dotted == "card.reader_name":
        import re

        try:
            re.compile(value)
        except re.error as error:
            raise ConfigError(dotted, f"not a valid regular expression: {error}") from error
    return value


EXAMPLE = """\
# Check-in kiosk configuration. Every key is optional: what is left out takes the value shown.
# Check a file with `kiosk config check FILE`.

[kiosk]
id = "KIOSK-01"            # sent with every registration: unique per kiosk
language = "vi"            # the language every patient starts in: vi | en
idle_seconds = 60.0        # back to the welcome screen after this long without a touch
ticket_seconds = 20.0      # how long the ticket screen stays
fullscreen = true          # false only for development (or run `kiosk --windowed`)

[hospital]
name = "Bệnh viện Đa khoa Demo"      # shown on screen and printed on tickets
url = "http://127.0.0.1:8765"       # the hospital's kiosk API (see kiosk/hospital/openapi.yaml)
token = ""                          # bearer token, if the hospital asks for one; never logged
connect_timeout = 2.0               # seconds
read_timeout = 5.0                  # seconds
deadline = 8.0                      # overall limit of one call, retries included

[ticket]
footer = "Xin cảm ơn quý khách. Chúc quý khách mau khỏe!"
paper_width_mm = 80                 # 58 | 80

[printer]
kind = "simulated"                  # more kinds come with the printer drivers
output_dir = ""                     # where the simulated printer saves each ticket (bytes + PNG)

[card]
reader = "simulated"                # pcsc | simulated (the demo's virtual cards) | none
reader_name = ""                    # regular expression picking the PC/SC reader; "" = any
csca_dir = ""                       # folder of trusted CSCA certificates (.pem/.crt/.cer/.der);
                                    # empty: chips are read, shown as "not verified"
read_timeout = 5.0                  # seconds for one whole chip read
extended_length = "auto"            # auto: as the reader's driver reports | on (a reader known
                                    # to take extended APDUs; files in one read each) | off
active_authentication = true        # challenge chips with an active authentication key (DG15)

[camera]
source = "simulated"                # qt (a real camera) | simulated (the demo's) | none
name_contains = ""                  # the camera whose name contains this; "" = the default one
max_side = 1280                     # larger frames are shrunk before decoding
try_invert = false                  # also read light-on-dark codes (dark-mode phones): slower
"""
