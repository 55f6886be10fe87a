"""One module: the schema, its defaults, validation and EXAMPLE are one contract, side by side.

The kiosk's TOML configuration: schema, defaults and validation with errors that name the key.

One file per kiosk. Every key has a default so a demo needs no file at all; an unknown key or a
value of the wrong kind is an error (a typo must not silently fall back to a default).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.config_lines import key_line
from kiosk.core.flow import Language
from kiosk.staff.pin import PinHashError, parse_pin_hash


class ConfigError(Exception):
    """A config file that cannot be used; `key` is the dotted path of the offending key and
    `line` where the file sets it (None when unknown, e.g. no file)."""

    def __init__(self, key: str, problem: str, line: int | None = None) -> None:
        super().__init__(f"{key}: {problem}" if key else problem)
        self.key = key
        self.problem = problem
        self.line = line


@dataclass(frozen=True)
class KioskSection:
    id: str = "KIOSK-01"
    name: str = ""  # where it stands, e.g. "Sảnh A, tầng 1": staff screens, doctor, metrics
    language: str = "vi"
    idle_seconds: float = 60.0
    ticket_seconds: float = 20.0
    fullscreen: bool = True
    data_dir: str = ""  # the outbox, caches, logs; "" = $XDG_STATE_HOME/hospital-kiosk (demo: temp)
    departments: tuple[str, ...] = ()  # codes of the departments patients may choose; () = all
    counter_location: str = "Quầy tiếp đón, sảnh chính"  # on every counter slip
    counter_hours: str = ""  # e.g. "7:00–17:00" on the counter slip; "" = none printed
    cashier_location: str = "quầy thu ngân"  # where an unpaid visit is paid ("nộp tại ...")


@dataclass(frozen=True)
class HospitalSection:
    name: str = "Bệnh viện Đa khoa Demo"
    url: str = "http://127.0.0.1:8765"
    token: str = field(default="", repr=False)  # a secret: never printed or logged
    connect_timeout: float = 2.0
    read_timeout: float = 5.0
    deadline: float = 8.0
    ca_bundle: str = ""  # PEM file of the CAs trusted for https (instead of the system's)
    client_cert: str = ""  # PEM client certificate for mutual TLS; "" = none
    client_key: str = field(default="", repr=False)  # its private key, if not in client_cert
    kind: str = "rest"  # rest (kiosk/hospital/openapi.yaml) | fhir (a FHIR R4 server at `url`)
    fhir_citizen_id_system: str = ""  # fhir: Patient.identifier system of the CCCD number
    fhir_insurance_system: str = ""  # fhir: Patient/Coverage identifier system of BHYT numbers
    fhir_department_system: str = ""  # fhir: HealthcareService.identifier system; "" = its id
    fhir_namespace: str = "urn:hospital-checkin-kiosk"  # fhir: the kiosk's own systems/extensions
    fhir_code_system: str = ""  # fhir: identifier system of the hospital's own codes; "" = none
    fhir_token_url: str = ""  # fhir: OAuth2 token endpoint (client credentials); "" = `token`
    fhir_client_id: str = ""  # fhir: OAuth2 client id
    fhir_client_secret: str = field(default="", repr=False)  # fhir: a secret, never logged
    fhir_scope: str = ""  # fhir: OAuth2 scope asked for, e.g. "system/*.*"; "" = the client's


# The optional parts of a ticket, as kiosk/app/ticket_paper.py TicketField names them.
TICKET_FIELDS = (
    "hospital_name",
    "title",
    "department",
    "room",
    "directions",
    "patient_name",
    "birth_year",
    "service",
    "identity_check",
    "wait",
    "issued_at",
    "visit_qr",
    "footer",
)


@dataclass(frozen=True)
class TicketSection:
    footer: str = "Xin cảm ơn quý khách. Chúc quý khách mau khỏe!"  # an array: one line each
    paper_width_mm: int = 80  # must match the printer profile's paper (`kiosk config check`)
    hidden_fields: tuple[str, ...] = ()  # parts of TICKET_FIELDS left off the ticket
    logo: str = ""  # an image file printed at the top; "" = none
    native_text: bool = True  # the printer's own font for ASCII (queue number) where it fits
    native_qr: bool = True  # the printer draws the QR code itself where its profile can


@dataclass(frozen=True)
class PrinterSection:
    kind: str = "simulated"
    output_dir: str = ""  # where the simulated printer saves each ticket's bytes and PNG
    host: str = ""  # network
    port: int = 9100  # network
    vendor_id: str = ""  # usb, hex as lsusb shows it ("04b8")
    product_id: str = ""  # usb, hex
    in_endpoint: str = "82"  # usb, hex; some clones use other endpoints
    out_endpoint: str = "01"  # usb, hex
    device: str = ""  # serial, e.g. /dev/ttyUSB0
    baudrate: int = 9600  # serial
    cups_printer: str = ""  # cups: a raw queue's name
    path: str = ""  # file: a device node such as /dev/usb/lp0
    profile: str = "TM-T20II"  # the python-escpos capability profile of the model
    connect_timeout: float = 2.0
    read_timeout: float = 0.5  # one status answer
    write_timeout: float = 5.0  # a write making no progress
    min_bytes_per_second: float = 0.0  # the slowest transfer accepted; 0 = as the kind allows
    poll_seconds: float = 5.0  # status check interval; 0 = only around each ticket


@dataclass(frozen=True)
class ScannerSection:
    kind: str = "simulated"  # serial | wedge (keyboard emulation) | simulated (the demo's) | none
    device: str = ""  # serial, e.g. /dev/ttyACM0
    baudrate: int = 9600  # serial
    frame_suffix: str = ""  # serial: what ends a code; "" = CR, LF or CRLF
    wedge_max_gap: float = 0.03  # wedge: seconds between a scanner's keys (people are slower)
    wedge_min_length: int = 4  # wedge: shorter fast bursts are a person's key rollover


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
    try_invert: bool = False  # dark-mode codes in the first pass too (the second look reads them)


@dataclass(frozen=True)
class CodesSection:
    # Regular expressions of the codes only the hospital can read (VNeID, its booking
    # confirmations). A code in no known format that matches none is refused at once; with
    # none configured, the hospital is asked about every code the kiosk cannot read itself.
    hospital_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfflineSection:
    enabled: bool = True  # provisional tickets from the kiosk's own store when the hospital is down
    folder: str = ""  # the store's folder; "" = offline/ in the kiosk's data folder
    key_file: str = ""  # the store's encryption key, kept apart; "" = offline.key in the folder
    kiosk_prefix: str = ""  # printed before the kiosk's own provisional numbers; "" = kiosk.id
    patient_cache_hours: float = 24.0  # how long a looked-up patient may be served offline
    keep_days: int = 7  # synced check-ins are pruned after this many days
    lease_block: int = 5  # numbers leased from the hospital per department while online; 0 = none


@dataclass(frozen=True)
class AdminSection:
    # The staff PIN's scrypt hash (`kiosk admin set-pin FILE` writes it); "" = no staff mode,
    # except in the demo, whose PIN is kiosk.staff.pin.DEMO_PIN.
    pin_hash: str = field(default="", repr=False)
    hold_seconds: float = 3.0  # press on the top-left corner this long to ask for the PIN
    idle_seconds: float = 120.0  # staff screens close after this long without a touch


@dataclass(frozen=True)
class MetricsSection:
    enabled: bool = False  # a Prometheus endpoint on 127.0.0.1
    port: int = 9464
    bind: str = "127.0.0.1"  # the kiosk's LAN address for a fleet's Prometheus (needs `allow`)
    allow: tuple[str, ...] = ()  # addresses / networks that may scrape, e.g. ["10.20.0.5"]


@dataclass(frozen=True)
class AlertsSection:
    webhook_url: str = ""  # signed JSON POSTs a hospital bridges to chat / pager; "" = none
    webhook_secret: str = field(default="", repr=False)  # the HMAC key; never printed or logged
    location: str = ""  # the building or area alerts are routed by, e.g. "toa-A"
    resolve_after: float = 30.0  # seconds a fault must stay cleared before "resolved" is sent
    per_hour: int = 4  # incidents of one kind sent per hour; more are shown on the staff page


@dataclass(frozen=True)
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    hospital: HospitalSection = field(default_factory=HospitalSection)
    ticket: TicketSection = field(default_factory=TicketSection)
    printer: PrinterSection = field(default_factory=PrinterSection)
    scanner: ScannerSection = field(default_factory=ScannerSection)
    card: CardSection = field(default_factory=CardSection)
    camera: CameraSection = field(default_factory=CameraSection)
    offline: OfflineSection = field(default_factory=OfflineSection)
    codes: CodesSection = field(default_factory=CodesSection)
    metrics: MetricsSection = field(default_factory=MetricsSection)
    admin: AdminSection = field(default_factory=AdminSection)
    alerts: AlertsSection = field(default_factory=AlertsSection)

    @property
    def language(self) -> Language:
        return Language(self.kiosk.language)


_CHOICES: dict[str, tuple[str, ...]] = {
    "kiosk.language": tuple(language.value for language in Language),
    "hospital.kind": ("rest", "fhir"),
    "ticket.paper_width_mm": ("58", "80"),
    "printer.kind": ("simulated", "network", "usb", "serial", "cups", "file"),
    "scanner.kind": ("simulated", "serial", "wedge", "none"),
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
    "printer.connect_timeout",
    "printer.read_timeout",
    "printer.write_timeout",
    "printer.baudrate",
    "scanner.baudrate",
    "scanner.wedge_max_gap",
    "card.read_timeout",
    "offline.patient_cache_hours",
    "offline.keep_days",
    "admin.hold_seconds",
    "admin.idle_seconds",
}


def load_config(path: Path | None) -> Config:
    """The config in `path`, or the defaults when there is no file."""
    if path is None:
        return Config()
    import tomllib  # 3 ms, only with a file: a demo start skips it

    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError as error:
        raise ConfigError("", f"config file not found: {path}") from error
    except UnicodeDecodeError as error:
        raise ConfigError("", f"not valid TOML: not UTF-8 text ({error.reason})") from error
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        raise ConfigError(
            "", f"not valid TOML: {error}", int(line.group(1)) if line else None
        ) from error
    try:
        return parse_config(raw)
    except ConfigError as error:
        error.line = key_line(text, error.key)
        raise


def parse_config(raw: dict[str, Any]) -> Config:
    sections: dict[str, Any] = {}
    known = {f.name: f for f in fields(Config)}
    for name, value in raw.items():
        if name not in known:
            raise ConfigError(name, f"unknown section (known: {', '.join(known)})")
        if not isinstance(value, dict):
            raise ConfigError(name, "must be a table, e.g. [" + name + "]")
        section_type = known[name].default_factory
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
    section = section_type(**values)
    _check_required(name, section)
    return section


def _check_value(dotted: str, default: Any, value: Any) -> Any:
    expected = type(default)
    if isinstance(value, list) and (expected is tuple or dotted in _LINES):
        value = _strings(dotted, value)
        value = "\n".join(value) if expected is str else tuple(value)
    elif expected is tuple:
        raise ConfigError(dotted, f"must be an array of strings, not {type(value).__name__}")
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not expected:
        raise ConfigError(dotted, f"must be a {expected.__name__}, not {type(value).__name__}")
    if expected is float and not math.isfinite(value):
        # TOML reads nan and inf as floats: every duration, limit and rate here needs a number.
        raise ConfigError(dotted, f"must be a finite number, not {value}")
    if dotted in _CHOICES and str(value) not in _CHOICES[dotted]:
        raise ConfigError(dotted, f"must be one of {', '.join(_CHOICES[dotted])}")
    if dotted in _POSITIVE and value <= 0:
        raise ConfigError(dotted, "must be greater than 0")
    if (
        dotted == "hospital.fhir_token_url"
        and value
        and not value.startswith(("http://", "https://"))
    ):
        raise ConfigError(dotted, "must start with http:// or https://")
    if dotted == "hospital.url" and not value.startswith(("http://", "https://")):
        raise ConfigError(dotted, "must start with http:// or https://")
    if dotted == "hospital.url" and not urlsplit(value).hostname:
        raise ConfigError(dotted, "names no host, e.g. https://his.example.vn")
    if dotted == "kiosk.name" and len(value) > 32:
        raise ConfigError(dotted, "at most 32 characters (it heads the staff screens)")
    if dotted == "kiosk.id" and not _KIOSK_ID.fullmatch(value):
        raise ConfigError(dotted, 'letters, digits, "-" and "_", at most 32 (e.g. "KIOSK-01")')
    if dotted == "admin.pin_hash" and value:
        try:
            parse_pin_hash(value)
        except PinHashError as error:
            raise ConfigError(dotted, str(error)) from error
    if dotted == "kiosk.departments":
        for index, code in enumerate(value):
            if not code.strip() or code in value[:index]:
                raise ConfigError(f"{dotted}[{index}]", "an empty or repeated department code")
    _check_alerts_or_metrics_value(dotted, value)
    if dotted == "offline.lease_block" and not 0 <= value <= 50:
        raise ConfigError(dotted, "must be between 0 and 50")
    if dotted == "offline.kiosk_prefix" and value and not (value.isascii() and value.isalnum()):
        raise ConfigError(dotted, "letters and digits only (it is printed as plain text)")
    if dotted == "camera.max_side" and value < 64:
        raise ConfigError(dotted, "must be at least 64 (pixels): no code reads in less")
    patterns = [value] if dotted == "card.reader_name" else []
    if dotted == "codes.hospital_patterns":
        patterns = list(value)
    for index, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as error:
            where = dotted if dotted == "card.reader_name" else f"{dotted}[{index}]"
            raise ConfigError(where, f"not a valid regular expression: {error}") from error
    _check_device_value(dotted, value)
    return value


# The kiosk id travels in idempotency keys, file names and metrics labels: plain characters.
_KIOSK_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
# Keys that take an array of lines as well as one string.
_LINES = {"ticket.footer"}
_ITEM_CHOICES = {"ticket.hidden_fields": TICKET_FIELDS}
_HEX_LIMITS = {
    "printer.vendor_id": 0xFFFF,
    "printer.product_id": 0xFFFF,
    "printer.in_endpoint": 0xFF,
    "printer.out_endpoint": 0xFF,
}
# What each printer and scanner kind cannot work without.
_REQUIRED: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("printer", "network"): ("host",),
    ("printer", "usb"): ("vendor_id", "product_id", "in_endpoint", "out_endpoint"),
    ("printer", "serial"): ("device",),
    ("printer", "cups"): ("cups_printer",),
    ("printer", "file"): ("path",),
    ("scanner", "serial"): ("device",),
    ("hospital", "fhir"): ("fhir_citizen_id_system", "fhir_insurance_system"),
}


def _strings(dotted: str, items: list[Any]) -> list[str]:
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise ConfigError(f"{dotted}[{index}]", f"must be a str, not {type(item).__name__}")
        if dotted in _ITEM_CHOICES and item not in _ITEM_CHOICES[dotted]:
            choices = ", ".join(_ITEM_CHOICES[dotted])
            raise ConfigError(f"{dotted}[{index}]", f"must be one of {choices}")
    return items


def _check_device_value(dotted: str, value: Any) -> None:
    if dotted in _HEX_LIMITS and value:
        try:
            number = int(value, 16)
        except ValueError:
            number = -1
        if not 0 <= number <= _HEX_LIMITS[dotted]:
            limit = f"{_HEX_LIMITS[dotted]:X}"
            raise ConfigError(dotted, f'must be hexadecimal from 0 to {limit}, e.g. "04b8"')
    if dotted in ("printer.port", "metrics.port") and not 1 <= value <= 65535:
        raise ConfigError(dotted, "must be between 1 and 65535")
    if dotted in ("printer.min_bytes_per_second", "printer.poll_seconds") and value < 0:
        raise ConfigError(dotted, "must not be negative (0 = automatic / off)")
    if dotted == "scanner.wedge_min_length" and value < 1:
        raise ConfigError(dotted, "must be at least 1")


def _check_alerts_or_metrics_value(dotted: str, value: Any) -> None:
    import ipaddress  # 2 ms: only with a file that sets these keys

    if dotted == "alerts.webhook_url" and value and not value.startswith(("http://", "https://")):
        raise ConfigError(dotted, "must start with https:// (or http:// on the hospital's LAN)")
    if dotted == "alerts.per_hour" and value < 1:
        raise ConfigError(dotted, "must be at least 1")
    if dotted == "alerts.resolve_after" and value < 0:
        raise ConfigError(dotted, "must not be negative")
    if dotted == "alerts.location" and not _LABEL_TEXT.fullmatch(value):
        raise ConfigError(dotted, 'letters, digits, "-", "_" and ".", at most 32 (e.g. "toa-A")')
    try:
        if dotted == "metrics.bind":
            ipaddress.ip_address(value)
        for index, network in enumerate(value if dotted == "metrics.allow" else ()):
            dotted = f"metrics.allow[{index}]"
            ipaddress.ip_network(network, strict=False)
    except ValueError as error:
        raise ConfigError(dotted, f"not an IP address or network: {error}") from error


_LOOPBACK = ("127.0.0.1", "::1")
_LABEL_TEXT = re.compile(r"[A-Za-z0-9_.-]{0,32}")


def _check_required(name: str, section: Any) -> None:
    kind = getattr(section, "kind", None)
    for key in _REQUIRED.get((name, kind), ()):
        if not getattr(section, key):
            raise ConfigError(f"{name}.{key}", f'required when {name}.kind is "{kind}"')
    if isinstance(section, HospitalSection):
        _check_tls(section)
    secret = getattr(section, "webhook_secret", "")
    if isinstance(section, AlertsSection) and section.webhook_url and len(secret) < 16:
        raise ConfigError("alerts.webhook_secret", "at least 16 characters with a webhook_url")
    if isinstance(section, MetricsSection) and not section.allow and section.bind not in _LOOPBACK:
        raise ConfigError("metrics.allow", "required when metrics.bind is not 127.0.0.1 or ::1")
    if (
        isinstance(section, CardSection)
        and section.csca_dir
        and not Path(section.csca_dir).is_dir()
    ):
        raise ConfigError("card.csca_dir", "no such folder (the trusted CSCA certificates)")


def _check_tls(section: HospitalSection) -> None:
    """TLS files are only read for https, must exist, and a key needs its certificate."""
    for key in ("ca_bundle", "client_cert", "client_key"):
        value = getattr(section, key)
        if not value:
            continue
        if not section.url.startswith("https://"):
            raise ConfigError(f"hospital.{key}", "only used with an https:// hospital.url")
        if not Path(value).is_file():
            raise ConfigError(f"hospital.{key}", "no such file")
    if section.client_key and not section.client_cert:
        raise ConfigError("hospital.client_key", "needs hospital.client_cert")


EXAMPLE = """\
# Check-in kiosk configuration. Every key is optional: what is left out takes the value shown.
# Check a file with `kiosk config check FILE`.

