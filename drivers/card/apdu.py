"""ISO/IEC 7816-4 command and response APDUs, with status words as typed results.

No PC/SC here: anything that can move bytes to a card and back implements `Transport`
(pyscard, the virtual chip, scripted test cards).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from drivers.card.errors import AccessControlError, ApduError, EmrtdError, SecureMessagingError

SHORT_MAX_DATA = 255
SHORT_MAX_LE = 256
EXTENDED_MAX_DATA = 65535
EXTENDED_MAX_LE = 65536


class Transport(Protocol):
    """Sends one command APDU and returns the card's complete answer (data + SW1 SW2)."""

    def transmit(self, apdu: bytes) -> bytes: ...


@dataclass(frozen=True, slots=True)
class CommandApdu:
    """A command; `le` is the number of bytes expected (None: no data expected).

    `le=256` (short) and `le=65536` (extended) mean "as many as available" and encode
    as 00 and 0000. Extended length is chosen when the data or Le need it, or forced.
    """

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None
    extended: bool = False

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            if not 0 <= getattr(self, name) <= 0xFF:
                raise ApduError(f"{name} must be one byte")
        if len(self.data) > EXTENDED_MAX_DATA:
            raise ApduError(f"{len(self.data)} bytes of data cannot fit any APDU")
        if self.le is not None and not 1 <= self.le <= EXTENDED_MAX_LE:
            raise ApduError(f"Le {self.le} out of range")

    @classmethod
    def from_bytes(cls, raw: bytes) -> CommandApdu:
        """Parse any of the ISO/IEC 7816-4 cases 1-4, short or extended (the card's view)."""
        if len(raw) < 4:
            raise ApduError(f"command of {len(raw)} bytes has no header")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or 256)
        if body[0] != 0:  # short Lc
            lc = body[0]
            if len(body) == 1 + lc:
                return cls(cla, ins, p1, p2, body[1:])
            if len(body) == 2 + lc:
                return cls(cla, ins, p1, p2, body[1:-1], body[-1] or 256)
            raise ApduError("short command length does not match Lc")
        if len(body) == 3:  # extended Le only
            return cls(cla, ins, p1, p2, le=int.from_bytes(body[1:], "big") or 65536, extended=True)
        lc = int.from_bytes(body[1:3], "big")
        if lc == 0:
            raise ApduError("extended Lc of zero")
        data = body[3 : 3 + lc]
        rest = body[3 + lc :]
        if len(data) != lc or len(rest) not in (0, 2):
            raise ApduError("extended command length does not match Lc")
        le = (int.from_bytes(rest, "big") or 65536) if rest else None
        return cls(cla, ins, p1, p2, data, le, extended=True)

    @property
    def is_extended(self) -> bool:
        return (
            self.extended
            or len(self.data) > SHORT_MAX_DATA
            or (self.le is not None and self.le > SHORT_MAX_LE)
        )

    @property
    def header(self) -> bytes:
        return bytes((self.cla, self.ins, self.p1, self.p2))

    def to_bytes(self) -> bytes:
        out = bytearray(self.header)
        if self.is_extended:
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                # The 00 marker is only needed when no Lc already announced extended length.
                out += (b"" if self.data else b"\x00") + (self.le % 65536).to_bytes(2, "big")
            return bytes(out)
        if self.data:
            out += bytes([len(self.data)]) + self.data
        if self.le is not None:
            out.append(self.le % 256)
        return bytes(out)


# Status words the eMRTD stack meets, with what they mean (ISO/IEC 7816-4 §5.6).
_MEANINGS: dict[int, str] = {
    0x9000: "success",
    0x6282: "end of file reached before Le bytes",
    0x6300: "authentication failed",
    0x6581: "memory failure",
    0x6700: "wrong length",
    0x6881: "logical channel not supported",
    0x6882: "secure messaging not supported",
    0x6982: "security status not satisfied",
    0x6983: "authentication method blocked",
    0x6984: "reference data not usable",
    0x6985: "conditions of use not satisfied",
    0x6986: "command not allowed (no current EF)",
    0x6987: "expected secure messaging data objects missing",
    0x6988: "secure messaging data objects incorrect",
    0x6A80: "incorrect parameters in the data field",
    0x6A82: "file or application not found",
    0x6A86: "incorrect parameters P1-P2",
    0x6A88: "referenced data not found",
    0x6B00: "wrong parameters (offset outside the EF)",
    0x6D00: "instruction not supported",
    0x6E00: "class not supported",
    0x6F00: "no precise diagnosis",
}


