"""`serve_forever` (behind `kiosk demo-hospital`): a foreground process that quits on SIGTERM
and, even with DEBUG logging, writes no access lines and no personal data."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from kiosk.demo_hospital.personas import demo_persona

from .conftest import TODAY

ROOT = Path(__file__).parents[3]
SCRIPT = """
import logging, sys
from datetime import date
logging.basicConfig(level=logging.DEBUG)
from kiosk.demo_hospital.server import serve_forever
serve_forever("127.0.0.1", int(sys.argv[1]), sys.argv[2], today=date.fromisoformat(sys.argv[3]))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_forever_quits_on_sigterm_and_logs_nothing_personal(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(port), str(tmp_path / "cli.db"), TODAY.isoformat()],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    persona = demo_persona("appointment_today", TODAY)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False) as http:
            deadline = time.monotonic() + 10
            while True:
                try:
                    if http.get("/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the demo hospital did not come up"
                    time.sleep(0.05)
            found = http.post(
                "/v1/patients/lookup", json={"citizen_id": persona.identity.citizen_id}
            )
            assert found.json()["patient"]["full_name"] == persona.identity.full_name
            visit = {
                "kiosk_id": "cli", "patient_id": persona.patient_id, "department_code": "NOI",
                "service": "insurance", "priority": "none", "appointment_id": None,
            }  # fmt: skip
            registered = http.post(
                "/v1/visits", json=visit, headers={"Idempotency-Key": str(uuid.uuid4())}
            )
            assert registered.status_code == 201
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells why.
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "Finished server process" in output
    assert f"127.0.0.1:{port}" in output  # it does say where it listens
    for secret in (persona.identity.citizen_id, persona.identity.full_name, "/v1/patients/lookup",
                   "/v1/visits"):  # fmt: skip
        assert secret and secret not in output
