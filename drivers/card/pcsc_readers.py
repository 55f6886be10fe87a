"""The PC/SC readers pcscd lists on this machine, by name (what `card.reader_name` matches)."""

from __future__ import annotations

from smartcard.System import readers


def reader_names() -> list[str]:
    """In pcscd's order; raises pyscard's errors when pcscd cannot be reached."""
    return [str(reader) for reader in readers()]
