"""The chip's side of BAC, PACE-ECDH-GM and secure messaging, in-process.

Used by the tests and, behind the vpcd protocol (`drivers.card.vpcd_card`), by the
integration tests through pcscd and by the demo. It answers the commands the reader's
side sends: SELECT of the eMRTD application, EF.CardAccess in the clear, access control,
then SELECT and READ BINARY (by file identifier or short EF identifier) and, with an
active authentication key, INTERNAL AUTHENTICATE under secure messaging. Like a real chip
it leaves secure messaging on any SM error (6988). A chip that takes extended length
says so in EF.ATR/INFO (readable in the clear, like EF.CardAccess).

`ChipBehaviour` switches on what real chips do differently within ISO/IEC 7816-4: the
status word of a read past a file's end (9000, 6282, 6700 or 6Cxx), a cap on Le and how
it is refused (6700 or 6Cxx), answers shorter than asked, slow answers.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from enum import Enum

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from drivers.card import active_auth, bac, cipher, pace, tlv
from drivers.card.apdu import CommandApdu, ResponseApdu, StatusWord
from drivers.card.ec import Curve, Point
from drivers.card.errors import EmrtdError
from drivers.card.sm import SecureMessaging

# EF.COM of ICAO 9303 part 11 appendix D.4.
EF_COM = bytes.fromhex("60145F0104303130365F36063034303030305C026175")
EMRTD_AID = bytes.fromhex("A0000002471001")
EF_CARD_ACCESS = 0x011C
EF_ATR_INFO = 0x2F01
EF_ATR_INFO_SFI = 0x01
# A contactless card's ATR as PC/SC readers build it (PC/SC part 3): 3B 8n 80 01, n
# historical bytes (here "VIRTCCCD"), then the XOR check byte TCK.
DEFAULT_ATR = bytes.fromhex("3B888001564952544343434417")
OK = StatusWord(0x9000)


def contactless_atr(historical: bytes) -> bytes:
    """The ATR a PC/SC reader builds for a contactless card with these historical bytes."""
    if len(historical) > 15:
        raise ValueError("at most 15 historical bytes")
    body = bytes([0x80 | len(historical), 0x80, 0x01]) + historical
    check = 0
    for byte in body:
        check ^= byte
    return b"\x3b" + body + bytes([check])


def _answer(data: bytes = b"", status: int = 0x9000) -> bytes:
    return ResponseApdu(data, StatusWord(status)).to_bytes()


def _status(status: int) -> ResponseApdu:
    return ResponseApdu(b"", StatusWord(status))


def card_access(info: pace.PaceInfo) -> bytes:
    fields = tlv.encode(0x06, tlv.encode_oid(info.protocol)) + tlv.encode(
        0x02, bytes([info.version])
    )
    if info.parameter_id is not None:
        fields += tlv.encode(0x02, bytes([info.parameter_id]))
    return tlv.encode(0x31, tlv.encode(0x30, fields))


class EndOfFile(Enum):
    """A READ BINARY whose Le goes past the file's end is answered with..."""

    SHORT_9000 = "9000"  # the bytes there are, and 9000
    WARNING_6282 = "6282"  # the bytes there are, and 6282 ("end of file reached before Le")
    REFUSED_6700 = "6700"  # no data: wrong length
    EXACT_LE_6CXX = "6cxx"  # no data: 6C and the number of bytes left


class TooLargeLe(Enum):
    """An Le above the chip's cap is answered with..."""

    REFUSED_6700 = "6700"
    EXACT_LE_6CXX = "6cxx"  # 6C and the cap


@dataclass(frozen=True)
class ChipBehaviour:
    """How the chip answers reads, each a switch (the defaults: the plainest chip).
    The cap on Le is the chip's `max_le`."""

    end_of_file: EndOfFile = EndOfFile.SHORT_9000
    too_large_le: TooLargeLe = TooLargeLe.REFUSED_6700
    answer_size: int | None = None  # at most this many bytes per answer, with 9000
    seconds_per_apdu: float = 0.0  # a slow chip

    def label(self) -> str:
        parts = [f"eof {self.end_of_file.value}"]
        if self.too_large_le is not TooLargeLe.REFUSED_6700:
            parts.append(f"cap refused {self.too_large_le.value}")
        if self.answer_size:
            parts.append(f"answers <= {self.answer_size} B")
        if self.seconds_per_apdu:
            parts.append(f"{self.seconds_per_apdu * 1000:.0f} ms/APDU")
        return ", ".join(parts)


