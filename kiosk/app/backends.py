"""One module: the composition root's device and hospital wiring, built together off the GUI thread.
Everything the kiosk needs besides its screen: the hospital and the devices.

Part of the composition root. These are slow to import and start (the ESC/POS capability
database alone takes a quarter of a second), so the app builds them on a background thread
while the welcome screen is already on show.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from drivers.printer.base import DocumentPrinter
from drivers.scanner.simulated import SimulatedScanner
from kiosk.app.ticket_paper import PaperTicketPrinter, TicketField, TicketTemplate
from kiosk.config import (
    CameraSection,
    CardSection,
    Config,
    ConfigError,
    HospitalSection,
    ScannerSection,
    TicketSection,
)
from kiosk.hospital.rest import RestHospitalClient

if TYPE_CHECKING:
    import ssl

    from PIL import Image

    from drivers.camera.decoder import FrameDecoder
    from drivers.camera.simulated import SimulatedCamera
    from drivers.card.passive_auth import CscaStore
    from drivers.card.reader import ReaderWatch
    from drivers.card.station import ChipStation, Connector
    from drivers.card.virtual_reader import VirtualReader
    from drivers.printer.escpos_printer import EscPosPrinter, PrinterConfig, PrinterStatus
    from drivers.printer.layout import LayoutOptions
    from drivers.printer.simulated import SimulatedPrinter
    from drivers.scanner.errors import ScannerError
    from drivers.scanner.serial import SerialScanner
    from drivers.scanner.wedge import WedgeDecoder
    from kiosk.alerts import DeliveryState
    from kiosk.app.demo_devices import DemoDevices
    from kiosk.app.offline_link import OfflineServices
    from kiosk.core.ports import HospitalApi, PaymentApi, TicketPrinter

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class CardDevices:
    """The chip reading station and where its cards come from: PC/SC readers or virtual ones."""

    station: ChipStation
    watch: ReaderWatch | None = None  # PC/SC: started once the station has its listener
    virtual: VirtualReader | None = None

    def start(self) -> None:
        if self.watch is not None:
            self.watch.start()
        if self.virtual is not None:
            self.virtual.set_listener(self.station.on_reader_event)

    def close(self) -> None:
        if self.watch is not None:
            self.watch.stop()
        self.station.close()


@dataclass(frozen=True)
class CameraDevices:
    """The camera's non-Qt half, made off the GUI thread (zxing-cpp and Pillow load slowly): the
    decoder, and for a simulated camera the camera itself. The Qt half lives in
    kiosk/app/controller.py."""

    section: CameraSection
    decoder: FrameDecoder
    simulated: SimulatedCamera | None = None


class Relay(Generic[T]):
    """Values from device threads to a listener the app sets later.

    The last value published before the listener is set is handed to it when it is set, so a
    fault found while the kiosk starts still reaches staff. The listener runs on the
    publishing thread, under the relay's lock: it must return quickly.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._listener: Callable[[T], None] | None = None
        self._pending: list[T] = []  # at most the one value published before a listener

    def connect(self, listener: Callable[[T], None]) -> None:
        with self._lock:
            self._listener = listener
            pending, self._pending = self._pending, []
            for value in pending:
                self._deliver(listener, value)

    def publish(self, value: T) -> None:
        with self._lock:
            if self._listener is None:
                self._pending = [value]
            else:
                self._deliver(self._listener, value)

    def _deliver(self, listener: Callable[[T], None], value: T) -> None:
        try:
            listener(value)
        # A broken staff alert must not stop a ticket from printing or a scanner from reading.
        except Exception:
            log.exception("%s listener failed", self._name)


@dataclass
class ScannerDevices:
    """Where raw scanner payloads come from: the simulated scanner (the demo panel's and the
    tests'; idle otherwise) and the configured hardware scanner, all to one listener."""

    simulated: SimulatedScanner
    serial: SerialScanner | None = None
    # A keyboard-wedge scanner types into the windows: the app feeds this decoder key
    # presses through ui/wedge_filter.py's WedgeKeyFilter.
    wedge: WedgeDecoder | None = None
    errors: Relay[ScannerError] = field(default_factory=lambda: Relay("scanner error"))
    _reading: bool = field(default=False, init=False)

    def set_listener(self, on_payload: Callable[[str], None]) -> None:
        """Payloads go to `on_payload` on the thread that read them. A serial scanner starts
        reading now: a code scanned before anyone listens would be lost."""
        self.simulated.set_listener(on_payload)
        if self.serial is not None:
            self.serial.set_listener(on_payload, self.errors.publish)
            if not self._reading:
                self.serial.start()
                self._reading = True

    def show(self, payload: str) -> None:
        """Hold a code in front of the simulated scanner (demo panel, tests, benchmarks)."""
        self.simulated.show(payload)

    def close(self) -> None:
        if self.serial is not None:
            self.serial.stop()


