"""A hostile hospital for the tests (issue 14): a real HTTP server on 127.0.0.1 that relays
to the demo hospital and, per path, answers the way a broken or hostile integration would.

Modes (`HostileHospital.set`): "pass", "slow_headers" (header lines a byte every `pace`
seconds, never ending), "slow_body" (headers at once, then a body a byte at a time, never
ending), "silence" (reads the request, never answers), "oversized" (a 100 MB body, sent as
fast as it is read), "malformed" (JSON cut in the middle), "status" (an error answer with
`status` and `code`), "rewrite" (the demo hospital's JSON answer passed through `rewrite`).
`poison(predicate)` answers 500 (or a rewritten answer) to every request whose JSON body the
predicate picks (one registration the hospital keeps failing).
`DribbleRelay` sits in front of any TCP server and passes what it answers one byte at a time
(a TLS handshake that takes minutes).
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

Rewrite = Callable[[Any], Any]
_REASONS = {200: "OK", 201: "Created", 409: "Conflict", 422: "Unprocessable", 500: "Error"}


@dataclass
class _Rule:
    mode: str
    prefix: str
    remaining: int | None
    status: int = 500
    rewrite: Rewrite | None = None
    code: str = "internal_error"  # the error body's code, mode "status"


class LoopbackServer:
    """Accepts on 127.0.0.1 and serves each connection on a thread of its own (`serve`)."""

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self._context = context
        self.stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with self._listener:
            while not self.stopping.is_set():
                try:
                    conn, _ = self._listener.accept()
                except TimeoutError:
                    continue
                threading.Thread(target=self._guarded, args=(conn,), daemon=True).start()

    def _guarded(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError, ssl.SSLError), conn:
            if self._context is not None:
                conn = self._context.wrap_socket(conn, server_side=True)
            self.serve(conn)

    def serve(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def pace(self, conn: socket.socket, data: bytes, seconds: float) -> None:
        for byte in data:
            if self.stopping.wait(seconds):
                return
            conn.sendall(bytes([byte]))

    def stop(self) -> None:
        self.stopping.set()


class HostileHospital(LoopbackServer):
    def __init__(
        self, upstream: str, *, context: ssl.SSLContext | None = None, pace: float = 0.1
    ) -> None:
        super().__init__(context)
        scheme = "https" if context is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._upstream = httpx.Client(base_url=upstream, timeout=10.0, trust_env=False)
        self._pace = pace
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._poison: Callable[[Any], bool] | None = None
        self._poison_answer: Rewrite | None = None
        self.poisoned = 0  # requests answered 500 because of the poison

    def set(
        self,
        mode: str,
        *,
        prefix: str = "/",
        count: int | None = None,
        status: int = 500,
        rewrite: Rewrite | None = None,
        code: str = "internal_error",
    ) -> None:
        with self._lock:
            self._rules.insert(0, _Rule(mode, prefix, count, status, rewrite, code))

    def poison(
        self, predicate: Callable[[Any], bool] | None, *, answer: Rewrite | None = None
    ) -> None:
        """Requests whose JSON body `predicate` picks are answered 500, or with `answer` the
        hospital's own answer rewritten (e.g. a 201 the kiosk cannot decode)."""
        with self._lock:
            self._poison = predicate
            self._poison_answer = answer

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._poison = None
            self._poison_answer = None

    def stop(self) -> None:
        super().stop()
        self._upstream.close()

    def _rule(self, path: str, body: Any) -> _Rule:
        with self._lock:
            if self._poison is not None and isinstance(body, dict) and self._poison(body):
                self.poisoned += 1
                if self._poison_answer is not None:
                    return _Rule("rewrite", "/", None, rewrite=self._poison_answer)
                return _Rule("status", "/", None, status=500)
            for rule in self._rules:
                if path.startswith(rule.prefix) and rule.remaining != 0:
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    return rule
        return _Rule("pass", "/", None)

    def serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        while not self.stopping.is_set():
            request_line = reader.readline()
            if not request_line:
                return
            method, target, _ = request_line.decode("latin-1").split(" ", 2)
            headers: dict[str, str] = {}
            while (line := reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            raw = reader.read(int(headers.get("content-length", "0")))
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            rule = self._rule(target, body)
            if not self._answer(conn, rule, method, target, headers, raw):
                return

    def _answer(
        self,
        conn: socket.socket,
        rule: _Rule,
        method: str,
        target: str,
        headers: dict[str, str],
        raw: bytes,
    ) -> bool:
        """Answer one request the rule's way; False: the connection is done."""
        if rule.mode == "silence":
            self.stopping.wait()
            return False
        if rule.mode == "oversized":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100000000\r\n\r\n")  # fmt: skip
            chunk = b" " * 65536
            while not self.stopping.is_set():
                conn.sendall(chunk)
            return False
        if rule.mode == "malformed":
            conn.sendall(_http(200, b'{"departments": [{"code": "NOI", "na'))
            return True
        if rule.mode == "status":
            error = {"error": {"code": rule.code, "message": "hostile"}}
            conn.sendall(_http(rule.status, json.dumps(error).encode()))
            return True
        forward = {k: v for k, v in headers.items() if k in ("authorization", "idempotency-key")}
        answer = self._upstream.request(
            method, target, content=raw, headers={**forward, "content-type": "application/json"}
        )
        payload = answer.content
        if rule.mode == "rewrite" and rule.rewrite is not None:
            payload = json.dumps(rule.rewrite(answer.json()), ensure_ascii=False).encode()
        if rule.mode == "slow_headers":  # a header line a byte at a time, for ever
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not self.stopping.is_set():
                self.pace(conn, b"X-Slow: yes\r\n", self._pace)
            return False
        if rule.mode == "slow_body":  # the headers at once, then a body that never ends
            head, _, rest = _http(answer.status_code, payload).partition(b"\r\n\r\n")
            conn.sendall(head.replace(b"Content-Length: ", b"Content-Length: 1") + b"\r\n\r\n")
            self.pace(conn, rest, self._pace)
            while not self.stopping.is_set():
                self.pace(conn, b" ", self._pace)
            return False
        conn.sendall(_http(answer.status_code, payload))
        return True


class DribbleRelay(LoopbackServer):
    """Relays to `target_port`: what the client sends at once, what the server answers a
    byte every `pace` seconds."""

    def __init__(self, target_port: int, *, pace: float = 0.05) -> None:
        super().__init__()
        self._target = target_port
        self._pace_seconds = pace

    def serve(self, conn: socket.socket) -> None:
        with socket.create_connection(("127.0.0.1", self._target)) as upstream:
            threading.Thread(target=self._up, args=(conn, upstream), daemon=True).start()
            while not self.stopping.is_set():
                data = upstream.recv(4096)
                if not data:
                    return
                self.pace(conn, data, self._pace_seconds)

    @staticmethod
    def _up(conn: socket.socket, upstream: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := conn.recv(4096):
                upstream.sendall(data)


def _http(status: int, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'X')}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body
