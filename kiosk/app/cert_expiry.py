"""When the TLS certificates the kiosk depends on expire, for the metrics (and so for the
fleet's "certificate expires in under 14 days" alert): the hospital server's, read from a real
handshake, and the kiosk's own client certificate for mutual TLS, read from its file.

Part of the composition root. Runs on its own thread, every few hours: a handshake must never
hold up the GUI, and certificates change rarely.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.config import HospitalSection

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 6 * 3600.0

Report = Callable[[str, float], None]  # (certificate, not_after as Unix time)


def check_certificates(section: HospitalSection, report: Report) -> None:
    """Report each certificate's expiry; what cannot be read is logged and skipped."""
    parts = urlsplit(section.url)
    if parts.scheme == "https" and parts.hostname:
        try:
            report("hospital_server", _server_not_after(section, parts.hostname, parts.port))
        except (OSError, ssl.SSLError, ValueError) as error:
            log.warning("hospital certificate not read: %s", type(error).__name__)
    if section.client_cert:
        try:
            report("client", client_not_after(Path(section.client_cert)))
        except (OSError, ValueError) as error:
            log.warning("client certificate not read: %s", type(error).__name__)


def client_not_after(path: Path) -> float:
    from cryptography import x509  # loaded with the backends anyway (the chip's checks)

    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    return certificate.not_valid_after_utc.timestamp()


def _server_not_after(section: HospitalSection, host: str, port: int | None) -> float:
    from kiosk.app.backends import hospital_tls  # on this thread: the backends' imports

    context = hospital_tls(section)
    raw = socket.create_connection((host, port or 443), timeout=section.connect_timeout)
    with raw, context.wrap_socket(raw, server_hostname=host) as tls:
        certificate = tls.getpeercert() or {}
    return float(ssl.cert_time_to_seconds(str(certificate["notAfter"])))


class CertificateWatch:
    """`check_certificates` now and every CHECK_EVERY_SECONDS until `stop()`."""

    def __init__(
        self, section: HospitalSection, report: Report, every: float = CHECK_EVERY_SECONDS
    ) -> None:
        self._stop = threading.Event()

        def run() -> None:
            while True:
                check_certificates(section, report)
                if self._stop.wait(every):
                    return

        self._thread = threading.Thread(target=run, name="cert-expiry", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
