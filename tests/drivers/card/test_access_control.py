"""PACE and BAC end to end against the in-process chip, with random keys on both sides."""

from __future__ import annotations

import pytest

from drivers.card import bac, pace, tlv
from drivers.card.apdu import CommandApdu, SecurityStatusError
from drivers.card.cipher import CipherSuite
from drivers.card.errors import AccessControlError, CardProblem, TlvError, UnsupportedError
from drivers.card.sm import SecureChannel

from .chip import EF_COM, Chip, card_access

GM = pace.ID_PACE_ECDH_GM
CAN = "345678"  # CCCD: last 6 digits of the 12-digit ID


def read_ef_com(channel: SecureChannel) -> bytes:
    channel.send(CommandApdu(0x00, 0xA4, 0x02, 0x0C, bytes.fromhex("011E"))).require_success()
    header = channel.send(CommandApdu(0x00, 0xB0, 0x00, 0x00, le=4)).require_success()
    size = tlv.read_header(header).total_size
    rest = channel.send(CommandApdu(0x00, 0xB0, 0x00, 0x04, le=size - 4)).require_success()
    return header + rest


@pytest.mark.parametrize("parameter_id", [12, 13], ids=["P-256", "brainpoolP256r1"])
@pytest.mark.parametrize("cipher", ["1", "2", "3", "4"], ids=[s.name for s in CipherSuite])
def test_pace_with_can_opens_the_chip(parameter_id: int, cipher: str) -> None:
    info = pace.PaceInfo(f"{GM}.{cipher}", 2, parameter_id)
    chip = Chip(can=CAN, info=info)
    [parsed] = pace.parse_card_access(card_access(info))
    result = pace.establish(chip, pace.PacePassword.can(CAN), parsed)
    assert result.session.keys.suite is info.suite
    assert read_ef_com(SecureChannel(chip, result.session)) == EF_COM


def test_wrong_can_is_access_denied() -> None:
    info = pace.PaceInfo(f"{GM}.2", 2, 13)
    with pytest.raises(SecurityStatusError) as denied:
        pace.establish(Chip(can=CAN, info=info), pace.PacePassword.can("000000"), info)
    assert denied.value.problem is CardProblem.ACCESS_DENIED


def test_bac_with_random_nonces_opens_the_chip() -> None:
    mrz_info = bac.mrz_information("123456789", "900101", "300101")
    chip = Chip(mrz_info=mrz_info)
    result = bac.authenticate(chip, mrz_info)
    assert read_ef_com(SecureChannel(chip, result.session)) == EF_COM


def test_bac_with_a_wrong_birth_date_is_access_denied() -> None:
    chip = Chip(mrz_info=bac.mrz_information("123456789", "900101", "300101"))
    with pytest.raises(AccessControlError):
        bac.authenticate(chip, bac.mrz_information("123456789", "900102", "300101"))


def test_card_access_with_several_infos_prefers_aes_128() -> None:
    infos = [
        pace.PaceInfo(f"{GM}.1", 2, 13),
        pace.PaceInfo(f"{GM}.2", 2, 12),
        pace.PaceInfo(f"{pace.ID_PACE}.1.2", 2, 0),  # DH-GM: not supported
        pace.PaceInfo(f"{GM}.2", 2, 14),  # brainpoolP320r1: not supported
    ]
    assert pace.choose(infos) == infos[1]
    with pytest.raises(UnsupportedError):
        pace.choose([infos[2], infos[3]])


def test_card_access_skips_other_security_infos() -> None:
    chip_authentication = tlv.encode(
        0x30,
        tlv.encode(0x06, tlv.encode_oid("0.4.0.127.0.7.2.2.3.2.4"))
        + tlv.encode(0x02, b"\x01")
        + tlv.encode(0x02, b"\x01"),
    )
    domain_parameters = tlv.encode(
        0x30,
        tlv.encode(0x06, tlv.encode_oid(GM)) + tlv.encode(0x30, tlv.encode(0x06, b"\x2a")),
    )
    info = pace.PaceInfo(f"{GM}.2", 2, 13)
    pace_info = tlv.parse_single(card_access(info)).value
    data = tlv.encode(0x31, chip_authentication + domain_parameters + pace_info)
    assert pace.parse_card_access(data) == [info]


@pytest.mark.parametrize(
    "data",
    [
        "",
        "30 00",  # not a SET
        "31 03 02 01 01",  # an INTEGER where a SecurityInfo belongs
        "31 02 30 00",  # SecurityInfo without OID
        "31 0E 30 0C 06 0A 04 00 7F 00 07 02 02 04 02 02",  # PACEInfo without version
        "31 11 30 0F 06 0A 04 00 7F 00 07 02 02 04 02 02 04 01 02",  # version not an INTEGER
        "31 11 30 0F 06 0A 04 00 7F 00 07 02 02 04 02 02 02 01 FF",  # negative version
        "31 10 30 0F 06 0A 04 00 7F 00 07 02 02 04 02 02 02 01 02",  # truncated
    ],
)
def test_malformed_card_access_is_a_tlv_error(data: str) -> None:
    with pytest.raises(TlvError):
        pace.parse_card_access(bytes.fromhex(data.replace(" ", "")))
