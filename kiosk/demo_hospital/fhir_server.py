"""SEKMET (PyPI `sekmet-fhir`), a third-party FHIR R4 server, in its own process on 127.0.0.1.

The FHIR demo hospital (fhir_demo.py) and the FHIR tests run it. Its settings file is written
here: SQLite in `data_dir`, its workflow simulator off, strict validation of what it receives,
a static bearer token and optionally an OAuth2 client-credentials client. The data survive a
stop() and start() (the demo takes the hospital offline that way). Seeding and inspecting go
through the server's own FHIR API with the standard library's HTTP client (httpx is the
hospital clients' library, kept out of the demo hospital). SEKMET is a development
dependency: the frozen bundle does not include it (`require_sekmet`).
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

SETTINGS = """\
base_url: {url}/fhir
host: 127.0.0.1
port: {port}
data_dir: {data}
db_path: {data}/sekmet.db
own_private_key_path: {data}/keys/sekmet_private.pem
log_inbound: false
simulator: {{enabled: false}}
validation: {{inbound: strict}}
server_auth:
  types: [bearer, smart]
  tokens: [{token}]
  token_lifetime: {lifetime}
  smart_clients: [{clients}]
"""
_START_TIMEOUT = 30.0
_ADMIN_TIMEOUT = 10.0
# No proxy from the environment: the server runs on this machine's loopback.
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SekmetMissing(RuntimeError):
    """SEKMET cannot run here: not installed, or a frozen kiosk (which cannot start Python)."""


def require_sekmet() -> None:
    if getattr(sys, "frozen", False) or importlib.util.find_spec("sekmet") is None:
        raise SekmetMissing(
            "the FHIR demo hospital needs the SEKMET FHIR server, which is not installed here "
            "(the packaged kiosk does not include it): run from a source checkout after "
            "`sh packaging/dev.sh setup`, or `pip install sekmet-fhir` into the kiosk's Python; "
            'or run the demo with the REST demo hospital (hospital.kind = "rest")'
        )


class SekmetServer:
    """`sekmet serve` on a free loopback port; start() launches it, stop() ends it.

    The `admin` client (static bearer token) exists while the process runs: seeding and
    inspecting go through the server's own FHIR API.
    """

    def __init__(self, data_dir: Path, *, token: str, oauth_client: tuple[str, str] | None = None,
                 token_lifetime: int = 3600) -> None:  # fmt: skip
        require_sekmet()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.base = f"{self.url}/fhir"
        self.token_url = f"{self.url}/auth/token"
        self.token = token
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        clients = ""
        if oauth_client is not None:
            client_id, secret = oauth_client
            clients = f'{{client_id: {client_id}, client_secret: {secret}, scopes: "system/*.*"}}'
        self._settings = data_dir / "settings.yaml"
        self._settings.write_text(
            SETTINGS.format(url=self.url, port=self.port, data=data_dir, token=token,
                            lifetime=token_lifetime, clients=clients)
        )  # fmt: skip
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Launch the process; returns at once (wait_ready() waits for its answer)."""
        if self.running:
            raise RuntimeError("sekmet is already running")
        self._log = (self.data_dir / "server.log").open("ab")
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from sekmet.cli import app; app()", "serve", "--config",
             str(self._settings)],
            cwd=self.data_dir, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self, timeout: float = _START_TIMEOUT) -> None:
        """Until the server answers its CapabilityStatement; stops it and raises if it cannot."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                self.stop()
                raise RuntimeError(f"sekmet exited at start: see {self.data_dir / 'server.log'}")
            try:
                self._admin("GET", "metadata")
                return
            except (urllib.error.URLError, ConnectionError):  # not listening yet
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"sekmet did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        """End the process (clients then get "connection refused"); the data stay."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._log is not None:
            self._log.close()
        self._process, self._log = None, None

    # --- the server's FHIR API, with the static token ----------------------------------

    def _admin(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The JSON answer; urllib.error.HTTPError for an error status."""
        if not self.running:
            raise RuntimeError("sekmet is not running")
        url = f"{self.base}/{path}" + (f"?{urlencode(params)}" if params else "")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/fhir+json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        with _LOOPBACK.open(request, timeout=_ADMIN_TIMEOUT) as response:
            answer: dict[str, Any] = json.loads(response.read())
        return answer

    def create(self, resource: dict[str, Any]) -> dict[str, Any]:
        return self._admin("POST", resource["resourceType"], resource)

    def read(self, resource_type: str, resource_id: str) -> dict[str, Any]:
        return self._admin("GET", f"{resource_type}/{resource_id}")

    def put(self, resource: dict[str, Any]) -> dict[str, Any]:
        return self._admin("PUT", f"{resource['resourceType']}/{resource['id']}", resource)

    def transaction(self, resources: list[dict[str, Any]]) -> None:
        """Creates or replaces every resource (each with its id) in one transaction."""
        entries = [
            {"resource": r, "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}}
            for r in resources
        ]
        self._admin("POST", "", {"resourceType": "Bundle", "type": "transaction", "entry": entries})

    def search(self, resource_type: str, **params: str) -> list[dict[str, Any]]:
        found = self._admin("GET", resource_type, params={**params, "_count": "500"})
        return [e["resource"] for e in found.get("entry", [])
                if e.get("search", {}).get("mode", "match") == "match"]  # fmt: skip

    def count(self, resource_type: str, **params: str) -> int:
        return int(
            self._admin("GET", resource_type, params={**params, "_summary": "count"})["total"]
        )
