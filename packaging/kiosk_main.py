"""The frozen bundle's entry point: the same `kiosk` command as the installed package's."""

from __future__ import annotations

import sys

from kiosk.app.cli import main

if __name__ == "__main__":
    sys.exit(main())
