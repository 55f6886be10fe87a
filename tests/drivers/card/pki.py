"""Test-time PKIs, made once per test session: key generation (RSA above all) is the slow part."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from drivers.card import tlv
from drivers.card.ec import NIST_P256
from drivers.card.sod_builder import DocumentSigner, IssuingAuthority, KeyKind, make_authority

NOW = datetime.now(UTC)
ID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
ID_PRIME_FIELD = "1.2.840.10045.1.1"


def authority(kind: KeyKind = KeyKind.EC_P256, name: str = "Test CSCA") -> IssuingAuthority:
    """The same authority for the same kind and name, however the arguments are spelled."""
    return _authority(kind, name)


@functools.cache
def _authority(kind: KeyKind, name: str) -> IssuingAuthority:
    return make_authority(kind, now=NOW, name=name)


@functools.cache
def authority_with_expired_signer() -> IssuingAuthority:
    """A valid CSCA whose document signer certificate ended a year ago."""
    return make_authority(
        KeyKind.EC_P256,
        now=NOW,
        signer_valid=(NOW - timedelta(days=3 * 365), NOW - timedelta(days=365)),
    )


def _integer(value: int) -> bytes:
    return tlv.encode(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _explicit_p256_key_info(point: bytes) -> bytes:
    """SubjectPublicKeyInfo of a P-256 key with the curve spelled out (as ICAO test cards do)."""
    curve = NIST_P256
    size = curve.coordinate_size
    parameters = tlv.encode(
        0x30,
        _integer(1)
        + tlv.encode(0x30, tlv.encode(0x06, tlv.encode_oid(ID_PRIME_FIELD)) + _integer(curve.p))
        + tlv.encode(
            0x30,
            tlv.encode(0x04, curve.a.to_bytes(size, "big"))
            + tlv.encode(0x04, curve.b.to_bytes(size, "big")),
        )
        + tlv.encode(0x04, curve.encode(curve.generator))
        + _integer(curve.n)
        + _integer(1),
    )
    algorithm = tlv.encode(0x30, tlv.encode(0x06, tlv.encode_oid(ID_EC_PUBLIC_KEY)) + parameters)
    return tlv.encode(0x30, algorithm + tlv.encode(0x03, b"\x00" + point))


def with_explicit_parameters(
    certificate: x509.Certificate, issuer_key: ec.EllipticCurvePrivateKey
) -> x509.Certificate:
    """`certificate` with its P-256 key re-encoded with explicit parameters, signed again."""
    tbs, algorithm, _ = tlv.parse_single(certificate.public_bytes(Encoding.DER)).children()
    fields = tbs.children()
    point = certificate.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    fields[6] = tlv.parse_single(_explicit_p256_key_info(point))  # [0] version comes first
    new_tbs = tlv.encode(0x30, b"".join(item.raw for item in fields))
    signature = issuer_key.sign(new_tbs, ec.ECDSA(hashes.SHA256()))
    der = tlv.encode(0x30, new_tbs + algorithm.raw + tlv.encode(0x03, b"\x00" + signature))
    return x509.load_der_x509_certificate(der)


@functools.cache
def authority_with_explicit_parameters() -> IssuingAuthority:
    """CSCA and document signer whose EC keys carry explicit domain parameters."""
    plain = authority(KeyKind.EC_P256, "Explicit CSCA")
    assert isinstance(plain.csca_key, ec.EllipticCurvePrivateKey)
    assert isinstance(plain.signer.private_key, ec.EllipticCurvePrivateKey)
    csca = with_explicit_parameters(plain.csca, plain.csca_key)
    signer = with_explicit_parameters(plain.signer.certificate, plain.csca_key)
    return IssuingAuthority(csca, plain.csca_key, DocumentSigner(signer, plain.signer.private_key))
