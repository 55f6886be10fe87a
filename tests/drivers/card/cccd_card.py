"""A virtual CCCD chip with signed files and the keys a kiosk would derive for it."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from drivers.card.active_auth import AaPrivateKey
from drivers.card.cccd_reader import CardKeys
from drivers.card.holder import CardHolder, PartialDate, Sex
from drivers.card.lds import data_group_file_id
from drivers.card.lds_builder import CCCD_FIELDS, cccd_files
from drivers.card.passive_auth import CscaStore
from drivers.card.virtual_cccd import bac_mrz_information
from drivers.card.virtual_chip import (
    DEFAULT_ATR,
    PLAIN_CHIP,
    Chip,
    ChipBehaviour,
    ChipFault,
    new_aa_key,
)
from tests.drivers.card.pki import authority

CITIZEN_ID = "001090012345"
BIRTH = date(1990, 5, 17)
ISSUE = date(2021, 3, 1)
EXPIRY = date(2030, 5, 17)  # the 40th birthday: the next renewal age after issue
# The order the reader goes through the files.
READ_ORDER = (0x011E, data_group_file_id(1), data_group_file_id(13), 0x011D)


def holder(citizen_id: str = CITIZEN_ID, birth: date = BIRTH) -> CardHolder:
    return CardHolder(
        citizen_id=citizen_id,
        full_name="Nguyễn Văn An",
        birth=PartialDate.from_date(birth),
        sex=Sex.MALE,
        residence="12 Phố Huế, Hai Bà Trưng, Hà Nội",
    )


@functools.cache
def aa_key(kind: str = "ec-p256") -> AaPrivateKey:
    """One active authentication key per kind for the whole test session (RSA is slow)."""
    return new_aa_key(kind)


@dataclass
class CccdCard:
    chip: Chip
    files: dict[int, bytes]
    keys: CardKeys
    store: CscaStore

    @property
    def sizes(self) -> list[int]:
        return [len(self.files[file_id]) for file_id in READ_ORDER]


def make_card(
    *,
    citizen_id: str = CITIZEN_ID,
    birth: date = BIRTH,
    issue: date = ISSUE,
    expiry: date | None = EXPIRY,
    max_le: int = 256,
    can: str | None = None,
    chip_type: type[Chip] = Chip,
    aa: AaPrivateKey | None = None,
    aa_rsa_hash: str = "sha1",
    aa_ecdsa_hash: str = "sha256",
    faults: frozenset[ChipFault] = frozenset(),
    atr: bytes = DEFAULT_ATR,
    atr_info: bytes | None = None,
    behaviour: ChipBehaviour = PLAIN_CHIP,
    bac_only: bool = False,
    dg13_layout: dict[str, int] = CCCD_FIELDS,
    old_id: str | None = None,
) -> CccdCard:
    """A CCCD; with `aa` its chip does active authentication (DG15, and DG14 for EC)."""
    files = cccd_files(
        holder(citizen_id, birth),
        authority().signer,
        issue_date=issue,
        expiry_date=expiry,
        aa_key=aa.public_key() if aa is not None else None,
        aa_hash=aa_ecdsa_hash,
        dg13_layout=dg13_layout,
        old_id=old_id,
    )
    chip = chip_type(
        can=can or citizen_id[-6:],
        mrz_info=bac_mrz_information(files),
        files=files,
        max_le=max_le,
        atr=atr,
        atr_info=atr_info,
        aa_key=aa,
        aa_rsa_hash=aa_rsa_hash,
        aa_ecdsa_hash=aa_ecdsa_hash,
        faults=faults,
        behaviour=behaviour,
        pace_supported=not bac_only,
    )
    keys = CardKeys(citizen_id, birth=birth, issue_date=issue)
    return CccdCard(chip, files, keys, CscaStore([authority().csca]))
