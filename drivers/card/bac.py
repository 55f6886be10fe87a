"""Basic Access Control (ICAO Doc 9303 part 11 §4.3): keys from the MRZ, mutual authentication."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from drivers.card.apdu import CommandApdu, Transport, exchange
from drivers.card.cipher import (
    CipherSuite,
    SessionKeys,
    cbc_decrypt,
    cbc_encrypt,
    pad,
    retail_mac,
)
from drivers.card.errors import AccessControlError
from drivers.card.sm import SecureMessaging

_CHECK_WEIGHTS = (7, 3, 1)
_NONCE_SIZE = 8
_KEY_SIZE = 16


def check_digit(field: str) -> str:
    """ICAO 9303 part 3 §4.9: weights 7-3-1 over digits, A-Z = 10-35, '<' = 0."""
    total = 0
    for index, char in enumerate(field):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        elif char == "<":
            value = 0
        else:
            raise ValueError(f"{char!r} cannot appear in an MRZ field")
        total += value * _CHECK_WEIGHTS[index % 3]
    return str(total % 10)


def _yymmdd(value: str, name: str) -> str:
    if len(value) != 6 or not value.isdigit():
        raise ValueError(f"{name} must be YYMMDD")
    return value


def mrz_information(document_number: str, birth_yymmdd: str, expiry_yymmdd: str) -> str:
    """Document number, birth and expiry dates, each with its check digit (§4.3.2).

    Numbers shorter than 9 characters are filled with '<'; longer ones are used whole,
    as Appendix D.2 shows.
    """
    number = document_number.upper().ljust(9, "<")
    birth = _yymmdd(birth_yymmdd, "birth date")
    expiry = _yymmdd(expiry_yymmdd, "expiry date")
    return number + check_digit(number) + birth + check_digit(birth) + expiry + check_digit(expiry)


def document_basic_access_keys(mrz_info: str) -> SessionKeys:
    """K_enc and K_mac from Kseed."""
    return SessionKeys.derive(key_seed(mrz_info), CipherSuite.TDES)


def key_seed(mrz_info: str) -> bytes:
    """Kseed = SHA-1(MRZ information)[0:16]."""
    return hashlib.sha1(mrz_info.encode("ascii")).digest()[:_KEY_SIZE]


@dataclass(frozen=True, slots=True)
class BacResult:
    """The opened session, with the chip's nonce and key share (Appendix D checks them)."""

    session: SecureMessaging
    rnd_ic: bytes
    k_ic: bytes


RandomBytes = Callable[[int], bytes]

GET_CHALLENGE = CommandApdu(0x00, 0x84, 0x00, 0x00, le=_NONCE_SIZE)


def external_authenticate_command(
    keys: SessionKeys, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes
) -> CommandApdu:
    """EXTERNAL AUTHENTICATE with E_IFD || M_IFD over S = RND.IFD || RND.IC || K.IFD."""
    cryptogram = cbc_encrypt(CipherSuite.TDES, keys.enc, rnd_ifd + rnd_ic + k_ifd)
    mac = retail_mac(keys.mac, pad(cryptogram, 8))
    return CommandApdu(0x00, 0x82, 0x00, 0x00, cryptogram + mac, le=40)


def session_from_keys(k_ifd: bytes, k_ic: bytes, rnd_ic: bytes, rnd_ifd: bytes) -> SecureMessaging:
    """Session keys from K.IFD xor K.IC; SSC from the low halves of both nonces (§9.8.6.3)."""
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    keys = SessionKeys.derive(seed, CipherSuite.TDES)
    return SecureMessaging.from_ssc_bytes(keys, rnd_ic[4:] + rnd_ifd[4:])


def authenticate(
    transport: Transport, mrz_info: str, *, random_bytes: RandomBytes = secrets.token_bytes
) -> BacResult:
    """Run BAC over `transport`; wrong keys or a bad answer raise AccessControlError."""
    keys = document_basic_access_keys(mrz_info)
    rnd_ic = exchange(transport, GET_CHALLENGE).require_success("GET CHALLENGE")
    if len(rnd_ic) != _NONCE_SIZE:
        raise AccessControlError(f"challenge of {len(rnd_ic)} bytes")
    rnd_ifd = random_bytes(_NONCE_SIZE)
    k_ifd = random_bytes(_KEY_SIZE)
    command = external_authenticate_command(keys, rnd_ic, rnd_ifd, k_ifd)
    answer = exchange(transport, command).require_success("EXTERNAL AUTHENTICATE")
    if len(answer) != 40:
        raise AccessControlError(f"EXTERNAL AUTHENTICATE answer of {len(answer)} bytes")
    cryptogram, mac = answer[:32], answer[32:]
    if not hmac.compare_digest(retail_mac(keys.mac, pad(cryptogram, 8)), mac):
        raise AccessControlError("chip's authentication MAC does not verify")
    plain = cbc_decrypt(CipherSuite.TDES, keys.enc, cryptogram)
    if plain[:8] != rnd_ic or plain[8:16] != rnd_ifd:
        raise AccessControlError("chip did not return our nonces")
    k_ic = plain[16:]
    return BacResult(session_from_keys(k_ifd, k_ic, rnd_ic, rnd_ifd), rnd_ic, k_ic)