[kiosk]
id = "KIOSK-01"            # sent with every registration: unique per kiosk
name = ""                  # where the kiosk stands, e.g. "Sảnh A, tầng 1" (staff screens)
language = "vi"            # the language every patient starts in: vi | en
idle_seconds = 60.0        # back to the welcome screen after this long without a touch
ticket_seconds = 20.0      # how long the ticket screen stays
fullscreen = true          # false only for development (or run `kiosk --windowed`)
data_dir = ""              # the kiosk's own data (offline outbox); must survive restarts.
                           # "" = $XDG_STATE_HOME/hospital-kiosk (~/.local/state/...)
departments = []           # codes of the departments patients may choose, e.g. ["K01",
                           # "K05"]; [] = every department the hospital lists
counter_location = "Quầy tiếp đón, sảnh chính"  # printed on the slip of a patient sent to
                           # the counter (a reason code for staff, no diagnosis)
counter_hours = ""         # the counter's hours on that slip, e.g. "7:00–17:00"; "" = none
cashier_location = "quầy thu ngân"  # where a paid visit not paid at the kiosk is paid: the
                           # ticket says "Vui lòng nộp tại <this>"

[hospital]
name = "Bệnh viện Đa khoa Demo"      # shown on screen and printed on tickets
url = "http://127.0.0.1:8765"       # the hospital's kiosk API (see kiosk/hospital/openapi.yaml)
token = ""                          # bearer token, if the hospital asks for one; never logged
connect_timeout = 2.0               # seconds
read_timeout = 5.0                  # seconds
deadline = 8.0                      # overall limit of one call, retries included
ca_bundle = ""                      # https: PEM file of the CAs to trust instead of the
                                    # system's (a hospital's own CA); verification is always on
