"""The reader's steps the PC/SC tests and measurements run: PACE with the CAN, EF.COM."""

from __future__ import annotations

from drivers.card import pace, tlv
from drivers.card.apdu import CommandApdu, Transport, exchange
from drivers.card.sm import SecureChannel

CAN = "345678"  # CCCD: the last 6 digits of the 12-digit ID
# Opening the chip: READ BINARY of EF.CardAccess, MSE:Set AT, four GENERAL AUTHENTICATE.
PACE_APDUS = 6
EF_COM_APDUS = 2
SELECT_EMRTD = bytes.fromhex("00A4040C07A0000002471001")


def open_with_pace(transport: Transport, can: str = CAN) -> SecureChannel:
    """EF.CardAccess by its short EF identifier (1C) in the clear, then PACE-CAN."""
    card_access = exchange(transport, CommandApdu(0x00, 0xB0, 0x80 | 0x1C, 0x00, le=256))
    info = pace.choose(pace.parse_card_access(card_access.require_success("EF.CardAccess")))
    result = pace.establish(transport, pace.PacePassword.can(can), info)
    return SecureChannel(transport, result.session)


def read_ef_com(channel: SecureChannel) -> bytes:
    """EF.COM by its short EF identifier (1E): the 4-byte header, then exactly the rest."""
    header = channel.send(CommandApdu(0x00, 0xB0, 0x80 | 0x1E, 0x00, le=4)).require_success()
    size = tlv.read_header(header).total_size
    rest = channel.send(CommandApdu(0x00, 0xB0, 0x00, 0x04, le=size - 4)).require_success()
    return header + rest
