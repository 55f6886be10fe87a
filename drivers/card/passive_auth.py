"""Passive authentication (ICAO Doc 9303 part 11 §5.1): is the chip's data what the issuer signed?

Three checks, in order: every read data group against its hash in EF.SOD; the SOD's
signature against the document signer (DS) certificate inside it; that certificate against
the configured country signing CAs (CSCA).

Policy on dates: FAILED is kept for evidence that the data or the SOD was altered. A chain
that cannot be trusted *today* — no CSCA with the DS certificate's issuer, no CSCA whose key
signed it, the CSCA or DS certificate outside its validity at `at` — gives
INTACT_SIGNER_NOT_TRUSTED with the `trust_problem` saying which, so the kiosk falls back to
the QR/keypad identity instead of calling a genuine but old card forged. An expired DS
certificate is therefore "not trusted", never "verified".
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from drivers.card import sod as sod_format
from drivers.card import tlv
from drivers.card.errors import SodError, TlvError
from drivers.card.sod import HASH_ALGORITHMS, ID_MGF1

logger = logging.getLogger(__name__)


class PassiveAuthStatus(Enum):
    VERIFIED = "verified"
    INTACT_SIGNER_NOT_TRUSTED = "intact_signer_not_trusted"
    FAILED = "failed"


class Failure(Enum):
    """Why the data cannot be taken as the issuer's."""

    MALFORMED_SOD = "malformed_sod"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    DATA_GROUP_NOT_IN_SOD = "data_group_not_in_sod"
    DATA_GROUP_HASH_MISMATCH = "data_group_hash_mismatch"
    CONTENT_TYPE_MISMATCH = "content_type_mismatch"
    MESSAGE_DIGEST_MISMATCH = "message_digest_mismatch"
    SIGNER_CERTIFICATE_MISSING = "signer_certificate_missing"
    SIGNATURE_INVALID = "signature_invalid"


class TrustProblem(Enum):
    """Why intact data cannot be traced to a trusted CSCA."""

    NO_MATCHING_CSCA = "no_matching_csca"  # also: no CSCA configured at all
    CSCA_SIGNATURE_MISMATCH = "csca_signature_mismatch"  # same name, other key
    CSCA_NOT_VALID = "csca_not_valid"
    SIGNER_NOT_VALID = "signer_not_valid"


@dataclass(frozen=True)
class PassiveAuthResult:
    status: PassiveAuthStatus
    failure: Failure | None = None
    trust_problem: TrustProblem | None = None
    detail: str = ""  # technical, without personal data: for staff logs

    @property
    def verified(self) -> bool:
        return self.status is PassiveAuthStatus.VERIFIED


class CscaStoreError(Exception):
    """A file of the configured CSCA folder is not a certificate (a configuration error)."""


CSCA_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der"})


class CscaStore:
    """The trusted country signing CA certificates."""

    def __init__(self, certificates: list[x509.Certificate] | None = None) -> None:
        self.certificates = list(certificates or [])

    @classmethod
    def from_folder(cls, folder: Path) -> CscaStore:
        """Every .pem/.crt/.cer/.der file of `folder` (PEM files may hold several)."""
        certificates: list[x509.Certificate] = []
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in CSCA_SUFFIXES or not path.is_file():
                continue
            data = path.read_bytes()
            try:
                if b"-----BEGIN" in data:
                    certificates.extend(x509.load_pem_x509_certificates(data))
                else:
                    certificates.append(x509.load_der_x509_certificate(data))
            except ValueError as error:
                raise CscaStoreError(f"{path.name} is not a certificate: {error}") from error
        logger.info("loaded %d CSCA certificates from %s", len(certificates), folder)
        return cls(certificates)

    def issuers_of(self, certificate: x509.Certificate) -> list[x509.Certificate]:
        return [csca for csca in self.certificates if csca.subject == certificate.issuer]


def verify(
    sod_bytes: bytes,
    data_groups: Mapping[int, bytes],
    cscas: CscaStore,
    *,
    at: datetime | None = None,
) -> PassiveAuthResult:
    """Check the data groups that were read (number -> whole file) against EF.SOD.

    `at` (timezone-aware, default now) is the date the certificates must be valid on.
    """
    if at is not None and at.tzinfo is None:
        raise ValueError("`at` must be timezone-aware")
    try:
        sod = sod_format.parse_sod(sod_bytes)
        failed = _check_hashes(sod, data_groups)
        signer = failed or _check_signature(sod)
    except SodError as error:
        return _failed(Failure.MALFORMED_SOD, str(error))
    except _Unsupported as error:
        return _failed(Failure.UNSUPPORTED_ALGORITHM, str(error))
    if isinstance(signer, PassiveAuthResult):
        return signer
    return _check_trust(signer, cscas, at or datetime.now(UTC))


def _failed(failure: Failure, detail: str) -> PassiveAuthResult:
    logger.warning("passive authentication failed: %s (%s)", failure.value, detail)
    return PassiveAuthResult(PassiveAuthStatus.FAILED, failure=failure, detail=detail)


