"""TLS towards the hospital: one ssl context, verification always on, optional private CA and
client certificate (mutual TLS), and a typed error for handshakes that fail.

A CA bundle replaces the system's trust store rather than adding to it: a hospital with its
own CA wants the kiosk to trust that CA only.
"""

from __future__ import annotations

import ssl

from kiosk.core.ports import HospitalUnavailable


class TlsSetupError(ValueError):
    """A CA bundle or client certificate that cannot be loaded; `key` names its config key."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class HospitalTlsError(HospitalUnavailable):
    """The TLS handshake with the hospital failed: an untrusted or expired certificate, a
    wrong host name, or a client certificate the hospital refused. Retrying cannot help."""


def tls_context(ca_bundle: str = "", client_cert: str = "", client_key: str = "") -> ssl.SSLContext:
    """A client context that verifies the hospital's certificate and host name."""
    try:
        context = ssl.create_default_context(cafile=ca_bundle or None)
    except (OSError, ssl.SSLError) as error:
        raise TlsSetupError("hospital.ca_bundle", _reason(error)) from error
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if client_cert:
        try:
            context.load_cert_chain(client_cert, client_key or None)
        except (OSError, ssl.SSLError) as error:
            # The reason comes from OpenSSL and never includes the key's content.
            raise TlsSetupError("hospital.client_cert", _reason(error)) from error
    return context


def tls_failure(error: BaseException) -> ssl.SSLError | None:
    """The TLS error behind a transport error (httpx wraps it), if there is one."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def describe(error: ssl.SSLError) -> str:
    """A short reason for staff, e.g. "certificate verify failed: self-signed certificate"."""
    if isinstance(error, ssl.SSLCertVerificationError) and error.verify_message:
        return f"certificate verify failed: {error.verify_message}"
    return _reason(error)


def _reason(error: OSError | ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLError) and error.reason:
        return error.reason.lower().replace("_", " ")
    return error.strerror or type(error).__name__
