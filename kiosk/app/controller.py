"""One module: KioskApp wires the window, devices and staff mode to one FlowController.

Composition root: config -> flow controller, windows, hospital and devices.

The only module that knows everybody. It marshals every device callback and every effect
answer onto the GUI thread as a flow event, runs the flow there (each step is microseconds),
and hands I/O to the effect runner's worker threads so the GUI thread never waits. The window
comes up first; the hospital client and the devices are built on a background thread
(kiosk/app/backends.py) and effects asked for before they are ready simply wait for them.
"""

from __future__ import annotations

import functools
import gc
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot

from drivers.printer.fonts import bundled_font_path
from kiosk.app.alerting import StaffAlerts
from kiosk.app.systemd import SystemdNotifier
from kiosk.config import Config
from kiosk.core.department_choice import UnknownCodeWarning
from kiosk.core.domain import CardProblem, Ticket
from kiosk.core.flow import (
    BUSY_SCREENS,
    IO_EFFECTS,
    AlertStaff,
    CheckInFlow,
    ChipFailed,
    CodeToResolve,
    CodeUnreadable,
    Effect,
    Event,
    FlowSettings,
    FlowState,
    HospitalReachable,
    IdentityPresented,
    IdleTimeout,
    PatientFound,
    PrinterChanged,
    ReadCard,
    ReleaseCard,
    Screen,
    StartIdleTimer,
)
from kiosk.staff.service import AdminService, RecentTickets
from ui.admin.gesture import CornerHold
from ui.main_window import KioskWindow
from ui.theme import install_font

if TYPE_CHECKING:  # the backends' modules are imported on the builder thread, not at start
    from drivers.camera.decoder import DecodedCode
    from drivers.printer.escpos_printer import PrinterStatus
    from drivers.printer.simulated import SimulatedPrinter
    from drivers.scanner.errors import ScannerError
    from kiosk.app.backends import Backends, CameraDevices, ScannerDevices
    from kiosk.app.cert_expiry import CertificateWatch
    from kiosk.app.demo_devices import DemoDevices, DemoHospital
    from kiosk.app.effects import EffectRunner
    from kiosk.app.metrics import KioskMetrics
    from kiosk.core.identity import HospitalCodes, RepeatFilter
    from kiosk.core.ports import HospitalApi
    from offline_cache import HealthSnapshot
    from ui.admin.mode import AdminMode
    from ui.camera_view import CameraScanner, CameraStatus, FrameSource
    from ui.demo_panel import DemoPanel
    from ui.speech import SpeechGuide
    from ui.wedge_filter import WedgeKeyFilter

log = logging.getLogger(__name__)

CardEffect = ReadCard | ReleaseCard
CALL_STAFF_WAIT = 5.0  # seconds for a patient's call to be taken before the counter is named


def _new_idempotency_key() -> str:
    import uuid  # 4 ms of imports that the welcome screen need not wait for

    return str(uuid.uuid4())


