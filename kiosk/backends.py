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

from drivers.card.simulated import SimulatedCardReader
from drivers.scanner.simulated import SimulatedScanner
from kiosk.config import Config
from kiosk.hospital.rest import RestHospitalClient

if TYPE_CHECKING:
    from drivers.printer.simulated import SimulatedPrinter
    from kiosk.demo_devices import DemoDevices

log = logging.getLogger(__name__)


@dataclass
class Backends:
    hospital: RestHospitalClient
    printer: SimulatedPrinter
    card_reader: SimulatedCardReader
    scanner: SimulatedScanner
    demo: DemoDevices | None

    def close(self) -> None:
        self.hospital.close()
        self.card_reader.close()
        if self.demo is not None:
            self.demo.close()


def build_backends(config: Config, *, demo: bool, data_dir: Path, ticket_dir: Path) -> Backends:
    # python-escpos caches its capability database as a pickle in a shared temp folder unless
    # told otherwise, and loads whatever pickle it finds there: use a folder only we write to.
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hospital-kiosk"
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
    from drivers.printer.simulated import SimulatedPrinter

    printer = SimulatedPrinter(out_dir=ticket_dir, paper_width_mm=config.ticket.paper_width_mm)
    card_reader = SimulatedCardReader()
    scanner = SimulatedScanner()
    hospital_url = config.hospital.url
    demo_devices = None
    if demo:
        from kiosk.demo_devices import DemoDevices
        from kiosk.demo_hospital.server import DemoHospitalServer

        server = DemoHospitalServer(data_dir / "demo-hospital.sqlite")
        server.start()
        hospital_url = server.url
        demo_devices = DemoDevices(server, card_reader, scanner, printer)
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
    return Backends(hospital, printer, card_reader, scanner, demo_devices)
