"""Bearer token and OAuth2 client credentials against SEKMET's token endpoint: the token is
fetched once and cached, renewed before it expires, and renewed again after a 401."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.ports import HospitalRejected, HospitalUnavailable
from kiosk.hospital import fhir_auth
from kiosk.hospital.fhir_auth import BearerToken, ClientCredentials
from tests.kiosk.hospital.fhir.sekmet import CLIENT_ID, CLIENT_SECRET, SekmetServer, start_sekmet


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SekmetServer]:
    """A second server whose access tokens live 2 seconds."""
    server = start_sekmet(tmp_path_factory.mktemp("sekmet-short"), token_lifetime=2)
    yield server
    server.stop()


def credentials(server: SekmetServer, secret: str = CLIENT_SECRET) -> ClientCredentials:
    return ClientCredentials(server.token_url, CLIENT_ID, secret, scope="system/*.*")


def test_client_credentials_token_is_fetched_once_and_cached(make_client, sekmet) -> None:
    oauth = credentials(sekmet)
    client, _ = make_client(oauth)
    for _ in range(5):
        client.departments()
    assert oauth.fetches == 1


def test_token_is_renewed_before_it_expires(make_client, short_lived) -> None:
    oauth = credentials(short_lived)
    client, transport = make_client(oauth, base=short_lived.base)
    assert client.history("nobody", 1) == []
    time.sleep(1.2)  # past the renewal point (half of a 2 s lifetime), before expiry
    assert client.history("nobody", 1) == []
    assert oauth.fetches == 2
    assert len(transport.sent) == 2 + 2  # two token requests, two searches: no 401 on the way


def test_an_expired_token_is_renewed_after_the_401(make_client, short_lived, monkeypatch) -> None:
    # The kiosk believes its token good 10 s past its real expiry (a wrong clock, say).
    monkeypatch.setattr(fhir_auth, "_EARLY_REFRESH", -10.0)
    oauth = credentials(short_lived)
    client, transport = make_client(oauth, base=short_lived.base)
    assert client.history("nobody", 1) == []
    time.sleep(2.2)
    assert client.history("nobody", 1) == []
    assert oauth.fetches == 2
    searches = [path for method, path, _ in transport.sent if path.endswith("/Encounter")]
    assert len(searches) == 3  # the refused one, then the one with the new token


def test_wrong_client_secret_is_unauthorized(make_client, sekmet) -> None:
    client, _ = make_client(credentials(sekmet, secret="wrong"))
    with pytest.raises(HospitalRejected) as error:
        client.departments()
    assert error.value.code == "unauthorized"


@pytest.mark.parametrize("creds", [BearerToken("not-the-token"), None])
def test_refused_static_credentials_are_unauthorized(make_client, creds) -> None:
    client, transport = make_client(creds)
    with pytest.raises(HospitalRejected) as error:
        client.departments()
    assert error.value.code == "unauthorized"
    assert len(transport.sent) == 1  # a fixed token is not worth a second try


def test_unreachable_token_endpoint_is_unavailable(make_client, tmp_path: Path) -> None:
    oauth = ClientCredentials("http://127.0.0.1:9/token", CLIENT_ID, CLIENT_SECRET)
    client, _ = make_client(oauth)
    with pytest.raises(HospitalUnavailable):
        client.departments()
