"""The one thing the kiosk asks of a ticket printer."""

from __future__ import annotations

from typing import Protocol

from kiosk.core.domain import Ticket


class TicketPrinter(Protocol):
    def print_ticket(self, ticket: Ticket) -> None:
        """Print the ticket and cut it, or raise `kiosk.core.domain.PrinterError` saying why not.

        Blocking: call it from a worker thread, never the GUI thread.
        """
        ...
