"""The one backoff formula: how long to wait before resending to the hospital.

Exponential from `first`, capped at `cap`, and jittered down to half at random so that kiosks
that failed together (the hospital went away for all of them) do not come back all at once.
"""

from __future__ import annotations

import random

# 2**60 times any sensible `first` is past every cap; a larger exponent would only overflow.
_MAX_DOUBLINGS = 60


def backoff_seconds(attempt: int, first: float, cap: float, rng: random.Random) -> float:
    """The wait after failed attempt number `attempt` (1 for the first failure)."""
    doublings = min(max(attempt - 1, 0), _MAX_DOUBLINGS)
    return min(cap, first * 2.0**doublings) * rng.uniform(0.5, 1.0)
