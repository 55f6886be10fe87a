"""EF.SOD (ICAO Doc 9303 part 10 §4.6.2): CMS SignedData (RFC 5652) over an LDS security object.

A small DER walker on top of `tlv`: it reads exactly the parts passive authentication needs
and keeps the raw bytes that hashes and signatures are computed over. Everything is
untrusted input: any malformation is a `SodError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes

from drivers.card import tlv
from drivers.card.errors import SodError, TlvError
from drivers.card.lds import SOD_TAG

ID_SIGNED_DATA = "1.2.840.113549.1.7.2"
ID_LDS_SECURITY_OBJECT = "2.23.136.1.1.1"
ID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
ID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"

HASH_OIDS: dict[str, str] = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
HASH_OID_BY_NAME = {name: oid for oid, name in HASH_OIDS.items()}
HASH_ALGORITHMS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
ID_MGF1 = "1.2.840.113549.1.1.8"

_INTEGER, _OCTETS, _OCTETS_CONSTRUCTED, _OID = 0x02, 0x04, 0x24, 0x06
_SEQUENCE, _SET = 0x30, 0x31
_TAGGED_0, _TAGGED_1, _KEY_ID = 0xA0, 0xA1, 0x80


@dataclass(frozen=True)
class AlgorithmIdentifier:
    oid: str
    parameters: tlv.Tlv | None = None  # absent, NULL, or e.g. RSASSA-PSS-params


@dataclass(frozen=True)
class LdsSecurityObject:
    hash_algorithm: AlgorithmIdentifier
    hashes: dict[int, bytes]  # data group number -> hash
    lds_version: str | None = None  # LDS 1.7 and later name it


@dataclass(frozen=True)
class SignerInfo:
    # Either issuer (raw DER Name) and serial, or the subject key identifier.
    issuer: bytes | None
    serial: int | None
    key_id: bytes | None
    digest_algorithm: AlgorithmIdentifier
    signed_attributes: bytes | None  # re-tagged as a SET: the bytes the signature covers
    content_type: str | None  # the contentType signed attribute
    message_digest: bytes | None  # the messageDigest signed attribute
    signature_algorithm: AlgorithmIdentifier
    signature: bytes


@dataclass(frozen=True)
class Sod:
    content_type: str
    content: bytes  # eContent: the DER of the LDS security object, as signed
    security_object: LdsSecurityObject
    certificates: tuple[bytes, ...]  # DER, the document signer's among them
    signers: tuple[SignerInfo, ...]


def parse_sod(data: bytes) -> Sod:
    try:
        return _parse(data)
    except TlvError as error:
        raise SodError(f"EF.SOD: {error}") from error


def _parse(data: bytes) -> Sod:
    sod = tlv.parse_single(data)
    if sod.tag != SOD_TAG:
        raise SodError(f"EF.SOD starts with tag {sod.tag:X}")
    content_info = _only(sod.children(), _SEQUENCE, "ContentInfo")
    parts = _sequence(content_info, 2, "ContentInfo")
    if len(parts) != 2:
        raise SodError("ContentInfo has extra parts")
    content_type, explicit = parts
    if _oid(content_type) != ID_SIGNED_DATA:
        raise SodError("EF.SOD does not hold SignedData")
    signed_data = _only(_expect(explicit, _TAGGED_0).children(), _SEQUENCE, "SignedData")
    parts = signed_data.children()
    if len(parts) < 4:
        raise SodError("SignedData is incomplete")
    _expect(parts[0], _INTEGER)
    _expect(parts[1], _SET)  # digestAlgorithms: the signer info names its own
    e_content_type, content = _encapsulated(parts[2])
    certificates: tuple[bytes, ...] = ()
    rest = parts[3:]
    if rest and rest[0].tag == _TAGGED_0:
        certificates = tuple(_expect(item, _SEQUENCE).raw for item in rest[0].children())
        rest = rest[1:]
    if rest and rest[0].tag == _TAGGED_1:  # CRLs: not used by eMRTDs
        rest = rest[1:]
    if len(rest) != 1:
        raise SodError("SignedData has no signer infos, or something after them")
    signers = tuple(_signer_info(item) for item in _expect(rest[0], _SET).children())
    if not signers:
        raise SodError("SignedData has no signer")
    return Sod(e_content_type, content, _security_object(content), certificates, signers)


def _expect(item: tlv.Tlv, tag: int) -> tlv.Tlv:
    if item.tag != tag:
        raise SodError(f"tag {item.tag:X} where {tag:X} belongs")
    return item


def _only(items: list[tlv.Tlv], tag: int, name: str) -> tlv.Tlv:
    if len(items) != 1:
        raise SodError(f"{name} expected alone, found {len(items)} objects")
    return _expect(items[0], tag)


def _sequence(item: tlv.Tlv, minimum: int, name: str) -> list[tlv.Tlv]:
    children = _expect(item, _SEQUENCE).children()
    if len(children) < minimum:
        raise SodError(f"{name} is incomplete")
    return children


def _oid(item: tlv.Tlv) -> str:
    return tlv.decode_oid(_expect(item, _OID).value)


def _integer(item: tlv.Tlv) -> int:
    value = _expect(item, _INTEGER).value
    if not value:
        raise SodError("empty INTEGER")
    return int.from_bytes(value, "big", signed=True)


def _octets(item: tlv.Tlv) -> bytes:
    """An OCTET STRING; BER's constructed form (chunks) is joined, one level deep."""
    if item.tag == _OCTETS_CONSTRUCTED:
        return b"".join(_expect(chunk, _OCTETS).value for chunk in item.children())
    return _expect(item, _OCTETS).value


