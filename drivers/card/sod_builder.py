"""The issuer's side of passive authentication, for the virtual chip and the tests.

A throwaway country signing CA and document signer, made at start, and an EF.SOD signed
by that signer over the data groups the virtual chip serves. Never for real documents:
the keys live in memory only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from drivers.card import tlv
from drivers.card.lds import SOD_TAG
from drivers.card.sod import (
    HASH_ALGORITHMS,
    HASH_OID_BY_NAME,
    ID_CONTENT_TYPE,
    ID_LDS_SECURITY_OBJECT,
    ID_MESSAGE_DIGEST,
    ID_MGF1,
    ID_SIGNED_DATA,
    certificate_issuer_and_serial,
)

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class KeyKind(Enum):
    EC_P256 = "ec-p256"
    RSA_2048 = "rsa-2048"


class RsaPadding(Enum):
    PKCS1V15 = "pkcs1v15"
    PSS = "pss"


@dataclass(frozen=True)
class DocumentSigner:
    certificate: x509.Certificate
    private_key: PrivateKey


@dataclass(frozen=True)
class IssuingAuthority:
    """A CSCA and the document signer it certified."""

    csca: x509.Certificate
    csca_key: PrivateKey
    signer: DocumentSigner


def new_key(kind: KeyKind) -> PrivateKey:
    if kind is KeyKind.EC_P256:
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_authority(
    kind: KeyKind = KeyKind.EC_P256,
    *,
    now: datetime | None = None,
    signer_valid: tuple[datetime, datetime] | None = None,
    name: str = "Test CSCA",
) -> IssuingAuthority:
    """A CSCA valid ten years around `now` and a signer valid for `signer_valid` (default:
    the same span), both with keys of `kind`."""
    now = now or datetime.now(UTC)
    csca_valid = (now - timedelta(days=365 * 5), now + timedelta(days=365 * 5))
    csca_key = new_key(kind)
    csca_name = _name(name)
    csca = (
        _builder(csca_name, csca_name, csca_key, csca_valid)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .sign(csca_key, hashes.SHA256())
    )
    return IssuingAuthority(
        csca, csca_key, issue_signer(csca, csca_key, kind, signer_valid or csca_valid)
    )


def issue_signer(
    csca: x509.Certificate,
    csca_key: PrivateKey,
    kind: KeyKind,
    valid: tuple[datetime, datetime],
) -> DocumentSigner:
    key = new_key(kind)
    certificate = (
        _builder(_name("Test Document Signer"), csca.subject, key, valid)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(csca_key.public_key()),
            critical=False,
        )
        .sign(csca_key, hashes.SHA256())
    )
    return DocumentSigner(certificate, key)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kiosk test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, key: PrivateKey, valid: tuple[datetime, datetime]
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


# --- DER ------------------------------------------------------------------------------------

_NULL = tlv.encode(0x05, b"")


def _sequence(*parts: bytes) -> bytes:
    return tlv.encode(0x30, b"".join(parts))


def _set_of(*parts: bytes) -> bytes:
    return tlv.encode(0x31, b"".join(sorted(parts)))  # DER orders a SET OF by encoding


def _oid(dotted: str) -> bytes:
    return tlv.encode(0x06, tlv.encode_oid(dotted))


def _integer(value: int) -> bytes:
    size = value.bit_length() // 8 + 1  # room for the sign bit
    return tlv.encode(0x02, value.to_bytes(size, "big", signed=True))


def _octets(value: bytes) -> bytes:
    return tlv.encode(0x04, value)


def _explicit(number: int, content: bytes) -> bytes:
    return tlv.encode(0xA0 + number, content)


def _hash_algorithm(hash_name: str) -> bytes:
    return _sequence(_oid(HASH_OID_BY_NAME[hash_name]))


_RSA_OIDS = {
    "sha1": "1.2.840.113549.1.1.5",
    "sha224": "1.2.840.113549.1.1.14",
    "sha256": "1.2.840.113549.1.1.11",
    "sha384": "1.2.840.113549.1.1.12",
    "sha512": "1.2.840.113549.1.1.13",
}
_ECDSA_PLAIN_OIDS = {
    name: f"0.4.0.127.0.7.1.1.4.1.{number}"
    for number, name in enumerate(("sha1", "sha224", "sha256", "sha384", "sha512"), 1)
}
_ECDSA_OIDS = {
    "sha1": "1.2.840.10045.4.1",
    "sha224": "1.2.840.10045.4.3.1",
    "sha256": "1.2.840.10045.4.3.2",
    "sha384": "1.2.840.10045.4.3.3",
    "sha512": "1.2.840.10045.4.3.4",
}


# --- EF.SOD ---------------------------------------------------------------------------------


def lds_security_object(
    data_groups: Mapping[int, bytes], hash_name: str = "sha256", lds_version: str | None = None
) -> bytes:
    """The DER of the LDSSecurityObject: a hash of every data group."""
    hashes_of_groups = b"".join(
        _sequence(_integer(number), _octets(hashlib.new(hash_name, content).digest()))
        for number, content in sorted(data_groups.items())
    )
    version_info = b""
    if lds_version is not None:  # LDS 1.7+: version 1 with LDSVersionInfo
        version_info = _sequence(
            tlv.encode(0x13, lds_version.encode()), tlv.encode(0x13, b"040000")
        )
    return _sequence(
        _integer(1 if lds_version else 0),
        _hash_algorithm(hash_name),
        _sequence(hashes_of_groups),
        version_info,
    )


def build_sod(
    data_groups: Mapping[int, bytes],
    signer: DocumentSigner,
    *,
    hash_name: str = "sha256",
    rsa_padding: RsaPadding = RsaPadding.PKCS1V15,
    lds_version: str | None = "0108",
    plain_ecdsa: bool = False,
) -> bytes:
    """EF.SOD over `data_groups` (number -> whole file), signed by `signer`.

    RSA keys sign with `rsa_padding`; EC keys with DER-encoded ECDSA, or the plain r || s
    format some issuers use with `plain_ecdsa`.
    """
    content = lds_security_object(data_groups, hash_name, lds_version)
    digest = hashlib.new(hash_name, content).digest()
    attributes = [
        _sequence(_oid(ID_CONTENT_TYPE), _set_of(_oid(ID_LDS_SECURITY_OBJECT))),
        _sequence(_oid(ID_MESSAGE_DIGEST), _set_of(_octets(digest))),
    ]
    signed_attributes = _set_of(*attributes)
    signature_algorithm, signature = _sign(
        signer.private_key, signed_attributes, hash_name, rsa_padding, plain_ecdsa
    )
    certificate = signer.certificate.public_bytes(Encoding.DER)
    issuer, serial = certificate_issuer_and_serial(certificate)
    signer_info = _sequence(
        _integer(1),
        _sequence(issuer, _integer(serial)),
        _hash_algorithm(hash_name),
        tlv.encode(0xA0, tlv.parse_single(signed_attributes).value),  # [0] IMPLICIT SET
        signature_algorithm,
        _octets(signature),
    )
    signed_data = _sequence(
        _integer(3),
        _set_of(_hash_algorithm(hash_name)),
        _sequence(_oid(ID_LDS_SECURITY_OBJECT), _explicit(0, _octets(content))),
        tlv.encode(0xA0, certificate),  # [0] IMPLICIT SET OF Certificate
        _set_of(signer_info),
    )
    content_info = _sequence(_oid(ID_SIGNED_DATA), _explicit(0, signed_data))
    return tlv.encode(SOD_TAG, content_info)


def _sign(
    key: PrivateKey, data: bytes, hash_name: str, rsa_padding: RsaPadding, plain_ecdsa: bool
) -> tuple[bytes, bytes]:
    """The signature AlgorithmIdentifier's DER and the signature."""
    algorithm = HASH_ALGORITHMS[hash_name]()
    if isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(data, ec.ECDSA(algorithm))
        if not plain_ecdsa:
            return _sequence(_oid(_ECDSA_OIDS[hash_name])), signature
        # BSI TR-03111 plain format: r || s, each as long as the curve's order.
        size = (key.curve.key_size + 7) // 8
        r, s = decode_dss_signature(signature)
        plain = r.to_bytes(size, "big") + s.to_bytes(size, "big")
        return _sequence(_oid(_ECDSA_PLAIN_OIDS[hash_name])), plain
    if rsa_padding is RsaPadding.PKCS1V15:
        identifier = _sequence(_oid(_RSA_OIDS[hash_name]), _NULL)
        return identifier, key.sign(data, padding.PKCS1v15(), algorithm)
    salt = algorithm.digest_size
    hash_identifier = _sequence(_oid(HASH_OID_BY_NAME[hash_name]), _NULL)
    parameters = _sequence(
        _explicit(0, hash_identifier),
        _explicit(1, _sequence(_oid(ID_MGF1), hash_identifier)),
        _explicit(2, _integer(salt)),
    )
    identifier = _sequence(_oid("1.2.840.113549.1.1.10"), parameters)
    pss = padding.PSS(padding.MGF1(algorithm), salt)
    return identifier, key.sign(data, pss, algorithm)


def authority_pem(authority: IssuingAuthority) -> bytes:
    """The CSCA certificate as PEM, as a kiosk's CSCA folder would hold it."""
    return authority.csca.public_bytes(Encoding.PEM)
