"""Prometheus metrics of one kiosk, served when `[metrics] enabled` is set: on 127.0.0.1, or
on the kiosk's LAN address to the addresses in `[metrics] allow` (a fleet's Prometheus).

The app feeds them through a few calls: `flow_step` after each event the flow handles (check-in
outcomes, errors by kind, card read time, the simulated printer's faults, and the patient's
journey: seconds from identity to ticket and taps per check-in), a timed wrapper around the
hospital client (call latency), `outbox_size` and `hospital_online` from the offline store's
health snapshots, `follow_ups` from the outbox, `printer_state` from the real printer's status,
`camera_state`, and the TLS certificates' expiry; `kiosk_info` says which kiosk it is and where
it stands. No label ever carries personal data: labels are fixed names (screens, problems,
operations, error types) and the kiosk's own id, name and location.
packaging/monitoring/ holds the rules and dashboard that read them.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any, cast
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    make_wsgi_app,
)
from prometheus_client import Enum as StateMetric

from kiosk.config import KioskSection, MetricsSection
from kiosk.core.domain import PrinterProblem
from kiosk.core.flow import (
    FINISHED,
    BirthDateSubmitted,
    ChipFailed,
    ChipRead,
    CodeToResolve,
    DepartmentChosen,
    IdentityPresented,
    KeypadSubmitted,
    Pressed,
    PrintFailed,
    PriorityChosen,
    ReadCard,
    ServiceChosen,
    TicketPrinted,
)
from kiosk.core.ports import HospitalProtocolError, HospitalRejected, HospitalUnavailable

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from kiosk.core.flow import Effect, Event, FlowState
    from kiosk.core.ports import HospitalApi

log = logging.getLogger(__name__)

PRINTER_STATES = (
    "unknown",
    "ready",
    "paper_near_end",
    *(problem.value for problem in PrinterProblem),
)
_CARD_BUCKETS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0)
_HOSPITAL_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
_CARD_READS_TRACKED = 8  # unanswered card reads remembered (a session abandoned mid-read)
# Identity shown -> ticket: a good check-in takes 15-40 s, a lost patient minutes.
_JOURNEY_BUCKETS = (5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0)
_TAP_BUCKETS = (0, 1, 2, 3, 4, 5, 6, 8, 10, 15)
# Taps as the walkthrough's journey counts them (kiosk/app/journey.py): the flow's buttons and
# choices after the identity is presented, a typed birth date as one, language switches not.
_TAPS = (Pressed, BirthDateSubmitted, ServiceChosen, DepartmentChosen, PriorityChosen)
_IDENTITY = (IdentityPresented, KeypadSubmitted, CodeToResolve)
CAMERA_STATES = ("unknown", "stopped", "starting", "active", "not_found", "unplugged", "failed")


class KioskMetrics:
    """The kiosk's counters, gauges and histograms in their own registry."""

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        clock: Callable[[], float] = time.monotonic,
        kiosk: KioskSection | None = None,  # None: the config's defaults
        location: str = "",  # [alerts] location: the building staff are routed by
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        # Which kiosk and where it stands, for a fleet's dashboards (joined on by id).
        self.kiosk = Info("kiosk", "This kiosk's id and where it stands", registry=self.registry)
        section = kiosk or KioskSection()
        self.kiosk.info({"id": section.id, "name": section.name, "location": location})
        self._clock = clock
        self._lock = threading.Lock()  # flow_step runs on the GUI thread, the rest anywhere
        self._card_reads: dict[int, float] = {}  # session -> when its chip read began
        self._last_screen: Any = None  # where the flow was after the previous step
        self._last_session = -1
        self._last_problem: tuple[int, Any] | None = None
        self._journey_session = -1  # the session whose taps and start are being counted
        self._journey_started: float | None = None  # when its identity was shown
        self._journey_taps = 0
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.checkins = Counter(
            "kiosk_checkins",
            "Sessions ended, by the screen they ended on",
            ["outcome"],
            registry=self.registry,
        )
        self.errors = Counter(
            "kiosk_errors", "Problems patients met, by kind", ["kind"], registry=self.registry
        )
        self.card_read_seconds = Histogram(
            "kiosk_card_read_seconds",
            "Chip reads, from the card on the reader to its data or failure",
            buckets=_CARD_BUCKETS,
            registry=self.registry,
        )
        self.hospital_seconds = Histogram(
            "kiosk_hospital_call_seconds",
            "Hospital calls as the kiosk waits for them, retries included",
            ["operation", "outcome"],
            buckets=_HOSPITAL_BUCKETS,
            registry=self.registry,
        )
        self.card_read_failures = Counter(
            "kiosk_card_read_failures",
            "Chip reads that failed, by problem (the rate over all reads alerts staff)",
            ["problem"],
            registry=self.registry,
        )
        self.outbox = Gauge(
            "kiosk_outbox_size", "Check-ins waiting to reach the hospital", registry=self.registry
        )
        self.printer = StateMetric(
            "kiosk_printer_state", "The printer's state", states=list(PRINTER_STATES),
            registry=self.registry,
        )  # fmt: skip
        self.printer.state("unknown")
        self.checkin_seconds = Histogram(
            "kiosk_checkin_seconds",
            "A patient's journey: identity shown (code or typed ID) to the ticket printed",
            buckets=_JOURNEY_BUCKETS,
            registry=self.registry,
        )
        self.checkin_taps = Histogram(
            "kiosk_checkin_taps",
            "Taps from the identity presented to the ticket (language switches not counted)",
            buckets=_TAP_BUCKETS,
            registry=self.registry,
        )
        self.hospital_up = Gauge(
            "kiosk_hospital_up", "1 while the hospital system answers, 0 offline",
            registry=self.registry,
        )  # fmt: skip
        self.hospital_up.set(1)
        self.follow_up_rows = Gauge(
            "kiosk_outbox_follow_ups",
            "Offline check-ins the hospital refused, waiting for staff (quarantined rows)",
            registry=self.registry,
        )
        self.camera = StateMetric(
            "kiosk_camera_state", "The camera's state", states=list(CAMERA_STATES),
            registry=self.registry,
        )  # fmt: skip
        self.camera.state("unknown")
        self.certificate_expiry = Gauge(
            "kiosk_tls_certificate_expiry_timestamp_seconds",
            "When a TLS certificate the kiosk depends on expires (Unix time)",
            ["certificate"],
            registry=self.registry,
        )

    # --- feeding ------------------------------------------------------------------------

    def flow_step(self, event: Event, effects: Sequence[Effect], state: FlowState) -> None:
        """After the flow handled `event`: what it asked for and where it is now."""
        now = self._clock()
        with self._lock:
            for effect in effects:
                if isinstance(effect, ReadCard):
                    self._card_reads[effect.session] = now
                    while len(self._card_reads) > _CARD_READS_TRACKED:
                        del self._card_reads[next(iter(self._card_reads))]
            if isinstance(event, ChipRead | ChipFailed):
                started = self._card_reads.pop(event.session, None)
                if started is not None:
                    self.card_read_seconds.observe(now - started)
                if isinstance(event, ChipFailed):
                    self.errors.labels(kind=f"card_{event.problem.value}").inc()
                    self.card_read_failures.labels(problem=event.problem.value).inc()
            if isinstance(event, PrintFailed):
                self.printer.state(event.problem.value)
            elif isinstance(event, TicketPrinted):
                self.printer.state("ready")
            if state.problem is not None and (state.session, state.problem) != self._last_problem:
                self._last_problem = (state.session, state.problem)
                self.errors.labels(kind=state.problem.name.lower()).inc()
            self._journey(event, state, now)
            ended = self._last_screen not in FINISHED or self._last_session != state.session
            if state.screen in FINISHED and ended:
                provisional = state.ticket is not None and state.ticket.provisional
                outcome = "provisional_ticket" if provisional else state.screen.name.lower()
                self.checkins.labels(outcome=outcome).inc()
            self._last_screen, self._last_session = state.screen, state.session

    def _journey(self, event: Event, state: FlowState, now: float) -> None:
        """Taps and seconds of the session's way to its ticket (under the lock)."""
        if state.session != self._journey_session:
            self._journey_session = state.session
            self._journey_started, self._journey_taps = None, 0
        if self._journey_started is None:
            if isinstance(event, _IDENTITY):
                self._journey_started = now
        elif isinstance(event, _TAPS) and event is not Pressed.LANGUAGE:
            self._journey_taps += 1
        printed = isinstance(event, TicketPrinted | PrintFailed) and event.session == state.session
        if printed and self._journey_started is not None:  # once: a reprint is not a journey
            self.checkin_seconds.observe(now - self._journey_started)
            self.checkin_taps.observe(self._journey_taps)
            self._journey_started = None

    def error(self, kind: str) -> None:
        """A device error outside the flow, e.g. "scanner_device_lost", "camera_unavailable"."""
        self.errors.labels(kind=kind).inc()

    def outbox_size(self, size: int) -> None:
        self.outbox.set(size)

    def printer_state(self, state: str) -> None:
        """One of PRINTER_STATES, e.g. from kiosk.app.backends.printer_alert without "printer: "."""
        self.printer.state(state if state in PRINTER_STATES else "unknown")

    def hospital_online(self, online: bool) -> None:
        self.hospital_up.set(1 if online else 0)

    def follow_ups(self, count: int) -> None:
        self.follow_up_rows.set(count)

    def camera_state(self, state: str) -> None:
        self.camera.state(state if state in CAMERA_STATES else "unknown")

    def certificate_expires(self, certificate: str, not_after: float) -> None:
        """`certificate`: "hospital_server" or "client"; `not_after`: Unix time."""
        self.certificate_expiry.labels(certificate=certificate).set(not_after)

    def timed_hospital(self, hospital: HospitalApi) -> HospitalApi:
        """`hospital` with every call's time recorded under its method's name."""
        return cast("HospitalApi", _TimedHospital(hospital, self.hospital_seconds))

    # --- serving ------------------------------------------------------------------------

    def serve(self, port: int, bind: str = "127.0.0.1", allow: Iterable[str] = ()) -> int:
        """Serve /metrics on `bind`:`port` (0: any free port) until `close()`; the port.
        Loopback and the `allow` networks may scrape; anyone else gets 403."""
        allowed = [ipaddress.ip_network(net, strict=False) for net in (*allow, *_LOOPBACK)]
        app = _allow_only(allowed, make_wsgi_app(self.registry))
        server_type = _Server6 if ipaddress.ip_address(bind).version == 6 else _Server
        self._server = make_server(bind, port, app, server_type, _QuietHandler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="metrics", daemon=True
        )
        self._thread.start()
        actual = self._server.server_port
        log.info("metrics on http://%s:%d/metrics", bind, actual)
        return actual

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None