@dataclass
class Backends:
    hospital: HospitalApi  # through the offline store when it is enabled
    printer: DocumentPrinter  # the device: the simulated one or a real one
    ticket_printer: TicketPrinter  # the kiosk's tickets on `printer`
    card: CardDevices | None  # None: no card reader configured
    camera: CameraDevices | None  # None: no camera configured
    scanner: ScannerDevices
    demo: DemoDevices | None
    offline: OfflineServices | None = None
    escpos_printer: EscPosPrinter | None = None  # `printer` when it is a real one
    printer_statuses: Relay[PrinterStatus] = field(default_factory=lambda: Relay("printer status"))
    # The staff alerts' delivery state for the status page; the app sets it (kiosk/app/alerting.py).
    staff_alerts: Callable[[], DeliveryState | None] | None = None
    payments: PaymentApi | None = None  # the REST hospital confirms payments; FHIR does not

    def set_printer_status_listener(self, listener: Callable[[PrinterStatus], None]) -> None:
        """Every change of the real printer's status (paper near end or out, cover open,
        offline, ready again), from the printer's threads; see `printer_alert`. The simulated
        printer reports none: its faults come as PrinterError from printing."""
        self.printer_statuses.connect(listener)

    def set_scanner_error_listener(self, listener: Callable[[ScannerError], None]) -> None:
        """A serial scanner's device lost (once per outage) and frames it could not use."""
        self.scanner.errors.connect(listener)

    @property
    def printer_status(self) -> PrinterStatus | None:
        """The real printer's last known status; None for the simulated one or before a check."""
        return self.escpos_printer.status if self.escpos_printer is not None else None

    def close(self) -> None:
        self.scanner.close()
        if self.escpos_printer is not None:
            self.escpos_printer.close()
        if self.offline is not None:
            self.offline.close()
        self.hospital.close()
        if self.card is not None:
            self.card.close()
        if self.demo is not None:
            self.demo.close()


def build_card_devices(section: CardSection, demo_cscas: CscaStore | None) -> CardDevices | None:
    """The configured card reader; the demo's virtual cards are trusted through `demo_cscas`."""
    if section.reader == "none":
        return None
    from drivers.card.cccd_reader import CccdReader, ReadOptions
    from drivers.card.passive_auth import CscaStore
    from drivers.card.station import ChipStation

    connect: Connector
    if section.reader == "simulated":
        from drivers.card.virtual_reader import VirtualReader

        virtual = VirtualReader()
        cscas = demo_cscas or CscaStore()
        connect = virtual.connect
        watch = None
    else:
        from drivers.card.reader import PcscTransport, ReaderWatch

        virtual = None
        cscas = CscaStore.from_folder(Path(section.csca_dir)) if section.csca_dir else CscaStore()
        connect = PcscTransport
    options = ReadOptions(
        deadline_seconds=section.read_timeout,
        active_authentication=section.active_authentication,
        detect_extended_length=section.extended_length != "off",
        reader_extended_length=True if section.extended_length == "on" else None,
    )
    reader = CccdReader(cscas, options=options)
    station = ChipStation(reader, connect)
    if virtual is None:
        watch = ReaderWatch(station.on_reader_event, name_pattern=section.reader_name)
    return CardDevices(station, watch=watch, virtual=virtual)


def build_camera_devices(section: CameraSection) -> CameraDevices | None:
    if section.source == "none":
        return None
    from drivers.camera.decoder import DecoderSettings, FrameDecoder

    settings = DecoderSettings(max_side=section.max_side, try_invert=section.try_invert)
    simulated = None
    if section.source == "simulated":
        from drivers.camera.simulated import SimulatedCamera, empty_scene

        simulated = SimulatedCamera.still(empty_scene())
    return CameraDevices(section, FrameDecoder(settings), simulated)


