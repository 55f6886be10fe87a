"""The FHIR hospital client built from the `[hospital]` config section (kind = "fhir")."""

from __future__ import annotations

import ssl

from kiosk.config import ConfigError, HospitalSection
from kiosk.hospital.fhir import FhirHospitalClient
from kiosk.hospital.fhir_auth import BearerToken, ClientCredentials, Credentials, NoCredentials
from kiosk.hospital.fhir_mapping import FhirSystems


def fhir_credentials(section: HospitalSection) -> Credentials:
    """OAuth2 client credentials when a token endpoint is set, else the fixed token, else none."""
    if section.fhir_token_url:
        if not section.fhir_client_id or not section.fhir_client_secret:
            raise ConfigError(
                "hospital.fhir_client_id", "fhir_client_id and fhir_client_secret are required "
                "when hospital.fhir_token_url is set",
            )  # fmt: skip
        return ClientCredentials(
            section.fhir_token_url,
            section.fhir_client_id,
            section.fhir_client_secret,
            scope=section.fhir_scope,
        )
    return BearerToken(section.token) if section.token else NoCredentials()


def fhir_systems(section: HospitalSection) -> FhirSystems:
    return FhirSystems(
        citizen_id=section.fhir_citizen_id_system,
        insurance=section.fhir_insurance_system,
        namespace=section.fhir_namespace,
        department=section.fhir_department_system,
        code=section.fhir_code_system,
    )


def fhir_client(
    section: HospitalSection,
    url: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    probe: bool = False,
) -> FhirHospitalClient:
    """The client for check-ins, or with `probe` the one-second health probe (the offline
    layer's "is it up?" must not wait out a call's deadline)."""
    return FhirHospitalClient(
        url,
        fhir_systems(section),
        credentials=fhir_credentials(section),
        ssl_context=ssl_context,
        connect_timeout=0.5 if probe else section.connect_timeout,
        read_timeout=1.0 if probe else section.read_timeout,
        deadline=1.0 if probe else section.deadline,
        retries=0 if probe else 2,
    )
