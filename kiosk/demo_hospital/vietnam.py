"""Vietnamese names, places and ID-number rules for synthetic demo patients.

Everything here is public knowledge (administrative unit codes, naming customs, the
layout of the 12-digit personal ID and of BHYT card numbers); no real person's data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta, timezone

from kiosk.core.domain import Sex

# Vietnam has one time zone and no daylight saving time.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")


@dataclass(frozen=True)
class Province:
    code: str  # 3-digit administrative code, the first digits of the personal ID
    name: str  # with "Thành phố"/"Tỉnh", as written in an address
    districts: tuple[tuple[str, tuple[str, ...]], ...]  # (district, its wards/communes)
    streets: tuple[str, ...]

    @property
    def insurance_code(self) -> str:
        """The 2-digit province part of a BHYT card number."""
        return self.code[1:]


PROVINCES: tuple[Province, ...] = (
    Province(
        "001",
        "Thành phố Hà Nội",
        (
            ("Quận Hoàn Kiếm", ("Phường Hàng Bạc", "Phường Tràng Tiền", "Phường Cửa Nam")),
            ("Quận Đống Đa", ("Phường Láng Hạ", "Phường Ô Chợ Dừa", "Phường Kim Liên")),
            ("Quận Cầu Giấy", ("Phường Dịch Vọng", "Phường Nghĩa Đô", "Phường Yên Hòa")),
            ("Huyện Gia Lâm", ("Xã Bát Tràng", "Thị trấn Trâu Quỳ")),
        ),
        ("Lý Thường Kiệt", "Láng Hạ", "Xuân Thủy", "Trần Duy Hưng", "Giải Phóng", "Kim Mã"),
    ),
    Province(
        "079",
        "Thành phố Hồ Chí Minh",
        (
            ("Quận 1", ("Phường Bến Nghé", "Phường Bến Thành", "Phường Đa Kao")),
            ("Quận 5", ("Phường 2", "Phường 9", "Phường 11")),
            ("Quận Bình Thạnh", ("Phường 13", "Phường 25")),
            ("Thành phố Thủ Đức", ("Phường Linh Trung", "Phường Thảo Điền")),
            ("Huyện Củ Chi", ("Xã Tân Thông Hội", "Thị trấn Củ Chi")),
        ),
        (
            "Nguyễn Trãi",
            "Lê Lợi",
            "Điện Biên Phủ",
            "Võ Văn Ngân",
            "Cách Mạng Tháng Tám",
            "Nguyễn Thị Minh Khai",
        ),
    ),
    Province(
        "048",
        "Thành phố Đà Nẵng",
        (
            ("Quận Hải Châu", ("Phường Thạch Thang", "Phường Hòa Cường Bắc")),
            ("Quận Sơn Trà", ("Phường An Hải Bắc", "Phường Mân Thái")),
            ("Quận Liên Chiểu", ("Phường Hòa Khánh Bắc",)),
            ("Huyện Hòa Vang", ("Xã Hòa Tiến",)),
        ),
        ("Bạch Đằng", "Nguyễn Văn Linh", "Lê Duẩn", "Ngô Quyền", "Tôn Đức Thắng"),
    ),
    Province(
        "031",
        "Thành phố Hải Phòng",
        (
            ("Quận Lê Chân", ("Phường An Biên", "Phường Dư Hàng Kênh")),
            ("Quận Ngô Quyền", ("Phường Máy Tơ", "Phường Lạch Tray")),
            ("Huyện Thủy Nguyên", ("Xã Lập Lễ",)),
        ),
        ("Lạch Tray", "Tô Hiệu", "Trần Nguyên Hãn", "Lê Thánh Tông"),
    ),
    Province(
        "092",
        "Thành phố Cần Thơ",
        (
            ("Quận Ninh Kiều", ("Phường Tân An", "Phường Xuân Khánh", "Phường An Hòa")),
            ("Quận Cái Răng", ("Phường Lê Bình",)),
            ("Huyện Phong Điền", ("Xã Nhơn Ái",)),
        ),
        ("30 Tháng 4", "Trần Hưng Đạo", "Mậu Thân", "Nguyễn Văn Cừ"),
    ),
    Province(
        "038",
        "Tỉnh Thanh Hóa",
        (
            ("Thành phố Thanh Hóa", ("Phường Điện Biên", "Phường Ba Đình")),
            ("Huyện Quảng Xương", ("Xã Quảng Ninh", "Thị trấn Tân Phong")),
            ("Huyện Hoằng Hóa", ("Xã Hoằng Đạo",)),
        ),
        ("Lê Lợi", "Bà Triệu", "Trần Phú"),
    ),
    Province(
        "040",
        "Tỉnh Nghệ An",
        (
            ("Thành phố Vinh", ("Phường Hưng Bình", "Phường Trường Thi")),
            ("Huyện Nghi Lộc", ("Xã Nghi Phong",)),
            ("Huyện Diễn Châu", ("Xã Diễn Kim",)),
        ),
        ("Quang Trung", "Lê Hồng Phong", "Nguyễn Du"),
    ),
    Province(
        "046",
        "Tỉnh Thừa Thiên Huế",
        (
            ("Thành phố Huế", ("Phường Phú Hội", "Phường Vĩnh Ninh", "Phường Tây Lộc")),
            ("Huyện Phú Vang", ("Xã Phú Thượng",)),
        ),
        ("Lê Lợi", "Hùng Vương", "Nguyễn Huệ", "Điện Biên Phủ"),
    ),
    Province(
        "074",
        "Tỉnh Bình Dương",
        (
            ("Thành phố Thủ Dầu Một", ("Phường Phú Cường", "Phường Hiệp Thành")),
            ("Thành phố Dĩ An", ("Phường Dĩ An", "Phường Đông Hòa")),
        ),
        ("Đại lộ Bình Dương", "Yersin", "Cách Mạng Tháng Tám"),
    ),
    Province(
        "075",
        "Tỉnh Đồng Nai",
        (
            ("Thành phố Biên Hòa", ("Phường Tân Phong", "Phường Trảng Dài")),
            ("Huyện Trảng Bom", ("Thị trấn Trảng Bom", "Xã Hố Nai 3")),
        ),
        ("Phạm Văn Thuận", "Đồng Khởi", "Võ Thị Sáu"),
    ),
    Province(
        "056",
        "Tỉnh Khánh Hòa",
        (
            ("Thành phố Nha Trang", ("Phường Lộc Thọ", "Phường Vĩnh Hải")),
            ("Huyện Diên Khánh", ("Xã Diên An",)),
        ),
        ("Trần Phú", "Thống Nhất", "Yersin"),
    ),
    Province(
        "022",
        "Tỉnh Quảng Ninh",
        (
            ("Thành phố Hạ Long", ("Phường Hồng Gai", "Phường Bãi Cháy")),
            ("Thành phố Cẩm Phả", ("Phường Cẩm Trung",)),
        ),
        ("Hạ Long", "Nguyễn Văn Cừ", "Lê Thánh Tông"),
    ),
)

# Roughly how common each family name is; Hoàng/Huỳnh and Vũ/Võ are regional twins.
_FAMILY_NAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 3),
    ("Huỳnh", 2),
    ("Phan", 4),
    ("Vũ", 2),
    ("Võ", 2),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 1),
    ("Ngô", 1),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Trương", 1),
)
_MIDDLE_NAMES = {
    Sex.MALE: ("Văn", "Văn", "Hữu", "Minh", "Đức", "Quốc", "Thanh", "Công", "Gia", "Xuân"),
    Sex.FEMALE: ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mai", "Bảo", "Phương"),
}
_GIVEN_NAMES = {
    Sex.MALE: (
        "An", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khánh",
        "Khoa", "Lâm", "Long", "Minh", "Nam", "Phong", "Phúc", "Quang", "Sơn", "Tài",
        "Tâm", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt", "Vinh",
    ),
    Sex.FEMALE: (
        "An", "Anh", "Châu", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
        "Hoa", "Hương", "Lan", "Linh", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh",
        "Phương", "Quyên", "Thảo", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Yến",
    ),
}  # fmt: skip


def random_name(rng: random.Random, sex: Sex) -> str:
    family = rng.choices([n for n, _ in _FAMILY_NAMES], [w for _, w in _FAMILY_NAMES])[0]
    middle = rng.choice(_MIDDLE_NAMES[sex])
    if rng.random() < 0.15:  # e.g. "Nguyễn Thị Thu Hà"
        middle = f"{middle} {rng.choice(_MIDDLE_NAMES[sex][3:])}"
    return f"{family} {middle} {rng.choice(_GIVEN_NAMES[sex])}"


def random_province(rng: random.Random) -> Province:
    # The two big cities dominate the patient mix of a city hospital.
    weights = [6 if p.code in ("001", "079") else 1 for p in PROVINCES]
    return rng.choices(PROVINCES, weights)[0]


def random_address(rng: random.Random, province: Province) -> str:
    district, wards = rng.choice(province.districts)
    ward = rng.choice(wards)
    if ward.startswith("Xã"):
        street_part = f"Thôn {rng.randint(1, 12)}"
    elif rng.random() < 0.3:
        lane = f"Số {rng.randint(1, 60)} ngõ {rng.randint(2, 300)}"
        street_part = f"{lane} {rng.choice(province.streets)}"
    else:
        street_part = f"{rng.randint(1, 450)} {rng.choice(province.streets)}"
    return f"{street_part}, {ward}, {district}, {province.name}"


def citizen_id(province_code: str, birth_year: int, sex: Sex, serial: int) -> str:
    """The 12-digit personal ID: province of birth registration, century+sex, year, serial.

    Digit 4 is 0/1 (male/female) for births in 1900-1999, 2/3 for 2000-2099.
    """
    if not 1900 <= birth_year <= 2099:
        raise ValueError("birth year outside 1900-2099")
    if not 0 <= serial <= 999_999:
        raise ValueError("serial outside 0-999999")
    century = 0 if birth_year < 2000 else 2
    century_sex = century + (1 if sex is Sex.FEMALE else 0)
    return f"{province_code}{century_sex}{birth_year % 100:02d}{serial:06d}"


def insurance_number(group: str, benefit: int, province: Province, social_number: int) -> str:
    """A 15-character BHYT card number: group code, benefit level, province, SI number."""
    if len(group) != 2 or not group.isalpha() or not 1 <= benefit <= 5:
        raise ValueError("group code must be 2 letters and benefit level 1-5")
    return f"{group.upper()}{benefit}{province.insurance_code}{social_number:010d}"


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: date, years: int) -> date:
    return years_before(day, -years)
