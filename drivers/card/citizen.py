"""The card holder from a verified chip: DG13 by a known layout, or else DG1.

A DG13 is taken in a layout when the fields identifying the holder parse in it and agree
with DG1's MRZ (the same ID, birth date and sex, and a name that transliterates to the
MRZ's). A layout that puts other data where the kiosk expects the name or birth date
(a card generation whose layout is not published) fails that test instead of being
read wrong. With no layout fitting, the holder comes from the MRZ: the personal ID, the
name in capitals without diacritics, birth date and sex; `CitizenRecord.layout` is None.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence

from drivers.card.dg13 import KNOWN_LAYOUTS, CitizenRecord, Dg13Layout, parse_dg13
from drivers.card.errors import Dg13Error
from drivers.card.holder import CardHolder, PartialDate, Sex
from drivers.card.lds import Mrz, MrzSex

logger = logging.getLogger(__name__)

_MRZ_SEXES = {MrzSex.MALE: Sex.MALE, MrzSex.FEMALE: Sex.FEMALE}


def citizen_record(
    dg13: bytes, mrz: Mrz, layouts: Sequence[Dg13Layout] = KNOWN_LAYOUTS
) -> CitizenRecord:
    """The holder by the first layout that fits DG13 and agrees with the MRZ, else by DG1."""
    for layout in layouts:
        try:
            record = parse_dg13(dg13, layout)
        except Dg13Error as error:
            logger.info("DG13 is not in the %s layout: %s", layout.name, error)
            continue
        if disagreement := _disagreement(record.holder, mrz):
            logger.info("DG13 in the %s layout disagrees with DG1: %s", layout.name, disagreement)
            continue
        return record
    logger.info("DG13 in no known layout: the holder comes from DG1 (MRZ)")
    return CitizenRecord(holder=holder_from_mrz(mrz), layout=None)


def holder_from_mrz(mrz: Mrz) -> CardHolder:
    """ID, name (capitals, no diacritics), birth date and sex as DG1 gives them."""
    citizen_id = mrz.citizen_id
    if citizen_id is None:
        raise Dg13Error("neither DG13 nor DG1 gives the 12-digit personal ID")
    name = " ".join(f"{mrz.primary_name} {mrz.secondary_name}".split())
    return CardHolder(
        citizen_id=citizen_id,
        full_name=name or None,
        birth=_mrz_birth(mrz.birth_yymmdd, citizen_id),
        sex=_MRZ_SEXES.get(mrz.sex),
    )


def _mrz_birth(yymmdd: str, citizen_id: str) -> PartialDate | None:
    """The century comes from the ID's fourth digit (0/1: 1900s, 2/3: 2000s, ...)."""
    if not yymmdd[:2].isdigit():
        return None
    year = 1900 + 100 * (int(citizen_id[3]) // 2) + int(yymmdd[:2])
    month = int(yymmdd[2:4]) if yymmdd[2:4].isdigit() else None
    day = int(yymmdd[4:6]) if yymmdd[4:6].isdigit() and month else None
    try:
        birth = PartialDate(year, month, day)
        birth.as_date()  # a day that does not exist raises
    except ValueError:
        return None
    return birth


def mrz_letters(name: str) -> str:
    """A name as the MRZ spells it, letters only: Đ is D, diacritics go, capitals."""
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(char for char in plain.upper() if "A" <= char <= "Z")


def _disagreement(holder: CardHolder, mrz: Mrz) -> str:
    """What of DG13's holder contradicts the MRZ ("" when nothing does)."""
    if mrz.citizen_id not in (None, holder.citizen_id):
        return "personal ID"
    mrz_name = mrz_letters(mrz.primary_name + mrz.secondary_name)
    if mrz_name and not mrz_letters(holder.full_name or "").startswith(mrz_name):
        return "name"  # the MRZ may cut a long name short, never change it
    if holder.birth is not None and _yymmdd(holder.birth) != mrz.birth_yymmdd:
        return "birth date"
    if holder.birth is None and mrz.birth_yymmdd[:2].isdigit():
        return "birth date missing"
    if mrz.sex in _MRZ_SEXES and holder.sex is not _MRZ_SEXES[mrz.sex]:
        return "sex"
    return ""


def _yymmdd(birth: PartialDate) -> str:
    month = f"{birth.month:02d}" if birth.month else "<<"
    day = f"{birth.day:02d}" if birth.day else "<<"
    return f"{birth.year % 100:02d}{month}{day}"
