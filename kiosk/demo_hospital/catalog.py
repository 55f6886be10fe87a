"""The demo hospital's departments and the diagnoses seen in them.

Fixed reference data: the seed copies it into SQLite, the personas refer to its codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str
    name_en: str
    room: str
    floor: int
    directions: str
    directions_en: str
    accepts_insurance: bool
    minutes_per_patient: int
    patients: str  # who is seen here: "all", "adult", "child" or "women"


DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment(
        "NOI", "Khám Nội tổng quát", "General Internal Medicine", "P.105", 1,
        "Tầng 1, rẽ trái sau quầy thuốc", "Floor 1, turn left after the pharmacy",
        True, 6, "adult",
    ),
    DemoDepartment(
        "NGOAI", "Khám Ngoại tổng quát", "General Surgery", "P.112", 1,
        "Tầng 1, cuối hành lang bên phải", "Floor 1, end of the corridor on the right",
        True, 8, "adult",
    ),
    DemoDepartment(
        "NHI", "Khám Nhi", "Paediatrics", "P.120", 1,
        "Tầng 1, khu Nhi cạnh góc vui chơi, đi thẳng từ sảnh chính",
        "Floor 1, children's area by the play corner, straight on from the main hall",
        True, 7, "child",
    ),
    DemoDepartment(
        "CXK", "Khám Cơ Xương Khớp", "Musculoskeletal Medicine", "P.110", 1,
        "Tầng 1, cạnh khoa Chẩn đoán hình ảnh", "Floor 1, next to the Imaging department",
        True, 8, "adult",
    ),
    DemoDepartment(
        "DV", "Khám dịch vụ theo yêu cầu", "On-request paid clinic", "P.101", 1,
        "Tầng 1, ngay bên phải sảnh chính", "Floor 1, on the right of the main hall",
        False, 5, "all",
    ),
    DemoDepartment(
        "SAN", "Khám Sản phụ khoa", "Obstetrics and Gynaecology", "P.204", 2,
        "Tầng 2, thang máy A, rẽ phải", "Floor 2, lift A, turn right",
        True, 10, "women",
    ),
    DemoDepartment(
        "MAT", "Khám Mắt", "Ophthalmology", "P.210", 2,
        "Tầng 2, thang máy A, rẽ trái, phòng thứ ba", "Floor 2, lift A, turn left, third room",
        True, 6, "all",
    ),
    DemoDepartment(
        "TMH", "Khám Tai Mũi Họng", "Ear, Nose and Throat", "P.212", 2,
        "Tầng 2, thang máy A, rẽ trái, đối diện phòng Mắt",
        "Floor 2, lift A, turn left, opposite Ophthalmology",
        True, 7, "all",
    ),
    DemoDepartment(
        "RHM", "Khám Răng Hàm Mặt", "Dentistry and Maxillofacial Surgery", "P.215", 2,
        "Tầng 2, cuối hành lang bên trái", "Floor 2, end of the corridor on the left",
        True, 12, "all",
    ),
    DemoDepartment(
        "DALIEU", "Khám Da liễu", "Dermatology", "P.301", 3,
        "Tầng 3, ra khỏi thang máy rẽ phải", "Floor 3, turn right out of the lift",
        True, 6, "all",
    ),
    DemoDepartment(
        "TIM", "Khám Tim mạch", "Cardiology", "P.305", 3,
        "Tầng 3, cạnh phòng đo điện tim", "Floor 3, next to the ECG room",
        True, 9, "adult",
    ),
    DemoDepartment(
        "THAN", "Khám Thận - Tiết niệu", "Nephrology and Urology", "P.308", 3,
        "Tầng 3, đi thẳng qua phòng Tim mạch", "Floor 3, straight on past Cardiology",
        True, 8, "adult",
    ),
    DemoDepartment(
        "TIEUHOA", "Khám Tiêu hóa", "Gastroenterology", "P.310", 3,
        "Tầng 3, rẽ trái ở cuối hành lang", "Floor 3, turn left at the end of the corridor",
        True, 8, "adult",
    ),
    DemoDepartment(
        "NOITIET", "Khám Nội tiết - Đái tháo đường", "Endocrinology and Diabetes", "P.312", 3,
        "Tầng 3, đối diện phòng Tiêu hóa", "Floor 3, opposite Gastroenterology",
        True, 7, "adult",
    ),
    DemoDepartment(
        "THANKINH", "Khám Thần kinh", "Neurology", "P.315", 3,
        "Tầng 3, phòng cuối bên phải", "Floor 3, last room on the right",
        True, 9, "adult",
    ),
    DemoDepartment(
        "YHCT", "Khám Y học cổ truyền", "Traditional Medicine", "P.402", 4,
        "Tầng 4, thang máy B, rẽ trái", "Floor 4, lift B, turn left",
        True, 10, "all",
    ),
    DemoDepartment(
        "KSK", "Khám sức khỏe tổng quát", "General health check", "P.405", 4,
        "Tầng 4, thang máy B, rẽ phải", "Floor 4, lift B, turn right",
        False, 15, "adult",
    ),
)  # fmt: skip

# What a paid visit (khám dịch vụ) costs, in đồng: the price list a hospital posts at its
# cashier. Every department takes paid patients.
PAID_VISIT_FEES: dict[str, int] = {
    "NOI": 150_000, "NGOAI": 150_000, "NHI": 150_000, "CXK": 200_000, "DV": 300_000,
    "SAN": 200_000, "MAT": 150_000, "TMH": 150_000, "RHM": 120_000, "DALIEU": 150_000,
    "TIM": 250_000, "THAN": 200_000, "TIEUHOA": 200_000, "NOITIET": 200_000,
    "THANKINH": 200_000, "YHCT": 120_000, "KSK": 450_000,
}  # fmt: skip

DEPARTMENTS_BY_CODE = {department.code: department for department in DEPARTMENTS}

# Plausible diagnoses per department (ICD-10 code in brackets, as Vietnamese HIS print them).
DIAGNOSES: dict[str, tuple[str, ...]] = {
    "NOI": (
        "Tăng huyết áp vô căn (I10)",
        "Viêm phế quản cấp (J20)",
        "Rối loạn lipid máu (E78)",
        "Sốt xuất huyết Dengue (A97)",
    ),
    "NGOAI": ("Thoát vị bẹn (K40)", "Áp xe da (L02)", "Vết thương phần mềm cẳng tay (S51)"),
    "NHI": (
        "Viêm họng cấp (J02)",
        "Tiêu chảy cấp (A09)",
        "Viêm phế quản cấp (J20)",
        "Tay chân miệng (B08.4)",
    ),
    "CXK": ("Thoái hóa khớp gối (M17)", "Đau thắt lưng (M54.5)", "Gút (M10)"),
    "DV": ("Khám tổng quát theo yêu cầu (Z00.0)", "Viêm mũi dị ứng (J30)"),
    "SAN": ("Khám thai định kỳ (Z34)", "Viêm âm đạo (N76)", "U xơ tử cung (D25)"),
    "MAT": ("Cận thị (H52.1)", "Viêm kết mạc (H10)", "Đục thủy tinh thể (H25)"),
    "TMH": ("Viêm xoang mạn (J32)", "Viêm tai giữa (H66)", "Viêm amidan mạn (J35.0)"),
    "RHM": ("Sâu răng (K02)", "Viêm nha chu (K05)", "Răng khôn mọc lệch (K01.1)"),
    "DALIEU": ("Viêm da cơ địa (L20)", "Mày đay (L50)", "Nấm da (B35)"),
    "TIM": ("Rối loạn nhịp tim (I49)", "Bệnh tim thiếu máu cục bộ (I25)", "Suy tim (I50)"),
    "THAN": ("Sỏi thận (N20)", "Nhiễm khuẩn đường tiết niệu (N39.0)", "Suy thận mạn (N18)"),
    "TIEUHOA": (
        "Viêm dạ dày (K29)",
        "Trào ngược dạ dày thực quản (K21)",
        "Hội chứng ruột kích thích (K58)",
    ),
    "NOITIET": ("Đái tháo đường type 2 (E11)", "Bướu giáp nhân (E04.1)", "Cường giáp (E05)"),
    "THANKINH": ("Đau nửa đầu (G43)", "Rối loạn tiền đình (H81)", "Mất ngủ (G47.0)"),
    "YHCT": ("Đau vai gáy (M54.2)", "Đau thắt lưng (M54.5)", "Suy nhược cơ thể (R53)"),
    "KSK": ("Khám sức khỏe định kỳ (Z00.0)",),
}  # fmt: skip

DOCTOR_TITLES = ("BS.", "BS.CKI", "BS.CKII", "ThS.BS.", "TS.BS.")


def departments_for(age: int, female: bool) -> tuple[DemoDepartment, ...]:
    """Departments a patient of this age and sex would plausibly visit."""
    child = age < 16
    allowed = []
    for department in DEPARTMENTS:
        if department.patients == "child" and not child:
            continue
        if department.patients in ("adult", "women") and child:
            continue
        if department.patients == "women" and not female:
            continue
        allowed.append(department)
    return tuple(allowed)
