"""pcscd with Debian's vpcd reader driver: find it or start it, its slots, card presence.

Shared by the PC/SC integration tests (tests/conftest.py) and the measurements (measure.py).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from smartcard import scard

VPCD_CONFIG = Path("/etc/reader.conf.d/vpcd")
PCSCD_SOCKET_DIR = Path("/run/pcscd")
APPEAR_SECONDS = 5.0


@dataclass(frozen=True)
class VpcdSlot:
    reader: str  # the name pcscd gives the slot, e.g. "Virtual PCD 00 00"
    port: int  # where a virtual card connects to be inserted into this slot


def vpcd_config() -> tuple[str, int]:
    """FRIENDLYNAME and the first slot's TCP port from the installed reader.conf entry."""
    fields: dict[str, str] = {}
    for line in VPCD_CONFIG.read_text(encoding="utf-8").splitlines():
        key, _, value = line.strip().partition(" ")
        if key and not key.startswith("#"):
            fields[key] = value.strip().strip('"')
    # DEVICENAME is "/dev/null:PORT": /dev/null means vpcd listens instead of connecting.
    port = int(fields["DEVICENAME"].rpartition(":")[2], 0)
    return fields["FRIENDLYNAME"], port


def pcscd_binary() -> str | None:
    return shutil.which("pcscd") or shutil.which("pcscd", path="/usr/sbin:/sbin")


def readers() -> list[str] | None:
    """Readers pcscd reports, or None when no pcscd answers."""
    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        return None
    try:
        result, names = scard.SCardListReaders(context, [])
        return list(names) if result == scard.SCARD_S_SUCCESS else []
    finally:
        scard.SCardReleaseContext(context)


class PcscDaemon:
    """The pcscd in use; `owned` when we started it (and so may stop or restart it)."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.process: subprocess.Popen[bytes] | None = None
        self.owned = False
        self.friendly_name, self.first_port = vpcd_config()

    @classmethod
    @contextmanager
    def running(cls) -> Iterator[PcscDaemon]:
        """The pcscd already running, or one started here and stopped on leaving."""
        binary = pcscd_binary()
        if binary is None:
            raise RuntimeError("pcscd is not installed")
        daemon = cls(binary)
        if readers() is None:
            daemon.start()
        try:
            yield daemon
        finally:
            daemon.stop()

    def start(self) -> None:
        PCSCD_SOCKET_DIR.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [self.binary, "--foreground", "--auto-exit"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.owned = True

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def wait_for_vpcd(self) -> list[VpcdSlot]:
        deadline = time.monotonic() + APPEAR_SECONDS
        restarted = False
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                if self.process.returncode == 0 and not restarted:
                    # --auto-exit: ours left after a minute without clients (tests in between)
                    self.start()
                    restarted = True
                    continue
                output = self.process.stdout.read() if self.process.stdout else b""
                raise RuntimeError(
                    f"pcscd exited with {self.process.returncode}: "
                    + output.decode(errors="replace")
                )
            names = readers() or []
            slots = sorted(name for name in names if name.startswith(self.friendly_name))
            if slots:
                return [VpcdSlot(name, self.first_port + index) for index, name in enumerate(slots)]
            time.sleep(0.05)
        raise RuntimeError(
            f"no '{self.friendly_name}' reader within {APPEAR_SECONDS} s: a pcscd started "
            "before vsmartcard-vpcd was installed must be restarted"
        )


def wait_for_card(reader: str, *, present: bool = True, timeout: float = 3.0) -> None:
    """Block until pcscd sees a card in (or no card in) `reader`; TimeoutError after `timeout`."""
    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        raise RuntimeError(f"PC/SC: {scard.SCardGetErrorMessage(result)}")
    try:
        deadline = time.monotonic() + timeout
        state = scard.SCARD_STATE_UNAWARE
        while (remaining := deadline - time.monotonic()) > 0:
            result, answers = scard.SCardGetStatusChange(
                context, int(remaining * 1000), [(reader, state)]
            )
            if result == scard.SCARD_E_TIMEOUT:
                break
            if result != scard.SCARD_S_SUCCESS:
                raise RuntimeError(f"{reader}: {scard.SCardGetErrorMessage(result)}")
            [(_name, event_state, _atr)] = answers
            if bool(event_state & scard.SCARD_STATE_PRESENT) == present:
                return
            state = event_state & ~scard.SCARD_STATE_CHANGED
        where = "not there" if present else "still there"
        raise TimeoutError(f"{reader}: card {where} after {timeout} s")
    finally:
        scard.SCardReleaseContext(context)
