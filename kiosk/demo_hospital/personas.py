"""Named demo patients with fixed data, one per situation the kiosk must handle.

The seed writes them into the demo hospital (except `new_patient`), the demo panel offers
them as virtual cards, and the UI tests drive the kiosk with them. Birth dates are
relative to `today` so ages (80, 4) hold whatever day the demo runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kiosk.core.domain import (
    Appointment,
    BirthDate,
    Identity,
    IdentitySource,
    Insurance,
    Sex,
    Visit,
)
from kiosk.demo_hospital.vietnam import VIETNAM_TZ, citizen_id, years_after, years_before


@dataclass(frozen=True)
class DemoPersona:
    key: str
    label_vi: str
    label_en: str
    identity: Identity  # what the card (or BHYT QR) gives the kiosk
    in_hospital: bool  # False: no record yet, the kiosk has to register them
    patient_id: str | None  # the demo hospital's record id, None when not in_hospital
    insurance: Insurance | None  # as the hospital's check reports it (number = BHYT card)
    appointment: Appointment | None  # today's booked appointment, if any
    history: tuple[Visit, ...]  # past visits, newest first

    @property
    def insurance_number(self) -> str | None:
        return self.insurance.number if self.insurance else None


PERSONA_KEYS: tuple[str, ...] = (
    "appointment_today",
    "walk_in_insurance",
    "walk_in_paid",
    "elderly_80",
    "child_4",
    "new_patient",
    "new_patient_old_chip",
    "insurance_expired",
    "name_mismatch",
)


def demo_personas(today: date) -> tuple[DemoPersona, ...]:
    """Every persona, in PERSONA_KEYS order, with ages and dates relative to `today`."""
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)

    def valid_card(number: str, facility: str) -> Insurance:
        return Insurance(number, "000", year_start, year_end, facility)

    def chip(citizen: str, name: str, birth: date, sex: Sex, address: str) -> Identity:
        return Identity(
            source=IdentitySource.CHIP,
            citizen_id=citizen,
            full_name=name,
            birth=BirthDate.from_date(birth),
            sex=sex,
            address=address,
            chip_verified=True,
        )

    elderly_birth = years_before(today, 80) - timedelta(days=47)
    child_birth = years_before(today, 4) - timedelta(days=100)
    ninety_days_ago = today - timedelta(days=90)
    return (
        DemoPersona(
            key="appointment_today",
            label_vi="Có lịch hẹn hôm nay (BHYT hợp lệ)",
            label_en="Appointment today (valid insurance)",
            identity=chip(
                citizen_id("001", 1978, Sex.MALE, 12345),
                "Nguyễn Văn An",
                date(1978, 3, 14),
                Sex.MALE,
                "25 Lý Thường Kiệt, Phường Trần Hưng Đạo, Quận Hoàn Kiếm, Thành phố Hà Nội",
            ),
            in_hospital=True,
            patient_id="BN00000001",
            insurance=valid_card("DN4010123456789", "01 - 001"),
            appointment=Appointment(
                appointment_id="LH-DEMO-0001",
                department_code="NOI",
                starts_at=datetime.combine(today, time(9, 30), VIETNAM_TZ),
                doctor_name="BS.CKI Trần Thị Mai",
            ),
            history=(
                Visit(
                    ninety_days_ago,
                    "Khám Nội tổng quát",
                    "Tăng huyết áp vô căn (I10)",
                    "BS.CKI Trần Thị Mai",
                ),
                Visit(
                    today - timedelta(days=400), "Khám Mắt", "Cận thị (H52.1)", "BS. Lê Quang Huy"
                ),
            ),
        ),
        DemoPersona(
            key="walk_in_insurance",
            label_vi="Khám BHYT, không hẹn trước",
            label_en="Walk-in with insurance",
            identity=chip(
                citizen_id("079", 1990, Sex.FEMALE, 4521),
                "Trần Thị Bích Ngọc",
                date(1990, 7, 22),
                Sex.FEMALE,
                "102 Nguyễn Trãi, Phường 2, Quận 5, Thành phố Hồ Chí Minh",
            ),
            in_hospital=True,
            patient_id="BN00000002",
            insurance=valid_card("GD4790004521337", "79 - 024"),
            appointment=None,
            history=(
                Visit(
                    today - timedelta(days=210),
                    "Khám Tai Mũi Họng",
                    "Viêm xoang mạn (J32)",
                    "ThS.BS. Phạm Minh Đức",
                ),
            ),
        ),
        DemoPersona(
            key="walk_in_paid",
            label_vi="Khám dịch vụ (không có BHYT)",
            label_en="Walk-in, paid service (no insurance)",
            identity=chip(
                citizen_id("048", 1995, Sex.MALE, 7733),
                "Lê Hoàng Nam",
                date(1995, 11, 2),
                Sex.MALE,
                "48 Bạch Đằng, Phường Thạch Thang, Quận Hải Châu, Thành phố Đà Nẵng",
            ),
            in_hospital=True,
            patient_id="BN00000003",
            insurance=None,
            appointment=None,
            history=(),
        ),
        DemoPersona(
            key="elderly_80",
            label_vi="Người cao tuổi (80 tuổi), ưu tiên",
            label_en="Elderly patient (80), priority",
            identity=chip(
                citizen_id("038", elderly_birth.year, Sex.FEMALE, 31415),
                "Phạm Thị Hồng",
                elderly_birth,
                Sex.FEMALE,
                "Thôn 4, Xã Quảng Ninh, Huyện Quảng Xương, Tỉnh Thanh Hóa",
            ),
            in_hospital=True,
            patient_id="BN00000004",
            insurance=valid_card("HT3380031415926", "38 - 105"),
            appointment=None,
            history=(
                Visit(
                    today - timedelta(days=35),
                    "Khám Tim mạch",
                    "Suy tim (I50)",
                    "TS.BS. Đỗ Văn Thắng",
                ),
                Visit(
                    today - timedelta(days=160),
                    "Khám Cơ Xương Khớp",
                    "Thoái hóa khớp gối (M17)",
                    "BS. Ngô Thị Lan",
                ),
                Visit(today - timedelta(days=330), "Khám Mắt", "Đục thủy tinh thể (H25)", None),
            ),
        ),
        DemoPersona(
            key="child_4",
            label_vi="Trẻ em 4 tuổi (thẻ BHYT trẻ em)",
            label_en="Child aged 4 (child insurance card)",
            identity=Identity(
                source=IdentitySource.BHYT_QR,
                insurance_number="TE1790034567891",
                full_name="Hoàng Gia Bảo",
                birth=BirthDate.from_date(child_birth),
                sex=Sex.MALE,
                address="15 Võ Văn Ngân, Phường Linh Trung, Thành phố Thủ Đức, "
                "Thành phố Hồ Chí Minh",
            ),
            in_hospital=True,
            patient_id="BN00000005",
            insurance=Insurance(
                "TE1790034567891",
                "000",
                child_birth,
                years_after(child_birth, 6) - timedelta(days=1),  # until the 6th birthday
                "79 - 024",
            ),
            appointment=None,
            history=(
                Visit(
                    today - timedelta(days=60),
                    "Khám Nhi",
                    "Viêm họng cấp (J02)",
                    "BS. Huỳnh Thị Thu Hà",
                ),
            ),
        ),
        DemoPersona(
            key="new_patient",
            label_vi="Bệnh nhân mới (chưa có hồ sơ)",
            label_en="New patient (no hospital record yet)",
            identity=chip(
                citizen_id("031", 2001, Sex.MALE, 8642),
                "Vũ Minh Khôi",
                date(2001, 5, 9),
                Sex.MALE,
                "17 Lạch Tray, Phường Lạch Tray, Quận Ngô Quyền, Thành phố Hải Phòng",
            ),
            in_hospital=False,
            patient_id=None,
            insurance=None,
            appointment=None,
            history=(),
        ),
        DemoPersona(
            key="new_patient_old_chip",
            label_vi="Bệnh nhân mới, chip chỉ mở bằng ngày sinh (BAC)",
            label_en="New patient whose chip opens only with the birth date (BAC)",
            identity=chip(
                citizen_id("048", 1992, Sex.FEMALE, 5307),
                "Đặng Thu Hà",
                date(1992, 8, 26),
                Sex.FEMALE,
                "25 Bạch Đằng, Phường Hải Châu I, Quận Hải Châu, Thành phố Đà Nẵng",
            ),
            in_hospital=False,
            patient_id=None,
            insurance=None,
            appointment=None,
            history=(),
        ),
        DemoPersona(
            key="insurance_expired",
            label_vi="Thẻ BHYT hết hạn",
            label_en="Insurance card expired",
            identity=chip(
                citizen_id("040", 1968, Sex.MALE, 52719),
                "Đặng Văn Hùng",
                date(1968, 9, 30),
                Sex.MALE,
                "9 Quang Trung, Phường Hưng Bình, Thành phố Vinh, Tỉnh Nghệ An",
            ),
            in_hospital=True,
            patient_id="BN00000007",
            insurance=Insurance(
                "GD4400052719468",
                "010",
                today - timedelta(days=405),
                today - timedelta(days=40),
                "40 - 012",
            ),
            appointment=None,
            history=(
                Visit(
                    today - timedelta(days=500),
                    "Khám Tiêu hóa",
                    "Viêm dạ dày (K29)",
                    "BS. Phan Văn Long",
                ),
            ),
        ),
        DemoPersona(
            key="name_mismatch",
            label_vi="Họ tên không khớp thẻ BHYT",
            label_en="Name does not match the insurance card",
            identity=chip(
                citizen_id("092", 1985, Sex.FEMALE, 61093),
                "Bùi Thị Thu Trang",
                date(1985, 1, 17),
                Sex.FEMALE,
                "63 Mậu Thân, Phường Xuân Khánh, Quận Ninh Kiều, Thành phố Cần Thơ",
            ),
            in_hospital=True,
            patient_id="BN00000008",
            insurance=Insurance("DN4920061093275", "060", year_start, year_end, "92 - 003"),
            appointment=None,
            history=(),
        ),
    )


def demo_persona(key: str, today: date) -> DemoPersona:
    """The persona called `key`; KeyError names the known keys when there is none."""
    for persona in demo_personas(today):
        if persona.key == key:
            return persona
    raise KeyError(f"no demo persona {key!r}; known: {', '.join(PERSONA_KEYS)}")
