"""The hospital tests' fixtures the demo hospital's own tests share: the contract (openapi.yaml
as JSON schemas), SEKMET and FHIR clients for it."""

from tests.kiosk.hospital.conftest import contract
from tests.kiosk.hospital.fhir.conftest import make_client, sekmet

__all__ = ["contract", "make_client", "sekmet"]
