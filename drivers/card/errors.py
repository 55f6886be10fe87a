"""Typed failures of the chip library: one `CardError` whose `problem` a caller can act on,
and the eMRTD stack's subclasses, each with the problem it stands for."""

from __future__ import annotations

from enum import Enum


class CardProblem(Enum):
    UNREADABLE = "unreadable"  # no answer, garbage, or an unsupported card
    REMOVED = "removed"  # taken away before the read finished
    ACCESS_DENIED = "access_denied"  # keys did not open the chip
    FORGED = "forged"  # passive or active authentication failed
    WRONG_CARD = "wrong_card"  # the chip holds another person's ID than the keys came from
    NEEDS_BIRTH_DATE = "needs_birth_date"  # a BAC-only chip, and no birth date for its key


class CardError(Exception):
    """The card could not be read, or its chip data cannot be trusted."""

    def __init__(self, problem: CardProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
        self.detail = detail


class EmrtdError(CardError):
    """Base of every chip-protocol failure: a CardError whose `problem` comes from its class,
    so a caller catches one type whether the transport or the protocol failed."""

    problem = CardProblem.UNREADABLE

    def __init__(self, detail: str = "") -> None:
        super().__init__(type(self).problem, detail)


class TlvError(EmrtdError):
    """BER-TLV bytes are truncated, oversized, nested too deep or otherwise malformed."""


class ApduError(EmrtdError):
    """A command cannot be encoded, or a response is too short to carry a status word."""


class SecureMessagingError(EmrtdError):
    """A protected response is malformed, or the card left secure messaging."""


class MacError(SecureMessagingError):
    """A response's MAC does not verify: tampered, garbled, or the session keys differ."""


class AccessControlError(EmrtdError):
    """BAC or PACE did not open the chip: wrong keys, or a protocol step failed."""

    problem = CardProblem.ACCESS_DENIED


class UnsupportedError(EmrtdError):
    """The card offers only protocols or domain parameters this reader does not implement."""


class LdsError(EmrtdError):
    """A data group's content is malformed: wrong structure, text or check digits."""


class MrzError(LdsError):
    """DG1's machine readable zone is malformed or a check digit does not match."""


class Dg13Error(LdsError):
    """The Vietnamese DG13 does not have the structure or values public decoders describe."""


class SodError(LdsError):
    """EF.SOD is not the CMS SignedData over an LDS security object that ICAO 9303 defines."""
