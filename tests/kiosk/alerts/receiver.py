"""A webhook receiver on 127.0.0.1 for the tests and the benchmark: checks every request's
signature as a hospital's bridge would, keeps what it accepted, can go down and come back on
the same port."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kiosk.alerts.signing import MESSAGE_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

SECRET = "s3cret-shared-with-the-bridge"  # the tests' kiosks and receivers sign with this


@dataclass(frozen=True)
class Received:
    message: dict[str, Any]
    at: float  # time.monotonic() when it arrived


class WebhookReceiver:
    def __init__(self, secret: str, port: int = 0) -> None:
        self.secret = secret
        self.received: list[Received] = []
        self.bad_signatures = 0
        self.answer_status = 200  # what the next requests get (e.g. 503: a bridge in trouble)
        self.answer_delay = 0.0  # seconds each request takes (a slow bridge)
        self._arrived = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = port
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/kiosk-alerts"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver._took(self, body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.allow_reuse_address = True
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Down: connections to the port are refused until `start()`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _took(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        signed = verify(
            self.secret,
            handler.headers.get(TIMESTAMP_HEADER, ""),
            handler.headers.get(SIGNATURE_HEADER, ""),
            body,
            now=time.time(),
        )
        message = json.loads(body)
        time.sleep(self.answer_delay)
        if not signed:
            self.bad_signatures += 1
            status = 401
        else:
            status = self.answer_status
        assert handler.headers.get(MESSAGE_ID_HEADER) == message["message_id"]
        if status == 200:  # kept before the answer: the sender may look as soon as it has it
            with self._arrived:
                self.received.append(Received(message, time.monotonic()))
                self._arrived.notify_all()
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """The first `count` messages accepted, waiting for them up to `timeout` s."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            assert len(self.received) >= count, f"{len(self.received)} of {count} arrived"
            return [r.message for r in self.received[:count]]

    def messages(self) -> list[dict[str, Any]]:
        with self._arrived:
            return [r.message for r in self.received]
