"""The serial ports on this machine, by device path (what `scanner.device` and
`printer.device` name)."""

from __future__ import annotations

from serial.tools import list_ports


def serial_port_names() -> list[str]:
    """Sorted, so the same machine always lists them in the same order."""
    return sorted(port.device for port in list_ports.comports())