class _Unsupported(Exception):
    """An algorithm this reader does not implement; becomes Failure.UNSUPPORTED_ALGORITHM."""


def _hash_name(identifier: sod_format.AlgorithmIdentifier) -> str:
    name = sod_format.HASH_OIDS.get(identifier.oid)
    if name is None:
        raise _Unsupported(f"hash algorithm {identifier.oid}")
    return name


def _check_hashes(
    sod: sod_format.Sod, data_groups: Mapping[int, bytes]
) -> PassiveAuthResult | None:
    name = _hash_name(sod.security_object.hash_algorithm)
    for number, content in sorted(data_groups.items()):
        expected = sod.security_object.hashes.get(number)
        if expected is None:
            return _failed(Failure.DATA_GROUP_NOT_IN_SOD, f"DG{number}")
        if not hmac.compare_digest(hashlib.new(name, content).digest(), expected):
            return _failed(Failure.DATA_GROUP_HASH_MISMATCH, f"DG{number}")
    return None


def _check_signature(sod: sod_format.Sod) -> PassiveAuthResult | x509.Certificate:
    """The document signer certificate once the SOD's signature verifies with it."""
    signer = sod.signers[0]  # 9303 recommends exactly one signer; it is the one that counts
    certificate = _signer_certificate(sod, signer)
    if certificate is None:
        return _failed(Failure.SIGNER_CERTIFICATE_MISSING, "no certificate matches the signer")
    if sod.content_type != sod_format.ID_LDS_SECURITY_OBJECT:
        return _failed(Failure.CONTENT_TYPE_MISMATCH, sod.content_type)
    if signer.signed_attributes is None:
        signed = sod.content  # CMS without signed attributes signs the content itself
    else:
        if signer.content_type != sod.content_type:
            return _failed(Failure.CONTENT_TYPE_MISMATCH, "contentType attribute")
        digest = hashlib.new(_hash_name(signer.digest_algorithm), sod.content).digest()
        if signer.message_digest is None or not hmac.compare_digest(digest, signer.message_digest):
            return _failed(Failure.MESSAGE_DIGEST_MISMATCH, "messageDigest attribute")
        signed = signer.signed_attributes
    try:
        _verify_signature(certificate, signer, signed)
    except InvalidSignature:
        return _failed(Failure.SIGNATURE_INVALID, "SOD signature")
    return certificate


def _signer_certificate(
    sod: sod_format.Sod, signer: sod_format.SignerInfo
) -> x509.Certificate | None:
    for raw in sod.certificates:
        if signer.key_id is None:
            if sod_format.certificate_issuer_and_serial(raw) != (signer.issuer, signer.serial):
                continue
            return _load(raw)
        certificate = _load(raw)
        try:
            key_id = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        except x509.ExtensionNotFound:
            continue
        except ValueError as error:  # extensions are parsed only now
            raise SodError(f"document signer certificate: {error}") from error
        if key_id.value.digest == signer.key_id:
            return certificate
    return None


