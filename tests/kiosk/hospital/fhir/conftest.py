"""Fixtures: SEKMET, a real FHIR R4 server, on 127.0.0.1; FHIR clients for it whose every sent
resource is validated with the fhir.resources R4B models."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, time
from typing import Any

import httpx
import pytest
from fhir.resources.R4B import get_fhir_model_class

from kiosk.hospital.fhir import FhirHospitalClient
from kiosk.hospital.fhir_auth import BearerToken
from kiosk.hospital.fhir_mapping import FhirSystems
from tests.kiosk.hospital.fhir.sekmet import (
    STATIC_TOKEN,
    SYSTEMS,
    TODAY,
    VN,
    SekmetServer,
    seed_department,
    start_sekmet,
)


def validate_resource(resource: dict[str, Any]) -> int:
    """Validates with the R4B model of its type (bundle entries one by one); returns how many."""
    model = get_fhir_model_class(resource["resourceType"])
    model.model_validate(resource)
    count = 1
    for entry in resource.get("entry", []) if resource["resourceType"] == "Bundle" else []:
        if "resource" in entry:
            count += validate_resource(entry["resource"])
    return count


class ValidatingTransport(httpx.BaseTransport):
    """The real HTTP transport, after checking every FHIR body the kiosk sends. `before` runs
    ahead of each request and `after` once the server has answered: tests use them to change
    the server's state, or lose its answer, at a chosen moment."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.validated = 0
        self.sent: list[tuple[str, str, dict[str, Any] | None]] = []
        self.before: Callable[[str, str, dict[str, Any] | None], None] | None = None
        self.after: Callable[[str, str, dict[str, Any] | None], None] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = None
        if request.headers.get("content-type", "").startswith("application/fhir+json"):
            body = json.loads(request.read())
            self.validated += validate_resource(body)
        self.sent.append((request.method, request.url.path, body))
        if self.before is not None:
            self.before(request.method, request.url.path, body)
        response = self._inner.handle_request(request)
        if self.after is not None:
            response.read()  # the server has answered: its work is done whatever follows
            self.after(request.method, request.url.path, body)
        return response

    def close(self) -> None:
        self._inner.close()


@pytest.fixture(scope="session")
def sekmet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SekmetServer]:
    server = start_sekmet(tmp_path_factory.mktemp("sekmet"))
    seed_department(server, "NOI", "Khoa Nội", "P.105", floor=1, waiting=4)
    seed_department(server, "NHI", "Khoa Nhi", "P.210", floor=2, waiting=0)
    yield server
    server.stop()


Made = tuple[FhirHospitalClient, ValidatingTransport]
STATIC_CREDENTIALS = BearerToken(STATIC_TOKEN)  # stateless: shared by the clients made


def noon() -> datetime:
    return datetime.combine(TODAY, time(9, 30), VN)


@pytest.fixture
def make_client(
    sekmet: SekmetServer,
) -> Iterator[Callable[..., tuple[FhirHospitalClient, ValidatingTransport]]]:
    made: list[FhirHospitalClient] = []

    def make(credentials: httpx.Auth | None = STATIC_CREDENTIALS, *, base: str | None = None,
             clock: Callable[[], datetime] = noon, systems: FhirSystems = SYSTEMS,
             **options: Any) -> Made:  # fmt: skip
        transport = ValidatingTransport()
        client = FhirHospitalClient(
            base or sekmet.base, systems,
            credentials=credentials,
            transport=transport, clock=clock,
            **({"connect_timeout": 1.0, "read_timeout": 3.0, "deadline": 6.0} | options),
        )  # fmt: skip
        made.append(client)
        return client, transport

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(
    make_client: Callable[..., tuple[FhirHospitalClient, ValidatingTransport]],
) -> FhirHospitalClient:
    return make_client()[0]
