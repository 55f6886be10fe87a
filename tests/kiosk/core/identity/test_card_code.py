"""ID card codes in layouts the kiosk does not know (the Căn cước's back, since July 2024):
the ID is taken, nothing else; known layouts keep their full parsing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.domain import Identity, IdentitySource
from kiosk.core.identity import KNOWN_LAYOUTS, IdCardCode, IdentityError, read_payload
from kiosk.core.identity.card_code import code_shape

CITIZEN_ID = "001090012345"
# A plausible Căn cước back: old ID, cancelled ID, household members' names and IDs.
CAN_CUOC = f"{CITIZEN_ID}|123456789|001085004321|Nguyễn Văn Bình|001060007890|Lê Thị Cúc|||"
SEVEN = f"{CITIZEN_ID}|123456789|Nguyễn Văn An|01021990|Nam|Số 12 Láng Hạ, Hà Nội|15082021"


def test_a_can_cuoc_code_of_an_unknown_layout_gives_the_id_alone() -> None:
    code = read_payload(CAN_CUOC)
    assert isinstance(code, IdCardCode)
    assert code.identity == Identity(IdentitySource.CCCD_QR, citizen_id=CITIZEN_ID)
    assert code.shape == "9 fields, lengths 12/9/12/15/12/10/0/0/0"


def test_known_layouts_keep_their_full_parsing() -> None:
    code = read_payload(SEVEN)
    assert not isinstance(code, IdCardCode)
    assert code.identity.full_name == "Nguyễn Văn An"
    assert [layout.name for layout in KNOWN_LAYOUTS][:2] == [
        "CCCD, front of the 2021 chip card (7 fields)",
        "CCCD re-encoded by apps (6 fields)",
    ]
    assert all(layout.source for layout in KNOWN_LAYOUTS)


def test_other_field_counts_and_seven_without_a_name_are_id_card_codes_too() -> None:
    for raw in (
        f"{CITIZEN_ID}|Nguyễn Văn An|01021990|Nam|Hà Nội",
        SEVEN + "|extra",
        f"{CITIZEN_ID}|123456789|001085004321|Nguyễn Văn Bình|||",  # 7, numbers first
        f"{CITIZEN_ID}|123456789|---|01021990|Nam|Hà Nội|15082021",  # no letter in the name
    ):
        code = read_payload(raw)
        assert isinstance(code, IdCardCode) and code.identity.citizen_id == CITIZEN_ID


def test_a_first_field_that_is_no_valid_id_is_no_id_card_code() -> None:
    for first in ("003090012345", "00109001234", "١٢٣٤٥٦٧٨٩٠١٢", "CCCD001090012345"):
        raw = first + "|123456789|Nguyễn Văn Bình"
        try:
            code = read_payload(raw)
        except IdentityError:
            continue
        raise AssertionError(f"accepted {type(code).__name__}")
    try:
        read_payload(CITIZEN_ID)  # the bare number is typed, not scanned: no `|`, no card
    except IdentityError:
        return
    raise AssertionError("a bare number was taken for a card's code")


NO_SEPARATOR = st.text(st.characters(exclude_categories=()), max_size=40).filter(
    lambda text: "|" not in text
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(NO_SEPARATOR, min_size=1, max_size=20))
def test_any_fields_after_a_valid_id_give_that_id_or_a_known_layout(rest: list[str]) -> None:
    raw = "|".join([CITIZEN_ID, *rest])
    try:
        code = read_payload(raw)
    except IdentityError:
        # Only a known layout may refuse: 6 or 7 fields with a name (CCCD), or ending in $.
        cccd = len(rest) + 1 in (6, 7) and any(char.isalpha() for char in raw)
        assert cccd or raw.strip().endswith("$")
        return
    assert code.identity.citizen_id == CITIZEN_ID
    if isinstance(code, IdCardCode):
        assert code.identity == Identity(IdentitySource.CCCD_QR, citizen_id=CITIZEN_ID)


@settings(max_examples=2000, deadline=None)
@given(st.lists(NO_SEPARATOR, min_size=2, max_size=20))
def test_the_shape_tells_counts_and_lengths_never_content(fields: list[str]) -> None:
    shape = code_shape(fields)
    assert shape.startswith(f"{len(fields)} fields, lengths ")
    assert set(shape.removeprefix(f"{len(fields)} fields, lengths ")) <= set("0123456789/")