client_cert = ""                    # https: PEM client certificate, if the hospital asks for
                                    # one (mutual TLS)
client_key = ""                     # its private key, if not inside client_cert; never logged
kind = "rest"                       # rest: the kiosk REST contract | fhir: a FHIR R4 server
                                    # (url = its base, e.g. "https://his.example/fhir")
fhir_citizen_id_system = ""         # fhir (required): identifier system URI of CCCD numbers
fhir_insurance_system = ""          # fhir (required): identifier system URI of BHYT numbers
fhir_department_system = ""         # fhir: HealthcareService identifier system of department
                                    # codes; "" = the HealthcareService id is the code
fhir_namespace = "urn:hospital-checkin-kiosk"  # fhir: prefix of the kiosk's own identifier
                                    # systems and extensions (queue numbers, counters, ...)
fhir_code_system = ""               # fhir: identifier system of codes the hospital issues
                                    # (VNeID, booking QR) on its Patient / Appointment records;
                                    # "" = such codes are not looked up
fhir_token_url = ""                 # fhir: OAuth2 client-credentials token endpoint;
                                    # "" = `token` is sent as a fixed bearer token (if set)
fhir_client_id = ""                 # fhir: OAuth2 client id
fhir_client_secret = ""             # fhir: OAuth2 client secret; never logged
fhir_scope = ""                     # fhir: scope to ask for, e.g. "system/*.*"

