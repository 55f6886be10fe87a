"""Which codes in no format the kiosk knows are worth asking the hospital about.

VNeID codes and a hospital's own booking confirmations only the hospital can read. A site that
knows their shapes lists them (config `[codes] hospital_patterns`); anything else unknown (a
shop's web link, a parking ticket) is then refused at once, without a round trip and without
sending a stranger's data to the hospital. With no patterns, every unknown code is asked about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


class HospitalCodes:
    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self._patterns = [re.compile(pattern) for pattern in patterns]

    def ask_hospital(self, payload: str) -> bool:
        text = payload.strip()
        return not self._patterns or any(p.search(text) for p in self._patterns)
