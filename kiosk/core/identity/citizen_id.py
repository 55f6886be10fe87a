"""Rules of the 12-digit personal ID number (số định danh cá nhân, the CCCD number).

Layout (Circular 07/2016/TT-BCA, art. 7): digits 1-3 the province of birth registration,
digit 4 century and sex, digits 5-6 the last two digits of the birth year, digits 7-12
a random serial. There is no check digit, so these rules are all a kiosk can verify.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from kiosk.core.domain import BirthDate, Sex
from kiosk.core.identity.errors import IdentityError, IdentityProblem, InvalidIdReason

# Province and city codes of birth registration, Annex 1 of Circular 07/2016/TT-BCA (the 63
# units before the 2025 mergers). Numbers already issued keep their code after a merger.
PROVINCE_CODES = MappingProxyType(
    {
        "001": "Hà Nội",
        "002": "Hà Giang",
        "004": "Cao Bằng",
        "006": "Bắc Kạn",
        "008": "Tuyên Quang",
        "010": "Lào Cai",
        "011": "Điện Biên",
        "012": "Lai Châu",
        "014": "Sơn La",
        "015": "Yên Bái",
        "017": "Hòa Bình",
        "019": "Thái Nguyên",
        "020": "Lạng Sơn",
        "022": "Quảng Ninh",
        "024": "Bắc Giang",
        "025": "Phú Thọ",
        "026": "Vĩnh Phúc",
        "027": "Bắc Ninh",
        "030": "Hải Dương",
        "031": "Hải Phòng",
        "033": "Hưng Yên",
        "034": "Thái Bình",
        "035": "Hà Nam",
        "036": "Nam Định",
        "037": "Ninh Bình",
        "038": "Thanh Hóa",
        "040": "Nghệ An",
        "042": "Hà Tĩnh",
        "044": "Quảng Bình",
        "045": "Quảng Trị",
        "046": "Thừa Thiên Huế",
        "048": "Đà Nẵng",
        "049": "Quảng Nam",
        "051": "Quảng Ngãi",
        "052": "Bình Định",
        "054": "Phú Yên",
        "056": "Khánh Hòa",
        "058": "Ninh Thuận",
        "060": "Bình Thuận",
        "062": "Kon Tum",
        "064": "Gia Lai",
        "066": "Đắk Lắk",
        "067": "Đắk Nông",
        "068": "Lâm Đồng",
        "070": "Bình Phước",
        "072": "Tây Ninh",
        "074": "Bình Dương",
        "075": "Đồng Nai",
        "077": "Bà Rịa – Vũng Tàu",
        "079": "TP Hồ Chí Minh",
        "080": "Long An",
        "082": "Tiền Giang",
        "083": "Bến Tre",
        "084": "Trà Vinh",
        "086": "Vĩnh Long",
        "087": "Đồng Tháp",
        "089": "An Giang",
        "091": "Kiên Giang",
        "092": "Cần Thơ",
        "093": "Hậu Giang",
        "094": "Sóc Trăng",
        "095": "Bạc Liêu",
        "096": "Cà Mau",
    }
)

# `str.isdigit` accepts other scripts' digits; the ID is ASCII only.
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")


def is_twelve_digits(text: str) -> bool:
    return _TWELVE_DIGITS.fullmatch(text) is not None


def century_sex_birth_year(number: str) -> tuple[Sex, int]:
    """Sex and birth year encoded in digits 4-6: 0/1 = male/female born 19xx, 2/3 20xx, ..."""
    if not is_twelve_digits(number):
        raise IdentityError(
            IdentityProblem.INVALID_ID,
            "expected exactly 12 ASCII digits",
            reason=InvalidIdReason.NOT_12_DIGITS,
        )
    code = int(number[3])
    sex = Sex.MALE if code % 2 == 0 else Sex.FEMALE
    return sex, 1900 + 100 * (code // 2) + int(number[4:6])


def validate_citizen_id(
    number: str, birth: BirthDate | None = None, sex: Sex | None = None
) -> None:
    """Raise IdentityError(INVALID_ID) unless `number` obeys the rules and agrees with birth/sex."""
    encoded_sex, encoded_year = century_sex_birth_year(number)
    if number[:3] not in PROVINCE_CODES:
        raise IdentityError(
            IdentityProblem.INVALID_ID,
            "digits 1-3 are not a province code",
            reason=InvalidIdReason.UNKNOWN_PROVINCE,
        )
    if birth is not None and birth.year != encoded_year:
        raise IdentityError(
            IdentityProblem.INVALID_ID,
            "digits 4-6 disagree with the birth year",
            reason=InvalidIdReason.BIRTH_YEAR_MISMATCH,
        )
    if sex is not None and sex is not encoded_sex:
        raise IdentityError(
            IdentityProblem.INVALID_ID,
            "digit 4 disagrees with the sex",
            reason=InvalidIdReason.SEX_MISMATCH,
        )
