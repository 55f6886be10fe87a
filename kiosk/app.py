"""Composition root: config -> hospital, devices, flow controller, windows.

The only module that knows everybody. It marshals every device callback and every effect
answer onto the GUI thread as a flow event, runs the flow there (each step is microseconds),
and hands I/O to the effect runner's worker threads so the GUI thread never waits.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from kiosk.config import Config
from kiosk.demo_devices import DemoDevices
from kiosk.domain import CardError, Identity
from kiosk.flow import (
    AlertStaff,
    CardFailed,
    CheckInFlow,
    CodeUnreadable,
    Effect,
    Event,
    FlowSettings,
    FlowState,
    IdentityPresented,
    IdleTimeout,
    StartIdleTimer,
)
from kiosk.hospital.rest import RestHospitalClient
from kiosk.identity import IdentityError, identity_from_payload
from kiosk.shell import IO_EFFECTS, EffectRunner, TicketPrinter

log = logging.getLogger(__name__)


class FlowController(QObject):
    """Runs the check-in flow on the GUI thread and performs its effects."""

    state_changed = Signal(object)  # FlowState
    staff_alert = Signal(str)
    _posted = Signal(object)  # events from any thread, delivered on the GUI thread

    def __init__(
        self,
        flow: CheckInFlow,
        make_runner: Callable[[Callable[[Event], None]], EffectRunner],
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self._flow = flow
        self._clock = clock
        self._runner = make_runner(self.post)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._idle_expired)
        self._idle_owner: tuple[int, int] | None = None
        self._posted.connect(self.send, Qt.ConnectionType.QueuedConnection)

    @property
    def state(self) -> FlowState:
        return self._flow.state

    def post(self, event: Event) -> None:
        """Thread-safe: queue an event for the GUI thread."""
        self._posted.emit(event)

    @Slot(object)
    def send(self, event: Event) -> None:
        """On the GUI thread: let the flow handle the event, start its effects, re-render."""
        before = self._flow.state
        effects = self._flow.handle(event, self._clock())
        for effect in effects:
            self._perform(effect)
        if self._flow.state is not before:
            self.state_changed.emit(self._flow.state)

    def expire_idle_timer(self) -> None:
        """Fire the pending idle timer now (the walkthrough's fast-forward)."""
        if self._idle.isActive():
            self._idle.stop()
            self._idle_expired()

    def shutdown(self) -> None:
        self._idle.stop()
        self._runner.shutdown()

    def _perform(self, effect: Effect) -> None:
        match effect:
            case StartIdleTimer(session=session, seq=seq, seconds=seconds):
                self._idle_owner = (session, seq)
                self._idle.start(int(seconds * 1000))
            case AlertStaff(problem=problem, reason=reason):
                log.warning("staff alert: %s (%s)", reason, problem.name.lower())
                self.staff_alert.emit(reason)
            case _ if isinstance(effect, IO_EFFECTS):
                self._runner.run(effect)

    def _idle_expired(self) -> None:
        if self._idle_owner is not None:
            session, seq = self._idle_owner
            self.send(IdleTimeout(session, seq))


@dataclass
class Devices:
    """The simulated devices of demo mode (the real drivers come with their own issues)."""

    card_reader: object
    scanner: object
    printer: TicketPrinter


class KioskApp:
    """Everything one kiosk runs, built from its config."""

    def __init__(
        self,
        config: Config,
        *,
        demo: bool,
        data_dir: Path | None = None,
        ticket_dir: Path | None = None,
    ) -> None:
        from drivers.card.simulated import SimulatedCardReader
        from drivers.printer.fonts import bundled_font_path
        from drivers.printer.simulated import SimulatedPrinter
        from drivers.scanner.simulated import SimulatedScanner
        from ui.main_window import KioskWindow
        from ui.theme import install_font

        self.config = config
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._temp = tempfile.TemporaryDirectory(prefix="kiosk-")
            data_dir = Path(self._temp.name)
        self.data_dir = data_dir

        self.demo_hospital = None
        hospital_url = config.hospital.url
        if demo:
            from kiosk.demo_hospital.server import DemoHospitalServer

            self.demo_hospital = DemoHospitalServer(data_dir / "demo-hospital.sqlite")
            self.demo_hospital.start()
            hospital_url = self.demo_hospital.url
        self.hospital = RestHospitalClient(
            hospital_url,
            token=config.hospital.token or None,
            connect_timeout=config.hospital.connect_timeout,
            read_timeout=config.hospital.read_timeout,
            deadline=config.hospital.deadline,
        )

        if ticket_dir is None and config.printer.output_dir:
            ticket_dir = Path(config.printer.output_dir)
        self.ticket_dir = ticket_dir or data_dir / "tickets"
        self.printer = SimulatedPrinter(out_dir=self.ticket_dir)
        self.card_reader = SimulatedCardReader()
        self.scanner = SimulatedScanner()

        settings = FlowSettings(
            kiosk_id=config.kiosk.id,
            hospital_name=config.hospital.name,
            ticket_footer=config.ticket.footer,
            idle_seconds=config.kiosk.idle_seconds,
            ticket_seconds=config.kiosk.ticket_seconds,
            default_language=config.language,
        )
        flow = CheckInFlow(settings, new_key=lambda: str(uuid.uuid4()))
        self.controller = FlowController(
            flow, lambda post: EffectRunner(self.hospital, self.printer, post, datetime.now)
        )
        self.card_reader.set_listener(self._card_read, self._card_failed)
        self.scanner.set_listener(self._code_scanned)

        install_font(bundled_font_path())
        self.window = KioskWindow(self.controller.send, hospital_name=config.hospital.name)
        self.controller.state_changed.connect(self.window.render)
        self.window.render(self.controller.state)
        self.demo_devices: DemoDevices | None = None
        if self.demo_hospital is not None:
            self.demo_devices = DemoDevices(
                self.demo_hospital, self.card_reader, self.scanner, self.printer
            )
        self.panel = None

    def show(self, *, fullscreen: bool) -> None:
        if fullscreen:
            self.window.showFullScreen()
        else:
            self.window.resize(720, 1280)
            self.window.show()
        if self.demo_devices is not None:
            self.panel = self._demo_panel(self.demo_devices)
            self.panel.show()

    def close(self) -> None:
        self.controller.shutdown()
        self.hospital.close()
        if self.demo_hospital is not None:
            self.demo_hospital.stop()
        if self.panel is not None:
            self.panel.close()
        self.window.close()
        if self._temp is not None:
            self._temp.cleanup()

    # Device callbacks may come from any thread: they only post events.

    def _card_read(self, identity: Identity) -> None:
        self.controller.post(IdentityPresented(identity))

    def _card_failed(self, error: CardError) -> None:
        log.info("card read failed: %s", error.problem.value)
        self.controller.post(CardFailed(error.problem))

    def _code_scanned(self, payload: str) -> None:
        try:
            identity = identity_from_payload(payload)
        except IdentityError as error:
            log.info("code not accepted: %s", error.problem.value)
            self.controller.post(CodeUnreadable(error.problem))
            return
        self.controller.post(IdentityPresented(identity))

    def _demo_panel(self, devices: DemoDevices):  # noqa: ANN202 - ui type imported lazily
        from ui.demo_panel import DemoPanel, PanelPersona

        panel = DemoPanel(
            [
                PanelPersona(
                    key=key,
                    label=persona.label_vi,
                    has_card=devices.has_card(key),
                    has_cccd_qr=devices.has_card(key),
                    has_bhyt_qr=devices.has_bhyt(key),
                )
                for key, persona in devices.personas.items()
            ]
        )
        panel.present_card.connect(devices.present_card)
        panel.show_cccd_qr.connect(devices.show_cccd_qr)
        panel.show_bhyt_qr.connect(devices.show_bhyt_qr)
        panel.show_unknown_qr.connect(devices.show_unknown_qr)
        panel.faulty_card.connect(devices.faulty_card)
        panel.printer_out_of_paper.connect(devices.printer_out_of_paper)
        panel.hospital_offline.connect(devices.hospital_offline)
        panel.set_ticket_folder(str(self.ticket_dir))
        self.controller.staff_alert.connect(panel.add_staff_alert)
        return panel
