"""Prometheus metrics of one kiosk, served on 127.0.0.1 when `[metrics] enabled` is set.

The app feeds them through a few calls: `flow_step` after each event the flow handles (check-in
outcomes, errors by kind, card read time, the simulated printer's faults), a timed wrapper
around the hospital client (call latency), `outbox_size` from the offline store's health
snapshots, and `printer_state` from the real printer's status; `kiosk_info` says which kiosk it
is and where it stands. No label ever carries personal data: labels are fixed names (screens,
problems, operations, error types) and the kiosk's own id and name.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    start_http_server,
)
from prometheus_client import Enum as StateMetric

from kiosk.config import KioskSection, MetricsSection
from kiosk.core.domain import PrinterProblem
from kiosk.core.flow import FINISHED, ChipFailed, ChipRead, PrintFailed, ReadCard, TicketPrinted
from kiosk.core.ports import HospitalProtocolError, HospitalRejected, HospitalUnavailable

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

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


class KioskMetrics:
    """The kiosk's counters, gauges and histograms in their own registry."""

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        clock: Callable[[], float] = time.monotonic,
        kiosk: KioskSection | None = None,  # None: the config's defaults
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        # Which kiosk and where it stands, for a fleet's dashboards (joined on by id).
        self.kiosk = Info("kiosk", "This kiosk's id and where it stands", registry=self.registry)
        section = kiosk or KioskSection()
        self.kiosk.info({"id": section.id, "name": section.name})
        self._clock = clock
        self._lock = threading.Lock()  # flow_step runs on the GUI thread, the rest anywhere
        self._card_reads: dict[int, float] = {}  # session -> when its chip read began
        self._last_screen: Any = None  # where the flow was after the previous step
        self._last_session = -1
        self._last_problem: tuple[int, Any] | None = None
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
        self.outbox = Gauge(
            "kiosk_outbox_size", "Check-ins waiting to reach the hospital", registry=self.registry
        )
        self.printer = StateMetric(
            "kiosk_printer_state", "The printer's state", states=list(PRINTER_STATES),
            registry=self.registry,
        )  # fmt: skip
        self.printer.state("unknown")

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
            if isinstance(event, PrintFailed):
                self.printer.state(event.problem.value)
            elif isinstance(event, TicketPrinted):
                self.printer.state("ready")
            if state.problem is not None and (state.session, state.problem) != self._last_problem:
                self._last_problem = (state.session, state.problem)
                self.errors.labels(kind=state.problem.name.lower()).inc()
            ended = self._last_screen not in FINISHED or self._last_session != state.session
            if state.screen in FINISHED and ended:
                provisional = state.ticket is not None and state.ticket.provisional
                outcome = "provisional_ticket" if provisional else state.screen.name.lower()
                self.checkins.labels(outcome=outcome).inc()
            self._last_screen, self._last_session = state.screen, state.session

    def error(self, kind: str) -> None:
        """A device error outside the flow, e.g. "scanner_device_lost", "camera_unavailable"."""
        self.errors.labels(kind=kind).inc()

    def outbox_size(self, size: int) -> None:
        self.outbox.set(size)

    def printer_state(self, state: str) -> None:
        """One of PRINTER_STATES, e.g. from kiosk.app.backends.printer_alert without "printer: "."""
        self.printer.state(state if state in PRINTER_STATES else "unknown")

    def timed_hospital(self, hospital: HospitalApi) -> HospitalApi:
        """`hospital` with every call's time recorded under its method's name."""
        return cast("HospitalApi", _TimedHospital(hospital, self.hospital_seconds))

    # --- serving ------------------------------------------------------------------------

    def serve(self, port: int) -> int:
        """Serve /metrics on 127.0.0.1:`port` (0: any free port) until `close()`; the port."""
        self._server, self._thread = start_http_server(port, "127.0.0.1", self.registry)
        actual = self._server.server_port
        log.info("metrics on http://127.0.0.1:%d/metrics", actual)
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


def _outcome(error: Exception) -> str:
    """The contract's kind of failure (a client's own subclasses stay out of the labels)."""
    for kind in (HospitalRejected, HospitalProtocolError, HospitalUnavailable):
        if isinstance(error, kind):
            return kind.__name__
    return type(error).__name__


def start_metrics(section: MetricsSection, kiosk: KioskSection) -> KioskMetrics | None:
    """The kiosk's metrics served on the configured port, or None when they are off."""
    if not section.enabled:
        return None
    metrics = KioskMetrics(kiosk=kiosk)
    metrics.serve(section.port)
    return metrics