def build_backends(config: Config, *, demo: bool, data_dir: Path, ticket_dir: Path) -> Backends:
    for warning in check_printer_profile(config.printer.profile, config.ticket.paper_width_mm):
        log.warning("%s", warning)
    template = ticket_template(config.ticket)
    printer_statuses: Relay[PrinterStatus] = Relay("printer status")
    escpos_printer: EscPosPrinter | None = None
    simulated_printer: SimulatedPrinter | None = None
    printer: DocumentPrinter
    if config.printer.kind == "simulated":
        printer = simulated_printer = build_simulated_printer(config, ticket_dir)
    else:
        printer = escpos_printer = build_escpos_printer(config, printer_statuses.publish)
    ticket_printer = PaperTicketPrinter(printer, template)
    scanner = build_scanner_devices(config.scanner)
    section = config.hospital
    demo_devices = None
    if demo:
        from drivers.card.virtual_cccd import VirtualCccdIssuer
        from kiosk.app.demo_devices import DemoDevices, DemoHospital

        issuer = VirtualCccdIssuer()  # the demo cards' own CSCA, trusted by the demo kiosk
        card = build_card_devices(config.card, issuer.csca_store)
        server: DemoHospital
        if section.kind == "fhir":  # SEKMET, a FHIR R4 server, with the same demo data
            from kiosk.app.hospital_clients import fhir_demo_section, fhir_systems
            from kiosk.demo_hospital.fhir_demo import FhirDemoHospital

            server = fhir_demo = FhirDemoHospital(data_dir / "demo-fhir", fhir_systems(section))
            section = fhir_demo_section(
                section, url=fhir_demo.url, token=fhir_demo.token, systems=fhir_demo.systems
            )
        else:
            from kiosk.demo_hospital.server import DemoHospitalServer

            server = DemoHospitalServer(data_dir / "demo-hospital.sqlite")
        server.start()
        section = replace(section, url=server.url)
        virtual = card.virtual if card is not None else None
        camera = build_camera_devices(config.camera)
        simulated_camera = camera.simulated if camera is not None else None
        if simulated_printer is None:
            # The panel's printer faults then act on a twin nobody prints on: the real
            # printer's faults are real.
            simulated_printer = build_simulated_printer(config, ticket_dir)
        demo_devices = DemoDevices(
            server, virtual, issuer, scanner.simulated, simulated_camera, simulated_printer
        )
    else:
        card = build_card_devices(config.card, None)
        camera = build_camera_devices(config.camera)
    hospital_url = section.url
    tls = hospital_tls(section) if hospital_url.startswith("https://") else None
    use_fhir = section.kind == "fhir"
    rest: HospitalApi
    probe: HospitalApi
    if use_fhir:
        from kiosk.app.hospital_clients import fhir_client  # 12 ms: FHIR hospitals only

        rest = fhir_client(section, hospital_url, ssl_context=tls)
    else:
        rest = RestHospitalClient(
            hospital_url,
            token=section.token or None,
            connect_timeout=section.connect_timeout,
            read_timeout=section.read_timeout,
            deadline=section.deadline,
            ssl_context=tls,
        )
    hospital: HospitalApi = rest
    offline = None
    if config.offline.enabled:
        from kiosk.app.offline_link import build_offline
        from offline_cache import OfflineCacheError

        # The probe answers "is it up?" in a second: it must not wait out a call's deadline.
        if use_fhir:
            probe = fhir_client(section, hospital_url, ssl_context=tls, probe=True)
        else:
            probe = RestHospitalClient(
                hospital_url,
                token=section.token or None,
                connect_timeout=0.5,
                read_timeout=1.0,
                deadline=1.0,
                retries=0,
                ssl_context=tls,
            )
        try:
            offline = build_offline(
                config.offline,
                hospital=rest,
                probe_client=probe,
                default_folder=data_dir / "offline",
                kiosk_id=config.kiosk.id,
                hospital_name=config.hospital.name,
                footer=config.ticket.footer,
            )
        except (OfflineCacheError, OSError) as error:
            # Online service goes on; when the hospital is down the patient is sent to the
            # counter, as with no store at all. Staff must fix the store (key file, disk).
            log.critical("offline store unusable, serving online only: %s", error)
            probe.close()
        else:
            hospital = offline.hospital
    log.info(
        "backends ready: hospital %s (%s), %s printer, offline store %s",
        "demo" if demo else "remote",
        section.kind,
        config.printer.kind,
        "on" if offline else "off",
    )
    if escpos_printer is not None:
        escpos_printer.start_polling()  # last: nothing above can fail and leave it running
    return Backends(
        hospital,
        printer,
        ticket_printer,
        card,
        camera,
        scanner,
        demo_devices,
        offline,
        escpos_printer=escpos_printer,
        printer_statuses=printer_statuses,
        payments=rest if isinstance(rest, RestHospitalClient) else None,
    )


def hospital_tls(section: HospitalSection) -> ssl.SSLContext:
    """The ssl context for an https hospital: its CA bundle and client certificate loaded."""
    from kiosk.hospital.tls import TlsSetupError, tls_context

    try:
        return tls_context(section.ca_bundle, section.client_cert, section.client_key)
    except TlsSetupError as error:
        raise ConfigError(error.key, error.problem) from error


