"""The card holder the document-level tests build files for (MRZ, DG13, passive auth, fuzzing)."""

from __future__ import annotations

from drivers.card.holder import CardHolder, PartialDate, Sex

HOLDER = CardHolder(
    citizen_id="001079012345",
    full_name="Nguyễn Văn Đức",
    birth=PartialDate(1979, 3, 15),
    sex=Sex.MALE,
    residence="12 Phố Huế",
)