[ticket]
footer = "Xin cảm ơn quý khách. Chúc quý khách mau khỏe!"   # or an array: one line each
paper_width_mm = 80                 # 58 | 80: must be the paper of the printer's profile
hidden_fields = []                  # parts left off, from: hospital_name, title, department,
                                    # room, directions, patient_name, birth_year, service,
                                    # identity_check, wait, issued_at, visit_qr, footer
logo = ""                           # an image (PNG, ...) printed at the top; "" = none
native_text = true                  # queue number and date in the printer's own font
native_qr = true                    # the printer draws the QR code itself (false: as an image)

[printer]
kind = "simulated"                  # simulated | network | usb | serial | cups | file
output_dir = ""                     # simulated: where each ticket is saved (bytes + PNG)
host = ""                           # network: the printer's address
port = 9100                         # network: its raw port
vendor_id = ""                      # usb: hex, as `lsusb` shows it, e.g. "04b8"
product_id = ""                     # usb: hex, e.g. "0202"
in_endpoint = "82"                  # usb: hex; some clones use other endpoints
out_endpoint = "01"                 # usb: hex
device = ""                         # serial: e.g. "/dev/ttyUSB0"
baudrate = 9600                     # serial
cups_printer = ""                   # cups: the name of a raw queue (no driver filter)
path = ""                           # file: a device node, e.g. "/dev/usb/lp0"
profile = "TM-T20II"                # the model's python-escpos profile (a wrong name is
                                    # refused with the list); decides the print width in
                                    # dots, the resolution, native text and QR
