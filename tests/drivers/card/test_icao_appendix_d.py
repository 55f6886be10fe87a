"""ICAO Doc 9303 part 11, appendix D: BAC and 3DES secure messaging, byte for byte."""

from __future__ import annotations

import pytest

from drivers.card import bac
from drivers.card.apdu import CommandApdu, ResponseApdu, StatusWord
from drivers.card.cipher import KDF_ENC, KDF_MAC, CipherSuite, kdf
from drivers.card.errors import AccessControlError, MacError
from drivers.card.sm import SecureChannel

from .scripted import ScriptedCard

H = bytes.fromhex

MRZ_INFO = "L898902C<369080619406236"
RND_IC = H("4608F91988702212")
RND_IFD = H("781723860C06C226")
K_IFD = H("0B795240CB7049B01C19B33E32804F0B")
K_IC = H("0B4F80323EB3191CB04970CB4052790B")
EXTERNAL_AUTHENTICATE = (
    "008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728"
)
CHIP_ANSWER = "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D74499000"
KS_ENC = H("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = H("F1CB1F1FB5ADF208806B89DC579DC1F8")
SSC = H("887022120C06C226")

# D.4: SELECT EF.COM, READ BINARY of 4 bytes, READ BINARY of the remaining 18.
SM_STEPS = [
    (
        "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800",
        "990290008E08FA855A5D4C50A8ED9000",
    ),
    (
        "0CB000000D9701048E08ED6705417E96BA5500",
        "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000",
    ),
    (
        "0CB000040D9701128E082EA28A70F3C7B53500",
        "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000",
    ),
]


def _keys_from(random_values: list[bytes]) -> bac.RandomBytes:
    """random_bytes for bac.authenticate: RND.IFD then K.IFD, as in the appendix."""
    values = iter(random_values)

    def random_bytes(size: int) -> bytes:
        value = next(values)
        assert len(value) == size
        return value

    return random_bytes


def test_mrz_information_and_check_digits() -> None:
    assert bac.mrz_information("L898902C", "690806", "940623") == MRZ_INFO
    # D.2's second example: a document number longer than 9 characters is used whole.
    assert bac.mrz_information("D23145890734", "340712", "950712") == "D23145890734934071279507122"
    assert bac.check_digit("L898902C<") == "3"


def test_document_basic_access_keys() -> None:
    assert bac.key_seed(MRZ_INFO) == H("239AB9CB282DAF66231DC5A4DF6BFBAE")
    keys = bac.document_basic_access_keys(MRZ_INFO)
    assert keys.enc == H("AB94FDECF2674FDFB9B391F85D7F76F2")
    assert keys.mac == H("7962D9ECE03D1ACD4C76089DCE131543")


def test_session_keys_from_key_seed() -> None:
    seed = bytes(a ^ b for a, b in zip(K_IFD, K_IC, strict=True))
    assert seed == H("0036D272F5C350ACAC50C3F572D23600")
    assert kdf(seed, KDF_ENC, CipherSuite.TDES) == KS_ENC
    assert kdf(seed, KDF_MAC, CipherSuite.TDES) == KS_MAC


def test_mutual_authentication_then_secure_messaging_of_ef_com() -> None:
    card = ScriptedCard(
        [("0084000008", RND_IC.hex() + "9000"), (EXTERNAL_AUTHENTICATE, CHIP_ANSWER), *SM_STEPS]
    )
    result = bac.authenticate(card, MRZ_INFO, random_bytes=_keys_from([RND_IFD, K_IFD]))
    assert result.k_ic == K_IC
    assert result.session.keys.enc == KS_ENC
    assert result.session.keys.mac == KS_MAC
    assert result.session.ssc_bytes == SSC

    channel = SecureChannel(card, result.session)
    selected = channel.send(CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    assert (selected.data, selected.status.value) == (b"", 0x9000)
    header = channel.send(CommandApdu(0x00, 0xB0, 0x00, 0x00, le=4))
    assert header.data == H("60145F01")
    rest = channel.send(CommandApdu(0x00, 0xB0, 0x00, 0x04, le=0x12))
    assert rest.data == H("04303130365F36063034303030305C026175")
    assert result.session.ssc_bytes == H("887022120C06C22C")
    assert card.finished


def test_chip_side_reproduces_the_appendix_messages() -> None:
    """The same session seen from the chip: it accepts the commands, answers identically."""
    chip = bac.session_from_keys(K_IFD, K_IC, RND_IC, RND_IFD)
    answers = [b"", H("60145F01"), H("04303130365F36063034303030305C026175")]
    for (command, response), data in zip(SM_STEPS, answers, strict=True):
        chip.unprotect_command(H(command))
        assert chip.protect_response(ResponseApdu(data, StatusWord(0x9000))) == H(response)


def test_a_flipped_bit_in_the_response_mac_is_a_mac_error() -> None:
    session = bac.session_from_keys(K_IFD, K_IC, RND_IC, RND_IFD)
    select, answer = SM_STEPS[0]
    tampered = bytearray(H(answer))
    tampered[-3] ^= 0x01
    card = ScriptedCard([(select, tampered.hex())])
    with pytest.raises(MacError):
        SecureChannel(card, session).send(CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E")))


def test_wrong_mrz_is_access_denied() -> None:
    card = ScriptedCard([("0084000008", RND_IC.hex() + "9000"), (EXTERNAL_AUTHENTICATE, "6300")])
    with pytest.raises(AccessControlError):
        bac.authenticate(card, MRZ_INFO, random_bytes=_keys_from([RND_IFD, K_IFD]))


def test_chip_answer_with_a_bad_mac_is_access_denied() -> None:
    answer = CHIP_ANSWER[:-6] + "009000"
    card = ScriptedCard([("0084000008", RND_IC.hex() + "9000"), (EXTERNAL_AUTHENTICATE, answer)])
    with pytest.raises(AccessControlError):
        bac.authenticate(card, MRZ_INFO, random_bytes=_keys_from([RND_IFD, K_IFD]))
