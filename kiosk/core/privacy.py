"""How personal data is shown on screen and paper: masked, never in full."""

from __future__ import annotations


def mask_id(number: str) -> str:
    """Keep the first 3 and last 3 characters: `001******345` for a 12-digit ID."""
    if len(number) <= 6:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 6) + number[-3:]


def mask_name(full_name: str) -> str:
    """Family name in full, every other name as an initial: `NGUYỄN V. A.`."""
    parts = full_name.upper().split()
    if not parts:
        return ""
    return " ".join([parts[0], *(f"{part[0]}." for part in parts[1:])])
