"""The one thing a printer of this library does: print a paper ticket and cut it."""

from __future__ import annotations

from typing import Protocol

from drivers.printer.document import PaperTicket


class DocumentPrinter(Protocol):
    def print_document(self, document: PaperTicket) -> None:
        """Print the ticket and cut it, or raise `drivers.printer.errors.PrinterError`.

        Blocking: call it from a worker thread, never the GUI thread.
        """
        ...
