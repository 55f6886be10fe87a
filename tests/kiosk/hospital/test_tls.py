"""RestHospitalClient over real TLS on 127.0.0.1: trusted CA, untrusted server, mutual TLS."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.app.backends import hospital_tls
from kiosk.config import ConfigError, HospitalSection, load_config
from kiosk.core.ports import HospitalUnavailable
from kiosk.hospital.rest import RestHospitalClient
from kiosk.hospital.tls import HospitalTlsError, tls_context

from .tls_certs import Authority, https_server

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("pki")
    hospital_ca = Authority(folder, "hospital-ca")
    other_ca = Authority(folder, "other-ca")
    kiosk_ca = Authority(folder, "kiosk-ca")
    return {
        "hospital_ca": hospital_ca,
        "other_ca": other_ca,
        "kiosk_ca": kiosk_ca,
        "server": hospital_ca.issue("his", server=True),
        "client": kiosk_ca.issue("kiosk-01", server=False),
        "stranger": other_ca.issue("stranger", server=False),
    }


def client(url: str, **tls: str) -> RestHospitalClient:
    return RestHospitalClient(url, deadline=3.0, ssl_context=tls_context(**tls))


def test_a_server_signed_by_the_configured_ca_is_trusted(pki: dict) -> None:
    trusted = str(pki["hospital_ca"].files.cert)
    with https_server(pki["server"]) as url, client(url, ca_bundle=trusted) as hospital:
        assert hospital.health()


def test_an_untrusted_server_fails_at_once_with_a_typed_error(pki: dict) -> None:
    other = str(pki["other_ca"].files.cert)
    with https_server(pki["server"]) as url, client(url, ca_bundle=other) as hospital:
        started = time.monotonic()
        with pytest.raises(HospitalTlsError, match="certificate verify failed") as caught:
            hospital.departments()
        assert isinstance(caught.value, HospitalUnavailable)  # the flow's offline path
        assert time.monotonic() - started < 1.0  # no retries: they cannot help
        assert not hospital.health()


def test_the_system_trust_store_does_not_know_a_private_ca(pki: dict) -> None:
    with (
        https_server(pki["server"]) as url,
        RestHospitalClient(url, deadline=3.0) as hospital,
        pytest.raises(HospitalTlsError),
    ):
        hospital.departments()


def test_mutual_tls_with_the_client_certificate(pki: dict) -> None:
    ca = str(pki["hospital_ca"].files.cert)
    with https_server(pki["server"], client_ca=pki["kiosk_ca"].files.cert) as url:
        given = pki["client"]
        with client(
            url, ca_bundle=ca, client_cert=str(given.cert), client_key=str(given.key)
        ) as hospital:
            assert hospital.health()
        with client(url, ca_bundle=ca) as hospital, pytest.raises(HospitalTlsError):
            hospital.departments()  # no client certificate given
        stranger = pki["stranger"]  # a certificate from a CA the hospital does not trust
        with (
            client(
                url, ca_bundle=ca, client_cert=str(stranger.cert), client_key=str(stranger.key)
            ) as hospital,
            pytest.raises(HospitalTlsError),
        ):
            hospital.departments()


def test_config_keys_build_the_context(pki: dict, tmp_path: Path) -> None:
    given = pki["client"]
    path = tmp_path / "kiosk.toml"
    path.write_text(
        "[hospital]\n"
        'url = "https://127.0.0.1:9"\n'
        f'ca_bundle = "{pki["hospital_ca"].files.cert}"\n'
        f'client_cert = "{given.cert}"\n'
        f'client_key = "{given.key}"\n',
        encoding="utf-8",
    )
    section = load_config(path).hospital
    assert str(given.key) not in repr(section)
    context = hospital_tls(section)
    assert context.check_hostname and context.verify_mode.name == "CERT_REQUIRED"


def test_a_key_that_does_not_match_is_a_config_error(pki: dict) -> None:
    section = HospitalSection(
        url="https://127.0.0.1:9",
        client_cert=str(pki["client"].cert),
        client_key=str(pki["stranger"].key),
    )
    with pytest.raises(ConfigError) as caught:
        hospital_tls(section)
    assert caught.value.key == "hospital.client_cert"
    assert "BEGIN" not in str(caught.value)  # no key material in the message


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('url = "http://his"\nca_bundle = "/etc/hosts"', "hospital.ca_bundle", "https://"),
        ('url = "https://his"\nca_bundle = "/nonexistent.pem"', "hospital.ca_bundle", "no such"),
        ('url = "https://his"\nclient_key = "/etc/hosts"', "hospital.client_key", "client_cert"),
    ],
)
def test_tls_config_errors(tmp_path: Path, text: str, key: str, words: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[hospital]\n{text}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == key and words in caught.value.problem
    assert caught.value.line == 3  # the line that sets the key