def algorithm(item: tlv.Tlv) -> AlgorithmIdentifier:
    children = _sequence(item, 1, "AlgorithmIdentifier")
    if len(children) > 2:
        raise SodError("AlgorithmIdentifier has too many parts")
    return AlgorithmIdentifier(_oid(children[0]), children[1] if len(children) == 2 else None)


def _encapsulated(item: tlv.Tlv) -> tuple[str, bytes]:
    children = _sequence(item, 2, "EncapsulatedContentInfo")
    if len(children) != 2:
        raise SodError("EncapsulatedContentInfo has extra parts")
    explicit = _expect(children[1], _TAGGED_0).children()
    if len(explicit) != 1:
        raise SodError("eContent expected alone")
    return _oid(children[0]), _octets(explicit[0])


def _security_object(content: bytes) -> LdsSecurityObject:
    parts = _sequence(tlv.parse_single(content), 3, "LDSSecurityObject")
    version = _integer(parts[0])
    if version not in (0, 1):
        raise SodError(f"LDSSecurityObject version {version}")
    hashes: dict[int, bytes] = {}
    for entry in _expect(parts[2], _SEQUENCE).children():
        number_item, hash_item = _sequence(entry, 2, "DataGroupHash")[:2]
        number = _integer(number_item)
        if not 1 <= number <= 16 or number in hashes:
            raise SodError(f"data group number {number} invalid or repeated")
        hashes[number] = _octets(hash_item)
    lds_version = None
    if version == 1 and len(parts) > 3:
        info = _sequence(parts[3], 2, "LDSVersionInfo")
        try:
            lds_version = info[0].value.decode("ascii")
        except UnicodeDecodeError as error:
            raise SodError("LDS version is not text") from error
    return LdsSecurityObject(algorithm(parts[1]), hashes, lds_version)


def _signer_info(item: tlv.Tlv) -> SignerInfo:
    parts = _sequence(item, 5, "SignerInfo")
    issuer = serial = key_id = None
    sid = parts[1]
    if sid.tag == _KEY_ID:
        key_id = sid.value
    else:
        name, number = _sequence(sid, 2, "IssuerAndSerialNumber")[:2]
        issuer, serial = _expect(name, _SEQUENCE).raw, _integer(number)
    digest_algorithm = algorithm(parts[2])
    rest = parts[3:]
    signed = content_type = message_digest = None
    if rest[0].tag == _TAGGED_0:
        # The signature covers the attributes with the SET tag, not the [0] of the encoding.
        signed = tlv.encode(_SET, rest[0].value)
        content_type, message_digest = _attributes(rest[0])
        rest = rest[1:]
    if len(rest) < 2:
        raise SodError("SignerInfo has no signature")
    signature = _expect(rest[1], _OCTETS).value
    return SignerInfo(
        issuer,
        serial,
        key_id,
        digest_algorithm,
        signed,
        content_type,
        message_digest,
        algorithm(rest[0]),
        signature,
    )


def _attributes(item: tlv.Tlv) -> tuple[str | None, bytes | None]:
    content_type = message_digest = None
    seen: set[str] = set()
    for attribute in item.children():
        kind, values = _sequence(attribute, 2, "Attribute")[:2]
        oid = _oid(kind)
        if oid in seen:
            raise SodError(f"signed attribute {oid} repeated")
        seen.add(oid)
        if oid not in (ID_CONTENT_TYPE, ID_MESSAGE_DIGEST):
            continue  # signing time and the like: covered by the signature, not needed
        value = _only(
            _expect(values, _SET).children(), _OID if oid == ID_CONTENT_TYPE else _OCTETS, oid
        )
        if oid == ID_CONTENT_TYPE:
            content_type = _oid(value)
        else:
            message_digest = value.value
    return content_type, message_digest


def certificate_issuer_and_serial(certificate: bytes) -> tuple[bytes, int]:
    """The raw issuer Name and the serial number of a DER certificate, to match a signer's sid
    byte for byte (re-encoding a parsed Name could differ from what the signer wrote)."""
    try:
        tbs = _sequence(tlv.parse_single(certificate), 3, "Certificate")[0]
        fields = _sequence(tbs, 6, "TBSCertificate")
        if fields[0].tag == _TAGGED_0:  # explicit version
            fields = fields[1:]
        return _expect(fields[2], _SEQUENCE).raw, _integer(fields[0])
    except TlvError as error:
        raise SodError(f"certificate: {error}") from error
