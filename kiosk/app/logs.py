"""The kiosk's logs: JSON lines in rotating files under its data folder, and stderr.

File: one JSON object per line (`ts`, `level`, `logger`, `msg`, optional `exc`), rotated at
5 MB with 5 old files kept, readable by the kiosk's user only. Stderr: when it is the systemd
journal (JOURNAL_STREAM names it) each line is the syslog priority prefix and the message,
as journald reads levels from `<N>` and stamps the time itself; otherwise a plain timestamped
line. Modules log without personal data; as a second line of defence every record passes a
filter that masks long digit runs (ID, insurance and phone numbers).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

LOG_FILE = "kiosk.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
_PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Nine or more digits in a row: 9/12-digit ID numbers, the digits of insurance numbers, phones.
# Runs of nine digits or more (an ID or card number, also inside "DN4010123456789"); a
# hexadecimal number such as an object's address (0x7f3a12345678) is matched whole and kept.
_LONG_DIGITS = re.compile(r"0[xX][0-9a-fA-F]+|\d{9,}")
_SYSLOG_PRIORITY = {  # sd-daemon(3) prefixes
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


def mask_digits(text: str) -> str:
    def mask(match: re.Match[str]) -> str:
        found = match.group()
        return found if found[:2] in ("0x", "0X") else "#" * len(found)

    return _LONG_DIGITS.sub(mask, text)


class MaskDigits(logging.Filter):
    """Rewrites each record's message (and exception text) with long digit runs masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_digits(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_digits(record.exc_text)
        return True


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class JournalFormatter(logging.Formatter):
    """`<priority>logger: message`: journald takes the level from the prefix."""

    def format(self, record: logging.LogRecord) -> str:
        priority = _SYSLOG_PRIORITY.get(record.levelno, 6)
        text = f"<{priority}>{record.name}: {record.getMessage()}"
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:  # one entry per line: the traceback's lines at the same priority
            text += "".join(f"\n<{priority}>{line}" for line in record.exc_text.splitlines())
        return text


def stderr_is_journal(stream: TextIO) -> bool:
    """True when `stream` is the journal's socket (systemd sets JOURNAL_STREAM=dev:inode)."""
    expected = os.environ.get("JOURNAL_STREAM", "")
    if not expected:
        return False
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):  # a stream without a file, e.g. in tests
        return False
    return expected == f"{info.st_dev}:{info.st_ino}"


def setup_logging(
    folder: Path | None, *, level: int = logging.INFO, stream: TextIO | None = None
) -> Path | None:
    """Logs to `stream` (stderr) and, given a folder, to rotating JSON files in it.

    Replaces the root logger's handlers, so calling it again (a test, a restart) does not
    double every line. Returns the current log file's path, or None without a folder.
    """
    stream = stream if stream is not None else sys.stderr
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    console = logging.StreamHandler(stream)
    journal = stderr_is_journal(stream)
    console.setFormatter(JournalFormatter() if journal else logging.Formatter(_PLAIN_FORMAT))
    console.addFilter(MaskDigits())
    root.addHandler(console)
    # httpx logs every URL at INFO; ours carry record ids, so keep them out of the log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / LOG_FILE
    path.touch(mode=0o600, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    file_handler.setFormatter(JsonLineFormatter())
    file_handler.addFilter(MaskDigits())
    root.addHandler(file_handler)
    return path
