"""Fixtures: a demo hospital over real HTTP, clients for it, and the contract's schemas."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kiosk.demo_hospital.server import DemoHospitalServer
from kiosk.hospital.rest import RestHospitalClient

TODAY = date(2026, 3, 10)
SEED = 2026
CONTRACT_PATH = Path(__file__).parents[3] / "kiosk" / "hospital" / "openapi.yaml"
CONTRACT_URI = "urn:kiosk:openapi"


@pytest.fixture(scope="session")
def shared_hospital(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoHospitalServer]:
    """One demo hospital for tests that only read or add registrations."""
    with DemoHospitalServer(tmp_path_factory.mktemp("hospital") / "h.db", today=TODAY) as server:
        yield server


@pytest.fixture(scope="session")
def shared_client(shared_hospital: DemoHospitalServer) -> Iterator[RestHospitalClient]:
    """Short timeouts so failure paths stay fast; retries as in production."""
    with RestHospitalClient(
        shared_hospital.url, connect_timeout=0.5, read_timeout=0.5, deadline=2.0, retries=2
    ) as rest:
        yield rest


@pytest.fixture
def client(hospital: DemoHospitalServer, shared_client: RestHospitalClient) -> RestHospitalClient:
    """The long-lived client (as in the kiosk) on a hospital without faults."""
    return shared_client


@pytest.fixture(scope="session")
def shared_http(shared_hospital: DemoHospitalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=shared_hospital.url, timeout=5.0, trust_env=False) as raw:
        yield raw


@pytest.fixture
def http(hospital: DemoHospitalServer, shared_http: httpx.Client) -> httpx.Client:
    """A raw HTTP client for contract checks (no kiosk client in the way)."""
    return shared_http


@dataclass
class Contract:
    document: dict[str, Any]
    registry: Registry
    strict_registry: Registry  # every response object closed: catches undocumented members

    def response_schema(self, method: str, path: str, status: int) -> dict[str, Any]:
        """A $ref to the documented JSON schema of this answer (fails if undocumented)."""
        responses = self.document["paths"][path][method.lower()]["responses"]
        assert str(status) in responses, f"{method} {path} does not document status {status}"
        pointer = f"/paths/{_escape(path)}/{method.lower()}/responses/{status}"
        pointer = responses[str(status)].get("$ref", f"#{pointer}").removeprefix("#")
        return {"$ref": f"{CONTRACT_URI}#{pointer}/content/application~1json/schema"}

    def validate(self, method: str, path: str, response: httpx.Response) -> Any:
        """Check the answer against the contract (loose and strict); return its JSON."""
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        schema = self.response_schema(method, path, response.status_code)
        for registry in (self.registry, self.strict_registry):
            validator = Draft202012Validator(
                schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
            errors = sorted(validator.iter_errors(body), key=lambda e: e.path)
            assert not errors, f"{method} {path} {response.status_code}: {errors[0].message}"
        return body

    def refusal(self, method: str, path: str, response: httpx.Response) -> tuple[int, str]:
        """A refusal's status and the code of its error body, checked against the contract."""
        return response.status_code, self.validate(method, path, response)["error"]["code"]

    def request_validator(self, schema_name: str) -> Draft202012Validator:
        schema = {"$ref": f"{CONTRACT_URI}#/components/schemas/{schema_name}"}
        return Draft202012Validator(schema, registry=self.registry)


def _escape(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


def _closed(node: Any) -> Any:
    """A copy of the document where every response object forbids undocumented members."""
    if isinstance(node, dict):
        node = {key: _closed(value) for key, value in node.items()}
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        return node
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


@pytest.fixture(scope="session")
def contract() -> Contract:
    document = yaml.safe_load(CONTRACT_PATH.read_text(encoding="utf-8"))

    def registry_for(doc: dict[str, Any]) -> Registry:
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        return Registry().with_resource(CONTRACT_URI, resource)

    return Contract(
        document, registry_for(document), registry_for(_closed(copy.deepcopy(document)))
    )