PLAIN_CHIP = ChipBehaviour()


class ChipFault(Enum):
    """Ways the virtual chip is built wrong (per-APDU faults live in `vpcd_card.FaultKind`)."""

    # A clone: DG15 holds the genuine chip's public key, but this chip signs with another
    # key, so its INTERNAL AUTHENTICATE answers do not verify.
    WRONG_AA_SIGNATURE = "wrong_aa_signature"


def new_aa_key(kind: str = "ec-p256") -> active_auth.AaPrivateKey:
    """An active authentication key: "ec-p256", "rsa-1024" or "rsa-2048"."""
    if kind == "ec-p256":
        return ec.generate_private_key(ec.SECP256R1())
    bits = {"rsa-1024": 1024, "rsa-2048": 2048}[kind]
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def extended_length_info(max_command: int = 65544, max_response: int = 65538) -> bytes:
    """EF.ATR/INFO content: the extended length information DO 7F66 (ISO/IEC 7816-4
    §12.7.1) with the largest command and response APDUs the chip takes."""

    def integer(value: int) -> bytes:
        return tlv.encode(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))

    return tlv.encode(0x7F66, integer(max_command) + integer(max_response))


class Chip:
    """Answers as an eMRTD chip would; `session` is set once access control succeeded.

    `files` maps file identifiers (EF.COM 011E, DG1 0101, ...) to their content; a file's
    short EF identifier is its identifier's low five bits, as in ICAO 9303 part 10.
    `max_le` caps the plaintext of one READ BINARY, as some chips do (above 256: extended
    length). `atr_info` is EF.ATR/INFO's content (None: no such file). `aa_key` answers
    INTERNAL AUTHENTICATE (its public key belongs in DG15); `aa_rsa_hash` is the hash of
    the ISO/IEC 9796-2 signature of an RSA key, `aa_ecdsa_hash` that of an EC key.
    """

    def __init__(
        self,
        *,
        can: str = "123456",
        mrz_info: str = "L898902C<369080619406236",
        info: pace.PaceInfo | None = None,
        files: dict[int, bytes] | None = None,
        max_le: int = 256,
        atr: bytes = DEFAULT_ATR,
        atr_info: bytes | None = None,
        aa_key: active_auth.AaPrivateKey | None = None,
        aa_rsa_hash: str = "sha1",
        aa_ecdsa_hash: str = active_auth.DEFAULT_ECDSA_HASH,
        faults: frozenset[ChipFault] = frozenset(),
        pace_supported: bool = True,  # False: a BAC-only chip, without EF.CardAccess
        behaviour: ChipBehaviour = PLAIN_CHIP,
    ) -> None:
        self.pace_supported = pace_supported
        self.behaviour = behaviour
        self.can = can
        self.mrz_info = mrz_info
        self.info = info or pace.PaceInfo(pace.ID_PACE_ECDH_GM + ".2", 2, 13)
        self.files = files if files is not None else {0x011E: EF_COM}
        self.max_le = max_le
        self.atr = atr
        self.atr_info = atr_info
        self.aa_key = aa_key
        self.aa_rsa_hash = aa_rsa_hash
        self.aa_ecdsa_hash = aa_ecdsa_hash
        self.faults = faults
        self._impostor_key: active_auth.AaPrivateKey | None = None
        self.session: SecureMessaging | None = None
        self.commands = 0
        self._selected: bytes | None = None
        self._pace: _PaceRun | None = None
        self._challenge: bytes | None = None

    def reset(self) -> None:
        """Power cycle: the session and every selection are gone, as on a real chip."""
        self.session = None
        self._selected = None
        self._pace = None
        self._challenge = None

    # -- transport ----------------------------------------------------------------------

    def transmit(self, apdu: bytes) -> bytes:
        self.commands += 1
        if self.behaviour.seconds_per_apdu:
            time.sleep(self.behaviour.seconds_per_apdu)
        if self.session is not None:
            return self._protected(apdu)
        try:
            command = CommandApdu.from_bytes(apdu)
        except EmrtdError:
            return _answer(status=0x6700)
        if command.ins in (0xA4, 0xB0):
            return self._clear_file_command(command).to_bytes()
        if command.ins == 0x84:
            return self._get_challenge()
        if command.ins == 0x82:
            return self._external_authenticate(command)
        handler = {0x22: self._mse_set_at, 0x86: self._general_authenticate}.get(command.ins)
        if handler is None:
            return _answer(status=0x6982)
        return handler(command)

    def _protected(self, apdu: bytes) -> bytes:
        session = self.session
        assert session is not None
        try:
            command = session.unprotect_command(apdu)
        except EmrtdError:
            # ICAO 9303 part 11 §9.8.4: the chip aborts secure messaging on any SM error.
            self.session = None
            return _answer(status=0x6988)
        return session.protect_response(self._file_command(command), odd_ins=bool(command.ins & 1))

    # -- files --------------------------------------------------------------------------

    def _clear_file_command(self, command: CommandApdu) -> ResponseApdu:
        """Before access control only the application, EF.CardAccess and EF.ATR/INFO are
        reachable."""
        if command.ins == 0xA4 and command.p1 == 0x04:
            return ResponseApdu(b"", OK) if command.data == EMRTD_AID else _status(0x6A82)
        clear_files = {EF_CARD_ACCESS: card_access(self.info)} if self.pace_supported else {}
        if self.atr_info is not None:
            clear_files[EF_ATR_INFO] = self.atr_info
        # The MF's EF.ATR/INFO is absent on most chips (6A82); the application's files
        # need access control (6982).
        if command.ins == 0xB0 and command.p1 & 0x80:
            absent = command.p1 & 0x1F in (EF_ATR_INFO_SFI, EF_CARD_ACCESS & 0x1F)
        else:
            absent = command.ins == 0xA4 and command.data in (
                EF_ATR_INFO.to_bytes(2, "big"),
                EF_CARD_ACCESS.to_bytes(2, "big"),
            )
        return self._serve(command, clear_files, unknown=0x6A82 if absent else 0x6982)

    def _file_command(self, command: CommandApdu) -> ResponseApdu:
        if command.ins == 0xA4 and command.p1 == 0x04:
            return ResponseApdu(b"", OK) if command.data == EMRTD_AID else _status(0x6A82)
        if command.ins == 0x88:
            return self._internal_authenticate(command)
        return self._serve(command, self.files, unknown=0x6A82)

    # -- active authentication ----------------------------------------------------------

    def _internal_authenticate(self, command: CommandApdu) -> ResponseApdu:
        if self.aa_key is None:
            return _status(0x6D00)
        if len(command.data) != active_auth.CHALLENGE_SIZE or command.p1 or command.p2:
            return _status(0x6A80)
        key = self.aa_key
        if ChipFault.WRONG_AA_SIGNATURE in self.faults:
            if self._impostor_key is None:
                kind = f"rsa-{key.key_size}" if isinstance(key, rsa.RSAPrivateKey) else "ec-p256"
                self._impostor_key = new_aa_key(kind)
            key = self._impostor_key
        signature = active_auth.sign(
            key, command.data, rsa_hash=self.aa_rsa_hash, ecdsa_hash=self.aa_ecdsa_hash
        )
        return ResponseApdu(signature, OK)

    def _serve(
        self, command: CommandApdu, files: dict[int, bytes], *, unknown: int
    ) -> ResponseApdu:
        if command.ins == 0xA4:
            fid = int.from_bytes(command.data, "big")
            if fid not in files:
                return _status(unknown)
            self._selected = files[fid]
            return ResponseApdu(b"", OK)
        if command.ins != 0xB0:
            return _status(0x6D00)
        if command.p1 & 0x80:  # short EF identifier in P1, offset in P2
            by_sfi = {fid & 0x1F: content for fid, content in files.items()}
            if (content := by_sfi.get(command.p1 & 0x1F)) is None:
                return _status(unknown)
            self._selected = content
            offset = command.p2
        else:
            offset = (command.p1 << 8) | command.p2
        if self._selected is None:
            return _status(0x6986)
        if offset > len(self._selected):
            return _status(0x6B00)
        return self._read_binary(self._selected, offset, command.le or 0)

    def _read_binary(self, content: bytes, offset: int, le: int) -> ResponseApdu:
        behaviour = self.behaviour
        if le > self.max_le:
            if behaviour.too_large_le is TooLargeLe.EXACT_LE_6CXX and self.max_le <= 256:
                return _status(0x6C00 | self.max_le % 256)
            return _status(0x6700)
        left = len(content) - offset
        if le > left and behaviour.end_of_file is EndOfFile.REFUSED_6700:
            return _status(0x6700)
        if le > left and behaviour.end_of_file is EndOfFile.EXACT_LE_6CXX:
            return _status(0x6C00 | left % 256) if left else _status(0x6B00)
        data = content[offset : offset + min(le, behaviour.answer_size or le)]
        reached_end = le > left and len(data) == left
        warn = reached_end and behaviour.end_of_file is EndOfFile.WARNING_6282
        return ResponseApdu(data, StatusWord(0x6282 if warn else 0x9000))

    # -- BAC ----------------------------------------------------------------------------

    def _get_challenge(self) -> bytes:
        self._challenge = secrets.token_bytes(8)
        return _answer(self._challenge)

    def _external_authenticate(self, command: CommandApdu) -> bytes:
        keys = bac.document_basic_access_keys(self.mrz_info)
        cryptogram, mac = command.data[:32], command.data[32:]
        if self._challenge is None or not hmac.compare_digest(
            cipher.retail_mac(keys.mac, cipher.pad(cryptogram, 8)), mac
        ):
            return _answer(status=0x6300)
        plain = cipher.cbc_decrypt(cipher.CipherSuite.TDES, keys.enc, cryptogram)
        rnd_ifd, rnd_ic, k_ifd = plain[:8], plain[8:16], plain[16:]
        if rnd_ic != self._challenge:
            return _answer(status=0x6300)
        k_ic = secrets.token_bytes(16)
        answer = cipher.cbc_encrypt(cipher.CipherSuite.TDES, keys.enc, rnd_ic + rnd_ifd + k_ic)
        self.session = bac.session_from_keys(k_ifd, k_ic, rnd_ic, rnd_ifd)
        return _answer(answer + cipher.retail_mac(keys.mac, cipher.pad(answer, 8)))

    # -- PACE ----------------------------------------------------------------------------

    def _mse_set_at(self, command: CommandApdu) -> bytes:
        if not self.pace_supported:
            return _answer(status=0x6D00)  # instruction not supported
        try:
            objects = {item.tag: item.value for item in tlv.parse_all(command.data)}
            protocol = tlv.decode_oid(objects[0x80])
            kind = pace.PasswordKind(objects[0x83][0])
        except (EmrtdError, KeyError, IndexError, ValueError):
            return _answer(status=0x6A80)
        if protocol != self.info.protocol:
            return _answer(status=0x6A80)
        password = (
            pace.PacePassword.can(self.can)
            if kind is pace.PasswordKind.CAN
            else pace.PacePassword.mrz(self.mrz_info)
        )
        self._pace = _PaceRun(password)
        return _answer()

    def _general_authenticate(self, command: CommandApdu) -> bytes:
        suite, curve, run = self.info.suite, self.info.curve, self._pace
        if suite is None or curve is None or run is None:
            return _answer(status=0x6985)
        try:
            return self._general_authenticate_step(command, suite, curve, run)
        except EmrtdError:  # malformed objects or a point not on the curve
            return _answer(status=0x6A80)

    def _general_authenticate_step(
        self, command: CommandApdu, suite: cipher.CipherSuite, curve: Curve, run: _PaceRun
    ) -> bytes:
        inner = tlv.parse_single(command.data).children()
        if not inner:  # step 1: encrypted nonce
            nonce = secrets.token_bytes(suite.block_size)
            run.nonce = int.from_bytes(nonce, "big")
            encrypted = cipher.cbc_encrypt(suite, run.password.key(suite), nonce)
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
            run.keys = cipher.SessionKeys.derive(secret, suite)
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
    keys: cipher.SessionKeys | None = None
    mine: bytes = b""  # the chip's ephemeral public key
    theirs: bytes = b""  # the terminal's
