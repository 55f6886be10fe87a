"""Secure messaging (ICAO Doc 9303 part 11 §9.8): both the reader's and the chip's side.

Commands carry DO'87' (or DO'85' for odd INS) with the encrypted data, DO'97' with Le and
DO'8E' with the MAC; responses carry DO'87'/'85', DO'99' with the status word and DO'8E'.
The send sequence counter (SSC) is incremented before every command and every response,
so one lost message desynchronises the session: any failure here means it must be
re-established.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from drivers.card import tlv
from drivers.card.apdu import (
    CommandApdu,
    ResponseApdu,
    SecureMessagingStatusError,
    StatusWord,
    Transport,
)
from drivers.card.cipher import (
    MAC_SIZE,
    SessionKeys,
    cbc_decrypt,
    cbc_encrypt,
    ecb_encrypt_block,
    pad,
    unpad,
)
from drivers.card.errors import ApduError, MacError, SecureMessagingError, TlvError

SM_CLA_BITS = 0x0C  # "secure messaging, header authenticated" in CLA (ISO/IEC 7816-4 §5.4.1)
PADDING_INDICATOR = 0x01  # first byte of DO'87': padding method 2 was used

TAG_ENCRYPTED = 0x87  # with padding-content indicator (even INS)
TAG_ENCRYPTED_ODD = 0x85  # BER-TLV plaintext, no indicator (odd INS)
TAG_LE = 0x97
TAG_STATUS = 0x99
TAG_MAC = 0x8E


class SecureMessaging:
    """One session's keys and send sequence counter."""

    def __init__(self, keys: SessionKeys, ssc: int) -> None:
        self.keys = keys
        self._block = keys.suite.block_size
        self._modulus = 1 << (8 * self._block)
        self.ssc = ssc % self._modulus

    @classmethod
    def from_ssc_bytes(cls, keys: SessionKeys, ssc: bytes) -> SecureMessaging:
        if len(ssc) != keys.suite.block_size:
            raise ValueError(f"SSC must be {keys.suite.block_size} bytes")
        return cls(keys, int.from_bytes(ssc, "big"))

    @property
    def ssc_bytes(self) -> bytes:
        return self.ssc.to_bytes(self._block, "big")

    def _advance(self) -> bytes:
        self.ssc = (self.ssc + 1) % self._modulus
        return self.ssc_bytes

    def _iv(self, ssc: bytes) -> bytes:
        # §9.8.6.1: AES encrypts with IV = E(KSenc, SSC); 3DES uses a zero IV.
        if self.keys.suite.is_aes:
            return ecb_encrypt_block(self.keys.suite, self.keys.enc, ssc)
        return bytes(self._block)

    def _encrypted_object(self, data: bytes, ssc: bytes, odd: bool) -> bytes:
        cryptogram = cbc_encrypt(
            self.keys.suite, self.keys.enc, pad(data, self._block), self._iv(ssc)
        )
        if odd:
            return tlv.encode(TAG_ENCRYPTED_ODD, cryptogram)
        return tlv.encode(TAG_ENCRYPTED, bytes([PADDING_INDICATOR]) + cryptogram)

    def _decrypt_object(self, item: tlv.Tlv, ssc: bytes) -> bytes:
        cryptogram = item.value
        if item.tag == TAG_ENCRYPTED:
            if not cryptogram or cryptogram[0] != PADDING_INDICATOR:
                raise SecureMessagingError("DO'87' without padding indicator 01")
            cryptogram = cryptogram[1:]
        if not cryptogram:
            raise SecureMessagingError("empty cryptogram")
        plain = cbc_decrypt(self.keys.suite, self.keys.enc, cryptogram, self._iv(ssc))
        return unpad(plain)

    def _check_mac(self, ssc: bytes, authenticated: bytes, mac: tlv.Tlv) -> None:
        expected = self.keys.mac_of(ssc + authenticated)
        if len(mac.value) != MAC_SIZE or not hmac.compare_digest(expected, mac.value):
            raise MacError("MAC does not verify")

    # -- the reader's side --------------------------------------------------------------

    def protect(self, command: CommandApdu) -> CommandApdu:
        """The protected form of a plain command; advances the SSC."""
        if command.cla & SM_CLA_BITS:
            raise ApduError("command is already marked as secure messaging")
        ssc = self._advance()
        cla = command.cla | SM_CLA_BITS
        header = bytes((cla, command.ins, command.p1, command.p2))
        objects = b""
        if command.data:
            objects += self._encrypted_object(command.data, ssc, odd=bool(command.ins & 1))
        if command.le is not None:
            if command.is_extended:
                objects += tlv.encode(TAG_LE, (command.le % 65536).to_bytes(2, "big"))
            else:
                objects += tlv.encode(TAG_LE, bytes([command.le % 256]))
        mac = self.keys.mac_of(ssc + pad(header, self._block) + objects)
        body = objects + tlv.encode(TAG_MAC, mac)
        extended = command.is_extended or len(body) > 255
        return CommandApdu(
            cla,
            command.ins,
            command.p1,
            command.p2,
            body,
            le=65536 if extended else 256,
            extended=extended,
        )

    def unprotect(self, raw: bytes) -> ResponseApdu:
        """Check and decrypt a protected response; advances the SSC.

        An unprotected answer means the card has left secure messaging (it does so on any
        SM error): that is a SecureMessagingStatusError carrying the card's status word.
        """
        ssc = self._advance()
        response = ResponseApdu.from_bytes(raw)
        if not response.data:
            raise SecureMessagingStatusError(response.status, "unprotected response")
        objects = _parse_objects(
            response.data, allowed={TAG_ENCRYPTED, TAG_ENCRYPTED_ODD, TAG_STATUS}
        )
        status = objects.get(TAG_STATUS)
        if status is None:
            raise SecureMessagingError("response without DO'99'")
        self._check_mac(ssc, objects.authenticated, objects.mac)
        if len(status.value) != 2:
            raise SecureMessagingError("DO'99' must hold two bytes")
        encrypted = objects.get(TAG_ENCRYPTED) or objects.get(TAG_ENCRYPTED_ODD)
        data = self._decrypt_object(encrypted, ssc) if encrypted is not None else b""
        return ResponseApdu(data, StatusWord(int.from_bytes(status.value, "big")))

    # -- the chip's side (virtual chip, test cards) -------------------------------------

    def unprotect_command(self, raw: bytes) -> CommandApdu:
        """Check and decrypt a protected command as the chip does; advances the SSC."""
        ssc = self._advance()
        command = CommandApdu.from_bytes(raw)
        if command.cla & SM_CLA_BITS != SM_CLA_BITS:
            raise SecureMessagingError("command is not protected")
        objects = _parse_objects(command.data, allowed={TAG_ENCRYPTED, TAG_ENCRYPTED_ODD, TAG_LE})
        self._check_mac(ssc, pad(command.header, self._block) + objects.authenticated, objects.mac)
        encrypted = objects.get(TAG_ENCRYPTED) or objects.get(TAG_ENCRYPTED_ODD)
        data = self._decrypt_object(encrypted, ssc) if encrypted is not None else b""
        le: int | None = None
        extended = False
        if (le_object := objects.get(TAG_LE)) is not None:
            if len(le_object.value) not in (1, 2):
                raise SecureMessagingError("DO'97' must hold one or two bytes")
            extended = len(le_object.value) == 2
            le = int.from_bytes(le_object.value, "big") or (65536 if extended else 256)
        cla = command.cla & ~SM_CLA_BITS
        return CommandApdu(cla, command.ins, command.p1, command.p2, data, le, extended)

    def protect_response(self, response: ResponseApdu, *, odd_ins: bool = False) -> bytes:
        """The protected form of the chip's answer; advances the SSC."""
        ssc = self._advance()
        objects = b""
        if response.data:
            objects += self._encrypted_object(response.data, ssc, odd=odd_ins)
        objects += tlv.encode(TAG_STATUS, response.status.value.to_bytes(2, "big"))
        mac = self.keys.mac_of(ssc + objects)
        return objects + tlv.encode(TAG_MAC, mac) + response.status.value.to_bytes(2, "big")