def use_private_escpos_cache() -> None:
    """python-escpos caches its capability database as a pickle in a shared temp folder unless
    told otherwise, and loads whatever pickle it finds there: use a folder only we write to.
    Call before anything imports escpos."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hospital-kiosk"
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))


def check_printer_profile(profile: str, paper_width_mm: int | None = None) -> list[str]:
    """Refuses a profile python-escpos does not know or that cannot print tickets, and a paper
    width the profile does not print on (either would fail at the first ticket); returns
    warnings, e.g. a print width the profile does not give and that is assumed."""
    use_private_escpos_cache()
    from drivers.printer.profile import (
        ProfileError,
        known_profiles,
        printer_model,
        profile_warnings,
    )

    if profile not in known_profiles():
        names = ", ".join(known_profiles())
        raise ConfigError("printer.profile", f"unknown printer profile (known: {names})")
    try:
        printer_model(profile)
    except ProfileError as error:
        raise ConfigError("printer.profile", str(error)) from error
    try:
        model = printer_model(profile, paper_width_mm)
    except ProfileError as error:
        raise ConfigError("ticket.paper_width_mm", str(error)) from error
    return profile_warnings(model)


def ticket_template(section: TicketSection) -> TicketTemplate:
    hidden = {TicketField(name) for name in section.hidden_fields}
    return TicketTemplate(
        fields=frozenset(TicketField) - hidden,
        logo=_load_logo(section.logo) if section.logo else None,
    )


def layout_options(section: TicketSection) -> LayoutOptions:
    from drivers.printer.layout import LayoutOptions

    return LayoutOptions(native_text=section.native_text, native_qr=section.native_qr)


def _load_logo(path: str) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()  # all of it now: the file is closed when this block ends
    except (OSError, UnidentifiedImageError) as error:
        raise ConfigError("ticket.logo", f"cannot read the image: {error}") from error
    return image


def build_simulated_printer(config: Config, ticket_dir: Path) -> SimulatedPrinter:
    from drivers.printer.simulated import SimulatedPrinter

    return SimulatedPrinter(
        out_dir=ticket_dir,
        paper_width_mm=config.ticket.paper_width_mm,
        profile=config.printer.profile,
        options=layout_options(config.ticket),
    )


def build_escpos_printer(
    config: Config, on_status: Callable[[PrinterStatus], None]
) -> EscPosPrinter:
    """The configured real printer, not yet polling (`start_polling`)."""
    from drivers.printer.escpos_printer import EscPosPrinter

    options = layout_options(config.ticket)
    return EscPosPrinter(printer_config(config), on_status=on_status, options=options)


def printer_config(config: Config) -> PrinterConfig:
    from drivers.printer.escpos_printer import (
        Connection,
        CupsConnection,
        FileConnection,
        NetworkConnection,
        PrinterConfig,
        SerialConnection,
        Timeouts,
        UsbConnection,
    )

    section = config.printer
    connection: Connection
    if section.kind == "network":
        connection = NetworkConnection(section.host, section.port)
    elif section.kind == "usb":
        connection = UsbConnection(
            int(section.vendor_id, 16),
            int(section.product_id, 16),
            in_endpoint=int(section.in_endpoint, 16),
            out_endpoint=int(section.out_endpoint, 16),
        )
    elif section.kind == "serial":
        connection = SerialConnection(section.device, section.baudrate)
    elif section.kind == "cups":
        connection = CupsConnection(section.cups_printer)
    elif section.kind == "file":
        connection = FileConnection(section.path)
    else:
        raise ConfigError("printer.kind", f"{section.kind!r} is not a real printer")
    rate = section.min_bytes_per_second
    if not rate:
        serial = section.kind == "serial"
        # 10 bits a byte (8N1), and only half of that: printers hold the line while printing.
        rate = section.baudrate / 20 if serial else Timeouts().min_bytes_per_second
    timeouts = Timeouts(
        connect=section.connect_timeout,
        read=section.read_timeout,
        write=section.write_timeout,
        min_bytes_per_second=rate,
    )
    return PrinterConfig(
        connection,
        paper_width_mm=config.ticket.paper_width_mm,
        profile=section.profile,
        timeouts=timeouts,
        poll_seconds=section.poll_seconds,
    )


def printer_alert(status: PrinterStatus) -> str:
    """The staff alert for a printer status, e.g. "printer: out_of_paper"."""
    from drivers.printer.escpos_printer import PaperLevel

    if status.problem is not None:
        return f"printer: {status.problem.value}"
    if status.paper is PaperLevel.NEAR_END:
        return "printer: paper_near_end"
    return "printer: ready"


def build_scanner_devices(section: ScannerSection) -> ScannerDevices:
    """The configured scanner beside the simulated one; a serial one waits for a listener."""
    scanner = ScannerDevices(SimulatedScanner())
    if section.kind == "serial":
        from drivers.scanner.serial import SerialScanner

        suffix = section.frame_suffix.encode("utf-8") if section.frame_suffix else None
        scanner.serial = SerialScanner(section.device, section.baudrate, suffix=suffix)
    elif section.kind == "wedge":
        from drivers.scanner.wedge import WedgeDecoder

        scanner.wedge = WedgeDecoder(
            max_gap=section.wedge_max_gap, min_length=section.wedge_min_length
        )
    return scanner
