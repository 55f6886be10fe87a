"""`[hospital] kind = "fhir"` in the config, and the client built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.backends import build_backends
from kiosk.app.hospital_clients import fhir_client, fhir_credentials, fhir_systems
from kiosk.config import EXAMPLE, ConfigError, parse_config
from kiosk.hospital.fhir import FhirHospitalClient
from kiosk.hospital.fhir_auth import BearerToken, ClientCredentials
from tests.kiosk.hospital.fhir.sekmet import (
    BHYT_SYSTEM,
    CCCD_SYSTEM,
    CLIENT_ID,
    CLIENT_SECRET,
    SekmetServer,
)


def hospital(**keys: object) -> dict[str, dict[str, object]]:
    base = {"kind": "fhir", "fhir_citizen_id_system": CCCD_SYSTEM,
            "fhir_insurance_system": BHYT_SYSTEM}  # fmt: skip
    return {"hospital": base | keys}


def test_rest_is_the_default_kind() -> None:
    assert parse_config({}).hospital.kind == "rest"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ConfigError) as error:
        parse_config({"hospital": {"kind": "hl7v2"}})
    assert error.value.key == "hospital.kind"


@pytest.mark.parametrize("missing", ["fhir_citizen_id_system", "fhir_insurance_system"])
def test_fhir_needs_both_identifier_systems(missing: str) -> None:
    keys = hospital()
    del keys["hospital"][missing]
    with pytest.raises(ConfigError) as error:
        parse_config(keys)
    assert error.value.key == f"hospital.{missing}"


def test_token_url_must_be_http() -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(hospital(fhir_token_url="ftp://idp/token"))
    assert error.value.key == "hospital.fhir_token_url"


def test_credentials_follow_the_keys() -> None:
    assert fhir_credentials(parse_config(hospital()).hospital) is None
    assert isinstance(fhir_credentials(parse_config(hospital(token="t")).hospital), BearerToken)
    oauth = hospital(fhir_token_url="https://idp/token", fhir_client_id="k", fhir_client_secret="s")
    assert isinstance(fhir_credentials(parse_config(oauth).hospital), ClientCredentials)
    with pytest.raises(ConfigError) as error:
        fhir_credentials(parse_config(hospital(fhir_token_url="https://idp/token")).hospital)
    assert error.value.key == "hospital.fhir_client_id"


def test_code_system_reaches_the_client_systems() -> None:
    assert fhir_systems(parse_config(hospital()).hospital).code == ""
    section = parse_config(hospital(fhir_code_system="urn:oid:2.16.704.0.1.9")).hospital
    assert fhir_systems(section).code == "urn:oid:2.16.704.0.1.9"
    assert "\nfhir_code_system = " in EXAMPLE


def test_secret_is_not_in_the_repr() -> None:
    section = parse_config(hospital(fhir_client_secret="hush-hush")).hospital
    assert "hush-hush" not in repr(section)


def test_configured_client_checks_in_against_the_server(sekmet: SekmetServer) -> None:
    config = parse_config(hospital(
        url=sekmet.base, fhir_token_url=sekmet.token_url, fhir_client_id=CLIENT_ID,
        fhir_client_secret=CLIENT_SECRET, fhir_scope="system/*.*",
    ))  # fmt: skip
    with fhir_client(config.hospital, config.hospital.url) as client:
        assert isinstance(client, FhirHospitalClient)
        assert client.health() is True
        assert {d.code for d in client.departments()} >= {"NOI", "NHI"}
    with fhir_client(config.hospital, config.hospital.url, probe=True) as probe:
        assert probe.health() is True


def test_backends_build_the_fhir_client(sekmet: SekmetServer, tmp_path: Path) -> None:
    raw = hospital(url=sekmet.base, token="kiosk-test-static-token")
    raw |= {"card": {"reader": "none"}, "camera": {"source": "none"},
            "scanner": {"kind": "none"}}  # fmt: skip
    backends = build_backends(parse_config(raw), demo=False, data_dir=tmp_path,
                              ticket_dir=tmp_path / "tickets")  # fmt: skip
    try:
        # The offline store wraps the FHIR client; its health probe is a FHIR client too.
        assert backends.offline is not None
        assert isinstance(backends.offline.probe_client, FhirHospitalClient)
        assert backends.offline.probe_client.health() is True
        assert {d.code for d in backends.hospital.departments()} >= {"NOI", "NHI"}
    finally:
        backends.close()
