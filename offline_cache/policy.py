"""How the offline layer reads a hospital client's exceptions, without importing the client.

kiosk/app/offline_link.py builds it in one line:
    ErrorPolicy(unavailable=(HospitalUnavailable,), rejected=(HospitalRejected,),
                failed=(HospitalFailed, HospitalProtocolError))
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

# Refusals that are not final: the same request can succeed a little later.
RETRYABLE_CODES = frozenset({"request_in_progress", "patient_exists"})


class Verdict(Enum):
    UNAVAILABLE = "unavailable"  # no usable answer: the hospital is (as good as) unreachable
    FAILED = "failed"  # it answered, but this request failed (500, an answer not decodable)
    REJECTED = "rejected"  # the hospital answered and said no (`code` says why)
    UNKNOWN = "unknown"  # not a hospital error at all: a bug or a local failure


@dataclass(frozen=True)
class ErrorPolicy:
    unavailable: tuple[type[BaseException], ...]
    rejected: tuple[type[BaseException], ...]
    # Checked first: these may subclass an unavailable type (HospitalFailed does).
    failed: tuple[type[BaseException], ...] = ()

    def classify(self, error: BaseException) -> Verdict:
        if isinstance(error, self.failed):
            return Verdict.FAILED
        if isinstance(error, self.unavailable):
            return Verdict.UNAVAILABLE
        if isinstance(error, self.rejected):
            return Verdict.REJECTED
        return Verdict.UNKNOWN

    @staticmethod
    def code(error: BaseException) -> str:
        """The refusal's machine-readable code (`code` attribute), else the exception type."""
        code = getattr(error, "code", None)
        return code if isinstance(code, str) and code else type(error).__name__
