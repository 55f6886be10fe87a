"""Does the card take extended length APDUs? Its ATR, then EF.ATR/INFO (ISO/IEC 7816-4).

The ATR comes free with the card; its historical bytes may carry the card capabilities
(compact-TLV tag 7, §12.1.1.9), whose third byte says "extended Lc and Le fields" (b7)
and "extended length information in EF.ATR/INFO" (b6). EF.ATR/INFO (2F01, short EF
identifier 01, in the MF) holds DO 7F66 with the largest command and response APDUs the
card takes (§12.7.1); ICAO 9303 part 10 points eMRTDs there too. Reading it costs one
APDU, so the ATR is asked first and EF.ATR/INFO only when the ATR does not settle it.

Parsing never raises on ATRs: an ATR that cannot be parsed settles nothing. EF.ATR/INFO
content that is malformed is an `LdsError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from drivers.card import tlv
from drivers.card.cipher import MAC_SIZE
from drivers.card.errors import LdsError, TlvError

EF_ATR_INFO_SFI = 0x01
TAG_EXTENDED_LENGTH_INFO = 0x7F66
_CATEGORY_COMPACT_TLV = 0x80
_CATEGORY_COMPACT_TLV_WITH_STATUS = 0x00  # compact-TLV, then a 3-byte status indicator
_TAG_CARD_CAPABILITIES = 0x7
_EXTENDED_LC_LE = 0x40
_EXTENDED_LENGTH_INFO = 0x20
_STATUS_WORD_SIZE = 2


class CardSays(Enum):
    YES = "yes"  # the ATR says extended Lc/Le and points nowhere else
    NO = "no"  # the ATR's card capabilities say no
    ASK_EF_ATR_INFO = "ask_ef_atr_info"  # the ATR is silent, or points to EF.ATR/INFO


@dataclass(frozen=True)
class CardCapabilities:
    extended_lc_le: bool
    extended_length_info: bool  # the limits are in EF.ATR/INFO


@dataclass(frozen=True)
class ExtendedLengthInfo:
    max_command: int  # bytes of the largest command APDU the card takes
    max_response: int  # bytes of the largest response APDU it sends


def historical_bytes(atr: bytes) -> bytes:
    """The historical bytes of an ATR (ISO/IEC 7816-3 §8.2); b"" if it is malformed."""
    if len(atr) < 2:
        return b""
    count = atr[1] & 0x0F
    indicator = atr[1]
    position = 2
    while True:
        present = bin(indicator >> 4).count("1")  # TAi, TBi, TCi, TDi
        has_next = bool(indicator & 0x80)
        position += present
        if not has_next:
            break
        if position > len(atr):
            return b""
        indicator = atr[position - 1]  # TDi, the last of the interface bytes just counted
    end = position + count
    return atr[position:end] if end <= len(atr) else b""


def card_capabilities(atr: bytes) -> CardCapabilities | None:
    """The card capabilities in the ATR's historical bytes, None when there are none."""
    history = historical_bytes(atr)
    if not history:
        return None
    if history[0] == _CATEGORY_COMPACT_TLV:
        objects = history[1:]
    elif history[0] == _CATEGORY_COMPACT_TLV_WITH_STATUS and len(history) >= 4:
        objects = history[1:-3]
    else:
        return None  # proprietary historical bytes (e.g. ISO/IEC 14443 type B)
    position = 0
    while position < len(objects):
        tag, length = objects[position] >> 4, objects[position] & 0x0F
        value = objects[position + 1 : position + 1 + length]
        if len(value) != length:
            return None
        if tag == _TAG_CARD_CAPABILITIES:
            third = value[2] if length >= 3 else 0
            return CardCapabilities(
                extended_lc_le=bool(third & _EXTENDED_LC_LE),
                extended_length_info=bool(third & _EXTENDED_LENGTH_INFO),
            )
        position += 1 + length
    return None


def card_says(atr: bytes) -> CardSays:
    capabilities = card_capabilities(atr)
    if capabilities is None or capabilities.extended_length_info:
        return CardSays.ASK_EF_ATR_INFO
    return CardSays.YES if capabilities.extended_lc_le else CardSays.NO


def parse_atr_info(data: bytes) -> ExtendedLengthInfo | None:
    """DO 7F66 among EF.ATR/INFO's data objects; None when the file has none."""
    try:
        for item in tlv.iterate(data):
            if item.tag != TAG_EXTENDED_LENGTH_INFO:
                continue
            numbers = item.children()
            if len(numbers) < 2 or any(number.tag != 0x02 for number in numbers):
                raise LdsError("extended length information is not two INTEGERs")
            return ExtendedLengthInfo(
                tlv.decode_unsigned(numbers[0].value), tlv.decode_unsigned(numbers[1].value)
            )
    except TlvError as error:
        raise LdsError(f"EF.ATR/INFO: {error}") from error
    return None


def max_plaintext(max_response: int, block_size: int) -> int:
    """The largest READ BINARY plaintext whose protected answer fits `max_response` bytes.

    Answer: DO'87' (tag, length, padding indicator, padded cryptogram), DO'99' (4 bytes),
    DO'8E' (2 + MAC), then SW1 SW2. Padding adds 1 to 16 bytes.
    """
    fixed = 4 + 2 + MAC_SIZE + _STATUS_WORD_SIZE
    best = 0
    for length_size in (1, 2, 3):  # DO'87' length field: 81 xx, 82 xx xx...
        room = max_response - fixed - 1 - length_size - 1
        cryptogram = room // block_size * block_size
        if cryptogram <= 0:
            continue
        if len(tlv.encode_length(cryptogram + 1)) == length_size:
            best = max(best, cryptogram - 1)
    return best