def _load(raw: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(raw)
    except ValueError as error:
        raise SodError(f"document signer certificate: {error}") from error


# Signature algorithm OIDs -> (key type, hash name or None for "the digest algorithm's").
_RSA, _RSA_PSS, _ECDSA, _ECDSA_PLAIN = "rsa", "rsa-pss", "ecdsa", "ecdsa-plain"
_SIGNATURE_OIDS: dict[str, tuple[str, str | None]] = {
    "1.2.840.113549.1.1.1": (_RSA, None),
    "1.2.840.113549.1.1.5": (_RSA, "sha1"),
    "1.2.840.113549.1.1.14": (_RSA, "sha224"),
    "1.2.840.113549.1.1.11": (_RSA, "sha256"),
    "1.2.840.113549.1.1.12": (_RSA, "sha384"),
    "1.2.840.113549.1.1.13": (_RSA, "sha512"),
    "1.2.840.113549.1.1.10": (_RSA_PSS, None),
    "1.2.840.10045.2.1": (_ECDSA, None),
    "1.2.840.10045.4.1": (_ECDSA, "sha1"),
    "1.2.840.10045.4.3.1": (_ECDSA, "sha224"),
    "1.2.840.10045.4.3.2": (_ECDSA, "sha256"),
    "1.2.840.10045.4.3.3": (_ECDSA, "sha384"),
    "1.2.840.10045.4.3.4": (_ECDSA, "sha512"),
    # BSI TR-03111 ecdsa-plain-signatures: r || s instead of a DER SEQUENCE.
    "0.4.0.127.0.7.1.1.4.1.1": (_ECDSA_PLAIN, "sha1"),
    "0.4.0.127.0.7.1.1.4.1.2": (_ECDSA_PLAIN, "sha224"),
    "0.4.0.127.0.7.1.1.4.1.3": (_ECDSA_PLAIN, "sha256"),
    "0.4.0.127.0.7.1.1.4.1.4": (_ECDSA_PLAIN, "sha384"),
    "0.4.0.127.0.7.1.1.4.1.5": (_ECDSA_PLAIN, "sha512"),
}


def _verify_signature(
    certificate: x509.Certificate, signer: sod_format.SignerInfo, signed: bytes
) -> None:
    """Raises InvalidSignature, or _Unsupported for algorithms and keys outside the table."""
    kind, hash_name = _SIGNATURE_OIDS.get(signer.signature_algorithm.oid, ("", None))
    if not kind:
        raise _Unsupported(f"signature algorithm {signer.signature_algorithm.oid}")
    algorithm = HASH_ALGORITHMS[hash_name or _hash_name(signer.digest_algorithm)]()
    try:
        # `cryptography` maps explicit EC parameters of a named curve (ICAO test cards use
        # them) to that curve itself; other curves and key types end up here.
        key = certificate.public_key()
    except (ValueError, UnsupportedAlgorithm) as error:
        raise _Unsupported(f"document signer key: {error}") from error
    signature = signer.signature
    try:
        if kind in (_RSA, _RSA_PSS) and isinstance(key, rsa.RSAPublicKey):
            if kind == _RSA:
                key.verify(signature, signed, padding.PKCS1v15(), algorithm)
            else:
                pss, algorithm = _pss(signer.signature_algorithm.parameters)
                key.verify(signature, signed, pss, algorithm)
        elif kind in (_ECDSA, _ECDSA_PLAIN) and isinstance(key, ec.EllipticCurvePublicKey):
            if kind == _ECDSA_PLAIN:
                signature = _plain_to_der(signature, key.curve.key_size)
            key.verify(signature, signed, ec.ECDSA(algorithm))
        else:
            raise _Unsupported(f"{kind} signature with a {type(key).__name__}")
    except ValueError as error:  # a signature that is not even DER, a salt too long for the key
        raise InvalidSignature from error


def _plain_to_der(signature: bytes, key_bits: int) -> bytes:
    size = (key_bits + 7) // 8
    if len(signature) != 2 * size:
        raise InvalidSignature
    r, s = signature[:size], signature[size:]
    return encode_dss_signature(int.from_bytes(r, "big"), int.from_bytes(s, "big"))


_MAX_SALT = 1024  # more than any RSA key this side of 8192 bits can hold


def _pss(parameters: tlv.Tlv | None) -> tuple[padding.PSS, hashes.HashAlgorithm]:
    """RSASSA-PSS-params (RFC 4055): [0] hash, [1] MGF1 with its hash, [2] salt length."""
    hash_name, mgf_hash, salt = "sha1", "sha1", 20  # the defaults of the standard
    if parameters is None or parameters.tag != 0x30:
        raise _Unsupported("RSASSA-PSS without parameters")
    try:
        for item in parameters.children():
            if item.tag not in (0xA0, 0xA1, 0xA2):
                continue  # [3] trailerField: always 1 (0xBC)
            inner = tlv.parse_single(item.value)
            if item.tag == 0xA0:
                hash_name = _hash_name(sod_format.algorithm(inner))
            elif item.tag == 0xA1:
                mgf = sod_format.algorithm(inner)
                if mgf.oid != ID_MGF1 or mgf.parameters is None:
                    raise _Unsupported(f"mask generation {mgf.oid}")
                mgf_hash = _hash_name(sod_format.algorithm(mgf.parameters))
            else:
                salt = tlv.decode_unsigned(inner.value)
    except TlvError as error:
        raise SodError(f"RSASSA-PSS parameters: {error}") from error
    if salt > _MAX_SALT:
        raise SodError(f"RSASSA-PSS salt of {salt} bytes")
    mgf_algorithm = HASH_ALGORITHMS[mgf_hash]()
    return padding.PSS(padding.MGF1(mgf_algorithm), salt), HASH_ALGORITHMS[hash_name]()


def _check_trust(signer: x509.Certificate, cscas: CscaStore, at: datetime) -> PassiveAuthResult:
    candidates = cscas.issuers_of(signer)
    if not candidates:
        return _not_trusted(TrustProblem.NO_MATCHING_CSCA, "no CSCA has the signer's issuer")
    issuers = [csca for csca in candidates if _signed_by(signer, csca)]
    if not issuers:
        return _not_trusted(TrustProblem.CSCA_SIGNATURE_MISMATCH, "no CSCA key signed the signer")
    if not any(_valid_at(csca, at) for csca in issuers):
        return _not_trusted(TrustProblem.CSCA_NOT_VALID, f"CSCA not valid on {at:%Y-%m-%d}")
    if not _valid_at(signer, at):
        return _not_trusted(TrustProblem.SIGNER_NOT_VALID, f"signer not valid on {at:%Y-%m-%d}")
    return PassiveAuthResult(PassiveAuthStatus.VERIFIED)


def _not_trusted(problem: TrustProblem, detail: str) -> PassiveAuthResult:
    logger.warning("chip data intact but signer not trusted: %s", problem.value)
    return PassiveAuthResult(
        PassiveAuthStatus.INTACT_SIGNER_NOT_TRUSTED, trust_problem=problem, detail=detail
    )


def _signed_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        # Another key under the same name (a CSCA rollover), or a key we cannot use.
        return False
    return True


def _valid_at(certificate: x509.Certificate, at: datetime) -> bool:
    return certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc
