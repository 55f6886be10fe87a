"""The in-process chip now lives in drivers/card/virtual_chip.py (the demo uses it too)."""

from __future__ import annotations

from drivers.card.virtual_chip import EF_COM, Chip, card_access

__all__ = ["EF_COM", "Chip", "card_access"]