connect_timeout = 2.0               # seconds
read_timeout = 0.5                  # seconds for one status answer
write_timeout = 5.0                 # seconds a write may make no progress
min_bytes_per_second = 0.0          # slower transfers fail the job; 0 = as the kind allows
                                    # (serial: what its baudrate moves)
poll_seconds = 5.0                  # status check (paper, cover, online) interval; 0 = only
                                    # around each ticket. cups and file cannot report status

[scanner]
kind = "simulated"                  # serial | wedge (keyboard emulation) | simulated (the
                                    # demo's) | none. Serial keeps Vietnamese text intact
device = ""                         # serial: e.g. "/dev/ttyACM0"
baudrate = 9600                     # serial
frame_suffix = ""                   # serial: what ends each code; "" = CR, LF or CRLF
wedge_max_gap = 0.03                # wedge: most seconds between a scanner's keys
wedge_min_length = 4                # wedge: fewest characters in a code

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
try_invert = false                  # true: look for light-on-dark codes (dark-mode phones) in
                                    # every frame's first pass, 15-30% slower; false: only in the
                                    # second look, when the first pass read nothing

[offline]
enabled = true                      # provisional tickets when the hospital does not answer
folder = ""                         # the kiosk's own store; "" = offline/ in its data folder
key_file = ""                       # the store's encryption key (keep it off backups of the
                                    # store); "" = offline.key next to the store
