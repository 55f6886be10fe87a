"""ICAO Doc 9303 part 11, appendix G.1: PACE ECDH generic mapping on brainpoolP256r1."""

from __future__ import annotations

import pytest

from drivers.card import bac, pace
from drivers.card.apdu import CommandApdu, ResponseApdu, StatusWord
from drivers.card.cipher import CipherSuite, SessionKeys, cbc_decrypt
from drivers.card.ec import BRAINPOOL_P256R1 as CURVE
from drivers.card.errors import AccessControlError
from drivers.card.sm import SecureChannel, SecureMessaging

from .scripted import ScriptedCard

H = bytes.fromhex

CARD_ACCESS = H("31143012060A04007F0007020204020202010202010D")
MRZ_INFO = bac.mrz_information("T22000129", "640812", "101031")
NONCE_Z = "95A3A016522EE98D01E76CB6B98B42C3"
SK_MAP_IFD = 0x7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99
PK_MAP_IFD = (
    "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
)
SK_MAP_IC = 0x498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560
PK_MAP_IC = (
    "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
)
SHARED_H = (
    "0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"
    "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181"
)
MAPPED_G = (
    "048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"
    "8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"
)
SK_DH_IFD = 0xA73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595
PK_DH_IFD = (
    "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
)
SK_DH_IC = 0x107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A
PK_DH_IC = (
    "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
)
SHARED_SECRET = H("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
KS_ENC = H("F5F0E35C0D7161EE6724EE513A0D9A7F")
KS_MAC = H("FE251C7858B356B24514B3BD5F4297D1")
T_IFD = "C2B0BD78D94BA866"
T_IC = "3ABB9674BCE93C08"


def transcript(mse_set_at: str) -> list[tuple[str, str]]:
    return [
        (mse_set_at, "9000"),
        ("10860000027C0000", "7C128010" + NONCE_Z + "9000"),
        ("10860000457C438141" + PK_MAP_IFD + "00", "7C438241" + PK_MAP_IC + "9000"),
        ("10860000457C438341" + PK_DH_IFD + "00", "7C438441" + PK_DH_IC + "9000"),
        ("008600000C7C0A8508" + T_IFD + "00", "7C0A8608" + T_IC + "9000"),
    ]


def _keys(*values: int) -> pace.PrivateKeySource:
    remaining = iter(values)
    return lambda _curve: next(remaining)


def test_card_access_names_ecdh_gm_aes128_on_brainpool() -> None:
    [info] = pace.parse_card_access(CARD_ACCESS)
    assert info == pace.PaceInfo("0.4.0.127.0.7.2.2.4.2.2", 2, 13)
    assert info.suite is CipherSuite.AES128
    assert info.curve is CURVE
    assert pace.choose([info]) is info


def test_password_key_and_nonce() -> None:
    password = pace.PacePassword.mrz(MRZ_INFO)
    assert MRZ_INFO == "T22000129364081251010318"
    assert password.secret == H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD")
    key = password.key(CipherSuite.AES128)
    assert key == H("89DED1B26624EC1E634C1989302849DD")
    assert cbc_decrypt(CipherSuite.AES128, key, H(NONCE_Z)) == H("3F00C4D39D153F2B2A214A078D899B22")


def test_mapping_points_and_generator() -> None:
    nonce = 0x3F00C4D39D153F2B2A214A078D899B22
    assert CURVE.encode(CURVE.multiply(SK_MAP_IFD, CURVE.generator)) == H(PK_MAP_IFD)
    assert CURVE.encode(CURVE.multiply(SK_MAP_IC, CURVE.generator)) == H(PK_MAP_IC)
    assert CURVE.encode(CURVE.multiply(SK_MAP_IFD, CURVE.decode(H(PK_MAP_IC)))) == H(SHARED_H)
    mapped = pace.map_generator(CURVE, nonce, SK_MAP_IFD, CURVE.decode(H(PK_MAP_IC)))
    assert CURVE.encode(mapped) == H(MAPPED_G)
    # The chip reaches the same generator from its own key.
    chip_side = pace.map_generator(CURVE, nonce, SK_MAP_IC, CURVE.decode(H(PK_MAP_IFD)))
    assert chip_side == mapped


def test_key_agreement_session_keys_and_tokens() -> None:
    mapped = CURVE.decode(H(MAPPED_G))
    assert CURVE.encode(CURVE.multiply(SK_DH_IFD, mapped)) == H(PK_DH_IFD)
    assert CURVE.encode(CURVE.multiply(SK_DH_IC, mapped)) == H(PK_DH_IC)
    assert pace.shared_secret(CURVE, SK_DH_IFD, CURVE.decode(H(PK_DH_IC))) == SHARED_SECRET
    assert pace.shared_secret(CURVE, SK_DH_IC, CURVE.decode(H(PK_DH_IFD))) == SHARED_SECRET
    keys = SessionKeys.derive(SHARED_SECRET, CipherSuite.AES128)
    assert (keys.enc, keys.mac) == (KS_ENC, KS_MAC)
    protocol = pace.ID_PACE_ECDH_GM + ".2"
    assert pace.authentication_token(keys, protocol, H(PK_DH_IC)) == H(T_IFD)
    assert pace.authentication_token(keys, protocol, H(PK_DH_IFD)) == H(T_IC)


@pytest.mark.parametrize(
    ("with_parameter_id", "mse_set_at"),
    [
        (False, "0022C1A40F800A04007F00070202040202830101"),
        (True, "0022C1A412800A04007F0007020204020283010184010D"),
    ],
)
def test_whole_exchange_reproduces_the_transcript(with_parameter_id: bool, mse_set_at: str) -> None:
    card = ScriptedCard(transcript(mse_set_at))
    [info] = pace.parse_card_access(CARD_ACCESS)
    result = pace.establish(
        card,
        pace.PacePassword.mrz(MRZ_INFO),
        info,
        with_parameter_id=with_parameter_id,
        private_keys=_keys(SK_MAP_IFD, SK_DH_IFD),
    )
    assert card.finished
    assert (result.session.keys.enc, result.session.keys.mac) == (KS_ENC, KS_MAC)
    assert result.session.ssc == 0
    assert result.chip_public_key == H(PK_DH_IC)


def test_a_wrong_chip_token_is_access_denied() -> None:
    steps = transcript("0022C1A40F800A04007F00070202040202830101")
    steps[-1] = (steps[-1][0], "7C0A8608" + "00" * 8 + "9000")
    [info] = pace.parse_card_access(CARD_ACCESS)
    with pytest.raises(AccessControlError):
        pace.establish(
            ScriptedCard(steps),
            pace.PacePassword.mrz(MRZ_INFO),
            info,
            private_keys=_keys(SK_MAP_IFD, SK_DH_IFD),
        )


def test_a_mapping_point_off_the_curve_is_refused() -> None:
    steps = transcript("0022C1A40F800A04007F00070202040202830101")[:3]
    off_curve = PK_MAP_IC[:-2] + "55"
    steps[2] = (steps[2][0], "7C438241" + off_curve + "9000")
    [info] = pace.parse_card_access(CARD_ACCESS)
    with pytest.raises(AccessControlError, match="not on"):
        pace.establish(
            ScriptedCard(steps),
            pace.PacePassword.mrz(MRZ_INFO),
            info,
            private_keys=_keys(SK_MAP_IFD, SK_DH_IFD),
        )


def test_aes_secure_messaging_after_pace_round_trips() -> None:
    """The first protected command after PACE: SSC 0, AES IV = E(KSenc, SSC)."""
    reader = SecureMessaging(SessionKeys(CipherSuite.AES128, KS_ENC, KS_MAC), 0)
    chip = SecureMessaging(SessionKeys(CipherSuite.AES128, KS_ENC, KS_MAC), 0)

    class Echo:
        def transmit(self, apdu: bytes) -> bytes:
            command = chip.unprotect_command(apdu)
            assert command == CommandApdu(0x00, 0xA4, 0x04, 0x0C, H("A0000002471001"))
            return chip.protect_response(ResponseApdu(b"", StatusWord(0x9000)))

    answer = SecureChannel(Echo(), reader).send(
        CommandApdu(0x00, 0xA4, 0x04, 0x0C, H("A0000002471001"))
    )
    assert answer.status.is_success
    assert reader.ssc == chip.ssc == 2
