"""PACE with ECDH generic mapping (ICAO Doc 9303 part 11 §4.4, BSI TR-03110).

The reader's side: parse EF.CardAccess, then MSE:Set AT and the four GENERAL
AUTHENTICATE steps (encrypted nonce, mapping, key agreement, token exchange). The
password is the CAN (CCCD: the last 6 digits of the 12-digit ID) or the MRZ information.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from drivers.card import tlv
from drivers.card.apdu import CommandApdu, Transport, exchange
from drivers.card.cipher import (
    KDF_PACE,
    CipherSuite,
    SessionKeys,
    aes_cmac,
    cbc_decrypt,
    kdf,
    pad,
    retail_mac,
)
from drivers.card.ec import STANDARD_CURVES, Curve, Point
from drivers.card.errors import AccessControlError, TlvError, UnsupportedError
from drivers.card.sm import SecureMessaging

ID_PACE = "0.4.0.127.0.7.2.2.4"
ID_PACE_ECDH_GM = ID_PACE + ".2"
_ECDH_GM_SUITES = {
    ID_PACE_ECDH_GM + ".1": CipherSuite.TDES,
    ID_PACE_ECDH_GM + ".2": CipherSuite.AES128,
    ID_PACE_ECDH_GM + ".3": CipherSuite.AES192,
    ID_PACE_ECDH_GM + ".4": CipherSuite.AES256,
}
# Cheapest first: AES-128 needs SHA-1 only; 3DES last (weakest, smallest Le gain).
_SUITE_PREFERENCE = (
    CipherSuite.AES128,
    CipherSuite.AES256,
    CipherSuite.AES192,
    CipherSuite.TDES,
)

TAG_DYNAMIC_AUTH = 0x7C
TAG_ENCRYPTED_NONCE = 0x80
TAG_MAP_TERMINAL = 0x81
TAG_MAP_CHIP = 0x82
TAG_KEY_TERMINAL = 0x83
TAG_KEY_CHIP = 0x84
TAG_TOKEN_TERMINAL = 0x85
TAG_TOKEN_CHIP = 0x86
TAG_PUBLIC_KEY = 0x7F49
TAG_EC_POINT = 0x86


@dataclass(frozen=True, slots=True)
class PaceInfo:
    """One PACEInfo of EF.CardAccess: protocol OID, version, standardized parameter id."""

    protocol: str
    version: int
    parameter_id: int | None

    @property
    def suite(self) -> CipherSuite | None:
        return _ECDH_GM_SUITES.get(self.protocol)

    @property
    def curve(self) -> Curve | None:
        return STANDARD_CURVES.get(self.parameter_id) if self.parameter_id is not None else None

    @property
    def supported(self) -> bool:
        return self.version == 2 and self.suite is not None and self.curve is not None


def parse_card_access(data: bytes) -> list[PaceInfo]:
    """Every PACEInfo in EF.CardAccess (a SET OF SecurityInfo); other infos are skipped."""
    security_infos = tlv.parse_single(data)
    if security_infos.tag != 0x31:
        raise TlvError("EF.CardAccess is not a SET")
    infos: list[PaceInfo] = []
    for info in security_infos.children():
        if info.tag != 0x30:
            raise TlvError("SecurityInfo is not a SEQUENCE")
        fields = info.children()
        if not fields or fields[0].tag != 0x06:
            raise TlvError("SecurityInfo without a protocol OID")
        protocol = tlv.decode_oid(fields[0].value)
        # PACEInfo has id-PACE plus mapping and cipher arcs and an INTEGER version;
        # PACEDomainParameterInfo (one arc less) and other protocols are not ours.
        if not protocol.startswith(ID_PACE + ".") or protocol.count(".") != ID_PACE.count(".") + 2:
            continue
        if len(fields) not in (2, 3) or any(field.tag != 0x02 for field in fields[1:]):
            raise TlvError("malformed PACEInfo")
        version = tlv.decode_unsigned(fields[1].value)
        parameter_id = tlv.decode_unsigned(fields[2].value) if len(fields) == 3 else None
        infos.append(PaceInfo(protocol, version, parameter_id))
    return infos


def choose(infos: list[PaceInfo]) -> PaceInfo:
    """The PACEInfo to use: supported, and the preferred cipher among those."""
    usable = [info for info in infos if info.supported]
    if not usable:
        raise UnsupportedError("the card offers no supported PACE (ECDH-GM on P-256/BP-256)")
    return min(usable, key=lambda info: _SUITE_PREFERENCE.index(info.suite))


class PasswordKind(Enum):
    """Key reference of the password in MSE:Set AT (tag 83)."""

    MRZ = 1
    CAN = 2


@dataclass(frozen=True, slots=True)
class PacePassword:
    kind: PasswordKind
    secret: bytes  # f(π): SHA-1 of the MRZ information, or the CAN itself

    @classmethod
    def can(cls, can: str) -> PacePassword:
        if not can.isdigit() or not can.isascii():
            raise ValueError("a CAN is made of digits")
        return cls(PasswordKind.CAN, can.encode("ascii"))

    @classmethod
    def mrz(cls, mrz_info: str) -> PacePassword:
        return cls(PasswordKind.MRZ, hashlib.sha1(mrz_info.encode("ascii")).digest())

    def key(self, suite: CipherSuite) -> bytes:
        """K_π = KDF(f(π), 3)."""
        return kdf(self.secret, KDF_PACE, suite)


def mse_set_at(info: PaceInfo, password: PacePassword, *, with_parameter_id: bool) -> CommandApdu:
    """MSE:Set AT selecting PACE; tag 84 is needed only when the card lists several
    parameter sets (§4.4.4.1)."""
    data = tlv.encode(0x80, tlv.encode_oid(info.protocol))
    data += tlv.encode(0x83, bytes([password.kind.value]))
    if with_parameter_id:
        if info.parameter_id is None:
            raise ValueError("PACEInfo has no parameter id to send")
        data += tlv.encode(0x84, bytes([info.parameter_id]))
    return CommandApdu(0x00, 0x22, 0xC1, 0xA4, data)


def general_authenticate(tag: int | None, value: bytes, *, last: bool) -> CommandApdu:
    """GENERAL AUTHENTICATE with dynamic authentication data; command chaining until `last`."""
    inner = tlv.encode(tag, value) if tag is not None else b""
    return CommandApdu(0x00 if last else 0x10, 0x86, 0x00, 0x00, tlv.encode(0x7C, inner), le=256)


def _step(transport: Transport, command: CommandApdu, answer_tag: int, name: str) -> bytes:
    data = exchange(transport, command).require_success(f"PACE {name}")
    answer = tlv.parse_single(data)
    if answer.tag != TAG_DYNAMIC_AUTH:
        raise TlvError(f"PACE {name}: answer is not dynamic authentication data")
    return answer.child(answer_tag).value


def decrypt_nonce(suite: CipherSuite, password_key: bytes, encrypted: bytes) -> int:
    """s = D(K_π, z) with a zero IV."""
    if len(encrypted) != suite.block_size:
        raise AccessControlError(f"encrypted nonce of {len(encrypted)} bytes")
    return int.from_bytes(cbc_decrypt(suite, password_key, encrypted), "big")


def map_generator(curve: Curve, nonce: int, private_key: int, other_public: Point) -> Point:
    """Generic mapping: G~ = s*G + H with H = private_key * other_public (§4.4.3.3.1)."""
    shared = curve.multiply(private_key, other_public)
    return curve.add(curve.multiply(nonce, curve.generator), shared)


def shared_secret(curve: Curve, private_key: int, other_public: Point) -> bytes:
    """K: the x-coordinate of the ECDH result."""
    return curve.multiply(private_key, other_public)[0].to_bytes(curve.coordinate_size, "big")


def authentication_token(keys: SessionKeys, protocol: str, public_key: bytes) -> bytes:
    """T = MAC(KS_mac, 7F49{06 OID, 86 point}) over the other side's ephemeral key.

    CMAC takes the data as is; the DES retail MAC needs padding method 2.
    """
    inner = tlv.encode(0x06, tlv.encode_oid(protocol)) + tlv.encode(TAG_EC_POINT, public_key)
    data = tlv.encode(TAG_PUBLIC_KEY, inner)
    if keys.suite.is_aes:
        return aes_cmac(keys.mac, data)[:8]
    return retail_mac(keys.mac, pad(data, 8))


PrivateKeySource = Callable[[Curve], int]


def random_private_key(curve: Curve) -> int:
    return secrets.randbelow(curve.n - 1) + 1


@dataclass(frozen=True, slots=True)
class PaceResult:
    session: SecureMessaging
    chip_public_key: bytes  # PK_DH,IC: chip authentication binds to it later


def establish(
    transport: Transport,
    password: PacePassword,
    info: PaceInfo,
    *,
    with_parameter_id: bool = False,
    private_keys: PrivateKeySource = random_private_key,
) -> PaceResult:
    """Run PACE; a wrong password or a misbehaving chip raises AccessControlError."""
    suite, curve = info.suite, info.curve
    if suite is None or curve is None or not info.supported:
        raise UnsupportedError(f"PACE {info.protocol} with parameters {info.parameter_id}")
    exchange(
        transport, mse_set_at(info, password, with_parameter_id=with_parameter_id)
    ).require_success("PACE MSE:Set AT")
    encrypted_nonce = _step(
        transport, general_authenticate(None, b"", last=False), TAG_ENCRYPTED_NONCE, "nonce"
    )
    nonce = decrypt_nonce(suite, password.key(suite), encrypted_nonce)

    map_key = private_keys(curve)
    map_public = curve.encode(curve.multiply(map_key, curve.generator))
    chip_map = curve.decode(
        _step(
            transport,
            general_authenticate(TAG_MAP_TERMINAL, map_public, last=False),
            TAG_MAP_CHIP,
            "mapping",
        )
    )
    mapped = map_generator(curve, nonce, map_key, chip_map)

    agreement_key = private_keys(curve)
    terminal_public = curve.encode(curve.multiply(agreement_key, mapped))
    chip_public = _step(
        transport,
        general_authenticate(TAG_KEY_TERMINAL, terminal_public, last=False),
        TAG_KEY_CHIP,
        "key agreement",
    )
    if hmac.compare_digest(chip_public, terminal_public):
        raise AccessControlError("chip echoed the terminal's ephemeral key")
    keys = SessionKeys.derive(shared_secret(curve, agreement_key, curve.decode(chip_public)), suite)

    terminal_token = authentication_token(keys, info.protocol, chip_public)
    chip_token = _step(
        transport,
        general_authenticate(TAG_TOKEN_TERMINAL, terminal_token, last=True),
        TAG_TOKEN_CHIP,
        "token exchange",
    )
    if not hmac.compare_digest(
        chip_token, authentication_token(keys, info.protocol, terminal_public)
    ):
        raise AccessControlError("chip's authentication token does not verify")
    return PaceResult(SecureMessaging(keys, 0), chip_public)
