"""The chip adapter: the chip library's reads and failures as the kiosk's flow events, and a
demo persona's Identity as the holder of a virtual CCCD."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from drivers.card.cccd_reader import CardKeys, CccdReader, ChipReadResult, ClonedChipError
from drivers.card.errors import CardError
from drivers.card.errors import CardProblem as ChipProblem
from drivers.card.holder import CardHolder, PartialDate
from drivers.card.holder import Sex as ChipSex
from drivers.card.passive_auth import CscaStore
from drivers.card.virtual_cccd import VirtualCccdIssuer
from kiosk.app.chip_adapter import ChipEvents, card_holder, card_problem, identity_from_chip
from kiosk.core.domain import BirthDate, CardProblem, Identity, IdentitySource, NameSource, Sex
from kiosk.core.flow import CardSensed, ChipFailed, ChipRead, Event
from kiosk.core.identity import IdCardCode, read_payload, with_code_name

TODAY = date(2026, 11, 23)
ISSUED = date(2021, 4, 1)
PATIENT = Identity(
    IdentitySource.CCCD_QR,
    citizen_id="001079012345",
    full_name="Nguyễn Văn Đức",
    birth=BirthDate(1979, 3, 15),
    sex=Sex.MALE,
    address="12 Phố Huế, Hai Bà Trưng, Hà Nội",
)


@pytest.fixture(scope="module")
def issuer() -> VirtualCccdIssuer:
    return VirtualCccdIssuer()


def read(issuer: VirtualCccdIssuer, holder: CardHolder, *, trusted: bool = True) -> ChipReadResult:
    chip = issuer.chip(holder, issued=ISSUED, expires=date(2039, 3, 15))
    cscas = issuer.csca_store if trusted else CscaStore()
    birth = holder.birth.as_date() if holder.birth else None
    keys = CardKeys(holder.citizen_id, birth=birth, issue_date=ISSUED)
    return CccdReader(cscas).read(chip, keys, today=TODAY)


def test_the_holder_written_comes_back_as_the_same_patient_chip_verified(issuer) -> None:
    identity = identity_from_chip(read(issuer, card_holder(PATIENT)))
    assert identity == replace(PATIENT, source=IdentitySource.CHIP, chip_verified=True)
    assert identity.can_register_new_patient


def test_a_signer_the_kiosk_does_not_trust_gives_an_identity_not_chip_verified(issuer) -> None:
    identity = identity_from_chip(read(issuer, card_holder(PATIENT), trusted=False))
    assert identity.source is IdentitySource.CHIP and not identity.chip_verified
    assert identity.citizen_id == PATIENT.citizen_id


@pytest.mark.parametrize("sex", [Sex.FEMALE, None])
def test_a_birth_year_alone_and_the_sex_survive_the_chip(issuer, sex: Sex | None) -> None:
    patient = replace(
        PATIENT,
        citizen_id="079145000123",
        full_name="Trần Thị Hoa",
        birth=BirthDate(1945),
        sex=sex,
        address=None,
    )
    holder = card_holder(patient)
    assert holder.birth == PartialDate(1945)
    assert holder.sex is (ChipSex.FEMALE if sex else None)
    identity = identity_from_chip(read(issuer, holder))
    assert identity == replace(patient, source=IdentitySource.CHIP, chip_verified=True)


def test_a_holder_needs_the_personal_id() -> None:
    with pytest.raises(ValueError, match="12-digit"):
        card_holder(replace(PATIENT, citizen_id=None))


@pytest.mark.parametrize("problem", list(ChipProblem))
def test_every_chip_problem_is_the_domain_problem_of_the_same_meaning(problem) -> None:
    assert card_problem(CardError(problem, "detail")) is CardProblem[problem.name]


def test_every_domain_card_problem_can_come_from_the_chip() -> None:
    assert {card_problem(CardError(problem)) for problem in ChipProblem} == set(CardProblem)


def test_station_callbacks_become_flow_events(issuer) -> None:
    posted: list[Event] = []
    events = ChipEvents(posted.append)
    result = read(issuer, card_holder(PATIENT))
    events.card_placed()
    events.chip_read(4, result)
    events.chip_failed(4, ClonedChipError("active authentication failed"))
    events.card_taken()
    assert posted == [
        CardSensed.PLACED,
        ChipRead(4, identity_from_chip(result)),
        ChipFailed(4, CardProblem.FORGED),
        CardSensed.TAKEN,
    ]


# -- a Căn cước (2024) whose DG13 layout the kiosk does not know --------------------------

CAN_CUOC_QR = "001079012345|123456789|001060007890|Nguyễn Văn Bình|||"
CCCD_QR = (
    "001079012345|123456789|Nguyễn Văn Đức|15031979|Nam|12 Phố Huế, Hai Bà Trưng, Hà Nội|01042021"
)


def read_can_cuoc(issuer: VirtualCccdIssuer, code: Identity) -> ChipReadResult:
    """The chip opened with what the code gave: the ID alone (PACE-CAN) for an unknown code."""
    chip = issuer.chip(card_holder(PATIENT), issued=ISSUED, expires=None, can_cuoc_2024=True)
    birth = code.birth.as_date() if code.birth else None
    assert code.citizen_id is not None
    keys = CardKeys(code.citizen_id, birth=birth)
    return CccdReader(issuer.csca_store).read(chip, keys, today=TODAY)


def test_a_can_cuoc_code_of_unknown_layout_and_its_chip_check_in_with_the_chips_data(
    issuer,
) -> None:
    code = read_payload(CAN_CUOC_QR)
    assert isinstance(code, IdCardCode)  # the ID alone: no name, no birth date
    result = read_can_cuoc(issuer, code.identity)
    assert result.citizen.layout is None  # DG13 in no known layout: DG1 gave the holder
    posted: list[Event] = []
    ChipEvents(posted.append, presented=lambda: code.identity).chip_read(7, result)
    (event,) = posted
    assert isinstance(event, ChipRead)
    identity = event.identity
    assert identity == Identity(
        IdentitySource.CHIP,
        citizen_id="001079012345",
        full_name="NGUYEN VAN DUC",
        birth=BirthDate(1979, 3, 15),
        sex=Sex.MALE,
        chip_verified=True,
        name_source=NameSource.CHIP_MRZ,
    )
    assert identity.can_register_new_patient  # enough for the hospital, even offline


def test_the_codes_name_with_diacritics_is_taken_when_it_spells_the_mrz(issuer) -> None:
    code = read_payload(CCCD_QR)
    result = read_can_cuoc(issuer, code.identity)
    posted: list[Event] = []
    ChipEvents(posted.append, presented=lambda: code.identity).chip_read(7, result)
    (event,) = posted
    assert isinstance(event, ChipRead)
    assert event.identity.full_name == "Nguyễn Văn Đức"
    assert event.identity.name_source is NameSource.QR_CODE
    assert event.identity.chip_verified and event.identity.address is None


def test_a_code_of_another_name_or_id_does_not_lend_its_name(issuer) -> None:
    result = read_can_cuoc(issuer, read_payload(CCCD_QR).identity)
    chip = identity_from_chip(result)
    other_name = replace(PATIENT, full_name="Nguyễn Văn Đạt")
    other_id = replace(PATIENT, citizen_id="001079012346")
    keypad = Identity(IdentitySource.KEYPAD, citizen_id=PATIENT.citizen_id)
    for presented in (other_name, other_id, keypad, None):
        assert with_code_name(chip, presented) == chip
    # A DG13 name is never replaced.
    assert with_code_name(identity_from_chip(read(issuer, card_holder(PATIENT))), PATIENT) == (
        replace(PATIENT, source=IdentitySource.CHIP, chip_verified=True)
    )
