"""Virtual CCCD cards signed by a CSCA of their own: the demo's cards (and a test's).

The issuer makes its CSCA and document signer once (EC P-256: milliseconds), then turns any
card holder into a `Chip` holding EF.COM, DG1, DG13, DG14 and DG15 (an EC active authentication
key of its own) and an EF.SOD that passive authentication verifies against `csca_store`,
opened by PACE-CAN or BAC exactly like a real card. A `cloned` chip carries the genuine, signed
files but not the genuine key: only active authentication tells it apart. A `can_cuoc_2024`
card has the Căn cước's other DG13 layout (invented: see lds_builder); `behaviour` and `max_le`
make the chip answer reads as some real chips do.
"""

from __future__ import annotations

from datetime import date

from drivers.card.holder import CardHolder
from drivers.card.lds import data_group_file_id
from drivers.card.lds_builder import CAN_CUOC_2024_TEST_FIELDS, CCCD_FIELDS, cccd_files
from drivers.card.passive_auth import CscaStore
from drivers.card.sod_builder import IssuingAuthority, KeyKind, make_authority
from drivers.card.virtual_chip import PLAIN_CHIP, Chip, ChipBehaviour, ChipFault, new_aa_key


def bac_mrz_information(files: dict[int, bytes]) -> str:
    """Document number, birth and expiry with their check digits, cut from DG1's TD1 MRZ:
    the secret BAC keys derive from."""
    mrz = files[data_group_file_id(1)][-90:].decode("ascii")
    line1, line2 = mrz[:30], mrz[30:60]
    return line1[5:15] + line2[0:7] + line2[8:15]


class VirtualCccdIssuer:
    def __init__(self, *, kind: KeyKind = KeyKind.EC_P256, name: str = "Demo CSCA") -> None:
        self.authority: IssuingAuthority = make_authority(kind, name=name)

    @property
    def csca_store(self) -> CscaStore:
        return CscaStore([self.authority.csca])

    def chip(
        self,
        holder: CardHolder,
        *,
        issued: date,
        expires: date | None,
        cloned: bool = False,
        bac_only: bool = False,
        can_cuoc_2024: bool = False,
        old_id: str | None = None,
        behaviour: ChipBehaviour = PLAIN_CHIP,
        max_le: int = 256,
    ) -> Chip:
        """A chip for `holder` (who must have a 12-digit citizen ID and a full birth date)."""
        key = new_aa_key("ec-p256")
        files = cccd_files(
            holder,
            self.authority.signer,
            issue_date=issued,
            expiry_date=expires,
            aa_key=key.public_key(),
            old_id=old_id,
            dg13_layout=CAN_CUOC_2024_TEST_FIELDS if can_cuoc_2024 else CCCD_FIELDS,
        )
        return Chip(
            can=holder.citizen_id[-6:],
            mrz_info=bac_mrz_information(files),
            files=files,
            aa_key=key,
            faults=frozenset({ChipFault.WRONG_AA_SIGNATURE}) if cloned else frozenset(),
            pace_supported=not bac_only,
            behaviour=behaviour,
            max_le=max_le,
        )
