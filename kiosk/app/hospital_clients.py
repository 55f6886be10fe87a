"""The FHIR hospital client built from the `[hospital]` config section (kind = "fhir").

Part of the composition root: the config is read here, the client (kiosk.hospital) takes
plain values.
"""

from __future__ import annotations

import ssl
from dataclasses import replace

import httpx

from kiosk.config import ConfigError, HospitalSection
from kiosk.hospital.fhir import FhirHospitalClient
from kiosk.hospital.fhir_auth import BearerToken, ClientCredentials
from kiosk.hospital.fhir_mapping import FhirSystems


def fhir_credentials(section: HospitalSection) -> httpx.Auth | None:
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
    return BearerToken(section.token) if section.token else None


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


def fhir_demo_section(
    configured: HospitalSection, *, url: str, token: str, systems: FhirSystems
) -> HospitalSection:
    """The `[hospital]` section that talks to the FHIR demo hospital: its URL and static token
    (no OAuth2, no TLS) and the identifier systems it was seeded with."""
    return replace(
        configured,
        url=url,
        token=token,
        fhir_token_url="", fhir_client_id="", fhir_client_secret="", fhir_scope="",
        ca_bundle="", client_cert="", client_key="",
        fhir_citizen_id_system=systems.citizen_id,
        fhir_insurance_system=systems.insurance,
        fhir_code_system=systems.code,
    )  # fmt: skip
