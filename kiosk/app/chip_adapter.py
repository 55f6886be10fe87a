"""The one place where the chip library meets the kiosk's domain.

`drivers.card` knows ICAO 9303 and the CCCD's DG13, not the kiosk's patient: a read comes back
as its own ChipReadResult and a failure as its own CardError. Here they become flow events (an
Identity from the chip, the domain's CardProblem), and a demo persona's Identity becomes the
CardHolder a virtual chip is written for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.card.errors import CardError as ChipError
from drivers.card.errors import CardProblem as ChipProblem
from drivers.card.holder import CardHolder, PartialDate
from drivers.card.holder import Sex as ChipSex
from kiosk.core.domain import BirthDate, CardProblem, Identity, IdentitySource, NameSource, Sex
from kiosk.core.flow import CardSensed, ChipFailed, ChipRead, Event

if TYPE_CHECKING:  # the reader (and its cryptography) loads on the builder thread, not at start
    from drivers.card.cccd_reader import ChipReadResult

_PROBLEMS = {
    ChipProblem.UNREADABLE: CardProblem.UNREADABLE,
    ChipProblem.REMOVED: CardProblem.REMOVED,
    ChipProblem.ACCESS_DENIED: CardProblem.ACCESS_DENIED,
    ChipProblem.FORGED: CardProblem.FORGED,
    ChipProblem.WRONG_CARD: CardProblem.WRONG_CARD,
    ChipProblem.NEEDS_BIRTH_DATE: CardProblem.NEEDS_BIRTH_DATE,
}
_SEXES = {ChipSex.MALE: Sex.MALE, ChipSex.FEMALE: Sex.FEMALE}
_CHIP_SEXES = {sex: chip_sex for chip_sex, sex in _SEXES.items()}


def identity_from_chip(result: ChipReadResult) -> Identity:
    """The patient as the chip tells: `chip_verified` only when passive authentication
    VERIFIED the issuer's signature (the flow's IdentityCheck follows from it). A DG13 in no
    layout the library knows gives the holder from DG1: `name_source` says so."""
    holder = result.citizen.holder
    birth = holder.birth
    return Identity(
        source=IdentitySource.CHIP,
        citizen_id=holder.citizen_id,
        full_name=holder.full_name,
        birth=BirthDate(birth.year, birth.month, birth.day) if birth else None,
        sex=_SEXES[holder.sex] if holder.sex else None,
        address=holder.residence,
        chip_verified=result.verification.verified,
        name_source=NameSource.CHIP_MRZ if result.citizen.layout is None else None,
    )


def card_problem(error: ChipError) -> CardProblem:
    return _PROBLEMS[error.problem]


def card_holder(identity: Identity) -> CardHolder:
    """Whom a virtual CCCD is written for: the demo's and the self-test's cards."""
    if identity.citizen_id is None:
        raise ValueError("a CCCD chip holds the 12-digit personal ID")
    birth = identity.birth
    return CardHolder(
        citizen_id=identity.citizen_id,
        full_name=identity.full_name,
        birth=PartialDate(birth.year, birth.month, birth.day) if birth else None,
        sex=_CHIP_SEXES[identity.sex] if identity.sex else None,
        residence=identity.address,
    )


class ChipEvents:
    """The chip station's listener: its callbacks, from its threads, as flow events.

    `presented` returns the identity the code or keypad gave (the flow's current one): a
    chip whose name comes from the MRZ takes the code's name with diacritics from it.
    """

    def __init__(
        self,
        post: Callable[[Event], None],
        presented: Callable[[], Identity | None] = lambda: None,
    ) -> None:
        self._post = post
        self._presented = presented

    def card_placed(self) -> None:
        self._post(CardSensed.PLACED)

    def card_taken(self) -> None:
        self._post(CardSensed.TAKEN)

    def chip_read(self, token: int, result: ChipReadResult) -> None:
        # 12 ms for kiosk.core.identity: loaded by the first code, not at start
        from kiosk.core.identity import with_code_name

        identity = with_code_name(identity_from_chip(result), self._presented())
        self._post(ChipRead(token, identity))

    def chip_failed(self, token: int, error: ChipError) -> None:
        self._post(ChipFailed(token, card_problem(error)))
