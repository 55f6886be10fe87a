"""Active authentication (DG15, INTERNAL AUTHENTICATE) against the in-process virtual chip."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.card import active_auth, tlv
from drivers.card.active_auth import (
    ActiveAuthKey,
    ActiveAuthKeyError,
    ActiveAuthStatus,
    UnsupportedKeyError,
    ecdsa_hash_from_dg14,
    parse_dg15,
    verify,
)
from drivers.card.apdu import CommandApdu
from drivers.card.cccd_reader import (
    CccdReader,
    ClonedChipError,
    ForgedChipError,
    ReadOptions,
    chunk_reads,
    expected_apdus,
)
from drivers.card.errors import CardProblem
from drivers.card.lds import data_group_file_id
from drivers.card.lds_builder import build_com, build_dg14, build_dg15
from drivers.card.passive_auth import PassiveAuthStatus
from drivers.card.virtual_chip import Chip, ChipFault

from .cccd_card import CccdCard, aa_key, make_card
from .test_cccd_reader import TODAY, Wiretap, chip_drops_session

COM = 0x011E
DG14 = data_group_file_id(14)
DG15 = data_group_file_id(15)
CHALLENGE = bytes.fromhex("0011223344556677")
WRONG = frozenset({ChipFault.WRONG_AA_SIGNATURE})


def read(card: CccdCard, transport: object | None = None, **options: object):  # type: ignore[no-untyped-def]
    reader = CccdReader(card.store, options=ReadOptions(**options))  # type: ignore[arg-type]
    return reader.read(transport or card.chip, card.keys, today=TODAY)  # type: ignore[arg-type]


def aa_apdus(card: CccdCard) -> int:
    """A first read of a chip with DG15 (DG14 too for EC): files, then one challenge."""
    sizes = [len(card.files[file_id]) for file_id in card.files if file_id != 0x011D]
    sizes.append(len(card.files[0x011D]))
    return 7 + sum(chunk_reads(size, 223) for size in sizes) + 1


@pytest.mark.parametrize(
    ("kind", "rsa_hash"),
    [("rsa-1024", "sha1"), ("rsa-2048", "sha256"), ("rsa-1024", "sha512")],
)
def test_rsa_active_authentication_passes(kind: str, rsa_hash: str) -> None:
    card = make_card(aa=aa_key(kind), aa_rsa_hash=rsa_hash)
    assert DG14 not in card.files  # RSA needs no DG14: its trailer names the hash
    result = read(card)
    assert result.active_auth is ActiveAuthStatus.PASSED
    assert result.verification.status is PassiveAuthStatus.VERIFIED
    assert result.verification.verified
    assert result.apdu_count == aa_apdus(card)
    assert "passed" in repr(result)


@pytest.mark.parametrize("ecdsa_hash", ["sha256", "sha384", "sha1"])
def test_ecdsa_active_authentication_passes_with_dg14s_hash(ecdsa_hash: str) -> None:
    card = make_card(aa=aa_key("ec-p256"), aa_ecdsa_hash=ecdsa_hash)
    assert DG14 in card.files
    result = read(card)
    assert result.active_auth is ActiveAuthStatus.PASSED
    assert result.apdu_count == aa_apdus(card)


@pytest.mark.parametrize("kind", ["rsa-1024", "ec-p256"])
def test_wrong_aa_signature_is_a_cloned_chip(kind: str) -> None:
    card = make_card(aa=aa_key(kind), faults=WRONG)
    with pytest.raises(ClonedChipError) as caught:
        read(card)
    assert caught.value.problem is CardProblem.FORGED
    assert isinstance(caught.value, ForgedChipError)  # the flow's forged path catches it


def test_chip_that_lists_dg15_but_refuses_the_challenge_fails() -> None:
    card = make_card(aa=aa_key("rsa-1024"))
    card.chip.aa_key = None  # a copy of the files on a chip without the key: 6D00
    with pytest.raises(ClonedChipError):
        read(card)


def test_chip_without_dg15_is_not_supported_and_gets_no_challenge() -> None:
    card = make_card()
    tap = Wiretap(card.chip)
    result = read(card, tap)
    assert result.active_auth is ActiveAuthStatus.NOT_SUPPORTED
    assert result.apdu_count == expected_apdus(card.sizes, 223)
    assert card.chip.commands == result.apdu_count  # no INTERNAL AUTHENTICATE went out


def test_switched_off_active_authentication_reads_no_dg15() -> None:
    card = make_card(aa=aa_key("ec-p256"), faults=WRONG)
    result = read(card, active_authentication=False)
    assert result.active_auth is ActiveAuthStatus.NOT_CHECKED
    assert result.apdu_count == expected_apdus(card.sizes, 223)


def test_tampered_dg15_is_forged_by_passive_authentication() -> None:
    card = make_card(aa=aa_key("ec-p256"))
    other = build_dg15(aa_key("rsa-1024").public_key())
    card.chip.files[DG15] = other  # the clone's own key: the SOD's hash does not match
    with pytest.raises(ForgedChipError) as caught:
        read(card)
    assert not isinstance(caught.value, ClonedChipError)


def test_dg15_dropped_from_ef_com_is_still_found_through_ef_sod() -> None:
    # EF.COM is not signed: a copy could hide DG15 there to dodge active authentication.
    card = make_card(aa=aa_key("ec-p256"), faults=WRONG)
    card.chip.files[COM] = build_com([1, 13])
    with pytest.raises(ClonedChipError):
        read(card)
    card.chip.reset()
    del card.chip.files[DG15]  # ... or leave DG15 out altogether
    with pytest.raises(ClonedChipError):
        read(card)


def test_genuine_chip_whose_ef_com_forgets_dg15_passes() -> None:
    card = make_card(aa=aa_key("rsa-1024"))
    card.chip.files[COM] = build_com([1, 13])
    result = read(card)
    assert result.active_auth is ActiveAuthStatus.PASSED
    assert result.apdu_count == aa_apdus(card)


def test_session_lost_on_the_challenge_is_reopened() -> None:
    card = make_card(aa=aa_key("ec-p256"))
    number = aa_apdus(card)  # the INTERNAL AUTHENTICATE
    tap = Wiretap(card.chip, {number: chip_drops_session(card.chip)})
    result = read(card, tap)
    assert result.active_auth is ActiveAuthStatus.PASSED
    # probe, PACE (5), SELECT application, the challenge again
    assert result.apdu_count == number + 1 + 5 + 1 + 1


def test_dg15_key_of_an_unsupported_type_is_not_supported_and_gets_no_challenge() -> None:
    card = make_card(aa=Ed25519PrivateKey.generate())  # type: ignore[arg-type]
    with pytest.raises(UnsupportedKeyError):
        parse_dg15(card.files[DG15])
    result = read(card)
    assert result.active_auth is ActiveAuthStatus.NOT_SUPPORTED
    assert result.verification.verified
    assert result.apdu_count == aa_apdus(card) - 1


# -- signatures and parsing, without a chip ---------------------------------------------------


@pytest.mark.parametrize("kind", ["rsa-1024", "rsa-2048", "ec-p256"])
def test_signature_over_another_challenge_does_not_verify(kind: str) -> None:
    private = aa_key(kind)
    key = ActiveAuthKey(private.public_key())
    signature = active_auth.sign(private, CHALLENGE)
    assert verify(key, CHALLENGE, signature)
    assert not verify(key, bytes(8), signature)
    assert not verify(key, CHALLENGE, signature[:-1])
    flipped = bytes([signature[0] ^ 0x01]) + signature[1:]
    assert not verify(key, CHALLENGE, flipped)


def test_ecdsa_hash_must_match_the_one_the_chip_used() -> None:
    private = aa_key("ec-p256")
    key = ActiveAuthKey(private.public_key())
    signature = active_auth.sign(private, CHALLENGE, ecdsa_hash="sha384")
    assert verify(key, CHALLENGE, signature, ecdsa_hash="sha384")
    assert not verify(key, CHALLENGE, signature)  # SHA-256 by default


def test_9796_2_representative_is_checked_field_by_field() -> None:
    private = aa_key("rsa-1024")
    assert isinstance(private, rsa.RSAPrivateKey)
    numbers = private.private_numbers()
    n, d = numbers.public_numbers.n, numbers.d
    key = ActiveAuthKey(private.public_key())

    def signed(representative: bytes) -> bytes:
        return pow(int.from_bytes(representative, "big"), d, n).to_bytes(128, "big")

    m1 = bytes(range(106))
    digest = hashlib.sha1(m1 + CHALLENGE).digest()
    assert verify(key, CHALLENGE, signed(b"\x6a" + m1 + digest + b"\xbc"))
    assert not verify(key, CHALLENGE, signed(b"\x4a" + m1 + digest + b"\xbc"))  # header
    assert not verify(key, CHALLENGE, signed(b"\x6a" + m1 + digest + b"\xbd"))  # trailer
    explicit = hashlib.sha256(m1[:-13] + CHALLENGE).digest()
    assert verify(key, CHALLENGE, signed(b"\x6a" + m1[:-13] + explicit + b"\x34\xcc"))
    assert not verify(key, CHALLENGE, signed(b"\x6a" + m1[:-13] + explicit + b"\x33\xcc"))


def test_dg14_active_authentication_info() -> None:
    assert ecdsa_hash_from_dg14(build_dg14(aa_hash="sha512")) == "sha512"
    no_aa = tlv.encode(0x6E, tlv.encode(0x31, b""))
    assert ecdsa_hash_from_dg14(no_aa) is None
    with pytest.raises(ActiveAuthKeyError):
        ecdsa_hash_from_dg14(tlv.encode(0x6F, b""))


def test_dg15_round_trip() -> None:
    for kind in ("rsa-1024", "ec-p256"):
        public = aa_key(kind).public_key()
        key = parse_dg15(build_dg15(public))
        assert key.public_key == public
        assert key.is_ec is isinstance(public, ec.EllipticCurvePublicKey)


# -- fuzzing: only typed errors ------------------------------------------------------------------

_FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_typed(parse: Callable[[bytes], object], data: bytes) -> None:
    with contextlib.suppress(ActiveAuthKeyError):
        parse(data)


@_FUZZ
@given(st.binary(max_size=400))
def test_fuzz_dg15_and_dg14_parsers_raise_only_typed_errors(data: bytes) -> None:
    _only_typed(parse_dg15, data)
    _only_typed(parse_dg15, tlv.encode(0x6F, data))
    _only_typed(ecdsa_hash_from_dg14, data)
    _only_typed(ecdsa_hash_from_dg14, tlv.encode(0x6E, tlv.encode(0x31, data)))


@_FUZZ
@given(st.data())
def test_fuzz_mutated_dg15_raises_only_typed_errors(data: st.DataObject) -> None:
    genuine = bytearray(
        build_dg15(aa_key(data.draw(st.sampled_from(["rsa-1024", "ec-p256"]))).public_key())
    )
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(genuine) - 1))
        genuine[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(genuine)))
    _only_typed(parse_dg15, bytes(genuine[:cut]))
    _only_typed(parse_dg15, bytes(genuine))


@_FUZZ
@given(
    st.sampled_from(["rsa-1024", "ec-p256"]),
    st.binary(max_size=300),
    st.binary(min_size=8, max_size=8),
)
def test_fuzz_aa_answers_verify_to_false_never_raise(
    kind: str, answer: bytes, challenge: bytes
) -> None:
    key = ActiveAuthKey(aa_key(kind).public_key())
    assert verify(key, challenge, answer) is False
    size = 128 if kind == "rsa-1024" else 64
    padded = answer[:size].rjust(size, b"\xff")  # the right length, arbitrary content
    assert verify(key, challenge, padded) is False


def test_chip_answers_internal_authenticate_only_under_secure_messaging() -> None:
    chip = Chip(aa_key=aa_key("ec-p256"))
    answer = chip.transmit(CommandApdu(0x00, 0x88, 0x00, 0x00, CHALLENGE, le=256).to_bytes())
    assert answer == bytes.fromhex("6982")
