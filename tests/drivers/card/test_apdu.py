"""Command encoding in every ISO 7816-4 case, and status words as typed results."""

from __future__ import annotations

import pytest

from drivers.card.apdu import (
    CommandApdu,
    ResponseApdu,
    SecureMessagingStatusError,
    SecurityStatusError,
    StatusError,
    StatusWord,
    exchange,
)
from drivers.card.errors import AccessControlError, ApduError, CardProblem, SecureMessagingError

H = bytes.fromhex


@pytest.mark.parametrize(
    ("command", "encoded"),
    [
        (CommandApdu(0x00, 0xA4, 0x04, 0x0C, H("A0000002471001")), "00A4040C07A0000002471001"),
        (CommandApdu(0x00, 0x84, 0x00, 0x00, le=8), "0084000008"),
        (CommandApdu(0x00, 0xB0, 0x9C, 0x00, le=256), "00B09C0000"),
        (CommandApdu(0x00, 0x70, 0x00, 0x00), "00700000"),
        (CommandApdu(0x00, 0x86, 0x00, 0x00, H("7C00"), le=256), "00860000027C0000"),
        (CommandApdu(0x00, 0xB0, 0x00, 0x00, le=1000), "00B00000" + "0003E8"),
        (CommandApdu(0x00, 0xB0, 0x00, 0x00, le=65536), "00B00000" + "000000"),
        (CommandApdu(0x00, 0xB0, 0x00, 0x00, le=4, extended=True), "00B00000" + "000004"),
        (
            CommandApdu(0x00, 0xD6, 0x00, 0x00, bytes(300), le=2),
            "00D60000" + "00012C" + "00" * 300 + "0002",
        ),
    ],
)
def test_commands_encode_and_parse_back(command: CommandApdu, encoded: str) -> None:
    assert command.to_bytes() == H(encoded)
    parsed = CommandApdu.from_bytes(H(encoded))
    assert parsed.to_bytes() == H(encoded)
    assert (parsed.data, parsed.le) == (command.data, command.le)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cla": 0x100, "ins": 0, "p1": 0, "p2": 0},
        {"cla": 0, "ins": 0, "p1": 0, "p2": 0, "le": 0},
        {"cla": 0, "ins": 0, "p1": 0, "p2": 0, "le": 65537},
        {"cla": 0, "ins": 0, "p1": 0, "p2": 0, "data": bytes(65536)},
    ],
)
def test_impossible_commands_are_refused(kwargs: dict) -> None:
    with pytest.raises(ApduError):
        CommandApdu(**kwargs)


@pytest.mark.parametrize(
    "raw", ["", "00", "00A404", "00A4040C05AABB", "00A4040C0000", "00A4040C000005AA"]
)
def test_malformed_commands_do_not_parse(raw: str) -> None:
    with pytest.raises(ApduError):
        CommandApdu.from_bytes(H(raw))


def test_status_words_carry_their_meaning() -> None:
    assert StatusWord(0x9000).is_success
    assert StatusWord(0x6282).is_warning
    assert "end of file" in StatusWord(0x6282).meaning
    assert StatusWord(0x6C10).correct_le == 16
    assert StatusWord(0x6C00).correct_le == 256
    assert StatusWord(0x6110).bytes_available == 16
    for value in (0x6700, 0x6C20):
        assert StatusWord(value).is_wrong_length
    for value in (0x6A82, 0x6B00, 0x6282):
        assert not StatusWord(value).is_wrong_length
    assert StatusWord(0x6282).is_end_of_file and not StatusWord(0x6283).is_end_of_file
    assert StatusWord(0x6B00).is_offset_outside and StatusWord(0x6B05).is_offset_outside
    assert "not found" in StatusWord(0x6A82).meaning
    assert "P1-P2" in StatusWord(0x6A86).meaning
    assert "incorrect" in StatusWord(0x6988).meaning
    assert "missing" in StatusWord(0x6987).meaning
    assert "conditions" in StatusWord(0x6985).meaning
    assert "security status" in StatusWord(0x6982).meaning
    assert "2 tries" in StatusWord(0x63C2).meaning
    assert str(StatusWord(0x1234)) == "1234 (unknown status)"


def test_failing_status_words_raise_typed_errors() -> None:
    with pytest.raises(SecurityStatusError) as denied:
        ResponseApdu(b"", StatusWord(0x6982)).require_success("READ BINARY")
    assert isinstance(denied.value, AccessControlError)
    assert denied.value.problem is CardProblem.ACCESS_DENIED
    with pytest.raises(SecureMessagingStatusError) as lost:
        ResponseApdu(b"", StatusWord(0x6988)).require_success()
    assert isinstance(lost.value, SecureMessagingError)
    with pytest.raises(StatusError) as missing:
        ResponseApdu(b"", StatusWord(0x6A82)).require_success()
    assert missing.value.status.value == 0x6A82
    assert missing.value.problem is CardProblem.UNREADABLE
    assert ResponseApdu(H("AA"), StatusWord(0x9000)).require_success() == H("AA")


def test_responses_need_a_status_word() -> None:
    with pytest.raises(ApduError):
        ResponseApdu.from_bytes(H("90"))
    response = ResponseApdu.from_bytes(H("AABB9000"))
    assert (response.data, response.status.value) == (H("AABB"), 0x9000)


def test_exchange_sends_the_bytes_and_parses_the_answer() -> None:
    sent: list[bytes] = []

    class Card:
        def transmit(self, apdu: bytes) -> bytes:
            sent.append(apdu)
            return H("0102039000")

    answer = exchange(Card(), CommandApdu(0x00, 0x84, 0x00, 0x00, le=8))
    assert sent == [H("0084000008")]
    assert answer.data == H("010203")
