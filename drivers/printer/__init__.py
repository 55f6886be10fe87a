"""Queue ticket printing.

typeset (Vietnamese text as 1-bit pixels) -> layout (printer blocks: raster strips, native
text and QR, feeds) -> escpos_output (ESC/POS bytes) -> escpos_printer / simulated (send).
emulation + escpos_decode turn bytes back into paper; preview draws a layout the same way.
"""

from __future__ import annotations

from drivers.printer.base import TicketPrinter

__all__ = ["TicketPrinter"]
