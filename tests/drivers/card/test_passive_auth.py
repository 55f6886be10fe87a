"""Passive authentication end to end: an SOD signed by a test PKI, then each way it goes wrong."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from drivers.card import lds, passive_auth, sod, tlv
from drivers.card.errors import SodError
from drivers.card.lds_builder import build_dg1, build_dg13, cccd_files
from drivers.card.passive_auth import (
    CscaStore,
    CscaStoreError,
    Failure,
    PassiveAuthStatus,
    TrustProblem,
)
from drivers.card.sod_builder import DocumentSigner, KeyKind, RsaPadding, build_sod
from tests.drivers.card.holders import HOLDER
from tests.drivers.card.pki import (
    NOW,
    authority,
    authority_with_expired_signer,
    authority_with_explicit_parameters,
)

DG1 = build_dg1("IDVNM0790123453001079012345<<4" + "7903155M3903157VNM<<<<<<<<<<<0" + "<" * 30)
DG13 = build_dg13(HOLDER, issue_date=NOW.date(), expiry_date=None)
GROUPS = {1: DG1, 13: DG13}
HASHES = ["sha1", "sha224", "sha256", "sha384", "sha512"]


def check(
    sod_bytes: bytes, store: CscaStore, groups: dict[int, bytes] = GROUPS
) -> passive_auth.PassiveAuthResult:
    return passive_auth.verify(sod_bytes, groups, store, at=NOW)


def store_of(kind: KeyKind = KeyKind.EC_P256) -> CscaStore:
    return CscaStore([authority(kind).csca])


def signed(kind: KeyKind = KeyKind.EC_P256, **options: object) -> bytes:
    return build_sod(GROUPS, authority(kind).signer, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("hash_name", HASHES)
@pytest.mark.parametrize(
    ("kind", "padding"),
    [
        (KeyKind.EC_P256, RsaPadding.PKCS1V15),
        (KeyKind.RSA_2048, RsaPadding.PKCS1V15),
        (KeyKind.RSA_2048, RsaPadding.PSS),
    ],
)
def test_verified(kind: KeyKind, padding: RsaPadding, hash_name: str) -> None:
    result = check(signed(kind, hash_name=hash_name, rsa_padding=padding), store_of(kind))
    assert result == passive_auth.PassiveAuthResult(PassiveAuthStatus.VERIFIED)
    assert result.verified


def test_only_the_groups_read_are_checked() -> None:
    assert check(signed(), store_of(), {13: DG13}).verified


def test_sod_structure_is_what_icao_defines() -> None:
    parsed = sod.parse_sod(signed(hash_name="sha384", lds_version=None))
    assert parsed.content_type == sod.ID_LDS_SECURITY_OBJECT
    assert parsed.security_object.hash_algorithm.oid == "2.16.840.1.101.3.4.2.2"
    assert sorted(parsed.security_object.hashes) == [1, 13]
    assert parsed.security_object.lds_version is None
    assert sod.parse_sod(signed()).security_object.lds_version == "0108"
    assert len(parsed.certificates) == 1 and len(parsed.signers) == 1


def test_tampered_data_group_fails_on_its_hash() -> None:
    tampered = DG13.replace("Đức".encode(), "Đực".encode())
    result = check(signed(), store_of(), {1: DG1, 13: tampered})
    assert result.status is PassiveAuthStatus.FAILED
    assert result.failure is Failure.DATA_GROUP_HASH_MISMATCH
    assert result.detail == "DG13"


def test_data_group_missing_from_the_sod_fails() -> None:
    result = check(build_sod({1: DG1}, authority().signer), store_of())
    assert result.failure is Failure.DATA_GROUP_NOT_IN_SOD


@pytest.mark.parametrize("kind", list(KeyKind))
def test_tampered_signature_fails(kind: KeyKind) -> None:
    good = signed(kind)
    # The SOD ends with the signature's OCTET STRING: change its last byte.
    result = check(good[:-1] + bytes([good[-1] ^ 0x01]), store_of(kind))
    assert result.failure is Failure.SIGNATURE_INVALID


def test_hash_changed_inside_the_signed_content_fails_on_the_message_digest() -> None:
    good = signed()
    own_hash = sod.parse_sod(good).security_object.hashes[1]
    forged_groups = {1: DG1 + b"!", 13: DG13}
    forged = build_sod(forged_groups, authority().signer)
    new_hash = sod.parse_sod(forged).security_object.hashes[1]
    # Splice the forged hash into the genuine SOD: the data now matches, the signature doesn't.
    result = check(good.replace(own_hash, new_hash), store_of(), forged_groups)
    assert result.failure is Failure.MESSAGE_DIGEST_MISMATCH


def test_signed_by_someone_other_than_the_embedded_certificate_fails() -> None:
    impostor = DocumentSigner(
        authority().signer.certificate, authority(KeyKind.EC_P256, "Other").signer.private_key
    )
    result = check(build_sod(GROUPS, impostor), store_of())
    assert result.failure is Failure.SIGNATURE_INVALID


@pytest.mark.parametrize(
    "data", [b"", b"\x77\x00", b"\x30\x00", signed()[:-10], signed() + b"\x00"]
)
def test_malformed_sod_fails(data: bytes) -> None:
    result = check(data, store_of())
    assert result.failure is Failure.MALFORMED_SOD


def test_no_csca_or_the_wrong_one_leaves_the_data_intact_but_untrusted() -> None:
    for store in (CscaStore(), CscaStore([authority(KeyKind.RSA_2048, name="Other").csca])):
        result = check(signed(), store)
        assert result.status is PassiveAuthStatus.INTACT_SIGNER_NOT_TRUSTED
        assert result.trust_problem is TrustProblem.NO_MATCHING_CSCA
        assert not result.verified


def test_csca_with_the_same_name_but_another_key_is_not_trusted() -> None:
    # A different key under the same name: what a CSCA rollover (or an impostor CA) looks like.
    same_name = authority(KeyKind.RSA_2048, name="Test CSCA").csca
    result = check(signed(), CscaStore([same_name]))
    assert result.trust_problem is TrustProblem.CSCA_SIGNATURE_MISMATCH
    assert check(signed(), CscaStore([same_name, authority().csca])).verified


def test_expired_document_signer_is_intact_but_not_trusted() -> None:
    expired = authority_with_expired_signer()
    result = check(build_sod(GROUPS, expired.signer), CscaStore([expired.csca]))
    assert result.status is PassiveAuthStatus.INTACT_SIGNER_NOT_TRUSTED
    assert result.trust_problem is TrustProblem.SIGNER_NOT_VALID
    # ...and the same chain was fine while the certificate was valid.
    two_years_ago = NOW - timedelta(days=2 * 365)
    assert passive_auth.verify(
        build_sod(GROUPS, expired.signer), GROUPS, CscaStore([expired.csca]), at=two_years_ago
    ).verified


def test_csca_outside_its_validity_is_not_trusted() -> None:
    later = NOW + timedelta(days=6 * 365)
    result = passive_auth.verify(signed(), GROUPS, store_of(), at=later)
    assert result.trust_problem is TrustProblem.CSCA_NOT_VALID


def test_date_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError, match="timezone"):
        passive_auth.verify(signed(), GROUPS, store_of(), at=datetime(2026, 1, 1))


def test_csca_folder_takes_pem_bundles_and_der_and_ignores_other_files(tmp_path: Path) -> None:
    ec_csca, rsa_csca, other = (
        authority().csca,
        authority(KeyKind.RSA_2048).csca,
        authority(name="Other").csca,
    )
    (tmp_path / "bundle.pem").write_bytes(
        ec_csca.public_bytes(Encoding.PEM) + other.public_bytes(Encoding.PEM)
    )
    (tmp_path / "rsa.CER").write_bytes(rsa_csca.public_bytes(Encoding.DER))
    (tmp_path / "README.txt").write_text("not a certificate")
    store = CscaStore.from_folder(tmp_path)
    assert len(store.certificates) == 3
    assert check(signed(KeyKind.RSA_2048), store).verified


def test_empty_csca_folder_trusts_nobody(tmp_path: Path) -> None:
    result = check(signed(), CscaStore.from_folder(tmp_path))
    assert result.trust_problem is TrustProblem.NO_MATCHING_CSCA


def test_broken_file_in_the_csca_folder_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "broken.der").write_bytes(b"\x30\x03\x02\x01\x01")
    with pytest.raises(CscaStoreError, match=r"broken\.der"):
        CscaStore.from_folder(tmp_path)


def test_parse_errors_are_sod_errors() -> None:
    with pytest.raises(SodError):
        sod.parse_sod(tlv.encode(0x77, tlv.encode(0x30, tlv.encode(0x06, tlv.encode_oid("1.2.3")))))


# --- an SOD made by another implementation: OpenSSL's CMS --------------------------------------

OPENSSL = shutil.which("openssl")


def openssl_sod(tmp_path: Path, kind: KeyKind, *options: str) -> bytes:
    signer = authority(kind).signer
    key = signer.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    (tmp_path / "ds.pem").write_bytes(signer.certificate.public_bytes(Encoding.PEM))
    (tmp_path / "ds.key").write_bytes(key)
    content = sod.parse_sod(signed(kind)).content  # the LDS security object over GROUPS
    (tmp_path / "content.der").write_bytes(content)
    command = [
        OPENSSL or "openssl",
        "cms",
        "-sign",
        "-binary",
        "-nodetach",
        "-outform",
        "DER",
        "-econtent_type",
        sod.ID_LDS_SECURITY_OBJECT,
        "-in",
        str(tmp_path / "content.der"),
        "-signer",
        str(tmp_path / "ds.pem"),
        "-inkey",
        str(tmp_path / "ds.key"),
        *options,
    ]
    return tlv.encode(0x77, subprocess.run(command, check=True, capture_output=True).stdout)


@pytest.mark.skipif(OPENSSL is None, reason="openssl command not installed")
@pytest.mark.parametrize(
    ("kind", "options"),
    [
        (KeyKind.EC_P256, ("-md", "sha384")),
        (KeyKind.EC_P256, ("-md", "sha256", "-keyid")),  # signer named by its key identifier
        (KeyKind.EC_P256, ("-md", "sha256", "-noattr")),  # signature over the content itself
        (KeyKind.RSA_2048, ("-md", "sha512")),
        (KeyKind.RSA_2048, ("-md", "sha256", "-keyopt", "rsa_padding_mode:pss")),
    ],
)
def test_sod_made_by_openssl_verifies(
    tmp_path: Path, kind: KeyKind, options: tuple[str, ...]
) -> None:
    made = openssl_sod(tmp_path, kind, *options)
    assert check(made, store_of(kind)).verified
    assert check(made, store_of(kind), {1: DG1 + b"x"}).failure is Failure.DATA_GROUP_HASH_MISMATCH


def test_now_is_the_default_date() -> None:
    assert passive_auth.verify(signed(), GROUPS, store_of()).verified
    assert datetime.now(UTC) - NOW < timedelta(hours=1)


def test_files_for_the_virtual_chip_pass_passive_authentication() -> None:
    files = cccd_files(HOLDER, authority().signer, issue_date=NOW.date(), expiry_date=None)
    assert sorted(files) == [0x0101, 0x010D, 0x011D, 0x011E]
    assert lds.parse_com(files[0x011E]).data_groups == (1, 13)
    assert lds.parse_dg1(files[0x0101]).citizen_id == "001079012345"
    groups = {1: files[0x0101], 13: files[0x010D]}
    assert check(files[0x011D], store_of(), groups).verified


@pytest.mark.parametrize("hash_name", ["sha256", "sha512"])
def test_plain_ecdsa_signatures_of_bsi_tr_03111_verify(hash_name: str) -> None:
    plain = signed(hash_name=hash_name, plain_ecdsa=True)
    assert sod.parse_sod(plain).signers[0].signature_algorithm.oid.startswith("0.4.0.127.0.7")
    assert len(sod.parse_sod(plain).signers[0].signature) == 64
    assert check(plain, store_of()).verified
    tampered = plain[:-1] + bytes([plain[-1] ^ 0x01])
    assert check(tampered, store_of()).failure is Failure.SIGNATURE_INVALID


def test_unknown_hash_algorithm_is_unsupported() -> None:
    sha256 = tlv.encode_oid("2.16.840.1.101.3.4.2.1")
    unknown = tlv.encode_oid("2.16.840.1.101.3.4.2.9")
    result = check(signed().replace(sha256, unknown), store_of())
    assert result.failure is Failure.UNSUPPORTED_ALGORITHM


def test_keys_with_explicit_ec_parameters_verify() -> None:
    # ICAO test cards (and some issuers) spell the curve out instead of naming it.
    explicit = authority_with_explicit_parameters()
    named_p256 = tlv.encode(0x06, tlv.encode_oid("1.2.840.10045.3.1.7"))
    for certificate in (explicit.csca, explicit.signer.certificate):
        assert named_p256 not in certificate.public_bytes(Encoding.DER)
    made = build_sod(GROUPS, explicit.signer)
    assert check(made, CscaStore([explicit.csca])).verified
    assert check(made, CscaStore([explicit.csca]), {1: DG1 + b"x"}).failure is (
        Failure.DATA_GROUP_HASH_MISMATCH
    )
    named = authority(KeyKind.EC_P256, "Explicit CSCA").csca  # same name and key, named curve
    assert check(made, CscaStore([named])).verified
