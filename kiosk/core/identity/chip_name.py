"""The name of a chip identity whose DG13 the kiosk could not read: DG1's MRZ gives it in
capitals without diacritics ("NGUYEN VAN AN"); the code the patient showed may carry it
with them ("Nguyễn Văn An"). The code's name is taken only when it belongs to the same ID
and spells the MRZ's name letter for letter, so the chip still vouches for every letter.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from kiosk.core.domain import Identity, IdentitySource, NameSource

_CODES_WITH_NAMES = frozenset({IdentitySource.CCCD_QR, IdentitySource.BHYT_QR})
MRZ_NAME_CHARS = 30  # a TD1 name line: longer names are cut at its end


def mrz_letters(name: str) -> str:
    """A name as an MRZ spells it, letters only: Đ is D, no diacritics, capitals."""
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(char for char in plain.upper() if "A" <= char <= "Z")


def with_code_name(chip: Identity, presented: Identity | None) -> Identity:
    """`chip`, with the code's name when the chip's name is the MRZ's and the two agree."""
    if chip.name_source is not NameSource.CHIP_MRZ or presented is None:
        return chip
    name = presented.full_name
    if (
        presented.source not in _CODES_WITH_NAMES
        or presented.citizen_id != chip.citizen_id
        or not name
        or not chip.full_name
        or not _spells(name, chip.full_name)
    ):
        return chip
    return replace(chip, full_name=name, name_source=NameSource.QR_CODE)


def _spells(name: str, mrz_name: str) -> bool:
    letters, mrz = mrz_letters(name), mrz_letters(mrz_name)
    if letters == mrz:
        return True
    # "NGUYEN VAN AN" was "NGUYEN<<VAN<AN": one character more than with single spaces.
    cut_short = len(mrz_name) + 1 >= MRZ_NAME_CHARS
    return cut_short and bool(mrz) and letters.startswith(mrz)
