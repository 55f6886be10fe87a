"""sd_notify: tell systemd the kiosk is ready, and keep telling it the kiosk is alive.

Under `Type=notify` with `WatchdogSec=`, systemd restarts a kiosk that stops sending
`WATCHDOG=1`. The app sends it from a timer on the GUI thread, so a hung GUI thread — the
failure a patient actually sees — is what gets the kiosk restarted. The unit has
`NotifyAccess=main`: the kiosk is its main process (packaging/linux/cage-session starts cage and
then becomes the kiosk), so these messages count and no other process in the unit can send
them. Without NOTIFY_SOCKET (a developer's machine, the tests) every call does nothing.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


class SystemdNotifier:
    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        address = environ.get("NOTIFY_SOCKET", "")
        # An address starting with "@" is in Linux's abstract namespace.
        self._address = "\0" + address[1:] if address.startswith("@") else address
        usec = environ.get("WATCHDOG_USEC", "")
        self.watchdog_seconds = int(usec) / 1_000_000 if usec.isdigit() and int(usec) else None
        self._socket: socket.socket | None = None
        self._failed = False

    @property
    def keepalive_interval(self) -> float | None:
        """How often to send WATCHDOG=1: twice per watchdog period, as systemd advises."""
        return self.watchdog_seconds / 2 if self.watchdog_seconds and self._address else None

    def ready(self) -> None:
        self._send(b"READY=1")

    def alive(self) -> None:
        self._send(b"WATCHDOG=1")

    def _send(self, message: bytes) -> None:
        if not self._address or self._failed:
            return
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                # Never wait on the GUI thread: a full queue drops this one keep-alive.
                self._socket.setblocking(False)
            self._socket.sendto(message, self._address)
        except BlockingIOError:
            log.debug("systemd's notify queue is full; keep-alive dropped")
        except OSError as error:
            # Once is enough in the log; the service manager will act on the silence.
            self._failed = True
            log.warning("cannot notify systemd: %s", error)