class FlowController(QObject):
    """Runs the check-in flow on the GUI thread and performs its effects."""

    state_changed = Signal(object)  # FlowState
    staff_alert = Signal(str)
    _posted = Signal(object)  # events from any thread, delivered on the GUI thread

    def __init__(self, flow: CheckInFlow, clock: Callable[[], datetime] = datetime.now) -> None:
        super().__init__()
        self._flow = flow
        self._clock = clock
        self._runner: EffectRunner | None = None
        # Called with every event, the effects it caused and the new state (metrics).
        self.observers: list[Callable[[Event, list[Effect], FlowState], None]] = []
        self._card: Callable[[CardEffect], None] | None = None
        self._waiting: list[Effect] = []  # I/O asked for before the backends were ready
        self._busy_since: float | None = None  # monotonic, while on a busy screen
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._idle_expired)
        self._idle_owner: tuple[int, int] | None = None
        self._idle_ms = 0
        # Asked before an idle reset, with (reset, keep): the window's "Need more time?".
        self.confirm_idle: Callable[[Callable[[], None], Callable[[], None]], None] | None = None
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
        for observe in self.observers:
            observe(event, effects, self._flow.state)
        for effect in effects:
            self._perform(effect)
        if self._flow.state is not before:
            if self._flow.state.screen is not before.screen or (
                self._flow.state.session != before.session
            ):
                busy = self._flow.state.screen in BUSY_SCREENS
                self._busy_since = time.monotonic() if busy else None
            self.state_changed.emit(self._flow.state)

    def busy_seconds(self) -> float:
        """How long the flow has been on its current busy screen (waiting for an answer)."""
        since = self._busy_since
        return 0.0 if since is None else time.monotonic() - since

    def attach_runner(self, runner: EffectRunner, card: Callable[[CardEffect], None]) -> None:
        """The backends are ready: run what was waiting for them, then everything as it comes."""
        self._runner = runner
        self._card = card
        waiting, self._waiting = self._waiting, []
        for effect in waiting:
            self._perform(effect)

    def expire_idle_timer(self, *, ask: bool = False) -> None:
        """Fire the pending idle timer now (fast-forward): the reset at once, or with `ask` the
        window's "Need more time?" first (`window.expire_countdown()` then ends it)."""
        if self._idle.isActive():
            self._idle.stop()
            self._idle_expired(ask=ask)

    def shutdown(self) -> None:
        self._idle.stop()
        if self._runner is not None:
            self._runner.shutdown()

    def _perform(self, effect: Effect) -> None:
        match effect:
            case StartIdleTimer(session=session, seq=seq, seconds=seconds):
                self._idle_owner = (session, seq)
                self._idle_ms = int(seconds * 1000)
                self._idle.start(self._idle_ms)
            case AlertStaff(problem=problem, reason=reason):
                log.warning("staff alert: %s (%s)", reason, problem.name.lower())
                self.staff_alert.emit(reason)
            case ReadCard() | ReleaseCard():
                if self._card is None:
                    self._waiting.append(effect)
                else:
                    self._card(effect)
            case _ if isinstance(effect, IO_EFFECTS):
                if self._runner is None:
                    self._waiting.append(effect)
                else:
                    self._runner.run(effect)

    def _idle_expired(self, *, ask: bool = True) -> None:
        if self._idle_owner is None:
            return
        session, seq = self._idle_owner

        def reset() -> None:
            self.send(IdleTimeout(session, seq))  # stale by then if the flow moved on

        if self.confirm_idle is None or not ask:
            reset()
        else:  # "Need more time?": a tap starts the same idle time again
            self.confirm_idle(reset, lambda: self._idle.start(self._idle_ms))


@functools.cache
def _speech_guide() -> SpeechGuide | None:
    """The machine's text-to-speech voices, looked for once per process."""
    from ui.speech import SpeechGuide  # QtTextToSpeech: only once the window is up

    return SpeechGuide.detect()


