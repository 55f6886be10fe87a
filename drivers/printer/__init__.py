"""Queue ticket printing: raster rendering (Pillow), ESC/POS bytes (python-escpos), printers."""

from __future__ import annotations

from drivers.printer.base import TicketPrinter

__all__ = ["TicketPrinter"]
