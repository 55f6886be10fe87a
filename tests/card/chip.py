"""The chip's side of BAC, PACE-ECDH-GM and secure messaging, in-process, for the tests.

Deliberately small: it answers exactly the commands the reader's side sends and serves a
few files by SELECT and READ BINARY once a secure-messaging session is open.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from drivers.card import bac, pace, tlv
from drivers.card.apdu import CommandApdu, ResponseApdu, StatusWord
from drivers.card.cipher import (
    CipherSuite,
    SessionKeys,
    cbc_decrypt,
    cbc_encrypt,
    pad,
    retail_mac,
)
from drivers.card.ec import Point
from drivers.card.sm import SecureMessaging

# EF.COM of ICAO 9303 part 11 appendix D.4.
EF_COM = bytes.fromhex("60145F0104303130365F36063034303030305C026175")
OK = StatusWord(0x9000)


def _answer(data: bytes = b"", status: int = 0x9000) -> bytes:
    return ResponseApdu(data, StatusWord(status)).to_bytes()


def card_access(info: pace.PaceInfo) -> bytes:
    fields = tlv.encode(0x06, tlv.encode_oid(info.protocol)) + tlv.encode(
        0x02, bytes([info.version])
    )
    if info.parameter_id is not None:
        fields += tlv.encode(0x02, bytes([info.parameter_id]))
    return tlv.encode(0x31, tlv.encode(0x30, fields))


class Chip:
    """Answers as an eMRTD chip would; `session` is set once access control succeeded."""

    def __init__(
        self,
        *,
        can: str = "123456",
        mrz_info: str = "L898902C<369080619406236",
        info: pace.PaceInfo | None = None,
        files: dict[int, bytes] | None = None,
    ) -> None:
        self.can = can
        self.mrz_info = mrz_info
        self.info = info or pace.PaceInfo(pace.ID_PACE_ECDH_GM + ".2", 2, 13)
        self.files = files if files is not None else {0x011E: EF_COM}
        self.session: SecureMessaging | None = None
        self.commands = 0
        self._selected: bytes | None = None
        self._pace: _PaceRun | None = None
        self._challenge: bytes | None = None

    # -- transport ----------------------------------------------------------------------

    def transmit(self, apdu: bytes) -> bytes:
        self.commands += 1
        if self.session is not None:
            command = self.session.unprotect_command(apdu)
            return self.session.protect_response(self._file_command(command))
        command = CommandApdu.from_bytes(apdu)
        handler = {0x22: self._mse_set_at, 0x86: self._general_authenticate}.get(command.ins)
        if command.ins == 0x84:
            return self._get_challenge()
        if command.ins == 0x82:
            return self._external_authenticate(command)
        if handler is None:
            return _answer(status=0x6982)
        return handler(command)

    # -- files under secure messaging ---------------------------------------------------

    def _file_command(self, command: CommandApdu) -> ResponseApdu:
        if command.ins == 0xA4:
            fid = int.from_bytes(command.data, "big")
            if fid not in self.files:
                return ResponseApdu(b"", StatusWord(0x6A82))
            self._selected = self.files[fid]
            return ResponseApdu(b"", OK)
        if command.ins == 0xB0 and self._selected is not None:
            offset = (command.p1 << 8) | command.p2
            data = self._selected[offset : offset + (command.le or 0)]
            return ResponseApdu(data, OK)
        return ResponseApdu(b"", StatusWord(0x6986))

    # -- BAC ----------------------------------------------------------------------------

    def _get_challenge(self) -> bytes:
        self._challenge = secrets.token_bytes(8)
        return _answer(self._challenge)

    def _external_authenticate(self, command: CommandApdu) -> bytes:
        keys = bac.document_basic_access_keys(self.mrz_info)
        cryptogram, mac = command.data[:32], command.data[32:]
        if self._challenge is None or not hmac.compare_digest(
            retail_mac(keys.mac, pad(cryptogram, 8)), mac
        ):
            return _answer(status=0x6300)
        plain = cbc_decrypt(CipherSuite.TDES, keys.enc, cryptogram)
        rnd_ifd, rnd_ic, k_ifd = plain[:8], plain[8:16], plain[16:]
        if rnd_ic != self._challenge:
            return _answer(status=0x6300)
        k_ic = secrets.token_bytes(16)
        answer = cbc_encrypt(CipherSuite.TDES, keys.enc, rnd_ic + rnd_ifd + k_ic)
        self.session = bac.session_from_keys(k_ifd, k_ic, rnd_ic, rnd_ifd)
        return _answer(answer + retail_mac(keys.mac, pad(answer, 8)))

    # -- PACE ----------------------------------------------------------------------------

    def _mse_set_at(self, command: CommandApdu) -> bytes:
        objects = {item.tag: item.value for item in tlv.parse_all(command.data)}
        if tlv.decode_oid(objects[0x80]) != self.info.protocol:
            return _answer(status=0x6A80)
        kind = pace.PasswordKind(objects[0x83][0])
        password = (
            pace.PacePassword.can(self.can)
            if kind is pace.PasswordKind.CAN
            else pace.PacePassword.mrz(self.mrz_info)
        )
        self._pace = _PaceRun(password)
        return _answer()

    def _general_authenticate(self, command: CommandApdu) -> bytes:
        suite, curve, run = self.info.suite, self.info.curve, self._pace
        assert suite is not None and curve is not None and run is not None
        inner = tlv.parse_single(command.data).children()
        if not inner:  # step 1: encrypted nonce
            nonce = secrets.token_bytes(suite.block_size)
            run.nonce = int.from_bytes(nonce, "big")
            encrypted = cbc_encrypt(suite, run.password.key(suite), nonce)
            return _answer(tlv.encode(0x7C, tlv.encode(0x80, encrypted)))
        item = inner[0]
        if item.tag == 0x81:  # step 2: mapping
            key = pace.random_private_key(curve)
            run.generator = pace.map_generator(curve, run.nonce, key, curve.decode(item.value))
            public = curve.encode(curve.multiply(key, curve.generator))
            return _answer(tlv.encode(0x7C, tlv.encode(0x82, public)))
        if item.tag == 0x83 and run.generator is not None:  # step 3: key agreement
            key = pace.random_private_key(curve)
            run.mine = curve.encode(curve.multiply(key, run.generator))
            run.theirs = item.value
            secret = pace.shared_secret(curve, key, curve.decode(item.value))
            run.keys = SessionKeys.derive(secret, suite)
            return _answer(tlv.encode(0x7C, tlv.encode(0x84, run.mine)))
        if item.tag == 0x85 and run.keys is not None:  # step 4: tokens
            expected = pace.authentication_token(run.keys, self.info.protocol, run.mine)
            if not hmac.compare_digest(expected, item.value):
                return _answer(status=0x6300)
            token = pace.authentication_token(run.keys, self.info.protocol, run.theirs)
            self.session = SecureMessaging(run.keys, 0)
            return _answer(tlv.encode(0x7C, tlv.encode(0x86, token)))
        return _answer(status=0x6A80)


@dataclass
class _PaceRun:
    password: pace.PacePassword
    nonce: int = 0
    generator: Point | None = None
    keys: SessionKeys | None = None
    mine: bytes = b""  # the chip's ephemeral public key
    theirs: bytes = b""  # the terminal's