class KioskApp(QObject):
    """Everything one kiosk runs, built from its config."""

    backends_ready = Signal()
    backends_failed = Signal(str)
    _built = Signal(object)  # Backends or the exception that stopped them, from the builder thread
    _scanned = Signal(str)  # raw scanner payloads, from the scanner's thread
    _device_alert = Signal(str)  # printer and scanner trouble, from their threads
    _staff_told = Signal(object)  # ("fault", session) or ("call", call): staff alerts taken

    def __init__(
        self,
        config: Config,
        *,
        demo: bool,
        data_dir: Path | None = None,
        ticket_dir: Path | None = None,
        config_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.config_path = config_path  # where staff settings are saved; None: nowhere
        self.demo = demo
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._temp = tempfile.TemporaryDirectory(prefix="kiosk-")
            data_dir = Path(self._temp.name)
        self.data_dir = data_dir
        if ticket_dir is None and config.printer.output_dir:
            ticket_dir = Path(config.printer.output_dir)
        self.ticket_dir = ticket_dir or data_dir / "tickets"

        settings = FlowSettings(
            kiosk_id=config.kiosk.id,
            hospital_name=config.hospital.name,
            ticket_footer=config.ticket.footer,
            idle_seconds=config.kiosk.idle_seconds,
            ticket_seconds=config.kiosk.ticket_seconds,
            default_language=config.language,
            read_chip=config.card.reader != "none",
            offline=config.offline.enabled,
            departments=config.kiosk.departments,
            counter_location=config.kiosk.counter_location,
            counter_hours=config.kiosk.counter_hours,
            cashier_location=config.kiosk.cashier_location,
        )
        self.controller = FlowController(CheckInFlow(settings, new_key=_new_idempotency_key))
        if config.kiosk.departments:
            self.controller.observers.append(_unknown_departments_warning(config.kiosk.departments))
        self.metrics: KioskMetrics | None = None
        if config.metrics.enabled:
            from kiosk.app.metrics import start_metrics  # 34 ms (prometheus_client)

            self.metrics = start_metrics(config.metrics, config.kiosk, config.alerts.location)
            if self.metrics is not None:
                self.controller.observers.append(self.metrics.flow_step)
        self._certificates: CertificateWatch | None = None  # with the backends, for the metrics
        # Staff alerts (issue 18): opened with the backends, fed by every source below.
        self.alerts = StaffAlerts(config.kiosk, config.alerts, data_dir)
        self.alerts.fault_told = lambda session: self._staff_told.emit(("fault", session))
        self.controller.observers.append(self.alerts.flow_step)
        self._staff_calls = 0  # the latest call's number: a late answer to an older one is moot
        self._calls_told: set[int] = set()
        install_font(bundled_font_path())
        self.window = KioskWindow(self.controller.send, hospital_name=config.hospital.name)
        self.window.call_staff_requested.connect(self._call_staff)
        self._staff_told.connect(self._on_staff_told, Qt.ConnectionType.QueuedConnection)
        self.controller.state_changed.connect(self.window.show_state)
        self.controller.confirm_idle = self.window.ask_for_more_time
        self.window.show_state(self.controller.state)
        self.panel: DemoPanel | None = None
        self.backends: Backends | None = None
        self.camera: CameraScanner | None = None
        self.backend_error: BaseException | None = None
        self._builder: threading.Thread | None = None
        self._built.connect(self._attach, Qt.ConnectionType.QueuedConnection)
        self._scanned.connect(self._read_code, Qt.ConnectionType.QueuedConnection)
        self._device_alert.connect(
            self.controller.staff_alert.emit, Qt.ConnectionType.QueuedConnection
        )
        self._wedge: WedgeKeyFilter | None = None
        self._repeats: RepeatFilter | None = None
        self._hospital_codes: HospitalCodes  # made with the repeat filter, on the first code
        self.controller.state_changed.connect(self._session_ended)
        self._start_admin_mode()
        self._systemd = SystemdNotifier()
        interval = self._systemd.keepalive_interval
        if interval is not None:
            # On the GUI thread on purpose: a hung GUI stops the keep-alives, and systemd restarts.
            self._keepalive = QTimer(self)
            self._keepalive.timeout.connect(self._keepalive_tick)
            self._keepalive.start(max(int(interval * 1000), 1))

    def _keepalive_tick(self) -> None:
        """A live GUI thread is not enough: a flow stuck on a screen waiting for an answer
        (which every effect gives within its bound) stops the keep-alives, and systemd
        restarts the kiosk."""
        limit = 3 * (self.config.hospital.deadline + 1.0) + 30.0  # printing included
        busy = self.controller.busy_seconds()
        if busy > limit:
            log.error("check-in flow stuck on %s for %.0f s: watchdog not fed",
                      self.controller.state.screen.name.lower(), busy)  # fmt: skip
            return
        self._systemd.alive()

    # --- the backends ---------------------------------------------------------------------

    def start_backends(self) -> None:
        """Build the hospital client and the devices on a background thread."""
        if self._builder is not None:
            return

        def build() -> None:
            # 107 ms (httpx, the device libraries): on this thread, after the welcome screen
            from kiosk.app.backends import build_backends

            try:
                self.alerts.open()
            except Exception:  # the kiosk serves patients without it; `kiosk doctor` says so
                log.exception("staff alerts could not start")
            try:
                built: object = build_backends(
                    self.config,
                    demo=self.demo,
                    data_dir=self.data_dir,
                    ticket_dir=self.ticket_dir,
                )
            except Exception as error:  # noqa: BLE001 - reported on the GUI thread
                built = error
            self._built.emit(built)

        self._builder = threading.Thread(target=build, name="backends", daemon=True)
        self._builder.start()

    def wait_until_ready(self, timeout: float = 30.0) -> Backends:
        """Start the backends if needed and process events until they are attached."""
        self.start_backends()
        deadline = threading.Event()
        timer = threading.Timer(timeout, deadline.set)
        timer.start()
        try:
            while self.backends is None and self.backend_error is None:
                if deadline.is_set():
                    raise TimeoutError("the kiosk's backends did not start in time")
                QCoreApplication.processEvents()
                deadline.wait(0.005)
        finally:
            timer.cancel()
        if self.backend_error is not None:
            raise RuntimeError("the kiosk's backends failed") from self.backend_error
        assert self.backends is not None
        return self.backends

    @Slot(object)
    def _attach(self, built: Backends | BaseException) -> None:
        if isinstance(built, BaseException):
            self.backend_error = built
            log.critical("kiosk cannot start its hospital link or devices: %s", built)
            self.controller.staff_alert.emit(f"startup failed: {type(built).__name__}")
            self.alerts.raise_("startup_failed", type(built).__name__)
            self.backends_failed.emit(f"{type(built).__name__}: {built}")
            return
        from kiosk.app.effects import EffectRunner  # 6 ms: with the backends, after the welcome

        self.backends = built
        if built.demo is not None:
            # The simulated printer tells its paper state, as a real one's status polling does.
            built.demo.printer_reports = lambda problem: self.controller.post(
                PrinterChanged(problem)
            )
        if built.card is not None:
            from kiosk.app.chip_adapter import ChipEvents  # 3.5 ms at start (the chip's types)

            built.card.station.set_listener(
                ChipEvents(self.controller.post, presented=lambda: self.controller.state.identity)
            )
            built.card.start()
        if built.camera is not None:
            self._start_camera(built.camera)
        built.scanner.set_listener(self._code_scanned)
        built.set_printer_status_listener(self._printer_status)
        built.set_scanner_error_listener(self._scanner_error)
        if built.scanner.wedge is not None:
            from ui.wedge_filter import WedgeKeyFilter  # 0.7 ms: wedge scanners only

            # A keyboard-wedge scanner types into the window: its bursts are caught here.
            self._wedge = WedgeKeyFilter(built.scanner.wedge, parent=self)
            self._wedge.payload_read.connect(self._read_code)
            # On the native window, where keys arrive first; the whole application (every
            # event of every object through Python) only if it has none yet.
            target = self.window.windowHandle() or QCoreApplication.instance()
            assert target is not None  # the kiosk runs inside its QApplication
            target.installEventFilter(self._wedge)
            self._wedge_target = target
        offline = built.offline
        runner = EffectRunner(
            built.hospital if self.metrics is None else self.metrics.timed_hospital(built.hospital),
            built.ticket_printer,
            self.controller.post,
            datetime.now,
            offline=offline.link if offline is not None else None,
            bound=self.config.hospital.deadline + 1.0,  # issue 14: no screen waits longer
            payments=built.payments,  # issue 19: the REST hospital confirms kiosk payments
        )
        self.controller.attach_runner(runner, self._card_effect)
        built.staff_alerts = self.alerts.state
        self.admin_service.attach(built, self._camera_state)
        if self.metrics is not None:
            from kiosk.app.cert_expiry import CertificateWatch

            self._certificates = CertificateWatch(
                self.config.hospital, self.metrics.certificate_expires
            )
        if offline is not None:
            offline.start(self._health_changed)
            outbox = offline.outbox
            self.alerts.watch_outbox(
                lambda: len(outbox.follow_ups()),
                self.metrics.follow_ups if self.metrics is not None else None,
            )
        if self.panel is None and self._panel_wanted:
            self._show_panel()
        # Everything made so far lives as long as the kiosk: out of the collector's way, so a
        # full collection later scans only what check-ins create (it pauses every thread).
        gc.collect()
        gc.freeze()
        self._systemd.ready()
        self.backends_ready.emit()

    def _ready(self) -> Backends:
        if self.backends is None:
            raise RuntimeError("the backends are not ready yet (see wait_until_ready)")
        return self.backends

    @property
    def hospital(self) -> HospitalApi:
        return self._ready().hospital

    @property
    def printer(self) -> SimulatedPrinter:
        """The simulated printer the kiosk prints on (the demo, the walkthrough, tests)."""
        from drivers.printer.simulated import SimulatedPrinter  # loaded with the backends

        printer = self._ready().printer
        if not isinstance(printer, SimulatedPrinter):
            raise RuntimeError("this kiosk prints on a real printer")
        return printer

    @property
    def scanner(self) -> ScannerDevices:
        return self._ready().scanner

    @property
    def demo_devices(self) -> DemoDevices:
        demo = self._ready().demo
        if demo is None:
            raise RuntimeError("not in demo mode")
        return demo

    @property
    def demo_hospital(self) -> DemoHospital:
        return self.demo_devices.hospital

    # --- showing and closing --------------------------------------------------------------

    _panel_wanted = False

    def show(self, *, fullscreen: bool) -> None:
        if fullscreen:
            self.window.showFullScreen()
        else:
            self.window.resize(720, 1280)
            self.window.show()
        self._panel_wanted = self.demo
        if self.backends is not None and self.demo:
            self._show_panel()
        # After the first frame: looking for a voice costs ~80 ms (speech-dispatcher).
        QTimer.singleShot(0, self._offer_spoken_guidance)

    def _offer_spoken_guidance(self) -> None:
        guide = _speech_guide()
        if guide is not None:
            self.window.enable_spoken_guidance(guide)

    def close(self) -> None:
        self._close_admin_mode()
        if self._wedge is not None:
            self._wedge_target.removeEventFilter(self._wedge)
        self.controller.shutdown()
        if self.camera is not None:
            self.camera.stop()
        if self._builder is not None:
            self._builder.join(timeout=30)
            QCoreApplication.processEvents()  # collect backends that finished meanwhile
        if self.backends is not None:
            self.backends.close()
        if self.panel is not None:
            self.panel.close()
        self.window.close()
        if self._certificates is not None:
            self._certificates.stop()
        if self.metrics is not None:
            self.metrics.close()
        self.alerts.close()
        if self._temp is not None:
            self._temp.cleanup()

    # Device callbacks may come from any thread: they only post events.

    def _printer_status(self, status: PrinterStatus) -> None:
        """From the printer's polling thread."""
        # 107 ms at start (httpx, the device libraries); loaded by now, by the backends thread
        from kiosk.app.backends import printer_alert
        from kiosk.app.ticket_paper import kiosk_problem  # 8 ms at start (the printer's types)

        alert = printer_alert(status)
        log.warning("staff alert: %s", alert)
        if self.metrics is not None:
            self.metrics.printer_state(alert.removeprefix("printer: "))
        self.alerts.printer_status(alert.removeprefix("printer: "))
        self._device_alert.emit(alert)
        problem = status.problem
        self.controller.post(PrinterChanged(kiosk_problem(problem) if problem else None))

    def _scanner_error(self, error: ScannerError) -> None:
        """From the scanner's thread."""
        log.warning("staff alert: scanner %s", error.problem.value)
        if self.metrics is not None:
            self.metrics.error(f"scanner_{error.problem.value}")
        self.alerts.raise_("scanner_lost", error.problem.value)
        self._device_alert.emit(f"scanner: {error.problem.value}")

    def _health_changed(self, snapshot: HealthSnapshot) -> None:
        """From the health monitor's thread."""
        from offline_cache import Connectivity  # 36 ms at start (sqlite3); loaded by now

        online = snapshot.state is Connectivity.ONLINE
        log.warning(
            "hospital %s; %d check-ins waiting in the outbox",
            "back online" if online else "unreachable: serving offline",
            snapshot.outbox_size,
        )
        if self.metrics is not None:
            self.metrics.outbox_size(snapshot.outbox_size)
            self.metrics.hospital_online(online)
        self.alerts.hospital_online(online)
        self.controller.post(HospitalReachable(online))

    def _start_camera(self, camera: CameraDevices) -> None:
        """The camera runs all the time: a code held up is read on any screen that takes one
        (the flow ignores it elsewhere), and the preview shows on the welcome screen."""
        # 6 ms (QtMultimedia, the decoder): with the backends, after the welcome screen
        from drivers.camera.worker import DecodeWorker
        from ui.camera_view import (
            CameraPreview,
            CameraScanner,
            QtCameraSource,
            SimulatedFrameSource,
        )

        if camera.simulated is not None:
            source: FrameSource = SimulatedFrameSource(camera.simulated)
        else:
            source = QtCameraSource(camera.section.name_contains)
        preview = CameraPreview()
        self.camera = CameraScanner(
            source, lambda report: DecodeWorker(camera.decoder, report), preview, parent=self
        )
        self.camera.codes_decoded.connect(self._codes_seen)
        self.camera.status_changed.connect(self._camera_status)
        self.window.set_camera_preview(preview)
        self.camera.start()

    @Slot(object)
    def _codes_seen(self, codes: list[DecodedCode]) -> None:
        for code in codes:
            self._read_code(code.text)

    @Slot(object)
    def _camera_status(self, status: CameraStatus) -> None:
        from ui.camera_view import CameraStatus  # 4 ms at start (QtMultimedia); loaded by now

        missing = status in (CameraStatus.NOT_FOUND, CameraStatus.UNPLUGGED, CameraStatus.FAILED)
        if missing:
            log.warning("staff alert: camera %s", status.value)
            self.controller.staff_alert.emit(f"camera: {status.value}")
        if self.metrics is not None:
            self.metrics.camera_state(status.value)
        self.alerts.camera_status(status.value, missing)

    # --- staff told (issue 18) ------------------------------------------------------------

    @Slot(str)
    def _call_staff(self, screen: str) -> None:
        """A patient pressed "call staff" on `screen`: told only when a channel takes it."""
        self._staff_calls += 1
        call = self._staff_calls
        if not self.alerts.webhook:
            self.window.show_staff_call(False)  # nobody would hear it: say where staff are
        else:
            # No answer in time is no answer: the patient is sent to the counter meanwhile.
            QTimer.singleShot(int(CALL_STAFF_WAIT * 1000), lambda: self._call_unanswered(call))
        self.alerts.call_staff(screen, told=lambda: self._staff_told.emit(("call", call)))

    def _call_unanswered(self, call: int) -> None:
        if call == self._staff_calls and call not in self._calls_told:
            self.window.show_staff_call(False)

    @Slot(object)
    def _on_staff_told(self, told: tuple[str, int]) -> None:
        what, number = told
        if what == "fault":
            self.window.set_staff_told(number)
        elif number == self._staff_calls:
            self._calls_told.add(number)
            self.window.show_staff_call(True)

    def _card_effect(self, effect: CardEffect) -> None:
        card = self._ready().card
        if card is None:
            return  # no reader: the flow does not ask for the chip (FlowSettings.read_chip)
        if isinstance(effect, ReleaseCard):
            card.station.release()
            return
        # 90 ms at start (cryptography, the eMRTD code); loaded by now, by the backends thread
        from drivers.card.cccd_reader import CardKeys

        try:
            keys = CardKeys(effect.citizen_id, birth=effect.birth, issue_date=effect.card_issued)
        except ValueError:  # not a 12-digit number (a hospital record may hold anything)
            self.controller.post(ChipFailed(effect.session, CardProblem.ACCESS_DENIED))
            return
        card.station.arm(effect.session, keys)

    def _code_scanned(self, payload: str) -> None:
        self._scanned.emit(payload)  # to the GUI thread, where the repeat filter lives

    @Slot(str)
    def _read_code(self, payload: str) -> None:
        from kiosk.core.identity import (  # 12 ms: at the first code, not at start
            CccdQr,
            HospitalCodes,
            IdCardCode,
            IdentityError,
            IdentityProblem,
            RepeatFilter,
            read_payload,
        )

        if self._repeats is None:
            self._repeats = RepeatFilter()
            self._hospital_codes = HospitalCodes(self.config.codes.hospital_patterns)
        if not self._repeats.admit(payload, time.monotonic()):
            return  # the same code held in front of the scanner: once is enough
        try:
            code = read_payload(payload)
        except IdentityError as error:
            log.info("code not accepted: %s", error.problem.value)
            if (
                error.problem is IdentityProblem.UNKNOWN_PAYLOAD
                and self._hospital_codes.ask_hospital(payload)
            ):
                self.controller.send(CodeToResolve(payload))  # maybe the hospital knows it
            else:
                self.controller.send(CodeUnreadable(error.problem))
            return
        if isinstance(code, IdCardCode):  # a card generation whose code layout is not known
            log.info("ID card code of an unknown layout accepted by its ID: %s", code.shape)
        issued = code.issue_date if isinstance(code, CccdQr) else None
        self.controller.send(IdentityPresented(code.identity, card_issued=issued))

    def _session_ended(self, state: FlowState) -> None:
        if state.screen is Screen.WELCOME and self._repeats is not None:
            self._repeats.clear()  # a patient who cancelled may show the same code again

    def _show_panel(self) -> None:
        from ui.demo_panel import DemoPanel, PanelPersona  # 4 ms: the demo only

        devices = self.demo_devices
        panel = DemoPanel(
            [
                PanelPersona(
                    key=key,
                    label=persona.label_vi,
                    has_card=devices.has_card(key),
                    has_cccd_qr=devices.has_card(key),
                    has_bhyt_qr=devices.has_bhyt(key),
                    has_vneid_qr=devices.has_vneid(key),
                    has_booking_qr=devices.has_booking(key),
                )
                for key, persona in devices.personas.items()
            ]
        )
        panel.present_card.connect(devices.present_card)
        panel.show_cccd_qr.connect(devices.show_cccd_qr)
        panel.show_bhyt_qr.connect(devices.show_bhyt_qr)
        panel.show_vneid_qr.connect(devices.show_vneid_qr)
        panel.show_booking_qr.connect(devices.show_booking_qr)
        panel.show_unknown_qr.connect(devices.show_unknown_qr)
        panel.faulty_card.connect(devices.faulty_card)
        panel.take_card_away.connect(devices.take_card_away)
        panel.cloned_card.connect(devices.cloned_card)
        panel.codes_via_camera.connect(devices.set_via_camera)
        panel.printer_out_of_paper.connect(devices.printer_out_of_paper)
        panel.hospital_offline.connect(devices.hospital_offline)
        panel.bank_confirms.connect(devices.bank_confirms)
        panel.patient_gives_up.connect(devices.patient_gives_up)
        panel.set_ticket_folder(str(self.ticket_dir))
        self.controller.staff_alert.connect(panel.add_staff_alert)
        self.panel = panel
        panel.show()

    # --- staff mode (issue 7) -------------------------------------------------------------
    # The corner gesture and the PIN open the staff pages (ui/admin/); what they do goes
    # through AdminService, which holds the backends once they are ready.

    def _start_admin_mode(self) -> None:
        section = self.config.admin
        self.recent_tickets = RecentTickets()
        self.admin_service = AdminService(
            pin_hash=section.pin_hash,
            demo=self.demo,
            recent=self.recent_tickets,
            sample_ticket=self._sample_ticket,
            lockout_file=self.data_dir / "admin_lockout.json",  # survives a power cycle
        )
        self._admin: AdminMode | None = None  # the staff pages, made when first asked for
        self.admin_gesture = CornerHold(self.window, int(section.hold_seconds * 1000))
        self.admin_gesture.held.connect(lambda: self.admin.request_open())
        self.controller.state_changed.connect(self._admin_sees_flow)

    @property
    def admin(self) -> AdminMode:
        if self._admin is None:
            # 40-50 ms (the staff pages, their device lists): when staff first open them
            from drivers.card.pcsc_readers import reader_names
            from drivers.scanner.serial_ports import serial_port_names
            from kiosk.staff.settings import DeviceLists, SettingsFile
            from ui.admin.mode import AdminMode

            self._admin = AdminMode(
                self.window,
                self.admin_service,
                flow_state=lambda: self.controller.state,
                send=self.controller.send,
                quit_kiosk=QCoreApplication.exit,  # cli.py returns it as the exit status
                kiosk_id=self.config.kiosk.id,
                kiosk_name=self.config.kiosk.name,
                idle_seconds=self.config.admin.idle_seconds,
                metrics=lambda: self.window.metrics,
                devices=DeviceLists(reader_names, serial_port_names),
                settings=SettingsFile(self.config_path),
            )
        return self._admin

    def _close_admin_mode(self) -> None:
        self.admin_gesture.remove()
        if self._admin is not None:
            self._admin.close("kiosk closing")

    def _admin_sees_flow(self, state: FlowState) -> None:
        # Printed, or not for a printer fault (reprinted once staff refill the paper): as on
        # the paper, masked.
        if state.screen in (Screen.TICKET, Screen.PRINTER_FAULT) and state.ticket is not None:
            self.recent_tickets.remember(state.ticket)
        if self._admin is not None:
            self._admin.flow_changed(state)

    def _sample_ticket(self) -> Ticket:
        from kiosk.app.ticket_paper import sample_ticket  # 8 ms at start (the printer's types)

        return sample_ticket(
            hospital_name=self.config.hospital.name,
            footer=self.config.ticket.footer,
            issued_at=datetime.now(),
        )

    def _camera_state(self) -> str | None:
        """The camera's status word for the staff status page (read on a worker thread)."""
        return self.camera.status.value if self.camera is not None else None


def _unknown_departments_warning(
    shown: tuple[str, ...],
) -> Callable[[Event, list[Effect], FlowState], None]:
    """A flow observer: staff are told once about kiosk.departments codes the hospital (or,
    offline, the cache) does not list."""
    warning = UnknownCodeWarning(shown)

    def observe(event: Event, _effects: list[Effect], _state: FlowState) -> None:
        if isinstance(event, PatientFound):
            warning.seen(event.departments)

    return observe
