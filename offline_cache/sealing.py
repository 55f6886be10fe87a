"""Encryption at rest (AES-256-GCM) and keyed lookup hashes, from one key kept in its own file.

The key file lives outside the database file (its path is configuration), is created with
0600 permissions, and is never rewritten: a store whose rows were sealed with a key refuses
to open with another one or with none (see OfflineStore), instead of silently starting over.
Two sub-keys are derived with HKDF so the lookup hash can never be used to decrypt anything.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from offline_cache.errors import KeyFileError

_KEY_BYTES = 32
_NONCE_BYTES = 12
_VERSION = b"\x01"  # first byte of every sealed blob, so the format can change later


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class Sealer:
    """Seals and opens blobs bound to a context (table and row), and hashes lookup numbers."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != _KEY_BYTES:
            raise KeyFileError(f"the key must be {_KEY_BYTES} bytes")
        self._aead = AESGCM(_derive(master_key, b"offline-cache seal v1"))
        self._hash_key = _derive(master_key, b"offline-cache lookup v1")
        self.key_check = hmac.new(self._hash_key, b"key check", hashlib.sha256).hexdigest()[:16]

    @classmethod
    def from_key_file(cls, path: Path, *, create: bool) -> Sealer:
        """The key in `path`; a new random key written there first when `create` is true."""
        if create and not path.exists():
            _create_key_file(path)
        try:
            info = path.stat()
            if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise KeyFileError(f"key file {path} is readable by others: chmod 600 it")
            return cls(path.read_bytes())
        except FileNotFoundError as error:
            raise KeyFileError(f"key file {path} is missing") from error
        except OSError as error:
            raise KeyFileError(f"key file {path} cannot be read: {error.strerror}") from error

    def seal(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, blob: bytes, context: str) -> bytes:
        """The plaintext; KeyFileError if the blob was not sealed by this key for `context`."""
        if blob[:1] != _VERSION:
            raise KeyFileError("sealed data of an unknown format")
        nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, context.encode())
        except InvalidTag as error:
            raise KeyFileError("sealed data does not open with this key") from error

    def lookup_hash(self, kind: str, number: str) -> str:
        """A keyed hash of a personal number: a cache key that reveals nothing without the key."""
        message = f"{kind}:{number.strip().upper()}".encode()
        return hmac.new(self._hash_key, message, hashlib.sha256).hexdigest()


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once cannot both write a key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, os.urandom(_KEY_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the key must survive a power cut as surely as the rows it seals
    finally:
        os.close(directory)
