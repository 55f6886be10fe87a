"""What a BHYT check result code (maKetQua) means for the patient at the kiosk."""

from __future__ import annotations

from enum import Enum


class InsuranceStatus(Enum):
    """Patient-facing meaning of a result code; the UI words each one."""

    VALID = "valid"  # 000
    VALID_DEFENCE_POLICE = "valid_defence_police"  # 001, 002
    VALID_NEW_CARD_ISSUED = "valid_new_card_issued"  # 003, 004
    EXPIRED = "expired"  # 010
    CARD_NOT_FOUND = "card_not_found"  # 050-053
    NAME_MISMATCH = "name_mismatch"  # 060, 061
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"  # 070
    REVOKED = "revoked"  # 110
    TERMINATED = "terminated"  # 120-124
    CHILD_WITHOUT_CARD = "child_without_card"  # 130
    CHECK_FAILED = "check_failed"  # 100, 101, 500, 205, 401 and anything unknown
    NO_INSURANCE = "no_insurance"  # the hospital knows no card for the patient

    @property
    def accepted(self) -> bool:
        """Real kiosks accept 000-004 and send everything else to paid service or the counter."""
        return self in _ACCEPTED


_ACCEPTED = {
    InsuranceStatus.VALID,
    InsuranceStatus.VALID_DEFENCE_POLICE,
    InsuranceStatus.VALID_NEW_CARD_ISSUED,
}

_BY_CODE: dict[str, InsuranceStatus] = {
    "000": InsuranceStatus.VALID,
    "001": InsuranceStatus.VALID_DEFENCE_POLICE,
    "002": InsuranceStatus.VALID_DEFENCE_POLICE,
    "003": InsuranceStatus.VALID_NEW_CARD_ISSUED,
    "004": InsuranceStatus.VALID_NEW_CARD_ISSUED,
    "010": InsuranceStatus.EXPIRED,
    "050": InsuranceStatus.CARD_NOT_FOUND,
    "051": InsuranceStatus.CARD_NOT_FOUND,
    "052": InsuranceStatus.CARD_NOT_FOUND,
    "053": InsuranceStatus.CARD_NOT_FOUND,
    "060": InsuranceStatus.NAME_MISMATCH,
    "061": InsuranceStatus.NAME_MISMATCH,
    "070": InsuranceStatus.BIRTH_DATE_MISMATCH,
    "110": InsuranceStatus.REVOKED,
    "120": InsuranceStatus.TERMINATED,
    "121": InsuranceStatus.TERMINATED,
    "122": InsuranceStatus.TERMINATED,
    "123": InsuranceStatus.TERMINATED,
    "124": InsuranceStatus.TERMINATED,
    "130": InsuranceStatus.CHILD_WITHOUT_CARD,
}


def status_of(result_code: str | None) -> InsuranceStatus:
    """The status for a result code; None means the hospital has no card on record."""
    if result_code is None:
        return InsuranceStatus.NO_INSURANCE
    return _BY_CODE.get(result_code.strip(), InsuranceStatus.CHECK_FAILED)
