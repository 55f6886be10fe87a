"""Symmetric primitives of ICAO 9303 part 11: key derivation, padding, CBC, MACs.

3DES uses the retail MAC (ISO/IEC 9797-1 MAC algorithm 3, DES with a final 3DES step);
AES uses CMAC truncated to 8 bytes. Both MAC inputs are padded with ISO/IEC 9797-1
padding method 2 first, as §9.8 requires even for CMAC.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.ciphers.algorithms import AES
from cryptography.hazmat.primitives.cmac import CMAC

from drivers.card.errors import SecureMessagingError

MAC_SIZE = 8


class CipherSuite(Enum):
    """Block cipher and key length of a secure-messaging session."""

    TDES = "3DES"
    AES128 = "AES-128"
    AES192 = "AES-192"
    AES256 = "AES-256"

    @property
    def key_length(self) -> int:
        return _KEY_LENGTHS[self]

    @property
    def block_size(self) -> int:
        return 8 if self is CipherSuite.TDES else 16

    @property
    def is_aes(self) -> bool:
        return self is not CipherSuite.TDES


_KEY_LENGTHS = {
    CipherSuite.TDES: 16,
    CipherSuite.AES128: 16,
    CipherSuite.AES192: 24,
    CipherSuite.AES256: 32,
}

# KDF counters (§9.7.1)
KDF_ENC = 1
KDF_MAC = 2
KDF_PACE = 3


def kdf(secret: bytes, counter: int, suite: CipherSuite) -> bytes:
    """KDF(K, c): SHA-1 for 3DES and AES-128, SHA-256 for AES-192/256 (§9.7.1)."""
    message = secret + counter.to_bytes(4, "big")
    if suite in (CipherSuite.AES192, CipherSuite.AES256):
        return hashlib.sha256(message).digest()[: suite.key_length]
    key = hashlib.sha1(message).digest()[: suite.key_length]
    return adjust_des_parity(key) if suite is CipherSuite.TDES else key


def adjust_des_parity(key: bytes) -> bytes:
    """Set each byte's lowest bit for odd parity, as the worked examples show the keys."""
    return bytes((byte & 0xFE) | ((byte >> 1).bit_count() + 1) % 2 for byte in key)


def pad(data: bytes, block_size: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 80 then zeros up to a whole block."""
    filler = block_size - (len(data) + 1) % block_size
    return data + b"\x80" + bytes(filler % block_size)


def unpad(data: bytes) -> bytes:
    """Remove padding method 2; anything else is a malformed (or mis-decrypted) message."""
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise SecureMessagingError("invalid padding in decrypted data")
    return stripped[:-1]


def _tdes_key(key: bytes) -> bytes:
    # Two-key 3DES as three keys (K1 K2 K1); cryptography deprecates 8- and 16-byte keys.
    return key[:16] + key[:8]


def _cipher(suite: CipherSuite, key: bytes, mode: modes.Mode) -> Cipher:
    if suite.is_aes:
        return Cipher(AES(key), mode)
    return Cipher(TripleDES(_tdes_key(key)), mode)


def cbc_encrypt(suite: CipherSuite, key: bytes, data: bytes, iv: bytes | None = None) -> bytes:
    """CBC without padding (the caller pads); IV zero unless given."""
    encryptor = _cipher(suite, key, modes.CBC(iv or bytes(suite.block_size))).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def cbc_decrypt(suite: CipherSuite, key: bytes, data: bytes, iv: bytes | None = None) -> bytes:
    if len(data) % suite.block_size:
        raise SecureMessagingError(f"{len(data)} bytes of ciphertext is not whole blocks")
    decryptor = _cipher(suite, key, modes.CBC(iv or bytes(suite.block_size))).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def ecb_encrypt_block(suite: CipherSuite, key: bytes, block: bytes) -> bytes:
    encryptor = _cipher(suite, key, modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def retail_mac(key: bytes, padded: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 with DES: single-DES CBC, 3DES on the last block."""
    if not padded or len(padded) % 8:
        raise ValueError("retail MAC input must be padded to whole 8-byte blocks")
    k1 = key[:8]
    chain = bytes(8)
    if len(padded) > 8:
        single_des = Cipher(TripleDES(k1 * 3), modes.CBC(bytes(8))).encryptor()
        chain = (single_des.update(padded[:-8]) + single_des.finalize())[-8:]
    last = bytes(a ^ b for a, b in zip(chain, padded[-8:], strict=True))
    return ecb_encrypt_block(CipherSuite.TDES, key, last)


def aes_cmac(key: bytes, message: bytes) -> bytes:
    mac = CMAC(AES(key))
    mac.update(message)
    return mac.finalize()


@dataclass(frozen=True, slots=True)
class SessionKeys:
    """The encryption and MAC keys of one secure-messaging session."""

    suite: CipherSuite
    enc: bytes
    mac: bytes

    def __post_init__(self) -> None:
        if len(self.enc) != self.suite.key_length or len(self.mac) != self.suite.key_length:
            raise ValueError(f"{self.suite.name} needs {self.suite.key_length}-byte keys")

    @classmethod
    def derive(cls, secret: bytes, suite: CipherSuite) -> SessionKeys:
        return cls(suite, kdf(secret, KDF_ENC, suite), kdf(secret, KDF_MAC, suite))

    def mac_of(self, message: bytes) -> bytes:
        """The 8-byte MAC of `message` (padded here)."""
        padded = pad(message, self.suite.block_size)
        if self.suite.is_aes:
            return aes_cmac(self.mac, padded)[:MAC_SIZE]
        return retail_mac(self.mac, padded)
