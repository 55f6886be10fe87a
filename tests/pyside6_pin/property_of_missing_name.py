"""Reproducer for the PySide6 pin in pyproject.toml (PySide6 < 6.12).

PySide6 6.12.0 returns None from `QObject.property()` for a name the object does not have
without taking a reference to it. Each call then drops one reference the interpreter holds on
None; on Python 3.11, where None is not yet immortal, the count reaches zero and the process
aborts ("Fatal Python error: none_dealloc: deallocating None").

Run it with the PySide6 to check (tests/pyside6_pin/test_pin.py does, in a subprocess):

    python tests/pyside6_pin/property_of_missing_name.py

Exit status: 0 — the calls leave None's reference count alone (the pin can go for this
bug); 1 — they take references away (keep the pin); a crash (SIGABRT) — the same, seen
the hard way. On Python 3.12 and later None is immortal: the count cannot show the bug, and
the script says so and exits 0 after the calls.
"""

from __future__ import annotations

import sys

CALLS = 10_000


def main() -> int:
    import PySide6
    from PySide6.QtCore import QObject

    holder = QObject()
    holder.setProperty("present", 1)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        if holder.property("missing") is not None:
            print("QObject.property of a missing name did not give None", file=sys.stderr)
            return 1
    lost = before - sys.getrefcount(None)
    immortal = sys.version_info >= (3, 12)
    print(
        f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}: {CALLS} calls of "
        f"QObject.property('missing') changed None's reference count by {-lost}"
        + (" (None is immortal here: the count cannot show the bug)" if immortal else "")
    )
    return 1 if lost >= CALLS // 2 else 0


if __name__ == "__main__":
    sys.exit(main())
