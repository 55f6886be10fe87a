"""Typed failures of the eMRTD stack, each mapped to what the kiosk can tell the patient."""

from __future__ import annotations

from kiosk.core.domain import CardError, CardProblem


class EmrtdError(CardError):
    """Base of every chip-protocol failure: a CardError whose `problem` comes from its class,
    so the flow catches one type whether the transport or the protocol failed."""

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
