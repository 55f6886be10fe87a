#!/bin/sh
# One entry point for a developer's or IT's machine (Debian 12, as root the first time):
#   sh packaging/dev.sh demo [kiosk options]   install what is missing, run the kiosk in demo mode
#   sh packaging/dev.sh test [pytest options]  install what is missing, run the test suite
#   sh packaging/dev.sh bench NAME             install what is missing, run one benchmark
#   sh packaging/dev.sh setup                  only install
# It is idempotent and quiet: Debian packages are installed only when missing, the virtualenv
# (.venv) is rebuilt only when pyproject.toml changed, and an installer's output is shown only
# when it fails. POSIX sh (Debian's sh is dash).
set -eu
cd "$(dirname "$0")/.."

# python3-venv brings ensurepip, so the venv gets its own pip (no python3-pip needed);
# ca-certificates gives pip (via PIP_CERT or a site CA) and the kiosk's HTTPS a trust store.
# Qt from the PySide6 wheels needs at import: libglib2.0-0, libdbus-1-3, libfontconfig1 (which
# pulls fontconfig-config, i.e. /etc/fonts/fonts.conf and a fallback font), libfreetype6,
# libxkbcommon0, libegl1 and libgl1. The offscreen platform needs nothing more; the xcb platform
# (a window on X11) needs the libxcb-* libraries below, and Wayland sessions need libwayland-*.
# Chip card readers: pcscd (PC/SC daemon) and libpcsclite1 (its client library, which pyscard
# loads); vsmartcard-vpcd is pcscd's virtual reader driver that the tests put the virtual chip
# into. pyscard has no Linux wheel: it builds from source with gcc, libc6-dev, python3-dev and
# libpcsclite-dev (winscard.h); its build pulls SWIG from PyPI, so Debian's swig is not needed.
# prometheus and prometheus-alertmanager bring promtool and amtool, which test the fleet
# monitoring's rules and routing (packaging/monitoring/); the servers their packages start are
# stopped and disabled right after (see install_system_packages).
# systemd brings systemd-analyze, which scores and checks the kiosk's unit in the tests
# (installing it starts nothing); util-linux (essential) brings unshare for its sandbox test.
APT_PACKAGES="python3 python3-venv ca-certificates systemd
  libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0 libegl1 libgl1
  libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxcb-sync1
  libxcb-shm0 libwayland-client0 libwayland-cursor0 libwayland-egl1
  libpulse0 libusb-1.0-0
  pcscd libpcsclite1 vsmartcard-vpcd libpcsclite-dev gcc libc6-dev python3-dev
  prometheus prometheus-alertmanager"

# Runs a command with its output kept in a temporary file, shown only if the command fails.
quietly() {
    log=$(mktemp)
    if "$@" >"$log" 2>&1; then
        rm -f "$log"
    else
        status=$?
        cat "$log" >&2
        rm -f "$log"
        echo "Failed ($status): $*" >&2
        exit "$status"
    fi
}

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
    # A fresh machine may still be running unattended-upgrades: wait for dpkg's lock, not fail.
    export DEBIAN_FRONTEND=noninteractive
    quietly apt-get -o DPkg::Lock::Timeout=600 update
    # shellcheck disable=SC2086 # one word per package
    quietly apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $missing
    # Only the tools are wanted, not a Prometheus or Alertmanager server left running.
    for server in prometheus prometheus-alertmanager; do
        case " $missing " in *" $server "*)
            if [ -d /run/systemd/system ]; then
                systemctl disable --now "$server" >/dev/null 2>&1 || true
            elif [ -x "/etc/init.d/$server" ]; then
                "/etc/init.d/$server" stop >/dev/null 2>&1 || true
            fi ;;
        esac
    done
}

python_for_venv() {
    # A Python >= 3.11 that can make a virtualenv: the machine's own python3 first.
    for candidate in python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c \
            'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"; return 0
        fi
    done
    echo "No Python >= 3.11 with venv found." >&2; exit 1
}

install_python_packages() {
    extras=$1  # dev, or dev,bench: the benchmarks' baselines come on top of a dev install
    stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
    if ! { [ -f "$stamp" ] && [ -x .venv/bin/python ]; }; then
        echo "Installing the kiosk and its Python dependencies into .venv"
        rm -rf .venv
        python=$(python_for_venv)
        quietly "$python" -m venv .venv
        quietly .venv/bin/python -m pip install --upgrade pip
        quietly .venv/bin/python -m pip install -e ".[dev]"
        touch "$stamp"
    fi
    [ "$extras" = dev ] || [ -f "$stamp-$extras" ] && return 0
    echo "Installing the benchmarks' extra packages into .venv"
    quietly .venv/bin/python -m pip install -e ".[$extras]"
    touch "$stamp-$extras"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    demo | test | bench | setup) ;;
    *) echo "usage: sh packaging/dev.sh demo|test|bench NAME|setup" >&2; exit 2 ;;
esac
extras=dev
if [ "$command" = bench ]; then
    APT_PACKAGES="$APT_PACKAGES libzbar0"  # pyzbar's library, for the qr benchmark's baseline
    extras=dev,bench
fi
install_system_packages
install_python_packages "$extras"
case "$command" in
    demo) exec .venv/bin/kiosk --demo "$@" ;;
    test) QT_QPA_PLATFORM=offscreen exec .venv/bin/python -m pytest "$@" ;;
    bench) QT_QPA_PLATFORM=offscreen exec .venv/bin/python tests/benchmarks/run.py "$@" ;;
    setup) ;;
esac
