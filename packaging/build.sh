#!/bin/sh
# Build the kiosk as a one-folder bundle: dist/kiosk/kiosk (run it with --self-test).
#   sh packaging/build.sh                       with .venv (made by `sh packaging/dev.sh setup`)
#   PYTHON=/path/to/venv/bin/python sh packaging/build.sh   with another virtualenv
# Installs the pinned PyInstaller into that virtualenv when missing, writes the build-info
# module (version, commit, date, Python and Qt versions) that `kiosk --version` prints, and
# builds from packaging/kiosk.spec. POSIX sh.
set -eu
cd "$(dirname "$0")/.."

PYINSTALLER_VERSION=6.22.3
PYTHON=${PYTHON:-.venv/bin/python}
if [ ! -x "$PYTHON" ]; then
    echo "No Python at $PYTHON: run 'sh packaging/dev.sh setup' first or set PYTHON." >&2
    exit 1
fi

if [ "$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("pyinstaller"))' \
        2>/dev/null || true)" != "$PYINSTALLER_VERSION" ]; then
    echo "Installing PyInstaller $PYINSTALLER_VERSION"
    "$PYTHON" -m pip install --quiet "pyinstaller==$PYINSTALLER_VERSION"
fi
# The bundle takes the project's version from its installed metadata (dev.sh setup installs it).

KIOSK_BUILD_INFO_DIR="$(pwd)/build/build-info"
export KIOSK_BUILD_INFO_DIR
mkdir -p "$KIOSK_BUILD_INFO_DIR"
COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
    COMMIT="$COMMIT+dirty"
fi
KIOSK_COMMIT=$COMMIT "$PYTHON" - "$KIOSK_BUILD_INFO_DIR/kiosk_build_info.py" <<'PY'
import importlib.metadata as metadata
import os
import platform
import sys
from datetime import UTC, datetime

fields = {
    "VERSION": metadata.version("hospital-checkin-kiosk"),
    "COMMIT": os.environ["KIOSK_COMMIT"],
    "BUILT_AT": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "PYTHON": platform.python_version(),
    "QT": metadata.version("PySide6-Essentials"),
}
lines = ['"""Written by packaging/build.sh: what this bundle was built from."""', ""]
lines += [f"{name} = {value!r}" for name, value in fields.items()]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("\n".join(lines) + "\n")
PY

started=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/kiosk.spec
seconds=$(( $(date +%s) - started ))
echo "$seconds" >build/build-seconds  # for `python tests/benchmarks/run.py bundle`
echo "Built dist/kiosk in $seconds s ($(du -sh dist/kiosk | cut -f1));" \
    "check it with: dist/kiosk/kiosk --self-test"
