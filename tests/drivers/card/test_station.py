"""The chip station with the demo's virtual reader: the real eMRTD code against virtual cards,
cards and keys arriving in either order, cards leaving mid-read, other people's cards."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import pytest

from drivers.card.active_auth import ActiveAuthStatus
from drivers.card.cccd_reader import CardKeys, CccdReader, ChipReadResult, KeyMemory
from drivers.card.errors import CardError, CardProblem
from drivers.card.holder import CardHolder, PartialDate, Sex
from drivers.card.passive_auth import CscaStore, PassiveAuthStatus
from drivers.card.station import ChipStation
from drivers.card.virtual_cccd import VirtualCccdIssuer
from drivers.card.virtual_chip import Chip
from drivers.card.virtual_reader import VirtualReader

BIRTH = date(1990, 5, 17)
ISSUED = date(2021, 4, 1)
HOLDER = CardHolder(
    citizen_id="001090012345",
    full_name="Nguyễn Văn An",
    birth=PartialDate.from_date(BIRTH),
    sex=Sex.MALE,
    residence="12 Phố Huế, Hà Nội",
)
KEYS = CardKeys(HOLDER.citizen_id, birth=BIRTH, issue_date=ISSUED)
WAIT = 10.0


@pytest.fixture(scope="module")
def issuer() -> VirtualCccdIssuer:
    return VirtualCccdIssuer()


class Heard:
    """What the station told its listener, in order."""

    def __init__(self) -> None:
        self.events: queue.Queue[tuple[str, object]] = queue.Queue()

    def card_placed(self) -> None:
        self.events.put(("placed", None))

    def card_taken(self) -> None:
        self.events.put(("taken", None))

    def chip_read(self, token: int, result: ChipReadResult) -> None:
        self.events.put(("read", (token, result)))

    def chip_failed(self, token: int, error: CardError) -> None:
        self.events.put(("failed", (token, error)))

    def next(self, kind: str) -> object:
        """The next event, which must be of `kind` (placed/taken/read/failed)."""
        got, value = self.events.get(timeout=WAIT)
        assert got == kind, f"expected {kind}, heard {got}"
        return value

    def quiet(self, seconds: float = 0.3) -> bool:
        try:
            self.events.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


@contextmanager
def station_on(reader: VirtualReader, cccd: CccdReader) -> Iterator[tuple[ChipStation, Heard]]:
    """A chip station on `reader`, everything it reports heard; closed on the way out."""
    station = ChipStation(cccd, reader.connect)
    heard = Heard()
    station.set_listener(heard)
    reader.set_listener(station.on_reader_event)
    try:
        yield station, heard
    finally:
        station.close()


@pytest.fixture
def rig(issuer: VirtualCccdIssuer):
    reader = VirtualReader()
    with station_on(reader, CccdReader(issuer.csca_store)) as (station, heard):
        yield reader, station, heard


def chip(issuer: VirtualCccdIssuer, holder: CardHolder = HOLDER) -> Chip:
    return issuer.chip(holder, issued=ISSUED, expires=date(2030, 5, 17))


def test_keys_first_then_the_card(rig, issuer: VirtualCccdIssuer) -> None:
    reader, station, heard = rig
    station.arm(7, KEYS)
    assert heard.quiet()  # nothing to read yet
    reader.insert(chip(issuer))
    heard.next("placed")
    token, result = heard.next("read")
    assert token == 7
    assert result.verification.status is PassiveAuthStatus.VERIFIED
    assert result.verification.verified and result.citizen.holder == HOLDER
    assert result.active_auth is ActiveAuthStatus.PASSED


def test_a_cloned_chip_is_forged(rig, issuer: VirtualCccdIssuer) -> None:
    reader, station, heard = rig
    station.arm(1, KEYS)
    reader.insert(issuer.chip(HOLDER, issued=ISSUED, expires=None, cloned=True))
    heard.next("placed")
    _, error = heard.next("failed")
    assert error.problem is CardProblem.FORGED


def test_the_card_first_then_the_keys(rig, issuer: VirtualCccdIssuer) -> None:
    reader, station, heard = rig
    reader.insert(chip(issuer))
    heard.next("placed")
    assert heard.quiet()  # no keys: the chip cannot be opened, nothing is tried
    station.arm(3, KEYS)
    heard.next("placed")  # the read starts now: the screen says so
    token, result = heard.next("read")
    assert token == 3 and result.citizen.holder.citizen_id == HOLDER.citizen_id


def test_a_card_taken_away_mid_read_is_read_again_when_put_back(
    rig, issuer: VirtualCccdIssuer
) -> None:
    reader, station, heard = rig
    card = chip(issuer)
    reader.apdu_latency = 0.05
    station.arm(1, KEYS)
    reader.insert(card)
    heard.next("placed")
    reader.remove()
    heard.next("taken")
    _, error = heard.next("failed")
    assert error.problem is CardProblem.REMOVED
    reader.apdu_latency = 0.0
    reader.insert(card)
    heard.next("placed")
    _, result = heard.next("read")
    assert result.verification.verified


def test_someone_elses_card_with_the_same_can_is_refused(rig, issuer: VirtualCccdIssuer) -> None:
    reader, station, heard = rig
    # Same last six digits (so the same CAN opens it), another person.
    other = replace(HOLDER, citizen_id="079190012345", full_name="Trần Thị Bình")
    station.arm(1, KEYS)
    reader.insert(chip(issuer, other))
    heard.next("placed")
    _, error = heard.next("failed")
    assert error.problem is CardProblem.WRONG_CARD


def test_a_card_from_an_untrusted_issuer_is_read_but_not_verified(issuer) -> None:
    reader = VirtualReader()
    no_csca = CccdReader(CscaStore())
    with station_on(reader, no_csca) as (station, heard):
        station.arm(1, KEYS)
        reader.insert(chip(issuer))
        heard.next("placed")
        _, result = heard.next("read")
        assert result.verification.status is PassiveAuthStatus.INTACT_SIGNER_NOT_TRUSTED
        assert not result.verification.verified


def test_a_chip_the_keys_do_not_open_fails_cleanly(rig) -> None:
    reader, station, heard = rig
    station.arm(1, KEYS)
    reader.insert(Chip(can="000000", mrz_info="", files={}))
    heard.next("placed")
    _, error = heard.next("failed")
    assert error.problem is CardProblem.ACCESS_DENIED


def test_released_mid_read_reports_nothing_and_keeps_no_keys(issuer) -> None:
    reader = VirtualReader(apdu_latency=0.02)
    memory = KeyMemory()
    with station_on(reader, CccdReader(issuer.csca_store, memory=memory)) as (station, heard):
        station.arm(1, KEYS)
        reader.insert(chip(issuer))
        heard.next("placed")
        station.release()
        assert heard.quiet(1.0)  # the read finished unheard
        assert memory.recall(HOLDER.citizen_id) is None
        # Disarmed: a card put down now is only noticed.
        reader.remove()
        heard.next("taken")
        reader.insert(chip(issuer))
        heard.next("placed")
        assert heard.quiet()


def test_a_bac_only_chip_asks_for_the_birth_date_then_opens_with_it(
    rig, issuer: VirtualCccdIssuer
) -> None:
    reader, station, heard = rig
    card = issuer.chip(HOLDER, issued=ISSUED, expires=date(2030, 5, 17), bac_only=True)
    station.arm(1, CardKeys(HOLDER.citizen_id))  # typed on the keypad: the ID alone
    reader.insert(card)
    heard.next("placed")
    _, error = heard.next("failed")
    assert error.problem is CardProblem.NEEDS_BIRTH_DATE
    station.arm(1, CardKeys(HOLDER.citizen_id, birth=BIRTH))  # the card is still there
    heard.next("placed")
    _, result = heard.next("read")
    assert result.verification.verified
