"""The virtual chip's file access and its behaviour on broken secure messaging."""

from __future__ import annotations

import time
from functools import reduce

import pytest

from drivers.card import pace
from drivers.card.apdu import CommandApdu, ResponseApdu, StatusWord, exchange
from drivers.card.sm import SecureChannel
from drivers.card.virtual_chip import (
    DEFAULT_ATR,
    EF_COM,
    Chip,
    ChipBehaviour,
    EndOfFile,
    TooLargeLe,
    card_access,
)

CAN = "345678"


def opened(chip: Chip) -> SecureChannel:
    result = pace.establish(chip, pace.PacePassword.can(CAN), chip.info)
    return SecureChannel(chip, result.session)


def test_atr_check_byte_is_the_xor_of_t0_to_the_last_historical_byte() -> None:
    assert DEFAULT_ATR[0] == 0x3B
    assert reduce(lambda a, b: a ^ b, DEFAULT_ATR[1:]) == 0


def test_card_access_is_readable_in_the_clear_by_short_ef_identifier() -> None:
    chip = Chip(can=CAN)
    answer = exchange(chip, CommandApdu(0x00, 0xB0, 0x9C, 0x00, le=256))
    assert answer.require_success() == card_access(chip.info)


def test_data_groups_need_access_control() -> None:
    answer = exchange(Chip(), CommandApdu(0x00, 0xB0, 0x9E, 0x00, le=4))
    assert answer.status == StatusWord(0x6982)


def test_files_by_short_ef_identifier_and_by_select_under_sm() -> None:
    dg1 = bytes.fromhex("615B5F1F58") + b"I<VNM" * 17 + b"<<<"
    channel = opened(Chip(can=CAN, files={0x011E: EF_COM, 0x0101: dg1}))
    by_sfi = channel.send(CommandApdu(0x00, 0xB0, 0x81, 0x00, le=256)).require_success()
    assert by_sfi == dg1
    channel.send(CommandApdu(0x00, 0xA4, 0x02, 0x0C, bytes.fromhex("011E"))).require_success()
    assert channel.send(CommandApdu(0x00, 0xB0, 0x00, 0x00, le=256)).require_success() == EF_COM


@pytest.mark.parametrize(
    ("command", "status"),
    [
        (CommandApdu(0x00, 0xB0, 0x82, 0x00, le=4), 0x6A82),  # no DG2 on this chip
        (CommandApdu(0x00, 0xB0, 0x9E, 0x40, le=4), 0x6B00),  # offset past the end
        (CommandApdu(0x00, 0xB0, 0x9E, 0x00, le=224), 0x6700),  # above this chip's max Le
    ],
)
def test_read_errors_are_status_words(command: CommandApdu, status: int) -> None:
    channel = opened(Chip(can=CAN, max_le=223))
    assert channel.send(command).status == StatusWord(status)


def test_broken_secure_messaging_ends_the_session_with_6988() -> None:
    chip = Chip(can=CAN)
    channel = opened(chip)
    protected = bytearray(
        channel.session.protect(CommandApdu(0x00, 0xB0, 0x9E, 0, le=4)).to_bytes()
    )
    protected[-2] ^= 0x01  # inside the MAC
    assert ResponseApdu.from_bytes(chip.transmit(bytes(protected))).status == StatusWord(0x6988)
    assert chip.session is None


def test_garbled_pace_commands_are_refused_not_raised() -> None:
    chip = Chip(can=CAN)
    assert chip.transmit(bytes.fromhex("0086000000")) == b"\x69\x85"  # no MSE:Set AT yet
    assert chip.transmit(bytes.fromhex("002281A403800101")) == b"\x6a\x80"
    assert chip.transmit(b"\x00") == b"\x67\x00"


CARD_ACCESS_SIZE = len(card_access(Chip().info))


@pytest.mark.parametrize(
    ("behaviour", "max_le", "le", "status", "size"),
    [
        (ChipBehaviour(EndOfFile.SHORT_9000), 256, 256, 0x9000, CARD_ACCESS_SIZE),
        (ChipBehaviour(EndOfFile.WARNING_6282), 256, 256, 0x6282, CARD_ACCESS_SIZE),
        (ChipBehaviour(EndOfFile.WARNING_6282), 256, CARD_ACCESS_SIZE, 0x9000, CARD_ACCESS_SIZE),
        (ChipBehaviour(EndOfFile.REFUSED_6700), 256, 256, 0x6700, 0),
        (ChipBehaviour(EndOfFile.EXACT_LE_6CXX), 256, 256, 0x6C00 | CARD_ACCESS_SIZE, 0),
        (ChipBehaviour(), 0xDF, 0xE7, 0x6700, 0),
        (ChipBehaviour(too_large_le=TooLargeLe.EXACT_LE_6CXX), 0xDF, 0xE7, 0x6CDF, 0),
        (ChipBehaviour(EndOfFile.WARNING_6282, answer_size=7), 256, 256, 0x9000, 7),
    ],
)
def test_each_read_behaviour_answers_as_switched(
    behaviour: ChipBehaviour, max_le: int, le: int, status: int, size: int
) -> None:
    chip = Chip(can=CAN, behaviour=behaviour, max_le=max_le)
    answer = exchange(chip, CommandApdu(0x00, 0xB0, 0x9C, 0x00, le=le))
    assert answer.status == StatusWord(status) and len(answer.data) == size


def test_a_slow_chip_takes_its_time_per_apdu() -> None:
    chip = Chip(can=CAN, behaviour=ChipBehaviour(seconds_per_apdu=0.05))
    started = time.perf_counter()
    exchange(chip, CommandApdu(0x00, 0xB0, 0x9C, 0x00, le=256))
    assert time.perf_counter() - started >= 0.05