@dataclass(frozen=True, slots=True)
class _Objects:
    by_tag: dict[int, tlv.Tlv]
    authenticated: bytes  # every object before DO'8E', as received
    mac: tlv.Tlv

    def get(self, tag: int) -> tlv.Tlv | None:
        return self.by_tag.get(tag)


def _parse_objects(body: bytes, *, allowed: set[int]) -> _Objects:
    """The SM data objects of a message: each allowed tag at most once, DO'8E' last."""
    try:
        items = tlv.parse_all(body)
    except TlvError as error:
        raise SecureMessagingError(f"malformed secure messaging objects: {error}") from error
    if not items or items[-1].tag != TAG_MAC:
        raise SecureMessagingError("DO'8E' missing or not last")
    by_tag: dict[int, tlv.Tlv] = {}
    for item in items[:-1]:
        if item.tag not in allowed:
            raise SecureMessagingError(f"unexpected data object {item.tag:X}")
        if item.tag in by_tag:
            raise SecureMessagingError(f"data object {item.tag:X} repeated")
        by_tag[item.tag] = item
    if TAG_ENCRYPTED in by_tag and TAG_ENCRYPTED_ODD in by_tag:
        raise SecureMessagingError("both DO'85' and DO'87'")
    authenticated = b"".join(item.raw for item in items[:-1])
    return _Objects(by_tag, authenticated, items[-1])


class SecureChannel:
    """Sends plain commands through secure messaging over a transport."""

    def __init__(self, transport: Transport, session: SecureMessaging) -> None:
        self.transport = transport
        self.session = session

    def send(self, command: CommandApdu) -> ResponseApdu:
        protected = self.session.protect(command)
        return self.session.unprotect(self.transport.transmit(protected.to_bytes()))