kiosk_prefix = ""                   # before the kiosk's own provisional numbers; "" = kiosk id
patient_cache_hours = 24.0          # a looked-up patient can be served offline this long
keep_days = 7                       # synced check-ins are deleted after this many days
lease_block = 5                     # numbers leased per department while online (0 = none)

[codes]
hospital_patterns = []              # regular expressions of the codes only the hospital reads
                                    # (VNeID, booking confirmations), e.g. ["^VNEID:", "^LH-"];
                                    # other unknown codes are refused without asking it.
                                    # [] = ask the hospital about every unknown code

[metrics]
enabled = false                     # a Prometheus endpoint on 127.0.0.1 (check-ins, errors,
                                    # card read and hospital times, outbox, printer state)
port = 9464                         # http://127.0.0.1:PORT/metrics
bind = "127.0.0.1"                  # the address served on; the kiosk's LAN address lets a
                                    # fleet's Prometheus scrape it (then `allow` is required)
allow = []                          # who may scrape when bind is not loopback, e.g.
                                    # ["10.20.0.5", "10.20.9.0/24"]; others get 403

[admin]
pin_hash = ""                       # the staff PIN's hash: set it with `kiosk admin set-pin
                                    # FILE`; "" = no staff screens (the demo's PIN: 123456)
hold_seconds = 3.0                  # press the top-left corner this long for the PIN pad
idle_seconds = 120.0                # staff screens close after this long without a touch

[alerts]
webhook_url = ""                    # staff alerts as signed JSON POSTs (HMAC-SHA256), which the
                                    # hospital bridges to Zalo OA, Telegram, Slack or e-mail;
                                    # "" = the staff page only (patients are then never told
                                    # that staff know: they are sent to the counter)
webhook_secret = ""                 # the shared HMAC key, 16 characters or more; never logged
location = ""                       # the building or area, for routing and metrics labels
resolve_after = 30.0                # seconds a fault must stay cleared before "resolved" is sent
per_hour = 4                        # incidents of one kind sent per hour (a flapping printer)
"""