@dataclass(frozen=True, slots=True)
class StatusWord:
    """SW1 SW2 as one value, with its meaning and what a reader should do about it."""

    value: int

    def __post_init__(self) -> None:
        if not 0 <= self.value <= 0xFFFF:
            raise ApduError(f"status word {self.value:X} out of range")

    @property
    def sw1(self) -> int:
        return self.value >> 8

    @property
    def sw2(self) -> int:
        return self.value & 0xFF

    @property
    def is_success(self) -> bool:
        return self.value == 0x9000

    @property
    def is_warning(self) -> bool:
        """Processing completed with a warning (62xx, 63xx): data may still be valid."""
        return self.sw1 in (0x62, 0x63)

    @property
    def bytes_available(self) -> int | None:
        """61xx: the card holds more data for GET RESPONSE (00 means 256 or more)."""
        return (self.sw2 or 256) if self.sw1 == 0x61 else None

    @property
    def correct_le(self) -> int | None:
        """6Cxx: repeat the command with exactly this Le (00 means 256)."""
        return (self.sw2 or 256) if self.sw1 == 0x6C else None

    @property
    def is_wrong_length(self) -> bool:
        """Le did not suit the card: retry with a smaller one (6700), or the one given (6Cxx)."""
        return self.value == 0x6700 or self.sw1 == 0x6C

    @property
    def is_end_of_file(self) -> bool:
        """6282: fewer bytes than Le, because the file ended; the data that came is valid."""
        return self.value == 0x6282

    @property
    def is_offset_outside(self) -> bool:
        """6Bxx: the offset lies beyond the file's end."""
        return self.sw1 == 0x6B

    @property
    def is_secure_messaging_failure(self) -> bool:
        """The card rejected the protection itself: the session keys are no longer shared."""
        return self.value in (0x6882, 0x6987, 0x6988)

    @property
    def meaning(self) -> str:
        if (known := _MEANINGS.get(self.value)) is not None:
            return known
        if self.bytes_available is not None:
            return f"{self.bytes_available} more bytes available"
        if self.correct_le is not None:
            return f"wrong Le: {self.correct_le} bytes available"
        if self.sw1 == 0x6B:
            return "wrong parameters (offset outside the EF)"
        if self.sw1 == 0x63 and self.sw2 & 0xF0 == 0xC0:
            return f"verification failed, {self.sw2 & 0x0F} tries left"
        return "unknown status"

    def __str__(self) -> str:
        return f"{self.value:04X} ({self.meaning})"


SW_SUCCESS = StatusWord(0x9000)


class StatusError(EmrtdError):
    """The card answered with a status word that is not success."""

    def __init__(self, status: StatusWord, context: str = "") -> None:
        super().__init__(f"{context}: {status}" if context else str(status))
        self.status = status


class SecurityStatusError(StatusError, AccessControlError):
    """The card refuses access (6982 and relatives): keys or session are not accepted."""


class SecureMessagingStatusError(StatusError, SecureMessagingError):
    """The card reports broken secure messaging (6987, 6988, 6882): the session is lost."""


@dataclass(frozen=True, slots=True)
class ResponseApdu:
    data: bytes
    status: StatusWord

    @classmethod
    def from_bytes(cls, raw: bytes) -> ResponseApdu:
        if len(raw) < 2:
            raise ApduError(f"response of {len(raw)} bytes has no status word")
        return cls(bytes(raw[:-2]), StatusWord(int.from_bytes(raw[-2:], "big")))

    def to_bytes(self) -> bytes:
        return self.data + self.status.value.to_bytes(2, "big")

    def require_success(self, context: str = "") -> bytes:
        """The data of a successful response; any other status word raises its typed error."""
        if self.status.is_success:
            return self.data
        raise status_error(self.status, context)


def status_error(status: StatusWord, context: str = "") -> StatusError:
    """The typed error for a failing status word."""
    if status.is_secure_messaging_failure:
        return SecureMessagingStatusError(status, context)
    if status.sw1 == 0x63 or status.value in (0x6982, 0x6983, 0x6984):
        return SecurityStatusError(status, context)
    return StatusError(status, context)


def exchange(transport: Transport, command: CommandApdu) -> ResponseApdu:
    """Send a plain (unprotected) command and parse the answer."""
    return ResponseApdu.from_bytes(transport.transmit(command.to_bytes()))
