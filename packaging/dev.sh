#!/bin/sh
# One entry point for a developer's or IT's machine (Debian, as root):
#   sh packaging/dev.sh demo [kiosk options]   install what is missing, run the kiosk in demo mode
#   sh packaging/dev.sh test [pytest options]  install what is missing, run the test suite
#   sh packaging/dev.sh bench NAME             install what is missing, run one benchmark
#   sh packaging/dev.sh setup                  only install
# It is idempotent: Debian packages are installed only when missing, the virtualenv (.venv)
# is rebuilt only when pyproject.toml changed.
set -eu
cd "$(dirname "$0")/.."

# Qt's offscreen and xcb platforms need these libraries; the rest comes from PyPI wheels.
APT_PACKAGES="python3 python3-venv python3-pip libegl1 libgl1 libglib2.0-0 libdbus-1-3
  libfontconfig1 libfreetype6 libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0
  libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
  libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-shm0"

install_system_packages() {
    missing=""
    for package in $APT_PACKAGES; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
            || missing="$missing $package"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "Missing Debian packages:$missing — run this script as root once." >&2
        exit 1
    fi
    echo "Installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

python_for_venv() {
    # A Python >= 3.11 that can make a virtualenv: the machine's own python3 first.
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c \
            'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"; return 0
        fi
    done
    echo "No Python >= 3.11 with venv found." >&2; exit 1
}

install_python_packages() {
    stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
    [ -f "$stamp" ] && return 0
    echo "Installing the kiosk and its Python dependencies into .venv"
    rm -rf .venv
    "$(python_for_venv)" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[dev]"
    touch "$stamp"
}

command=${1:-}
[ $# -gt 0 ] && shift
install_system_packages
install_python_packages
case "$command" in
    demo) exec .venv/bin/kiosk --demo "$@" ;;
    test) QT_QPA_PLATFORM=offscreen exec .venv/bin/python -m pytest "$@" ;;
    bench) QT_QPA_PLATFORM=offscreen exec .venv/bin/python tests/benchmarks/run.py "$@" ;;
    setup) ;;
    *) echo "usage: sh packaging/dev.sh demo|test|bench NAME|setup" >&2; exit 2 ;;
esac
