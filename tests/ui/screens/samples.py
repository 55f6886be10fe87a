"""Hand-built FlowStates for every screen and its variants, as the flow would produce them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from kiosk.core.domain import (
    Appointment,
    BirthDate,
    Department,
    Identity,
    IdentityCheck,
    IdentitySource,
    Insurance,
    NameSource,
    Patient,
    PrinterProblem,
    PriorityGroup,
    ServiceType,
    Sex,
    Ticket,
    Visit,
)
from kiosk.core.flow import FlowState, Language, Problem, Screen
from kiosk.core.insurance import InsuranceStatus

CITIZEN_ID = "001048012345"
INSURANCE_NUMBER = "HT2010148012345"
TODAY = datetime(2025, 3, 14, 8, 5)

# A result code for every insurance status (None: no card on record).
STATUS_CODES: dict[InsuranceStatus, str | None] = {
    InsuranceStatus.VALID: "000",
    InsuranceStatus.VALID_DEFENCE_POLICE: "001",
    InsuranceStatus.VALID_NEW_CARD_ISSUED: "003",
    InsuranceStatus.EXPIRED: "010",
    InsuranceStatus.CARD_NOT_FOUND: "050",
    InsuranceStatus.NAME_MISMATCH: "060",
    InsuranceStatus.BIRTH_DATE_MISMATCH: "070",
    InsuranceStatus.REVOKED: "110",
    InsuranceStatus.TERMINATED: "120",
    InsuranceStatus.CHILD_WITHOUT_CARD: "130",
    InsuranceStatus.CHECK_FAILED: "500",
    InsuranceStatus.NO_INSURANCE: None,
}

_DEPARTMENTS = [
    ("NOI", "Khoa Nội tổng quát", "General Internal Medicine", "101", 1, True),
    ("NGOAI", "Khoa Ngoại tổng quát", "General Surgery", "105", 1, True),
    ("NHI", "Khoa Nhi", "Paediatrics", "110", 1, True),
    ("SAN", "Khoa Phụ sản", "Obstetrics and Gynaecology", "201", 2, True),
    ("TMH", "Khoa Tai Mũi Họng", "Ear, Nose and Throat", "204", 2, True),
    ("MAT", "Khoa Mắt", "Ophthalmology", "206", 2, True),
    ("RHM", "Khoa Răng Hàm Mặt", "Dentistry and Oral Surgery", "208", 2, True),
    ("DALIEU", "Khoa Da liễu", "Dermatology", "301", 3, True),
    ("TIMMACH", "Khoa Tim mạch", "Cardiology", "303", 3, True),
    ("THANKINH", "Khoa Thần kinh", "Neurology", "305", 3, True),
    ("CXK", "Khoa Cơ Xương Khớp", "Rheumatology and Orthopaedics", "307", 3, True),
    ("TIEUHOA", "Khoa Tiêu hóa – Gan mật", "Gastroenterology and Hepatology", "401", 4, True),
    ("NOITIET", "Khoa Nội tiết – Đái tháo đường", "Endocrinology and Diabetes", "403", 4, True),
    ("YHCT", "Khoa Y học cổ truyền", None, "405", 4, False),
]

DEPARTMENTS = tuple(
    Department(
        code=code,
        name=name,
        room=room,
        floor=floor,
        directions=f"Đi thang máy lên tầng {floor}, rẽ phải, phòng {room}.",
        directions_en=(
            f"Take the lift to floor {floor}, turn right, room {room}." if name_en else None
        ),
        accepts_insurance=insurance,
        waiting=3 + index * 2,
        waiting_priority=index % 3,
        estimated_wait_minutes=10 + index * 5,
        name_en=name_en,
    )
    for index, (code, name, name_en, room, floor, insurance) in enumerate(_DEPARTMENTS)
)

IDENTITY = Identity(
    source=IdentitySource.CHIP,
    citizen_id=CITIZEN_ID,
    full_name="Trần Văn Hưởng",
    birth=BirthDate(1948, 5, 20),
    sex=Sex.MALE,
    chip_verified=True,
)


def patient(result_code: str | None = "000", *, sex: Sex = Sex.MALE) -> Patient:
    insurance = (
        Insurance(number=INSURANCE_NUMBER, result_code=result_code)
        if result_code is not None
        else None
    )
    return Patient(
        patient_id="P-000123",
        full_name="Trần Văn Hưởng" if sex is Sex.MALE else "Nguyễn Thị Ánh Tuyết",
        birth=BirthDate(1948, 5, 20) if sex is Sex.MALE else BirthDate(1990, 11, 2),
        sex=sex,
        citizen_id=CITIZEN_ID,
        insurance=insurance,
    )


FOUND = FlowState(
    screen=Screen.PATIENT_SUMMARY,
    session=3,
    identity=IDENTITY,
    patient=patient(),
    age=76,
    auto_priority=PriorityGroup.ELDERLY_75,
    departments=DEPARTMENTS,
)

APPOINTMENT = Appointment(
    appointment_id="A-77",
    department_code="TIMMACH",
    starts_at=TODAY.replace(hour=9, minute=30),
    doctor_name="BS. Lê Thị Minh Châu",
)

TICKET = Ticket(
    hospital_name="Bệnh viện Đa khoa Tỉnh",
    queue_label="UB007",
    department_name=DEPARTMENTS[8].name,
    room="303",
    floor=3,
    directions=DEPARTMENTS[8].directions,
    masked_name="TRẦN V. H.",
    birth_year=1948,
    service=ServiceType.INSURANCE,
    priority=PriorityGroup.ELDERLY_75,
    issued_at=TODAY,
    people_ahead=4,
    estimated_wait_minutes=25,
    visit_id="V-1",
    footer="Xin cảm ơn",
)

VISITS = (
    Visit(date(2025, 1, 8), "Khoa Tim mạch", "Tăng huyết áp", "BS. Lê Thị Minh Châu"),
    Visit(date(2024, 11, 21), "Khoa Nội tổng quát", "Viêm phế quản cấp", "BS. Phạm Quốc Bảo"),
    Visit(date(2024, 6, 3), "Khoa Mắt", None, None),
)


def _chosen(**changes: object) -> FlowState:
    base = replace(
        FOUND,
        service=ServiceType.INSURANCE,
        department=DEPARTMENTS[8],
        priority=PriorityGroup.ELDERLY_75,
        trail=(Screen.PATIENT_SUMMARY, Screen.SERVICE, Screen.DEPARTMENT),
    )
    return replace(base, **changes)


def sample_states() -> dict[str, FlowState]:
    """Name -> state; the names are the screenshot file names."""
    states: dict[str, FlowState] = {
        "welcome": FlowState(),
        "welcome_offline": FlowState(hospital_offline=True),
        "welcome_printer_down": FlowState(printer_down=PrinterProblem.OUT_OF_PAPER),
        "welcome_offline_printer_down": FlowState(
            hospital_offline=True, printer_down=PrinterProblem.COVER_OPEN
        ),
        "keypad": FlowState(screen=Screen.KEYPAD, trail=(Screen.WELCOME,)),
        "keypad_invalid": FlowState(
            screen=Screen.KEYPAD, trail=(Screen.WELCOME,), problem=Problem.ID_INVALID
        ),
        "looking_up": FlowState(screen=Screen.LOOKING_UP, identity=IDENTITY),
        "creating_patient": FlowState(screen=Screen.CREATING_PATIENT, identity=IDENTITY),
        "not_found": FlowState(screen=Screen.NOT_FOUND, identity=IDENTITY),
        "not_found_needs_card": FlowState(
            screen=Screen.NOT_FOUND,
            identity=Identity(source=IdentitySource.KEYPAD, citizen_id=CITIZEN_ID),
            problem=Problem.NEEDS_CARD_TO_REGISTER,
        ),
        "summary": FOUND,
        "history_loading": replace(FOUND, screen=Screen.HISTORY, trail=(Screen.PATIENT_SUMMARY,)),
        "history": replace(
            FOUND, screen=Screen.HISTORY, trail=(Screen.PATIENT_SUMMARY,), history=VISITS
        ),
        "history_failed": replace(
            FOUND,
            screen=Screen.HISTORY,
            trail=(Screen.PATIENT_SUMMARY,),
            history=(),
            problem=Problem.HOSPITAL_UNAVAILABLE,
        ),
        "appointment": replace(
            FOUND,
            screen=Screen.APPOINTMENT,
            appointments=(APPOINTMENT,),
            trail=(Screen.PATIENT_SUMMARY,),
        ),
        "service": replace(FOUND, screen=Screen.SERVICE, trail=(Screen.PATIENT_SUMMARY,)),
        "service_not_accepted": replace(
            FOUND,
            screen=Screen.SERVICE,
            patient=patient("010"),
            trail=(Screen.PATIENT_SUMMARY,),
        ),
        "department": replace(
            FOUND,
            screen=Screen.DEPARTMENT,
            service=ServiceType.PAID,
            trail=(Screen.PATIENT_SUMMARY, Screen.SERVICE),
        ),
        "priority": replace(
            FOUND,
            screen=Screen.PRIORITY,
            patient=patient(sex=Sex.FEMALE),
            age=34,
            auto_priority=PriorityGroup.NONE,
            service=ServiceType.INSURANCE,
            department=DEPARTMENTS[3],
            trail=(Screen.PATIENT_SUMMARY, Screen.SERVICE, Screen.DEPARTMENT),
        ),
        "priority_male": replace(
            FOUND,
            screen=Screen.PRIORITY,
            age=40,
            auto_priority=PriorityGroup.NONE,
            service=ServiceType.PAID,
            department=DEPARTMENTS[0],
            trail=(Screen.PATIENT_SUMMARY, Screen.SERVICE, Screen.DEPARTMENT),
        ),
        "confirm": _chosen(screen=Screen.CONFIRM),
        "confirm_printer_down": _chosen(
            screen=Screen.CONFIRM, printer_down=PrinterProblem.OUT_OF_PAPER
        ),
        "confirm_appointment": _chosen(
            screen=Screen.CONFIRM,
            appointments=(APPOINTMENT,),
            appointment=APPOINTMENT,
            trail=(Screen.PATIENT_SUMMARY, Screen.APPOINTMENT),
        ),
        "registering": _chosen(screen=Screen.REGISTERING),
        "printing": _chosen(screen=Screen.PRINTING, ticket=TICKET),
        "ticket": _chosen(screen=Screen.TICKET, ticket=TICKET, trail=()),
        "ticket_reprint": _chosen(
            screen=Screen.TICKET, ticket=replace(TICKET, reprint=True), trail=()
        ),
        "ticket_provisional_kiosk_number": _chosen(
            screen=Screen.TICKET,
            ticket=replace(TICKET, queue_label="K01-UB007", provisional=True, visit_id=""),
            trail=(),
        ),
        "printer_fault_kiosk_number": _chosen(
            screen=Screen.PRINTER_FAULT,
            ticket=replace(TICKET, queue_label="K01-UB007", provisional=True, visit_id=""),
            problem=Problem.PRINTER_FAULT,
            trail=(),
        ),
        "ticket_provisional": _chosen(
            screen=Screen.TICKET, ticket=replace(TICKET, provisional=True), trail=()
        ),
        "printer_fault": _chosen(
            screen=Screen.PRINTER_FAULT, ticket=TICKET, problem=Problem.PRINTER_FAULT, trail=()
        ),
        "hospital_unavailable": FlowState(
            screen=Screen.HOSPITAL_UNAVAILABLE,
            identity=IDENTITY,
            problem=Problem.HOSPITAL_UNAVAILABLE,
        ),
        "hospital_error": FlowState(
            screen=Screen.HOSPITAL_UNAVAILABLE, identity=IDENTITY, problem=Problem.HOSPITAL_ERROR
        ),
        "go_to_counter": replace(
            FOUND,
            screen=Screen.GO_TO_COUNTER,
            patient=patient("060"),
            problem=Problem.INSURANCE_NOT_ACCEPTED,
            trail=(Screen.PATIENT_SUMMARY, Screen.SERVICE),
        ),
        "go_to_counter_rejected": _chosen(
            screen=Screen.GO_TO_COUNTER, problem=Problem.REGISTRATION_REJECTED, trail=()
        ),
    }
    states.update(_card_states())
    for problem in (
        Problem.CODE_UNKNOWN,
        Problem.CODE_MALFORMED,
        Problem.CODE_NEEDS_HOSPITAL,
        Problem.ID_INVALID,
    ):
        states[f"read_failed_{problem.name.lower()}"] = FlowState(
            screen=Screen.READ_FAILED, problem=problem
        )
    for status, code in STATUS_CODES.items():
        states[f"summary_{status.value}"] = replace(FOUND, patient=patient(code))
    return states


def _card_states() -> dict[str, FlowState]:
    place = replace(FOUND, screen=Screen.PLACE_CARD)
    return {
        "card_needs_id": FlowState(screen=Screen.CARD_NEEDS_ID, trail=(Screen.WELCOME,)),
        "place_card": place,
        "place_card_reading": replace(place, card_reading=True),
        "birth_date": FlowState(screen=Screen.BIRTH_DATE),
        "birth_date_invalid": FlowState(
            screen=Screen.BIRTH_DATE, problem=Problem.BIRTH_DATE_INVALID
        ),
        "place_card_removed": replace(place, problem=Problem.CARD_REMOVED),
        "place_card_wrong": replace(place, problem=Problem.CARD_WRONG),
        "summary_chip_verified": replace(FOUND, identity_check=IdentityCheck.CHIP_VERIFIED),
        "summary_chip_read": replace(FOUND, identity_check=IdentityCheck.CHIP_READ),
        "summary_chip_failed": replace(FOUND, identity_check=IdentityCheck.CHIP_FAILED),
        "summary_name_from_mrz": _named_by(NameSource.CHIP_MRZ, "TRAN VAN HUONG"),
        "summary_name_from_qr": _named_by(NameSource.QR_CODE, "Trần Văn Hưởng"),
        "switch_patient": replace(
            FOUND, screen=Screen.SWITCH_PATIENT, trail=(Screen.PATIENT_SUMMARY,)
        ),
        "go_to_counter_forged": replace(
            FOUND, screen=Screen.GO_TO_COUNTER, problem=Problem.CARD_FORGED
        ),
    }


def _named_by(source: NameSource, name: str) -> FlowState:
    """A chip identity whose name is not the DG13's, and the record made from it."""
    identity = replace(IDENTITY, full_name=name, name_source=source)
    return replace(
        FOUND,
        identity=identity,
        identity_check=IdentityCheck.CHIP_VERIFIED,
        patient=replace(patient(), full_name=name),
    )


def in_language(state: FlowState, language: Language) -> FlowState:
    return replace(state, language=language)
