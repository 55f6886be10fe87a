"""Run the demo hospital: embedded in a thread (demo mode, tests) or in the foreground (CLI).

The embedded server binds its socket itself, so it can stop (clients then get
"connection refused") and start again on the same port, which is how tests take the
hospital down and bring it back.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from datetime import date
from pathlib import Path

from starlette.applications import Starlette
from uvicorn.config import Config
from uvicorn.server import Server

from kiosk.demo_hospital.app import RequestCounter, create_app
from kiosk.demo_hospital.faults import FaultSwitch
from kiosk.demo_hospital.store import HospitalStore, count_registrations, last_identity_check

logger = logging.getLogger(__name__)

DEFAULT_SEED = 2026
_START_TIMEOUT = 10.0


class DemoHospitalServer:
    def __init__(
        self,
        db_path: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        today: date | None = None,
        seed: int = DEFAULT_SEED,
        token: str | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.host = host
        self.today = today or date.today()
        self.seed = seed
        self.token = token
        self.faults = FaultSwitch()
        self.requests = RequestCounter()
        self._port = port
        self._store: HospitalStore | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        """The listening port (known after the first start() when created with port 0)."""
        if self._port == 0:
            raise RuntimeError("the port is chosen at start(); start the server first")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def seed_seconds(self) -> float | None:
        """How long the last start spent seeding (None when the file was already seeded)."""
        return self._store.seed_seconds if self._store else None

    def start(self) -> None:
        """Open (and if needed seed) the database and listen; returns once serving."""
        if self.running:
            raise RuntimeError("the demo hospital is already running")
        store = HospitalStore(self.db_path, seed=self.seed, today=self.today)
        try:
            sock = _listening_socket(self.host, self._port)
        except OSError:
            store.close()
            raise
        self._port = sock.getsockname()[1]
        app = create_app(store, self.faults, self.requests, token=self.token)
        server = Server(_uvicorn_config(app, self.host, self._port))
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="demo-hospital", daemon=True
        )
        self._store, self._server, self._thread, self._socket = store, server, thread, sock
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self._abandon()
                raise RuntimeError("the demo hospital did not start")
            time.sleep(0.005)
        logger.info("demo hospital listening on %s", self.url)

    def stop(self) -> None:
        """Stop listening and drop open connections (requests in flight are cut)."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._server.force_exit = True  # don't wait for slow requests; tests want it now
        self._thread.join(timeout=_START_TIMEOUT)
        if self._thread.is_alive():
            raise RuntimeError("the demo hospital did not stop")
        self._abandon()
        logger.info("demo hospital stopped")

    def visits_registered(self) -> int:
        return count_registrations(self.db_path)

    def last_identity_check(self) -> str | None:
        return last_identity_check(self.db_path)

    def registrations_for_key(self, idempotency_key: str) -> int:
        """How many visits were registered under this key: exactly-once means 1."""
        return count_registrations(self.db_path, idempotency_key)

    def settle_payment(self, *, paid: bool, reference: str | None = None) -> str | None:
        """Test hook: the bank confirms the transfer (`paid`) or the patient gives up, for
        `reference` or else the newest pending request; the reference settled, or None."""
        if self._store is None:
            return None
        waiting = self._store.pending_payments()
        target = reference or (waiting[-1] if waiting else None)
        if target is None or not self._store.settle_payment(target, paid=paid):
            return None
        return target

    def __enter__(self) -> DemoHospitalServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _abandon(self) -> None:
        if self._store is not None:
            self._store.close()
        if self._socket is not None:
            self._socket.close()  # uvicorn closes it on a normal stop; this covers a failed start
        self._store, self._server, self._thread, self._socket = None, None, None, None


def serve_forever(
    host: str,
    port: int,
    db_path: Path,
    *,
    today: date | None = None,
    seed: int = DEFAULT_SEED,
    token: str | None = None,
) -> None:
    """Serve in the foreground until Ctrl+C or SIGTERM (`kiosk demo-hospital`).

    After a graceful shutdown uvicorn re-raises the signal it caught: SIGTERM ends the
    process with that signal's status, Ctrl+C returns normally from here.
    """
    store = HospitalStore(Path(db_path), seed=seed, today=today or date.today())
    try:
        app = create_app(store, FaultSwitch(), RequestCounter(), token=token)
        config = _uvicorn_config(app, host, port)
        logger.info("demo hospital on http://%s:%d", host, port)
        Server(config).run()  # main thread: uvicorn handles the signals
    except KeyboardInterrupt:
        logger.info("demo hospital stopped")  # Ctrl+C is the normal way to stop it
    finally:
        store.close()


def _uvicorn_config(app: Starlette, host: str, port: int) -> Config:
    return Config(
        app,
        host=host,
        port=port,
        loop="asyncio",
        http="h11",
        ws="none",
        lifespan="off",
        access_log=False,  # access lines carry paths and clients; keep personal data out
        log_config=None,  # leave the application's logging setup alone
        server_header=False,
        timeout_graceful_shutdown=1,
    )


def _listening_socket(host: str, port: int) -> socket.socket:
    # proto must say TCP: asyncio sets TCP_NODELAY only on sockets that do, and without it
    # Nagle holds back each response body behind its headers for a delayed ACK (~40 ms).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        # Reuse the port at once after stop(), despite connections in TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock
