"""Active authentication (ICAO Doc 9303 part 11 §6.1): does the chip hold DG15's private key?

Passive authentication proves the data is the issuer's, not that the chip is the one the
issuer made: a copy of every file passes it. Active authentication asks the chip to sign
a fresh 8-byte challenge with the private key whose public half DG15 holds (and EF.SOD
vouches for), so a cloned chip, which cannot read that key out, fails.

- RSA: ISO/IEC 9796-2 digital signature scheme 1 with partial message recovery. The
  chip signs F = 6A || M1 || H(M1 || challenge) || trailer; the trailer BC means SHA-1,
  a two-byte trailer xx CC names the hash (ISO/IEC 10118-3 identifiers).
- ECDSA: a plain r || s signature (BSI TR-03111) over the challenge, with the hash that
  DG14's ActiveAuthenticationInfo names (SHA-256 when DG14 says nothing).

Everything here reads untrusted bytes: malformed DG15/DG14 content is an `LdsError`
(`ActiveAuthKeyError`), and an answer that is not a valid signature is simply `False`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import Enum

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import load_der_public_key

from drivers.card import tlv
from drivers.card.apdu import CommandApdu
from drivers.card.errors import LdsError, TlvError
from drivers.card.lds import DATA_GROUP_TAGS
from drivers.card.sod import HASH_ALGORITHMS

CHALLENGE_SIZE = 8
ID_AA = "2.23.136.1.1.5"  # ActiveAuthenticationInfo in DG14
# BSI TR-03111 ecdsa-plain-signatures, the algorithms DG14 may name for ECDSA AA.
ECDSA_PLAIN_OIDS: dict[str, str] = {
    f"0.4.0.127.0.7.1.1.4.1.{number}": name
    for number, name in enumerate(("sha1", "sha224", "sha256", "sha384", "sha512"), 1)
}
ECDSA_PLAIN_OID_BY_NAME = {name: oid for oid, name in ECDSA_PLAIN_OIDS.items()}
DEFAULT_ECDSA_HASH = "sha256"

# ISO/IEC 9796-2 scheme 1
RSA_HEADER_PARTIAL_RECOVERY = 0x6A
TRAILER_SHA1_IMPLICIT = 0xBC
TRAILER_EXPLICIT = 0xCC
# ISO/IEC 10118-3 hash identifiers used in an explicit trailer.
HASH_BY_TRAILER_ID: dict[int, str] = {
    0x33: "sha1",
    0x34: "sha256",
    0x35: "sha512",
    0x36: "sha384",
    0x38: "sha224",
}
TRAILER_ID_BY_HASH = {name: number for number, name in HASH_BY_TRAILER_ID.items()}
_MIN_RSA_BITS = 1024
_MAX_KEY_BITS = 8192


class ActiveAuthStatus(Enum):
    NOT_SUPPORTED = "not_supported"  # the chip has no DG15, or a key we cannot use
    NOT_CHECKED = "not_checked"  # switched off in the read options
    PASSED = "passed"
    FAILED = "failed"  # the chip does not hold DG15's private key: a clone


class ActiveAuthKeyError(LdsError):
    """DG15 (or DG14's ActiveAuthenticationInfo) is malformed."""


AaPublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


@dataclass(frozen=True)
class ActiveAuthKey:
    """DG15's public key, RSA or EC."""

    public_key: AaPublicKey

    @property
    def is_ec(self) -> bool:
        return isinstance(self.public_key, ec.EllipticCurvePublicKey)


class UnsupportedKeyError(ActiveAuthKeyError):
    """DG15 holds a well-formed key of a type or size this reader does not verify."""


def parse_dg15(data: bytes) -> ActiveAuthKey:
    """DG15 = 6F { SubjectPublicKeyInfo }."""
    try:
        dg15 = tlv.parse_single(data)
        if dg15.tag != DATA_GROUP_TAGS[15]:
            raise ActiveAuthKeyError(f"DG15 starts with tag {dg15.tag:X}")
        spki = tlv.parse_single(dg15.value)
    except TlvError as error:
        raise ActiveAuthKeyError(f"DG15: {error}") from error
    try:
        key = load_der_public_key(spki.raw)
    except UnsupportedAlgorithm as error:
        raise UnsupportedKeyError(f"DG15 key: {error}") from error
    except ValueError as error:
        raise ActiveAuthKeyError(f"DG15 key: {error}") from error
    if isinstance(key, rsa.RSAPublicKey):
        if not _MIN_RSA_BITS <= key.key_size <= _MAX_KEY_BITS:
            raise UnsupportedKeyError(f"DG15 RSA key of {key.key_size} bits")
        return ActiveAuthKey(key)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ActiveAuthKey(key)
    raise UnsupportedKeyError(f"DG15 holds a {type(key).__name__}")


def ecdsa_hash_from_dg14(data: bytes) -> str | None:
    """The hash of DG14's ActiveAuthenticationInfo, None when DG14 has none.

    DG14 = 6E { SET OF SecurityInfo }; ActiveAuthenticationInfo = SEQUENCE { id-AA,
    INTEGER 1, OID signatureAlgorithm }. Other SecurityInfos are skipped.
    """
    try:
        dg14 = tlv.parse_single(data)
        if dg14.tag != DATA_GROUP_TAGS[14]:
            raise ActiveAuthKeyError(f"DG14 starts with tag {dg14.tag:X}")
        infos = tlv.parse_single(dg14.value)
        if infos.tag != 0x31:
            raise ActiveAuthKeyError("DG14 does not hold a SET of SecurityInfos")
        for info in infos.children():
            fields = info.children() if info.tag == 0x30 else []
            if not fields or fields[0].tag != 0x06:
                raise ActiveAuthKeyError("SecurityInfo without a protocol OID")
            if tlv.decode_oid(fields[0].value) != ID_AA:
                continue
            if len(fields) != 3 or fields[1].tag != 0x02 or fields[2].tag != 0x06:
                raise ActiveAuthKeyError("malformed ActiveAuthenticationInfo")
            algorithm = tlv.decode_oid(fields[2].value)
            name = ECDSA_PLAIN_OIDS.get(algorithm)
            if name is None:
                raise UnsupportedKeyError(f"active authentication algorithm {algorithm}")
            return name
    except TlvError as error:
        raise ActiveAuthKeyError(f"DG14: {error}") from error
    return None


def new_challenge() -> bytes:
    return secrets.token_bytes(CHALLENGE_SIZE)


def internal_authenticate(challenge: bytes, *, extended: bool = False) -> CommandApdu:
    """INTERNAL AUTHENTICATE with the challenge; Le 'all' (an RSA-2048 answer under secure
    messaging is more than 256 bytes: with extended length it can come in one piece)."""
    return CommandApdu(0x00, 0x88, 0x00, 0x00, challenge, le=65536 if extended else 256)


def verify(
    key: ActiveAuthKey, challenge: bytes, signature: bytes, *, ecdsa_hash: str | None = None
) -> bool:
    """Whether `signature` is the chip's answer to `challenge` under DG15's key."""
    public_key = key.public_key
    if isinstance(public_key, rsa.RSAPublicKey):
        return _verify_rsa(public_key, challenge, signature)
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    return _verify_ecdsa(public_key, challenge, signature, ecdsa_hash or DEFAULT_ECDSA_HASH)


def _verify_rsa(key: rsa.RSAPublicKey, challenge: bytes, signature: bytes) -> bool:
    numbers = key.public_numbers()
    size = (key.key_size + 7) // 8
    if len(signature) != size:
        return False
    value = int.from_bytes(signature, "big")
    if not 0 < value < numbers.n:
        return False
    recovered = pow(value, numbers.e, numbers.n).to_bytes(size, "big")
    return _check_9796_2(recovered, challenge)


def _check_9796_2(recovered: bytes, challenge: bytes) -> bool:
    """F = 6A || M1 || H(M1 || M2) || trailer, M2 being the challenge."""
    if recovered[0] != RSA_HEADER_PARTIAL_RECOVERY:
        return False
    if recovered[-1] == TRAILER_SHA1_IMPLICIT:
        hash_name, trailer_size = "sha1", 1
    elif recovered[-1] == TRAILER_EXPLICIT and recovered[-2] in HASH_BY_TRAILER_ID:
        hash_name, trailer_size = HASH_BY_TRAILER_ID[recovered[-2]], 2
    else:
        return False
    digest_size = hashlib.new(hash_name).digest_size
    end = len(recovered) - trailer_size
    start = end - digest_size
    if start <= 1:
        return False
    m1, digest = recovered[1:start], recovered[start:end]
    return hmac.compare_digest(hashlib.new(hash_name, m1 + challenge).digest(), digest)


def _verify_ecdsa(
    key: ec.EllipticCurvePublicKey, challenge: bytes, signature: bytes, hash_name: str
) -> bool:
    size = (key.curve.key_size + 7) // 8
    if len(signature) != 2 * size:
        return False
    r = int.from_bytes(signature[:size], "big")
    s = int.from_bytes(signature[size:], "big")
    if r == 0 or s == 0:
        return False
    try:
        key.verify(encode_dss_signature(r, s), challenge, ec.ECDSA(HASH_ALGORITHMS[hash_name]()))
    except InvalidSignature:
        return False
    return True


# -- the chip's side (virtual chip, tests) ---------------------------------------------------

AaPrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def sign(
    key: AaPrivateKey,
    challenge: bytes,
    *,
    rsa_hash: str = "sha1",
    ecdsa_hash: str = DEFAULT_ECDSA_HASH,
) -> bytes:
    """The answer a chip holding `key` gives to INTERNAL AUTHENTICATE with `challenge`."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        size = (key.curve.key_size + 7) // 8
        r, s = decode_dss_signature(key.sign(challenge, ec.ECDSA(HASH_ALGORITHMS[ecdsa_hash]())))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    numbers = key.private_numbers()
    size = (key.key_size + 7) // 8
    trailer = (
        bytes([TRAILER_SHA1_IMPLICIT])
        if rsa_hash == "sha1"
        else bytes([TRAILER_ID_BY_HASH[rsa_hash], TRAILER_EXPLICIT])
    )
    digest_size = hashlib.new(rsa_hash).digest_size
    m1 = secrets.token_bytes(size - 1 - digest_size - len(trailer))
    digest = hashlib.new(rsa_hash, m1 + challenge).digest()
    representative = bytes([RSA_HEADER_PARTIAL_RECOVERY]) + m1 + digest + trailer
    value = pow(int.from_bytes(representative, "big"), numbers.d, numbers.public_numbers.n)
    return value.to_bytes(size, "big")
