"""The certificates' expiry read for the metrics: the hospital server's from a real TLS
handshake on 127.0.0.1, the kiosk's client certificate from its file."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.app.cert_expiry import CertificateWatch, check_certificates
from kiosk.config import HospitalSection
from tests.kiosk.hospital.tls_certs import Authority, https_server

DAY = 86400


def test_both_certificates_expiry_from_a_handshake_and_a_file(tmp_path: Path) -> None:
    hospital_ca = Authority(tmp_path, "hospital-ca")
    kiosk_ca = Authority(tmp_path, "kiosk-ca")
    server = hospital_ca.issue("his", server=True, days=10)
    client = kiosk_ca.issue("kiosk-01", server=False, days=200)
    seen: dict[str, float] = {}
    with https_server(server) as url:
        section = HospitalSection(
            url=url,
            ca_bundle=str(hospital_ca.files.cert),
            client_cert=str(client.cert),
            client_key=str(client.key),
        )
        check_certificates(section, seen.__setitem__)
    assert set(seen) == {"hospital_server", "client"}
    assert 9 * DAY < seen["hospital_server"] - time.time() <= 10 * DAY
    assert 199 * DAY < seen["client"] - time.time() <= 200 * DAY


def test_an_untrusted_server_or_plain_http_reports_nothing(tmp_path: Path) -> None:
    server = Authority(tmp_path, "other-ca").issue("his", server=True)
    seen: dict[str, float] = {}
    with https_server(server) as url:
        check_certificates(HospitalSection(url=url), seen.__setitem__)  # not trusted
    check_certificates(HospitalSection(url="http://127.0.0.1:1"), seen.__setitem__)
    assert seen == {}


def test_the_watch_checks_at_once_and_stops(tmp_path: Path) -> None:
    client = Authority(tmp_path, "kiosk-ca").issue("kiosk", server=False)
    seen: list[str] = []
    section = HospitalSection(url="http://127.0.0.1:1", client_cert=str(client.cert))
    watch = CertificateWatch(section, lambda name, _at: seen.append(name), every=0.05)
    time.sleep(0.3)
    watch.stop()
    count = len(seen)
    assert count >= 2 and set(seen) == {"client"}
    time.sleep(0.15)
    assert len(seen) == count
