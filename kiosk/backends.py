"""Everything the kiosk needs besides its screen: the hospital and the devices.

Part of the composition root. These are slow to import and start (the ESC/POS capability
database alone takes a quarter of a second), so the app builds them on a background thread
while the welcome screen is already on show.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drivers.scanner.simulated import SimulatedScanner
from kiosk.config import CameraSection, CardSection, Config
from kiosk.hospital.rest import RestHospitalClient

if TYPE_CHECKING:
    from drivers.camera.decoder import FrameDecoder
    from drivers.camera.simulated import SimulatedCamera
    from drivers.card.passive_auth import CscaStore
    from drivers.card.reader import ReaderWatch
    from drivers.card.station import ChipStation
    from drivers.card.virtual_reader import VirtualReader
    from drivers.printer.simulated import SimulatedPrinter
    from kiosk.demo_devices import DemoDevices

log = logging.getLogger(__name__)


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
    """The camera's non-Qt half, made off the GUI thread (numpy and zxing-cpp load slowly): the
    decoder, and for a simulated camera the camera itself. The Qt half lives in kiosk/app.py."""

    section: CameraSection
    decoder: FrameDecoder
    simulated: SimulatedCamera | None = None


@dataclass
class Backends:
    hospital: RestHospitalClient
    printer: SimulatedPrinter
    card: CardDevices | None  # None: no card reader configured
    camera: CameraDevices | None  # None: no camera configured
    scanner: SimulatedScanner
    demo: DemoDevices | None

    def close(self) -> None:
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
    # python-escpos caches its capability database as a pickle in a shared temp folder unless
    # told otherwise, and loads whatever pickle it finds there: use a folder only we write to.
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hospital-kiosk"
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
    from drivers.printer.simulated import SimulatedPrinter

    printer = SimulatedPrinter(out_dir=ticket_dir, paper_width_mm=config.ticket.paper_width_mm)
    scanner = SimulatedScanner()
    hospital_url = config.hospital.url
    demo_devices = None
    if demo:
        from drivers.card.virtual_cccd import VirtualCccdIssuer
        from kiosk.demo_devices import DemoDevices
        from kiosk.demo_hospital.server import DemoHospitalServer

        issuer = VirtualCccdIssuer()  # the demo cards' own CSCA, trusted by the demo kiosk
        card = build_card_devices(config.card, issuer.csca_store)
        server = DemoHospitalServer(data_dir / "demo-hospital.sqlite")
        server.start()
        hospital_url = server.url
        virtual = card.virtual if card is not None else None
        camera = build_camera_devices(config.camera)
        simulated_camera = camera.simulated if camera is not None else None
        demo_devices = DemoDevices(server, virtual, issuer, scanner, simulated_camera, printer)
    else:
        card = build_card_devices(config.card, None)
        camera = build_camera_devices(config.camera)
    hospital = RestHospitalClient(
        hospital_url,
        token=config.hospital.token or None,
        connect_timeout=config.hospital.connect_timeout,
        read_timeout=config.hospital.read_timeout,
        deadline=config.hospital.deadline,
    )
    log.info(
        "backends ready: hospital %s, %s printer", "demo" if demo else "remote", config.printer.kind
    )
    return Backends(hospital, printer, card, camera, scanner, demo_devices)