class _TimedHospital:
    """Delegates to a HospitalApi, timing its calls (close and attributes pass through)."""

    def __init__(self, hospital: HospitalApi, seconds: Histogram) -> None:
        self._hospital = hospital
        self._seconds = seconds

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._hospital, name)
        if name == "close" or name.startswith("_") or not callable(target):
            return target

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            outcome = "ok"
            try:
                return target(*args, **kwargs)
            except Exception as error:
                outcome = _outcome(error)
                raise
            finally:
                elapsed = time.monotonic() - started
                self._seconds.labels(operation=name, outcome=outcome).observe(elapsed)

        return timed


_LOOPBACK = ("127.0.0.0/8", "::1/128")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a slow scraper must not hold the kiosk's exit


class _Server6(_Server):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # every scrape in the journal would drown what matters


def _allow_only(
    allowed: list[ipaddress.IPv4Network | ipaddress.IPv6Network], app: WSGIApplication
) -> WSGIApplication:
    def guarded(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            client = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            client = None
        if client is None or not any(client in network for network in allowed):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"not on this kiosk's metrics allow-list\n"]
        return app(environ, start_response)

    return guarded


def _outcome(error: Exception) -> str:
    """The contract's kind of failure (a client's own subclasses stay out of the labels)."""
    for kind in (HospitalRejected, HospitalProtocolError, HospitalUnavailable):
        if isinstance(error, kind):
            return kind.__name__
    return type(error).__name__


def start_metrics(
    section: MetricsSection, kiosk: KioskSection, location: str = ""
) -> KioskMetrics | None:
    """The kiosk's metrics served on the configured address, or None when they are off."""
    if not section.enabled:
        return None
    metrics = KioskMetrics(kiosk=kiosk, location=location)
    metrics.serve(section.port, section.bind, section.allow)
    return metrics
