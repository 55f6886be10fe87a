"""Secure messaging both ways, every cipher suite, and every broken response as a typed error."""

from __future__ import annotations

import pytest

from drivers.card import tlv
from drivers.card.apdu import CommandApdu, ResponseApdu, SecureMessagingStatusError, StatusWord
from drivers.card.cipher import CipherSuite, SessionKeys, pad, unpad
from drivers.card.errors import ApduError, MacError, SecureMessagingError
from drivers.card.sm import SecureMessaging

H = bytes.fromhex
SUITES = list(CipherSuite)


def pair(suite: CipherSuite, ssc: int = 0) -> tuple[SecureMessaging, SecureMessaging]:
    keys = SessionKeys.derive(b"shared secret", suite)
    return SecureMessaging(keys, ssc), SecureMessaging(keys, ssc)


COMMANDS = [
    CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E")),
    CommandApdu(0x00, 0xB0, 0x81, 0x00, le=4),
    CommandApdu(0x00, 0xB0, 0x00, 0x04, le=256),
    CommandApdu(0x00, 0xB1, 0x00, 0x00, H("54020100"), le=256),  # odd INS: DO'85'
    CommandApdu(0x00, 0xD6, 0x00, 0x00, bytes(range(200))),  # protected body > 255
    CommandApdu(0x00, 0xB0, 0x00, 0x00, le=1000),  # extended
    CommandApdu(0x00, 0xB0, 0x00, 0x00, le=4, extended=True),
    CommandApdu(0x00, 0x70, 0x00, 0x00),  # neither data nor Le
]


@pytest.mark.parametrize("suite", SUITES, ids=lambda suite: suite.name)
@pytest.mark.parametrize("command", COMMANDS, ids=range(len(COMMANDS)))
def test_commands_and_responses_round_trip(suite: CipherSuite, command: CommandApdu) -> None:
    reader, chip = pair(suite, ssc=(1 << (8 * suite.block_size)) - 1)  # also wraps the SSC
    protected = reader.protect(command)
    assert protected.cla == 0x0C
    assert not command.data or command.data not in protected.data  # encrypted
    assert chip.unprotect_command(protected.to_bytes()).to_bytes() == command.to_bytes()
    answer = ResponseApdu(bytes(range(223)), StatusWord(0x9000))
    raw = chip.protect_response(answer, odd_ins=bool(command.ins & 1))
    assert reader.unprotect(raw) == answer
    assert reader.ssc == chip.ssc == 1


def test_a_protected_error_status_is_an_ordinary_response() -> None:
    reader, chip = pair(CipherSuite.AES128)
    chip.unprotect_command(reader.protect(COMMANDS[0]).to_bytes())
    raw = chip.protect_response(ResponseApdu(b"", StatusWord(0x6A82)))
    assert reader.unprotect(raw).status.value == 0x6A82


@pytest.mark.parametrize("status", ["6987", "6988", "6982", "9000"])
def test_an_unprotected_answer_means_the_session_is_lost(status: str) -> None:
    reader, _ = pair(CipherSuite.TDES)
    reader.protect(COMMANDS[1])
    with pytest.raises(SecureMessagingStatusError) as lost:
        reader.unprotect(H(status))
    assert lost.value.status.value == int(status, 16)


def test_responses_out_of_step_fail_the_mac() -> None:
    reader, chip = pair(CipherSuite.AES128)
    chip.unprotect_command(reader.protect(COMMANDS[1]).to_bytes())
    stale = chip.protect_response(ResponseApdu(H("60145F01"), StatusWord(0x9000)))
    reader.unprotect(stale)
    reader.protect(COMMANDS[1])
    with pytest.raises(MacError):
        reader.unprotect(stale)  # a replayed answer carries an old SSC


def _protected_answer(objects: bytes, reader: SecureMessaging) -> bytes:
    """Answer with the given objects and a correct MAC for the reader's next SSC."""
    ssc = (reader.ssc + 1).to_bytes(reader.keys.suite.block_size, "big")
    mac = reader.keys.mac_of(ssc + objects)
    return objects + tlv.encode(0x8E, mac) + H("9000")


@pytest.mark.parametrize(
    ("objects", "reason"),
    [
        ("", "DO'99'"),
        ("99029000990290 00".replace(" ", ""), "repeated"),
        ("990290000101AA", "unexpected"),
        ("8702AA00990290 00".replace(" ", ""), "padding indicator"),
        ("870201AA99029000", "whole blocks"),
        ("990190", "two bytes"),
        ("85089999999999999999870901" + "00" * 8 + "99029000", "both"),
    ],
)
def test_malformed_protected_responses(objects: str, reason: str) -> None:
    reader, _ = pair(CipherSuite.TDES)
    reader.protect(COMMANDS[1])
    with pytest.raises(SecureMessagingError, match=reason):
        reader.unprotect(_protected_answer(H(objects), reader))


def test_mac_must_come_last_and_be_well_formed() -> None:
    reader, _ = pair(CipherSuite.TDES)
    reader.protect(COMMANDS[1])
    with pytest.raises(SecureMessagingError, match="not last"):
        reader.unprotect(H("8E08" + "00" * 8 + "990290009000"))
    reader.protect(COMMANDS[1])
    with pytest.raises(SecureMessagingError, match="malformed"):
        reader.unprotect(H("99059000" + "9000"))
    reader.protect(COMMANDS[1])
    with pytest.raises(MacError):
        reader.unprotect(H("990290008E04000000009000"))


def test_wrong_padding_after_decryption_is_refused() -> None:
    assert unpad(pad(b"abc", 8)) == b"abc"
    assert unpad(pad(b"", 16)) == b""
    with pytest.raises(SecureMessagingError):
        unpad(H("AABB000000000000"))
    with pytest.raises(SecureMessagingError):
        unpad(bytes(8))


def test_the_chip_side_refuses_tampered_or_unprotected_commands() -> None:
    reader, chip = pair(CipherSuite.AES128)
    protected = bytearray(reader.protect(COMMANDS[0]).to_bytes())
    protected[3] ^= 0x01  # P2 is covered by the MAC
    with pytest.raises(MacError):
        chip.unprotect_command(bytes(protected))
    with pytest.raises(SecureMessagingError, match="not protected"):
        chip.unprotect_command(COMMANDS[0].to_bytes())


def test_already_protected_commands_are_not_wrapped_twice() -> None:
    reader, _ = pair(CipherSuite.AES128)
    with pytest.raises(ApduError):
        reader.protect(CommandApdu(0x0C, 0xB0, 0x00, 0x00, le=4))


def test_keys_must_suit_the_cipher() -> None:
    with pytest.raises(ValueError):
        SessionKeys(CipherSuite.AES256, bytes(16), bytes(16))
    with pytest.raises(ValueError):
        SecureMessaging.from_ssc_bytes(SessionKeys.derive(b"k", CipherSuite.AES128), bytes(8))
