#!/bin/sh
# Installs the kiosk bundle on a Debian 12 kiosk machine, or removes it. As root:
#   sh install.sh BUNDLE                the dist/kiosk folder, or a tarball of it
#   sh install.sh --rollback            back to the version installed before the current one
#   sh install.sh --uninstall [--purge] remove the kiosk; --purge also its config and data
#   --root DIR (first)                  work on the files under DIR instead of / (an image being
#                                       prepared, the tests): what would change the running
#                                       system (apt-get, useradd, chown, systemctl, udevadm) is
#                                       skipped and listed, and root is not required
#
# Layout: /opt/hospital-kiosk/VERSION-COMMIT (one folder per bundle) with the symlinks `current`
# (what the service runs) and `previous`: an upgrade or a rollback is one rename of a symlink.
# Config /etc/hospital-kiosk/kiosk.toml (made from `kiosk config init` only when absent; the new
# bundle must accept it before it becomes current), trusted CSCA certificates in
# /etc/hospital-kiosk/csca, data (offline outbox, logs) in /var/lib/hospital-kiosk.
# Idempotent: run again with the same bundle, nothing changes and the kiosk is not restarted.
# POSIX sh (Debian's sh is dash) with GNU coreutils (mv -T).
set -eu
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
APP=/opt/hospital-kiosk
ETC=/etc/hospital-kiosk
CONFIG=$ETC/kiosk.toml
STATE=/var/lib/hospital-kiosk
CACHE=/var/cache/hospital-kiosk
UNIT=kiosk.service
UNIT_FILE=/etc/systemd/system/$UNIT
UDEV_RULES=/etc/udev/rules.d/99-kiosk-devices.rules
POLKIT_RULES=/etc/polkit-1/rules.d/50-kiosk-pcsc.rules
COMMAND_LINK=/usr/local/bin/kiosk
KIOSK_USER=kiosk
# The camera (/dev/video*), serial scanners and printers (/dev/ttyUSB*, ttyACM*), USB printers
# under the usblp driver (/dev/usb/lp*): Debian's own groups for them, should a device not match
# 99-kiosk-devices.rules (which gives the matched ones to group kiosk).
KIOSK_GROUPS=video,dialout,lp

# What the bundle needs from the system at run time. PyInstaller leaves out the libraries that
# must match the machine's graphics driver or ABI; `readelf -d` over the bundle's .so files lists
# these outside it: libEGL, libGL, libdrm, libwayland-client/-cursor/-egl, libxcb (and libc).
# Mesa's drivers (libgl1-mesa-dri) do the drawing for cage and Qt. pyscard loads libpcsclite at
# run time; pcscd with libccid drives the CCID card readers. The bundle carries libpulse (which
# QtMultimedia links), libfontconfig and libxkbcommon, but their data comes from the system:
# PulseAudio's client.conf (libpulse0), fontconfig's fonts.conf with a fallback font
# (fontconfig-config; the kiosk's own Noto Sans is in the bundle), and the keymaps (xkb-data,
# which cage brings). libusb: python-escpos's USB printers, through pyusb (not yet a dependency
# of the project, so not in the bundle: see packaging/README.md).
APT_PACKAGES="cage libgl1-mesa-dri libegl1 libgl1 libdrm2 libwayland-client0 libwayland-cursor0
  libwayland-egl1 libxcb1 pcscd libccid libpcsclite1 libpulse0 fontconfig-config xkb-data
  libusb-1.0-0"

say() { printf 'install.sh: %s\n' "$*"; }
die() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}
usage() {
    echo "usage: sh install.sh [--root DIR] BUNDLE | --rollback | --uninstall [--purge]" >&2
    exit 2
}

ROOT=/
if [ "${1:-}" = --root ]; then
    [ $# -ge 2 ] || usage
    [ -d "$2" ] || die "--root $2: no such folder"
    ROOT=$(cd "$2" && pwd)
    shift 2
fi

live() { [ "$ROOT" = / ]; }

# A path of the target system (under --root DIR when given).
at() { printf '%s%s' "${ROOT%/}" "$1"; }

# Runs a command that changes the running system; under --root it is only listed.
on_system() {
    if live; then
        "$@"
    else
        say "skipped (--root $ROOT): $*"
    fi
}

# Runs a kiosk command the way the service does: as the kiosk user, in its data folder, with
# the environment of kiosk.service, so a file the kiosk cannot read fails here, not at start.
as_kiosk() {
    (
        cd "$(at "$STATE")"
        if live; then
            runuser -u "$KIOSK_USER" -- env HOME="$STATE" XDG_STATE_HOME=/var/lib \
                XDG_CACHE_HOME="$CACHE" "$@"
        else
            env HOME="$(at "$STATE")" XDG_STATE_HOME="$(at /var/lib)" \
                XDG_CACHE_HOME="$(at "$CACHE")" "$@"
        fi
    )
}

CHANGED=0  # 1 once something the running kiosk uses was replaced: it is then restarted
REPLACED=0  # whether the last put_file replaced its file

# put_file SOURCE PATH MODE: copies SOURCE to PATH when their contents differ (one rename).
put_file() {
    target=$(at "$2")
    REPLACED=0
    if [ -f "$target" ] && cmp -s "$1" "$target"; then
        chmod "$3" "$target"
        return 0
    fi
    mkdir -p "$(dirname "$target")"
    cp "$1" "$target.new"
    chmod "$3" "$target.new"
    mv -f "$target.new" "$target"
    REPLACED=1
    CHANGED=1
    say "installed $2"
}

# point LINK TARGET: LINK becomes a symlink to TARGET in one rename (never missing meanwhile).
point() {
    link=$(at "$1")
    [ -L "$link" ] && [ "$(readlink "$link")" = "$2" ] && return 0
    ln -sfn "$2" "$link.new"
    mv -T "$link.new" "$link"
    CHANGED=1
}

# make_dir PATH MODE [OWNER]: the folder with MODE (and OWNER on the running system).
make_dir() {
    mkdir -p "$(at "$1")"
    chmod "$2" "$(at "$1")"
    if [ $# -ge 3 ]; then
        on_system chown "$3" "$1"
    fi
}

require_root() {
    if live && [ "$(id -u)" != 0 ]; then
        die "run as root (or with --root DIR to prepare an image)"
    fi
}

install_packages() {
    if ! live; then
        # shellcheck disable=SC2086 # one word per package, on one line
        say "skipped (--root $ROOT): Debian packages" $APT_PACKAGES
        return 0
    fi
    missing=""
    for package in $APT_PACKAGES; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
            || missing="$missing $package"
    done
    [ -z "$missing" ] && return 0
    say "installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update
    # shellcheck disable=SC2086 # one word per package
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $missing
}

# The unprivileged user the kiosk runs as (no shell, no home of its own but the data folder).
ensure_user() {
    if live && getent passwd "$KIOSK_USER" >/dev/null; then
        usermod --append --groups "$KIOSK_GROUPS" "$KIOSK_USER"
        return 0
    fi
    on_system useradd --system --user-group --groups "$KIOSK_GROUPS" --home-dir "$STATE" \
        --no-create-home --shell /usr/sbin/nologin --comment "Hospital check-in kiosk" \
        "$KIOSK_USER"
}

STAGING=""
cleanup() {
    if [ -n "$STAGING" ]; then
        rm -rf "$STAGING"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# find_bundle BUNDLE: sets BUNDLE_DIR to the folder holding the `kiosk` executable: BUNDLE
# itself or a folder in it; a tarball is unpacked next to its final place first (same file
# system: the final move is a rename).
find_bundle() {
    if [ -f "$1" ]; then
        STAGING=$(mktemp -d "$(at "$APP")/.incoming.XXXXXX")
        tar -xf "$1" -C "$STAGING" --no-same-owner
        search=$STAGING
    elif [ -d "$1" ]; then
        search=$1
    else
        die "no bundle at $1 (build one with: sh packaging/build.sh)"
    fi
    if [ -f "$search/kiosk" ] && [ -x "$search/kiosk" ]; then
        BUNDLE_DIR=$search
        return 0
    fi
    BUNDLE_DIR=""
    for candidate in "$search"/*/kiosk; do
        if [ -f "$candidate" ] && [ -x "$candidate" ]; then
            [ -z "$BUNDLE_DIR" ] || die "$1 holds more than one bundle"
            BUNDLE_DIR=${candidate%/kiosk}
        fi
    done
    [ -n "$BUNDLE_DIR" ] || die "$1 is not a kiosk bundle (no executable kiosk in it)"
}

# place_bundle NAME: BUNDLE_DIR becomes $APP/NAME, root's and read-only to others.
place_bundle() {
    if [ -z "$STAGING" ]; then  # a folder: copied first, so that it appears whole or not at all
        STAGING=$(mktemp -d "$(at "$APP")/.incoming.XXXXXX")
        cp -R "$BUNDLE_DIR/." "$STAGING/"
        BUNDLE_DIR=$STAGING
    fi
    chmod -R u+rwX,go=rX "$BUNDLE_DIR"  # readable by the kiosk user, whatever the build's umask
    on_system chown -R root:root "$BUNDLE_DIR"
    mv -T "$BUNDLE_DIR" "$(at "$APP")/$1"
    say "installed version $1 in $APP/$1"
}

# version_name KIOSK: the folder name of a bundle from its `kiosk --version` line,
# "kiosk 0.1.0 (commit 1a2b3c4d5e6f, built 2026-01-02T03:04:05Z, Python …, Qt …)":
# 0.1.0-1a2b3c4d5e6f; a build from uncommitted changes also gets its build time.
version_name() {
    line=$("$1" --version) || die "$1 --version failed: a bundle built for another system?"
    version=$(printf '%s\n' "$line" | sed -n 's/^kiosk \([^ ]*\).*/\1/p')
    commit=$(printf '%s\n' "$line" | sed -n 's/.*(commit \([^,]*\),.*/\1/p')
    built=$(printf '%s\n' "$line" | sed -n 's/.*, built \([^,]*\),.*/\1/p' | tr -d ':-')
    [ -n "$version" ] || die "unexpected version line from the bundle: $line"
    case $commit in
        *+dirty) name=$version-${commit%+dirty}-dirty-$built ;;
        "") name=$version ;;
        *) name=$version-$commit ;;
    esac
    case $name in
        .* | *[!A-Za-z0-9._+-]*) die "unexpected version line from the bundle: $line" ;;
    esac
    printf '%s\n' "$name"
}

# check_config VERSION: that version's kiosk accepts the config, or the step stops here.
check_config() {
    if ! as_kiosk "$(at "$APP")/$1/kiosk" config check "$(at "$CONFIG")"; then
        die "$CONFIG is not valid for version $1: fix it and run install.sh again." \
            "Nothing was switched or enabled."
    fi
}

# A fresh config from the bundle's example, with this layout's folders filled in.
write_config() {
    kiosk=$1
    config=$(at "$CONFIG")
    "$kiosk" config init "$config" >/dev/null
    sed -i -e "s|^data_dir = \"\"|data_dir = \"$STATE\"|" \
        -e "s|^csca_dir = \"\"|csca_dir = \"$ETC/csca\"|" "$config"
    grep -q "^data_dir = \"$STATE\"" "$config" || die "could not set data_dir in $CONFIG"
    grep -q "^csca_dir = \"$ETC/csca\"" "$config" || die "could not set csca_dir in $CONFIG"
    chmod 0640 "$config"  # it may hold the hospital's token: root writes, the kiosk reads
    on_system chgrp "$KIOSK_USER" "$CONFIG"
    say "wrote $CONFIG from the example"
}

# Keeps `current` and `previous`: the other versions' folders go (a bundle is ~250 MB).
prune_versions() {
    current=$(readlink "$(at "$APP")/current" || true)
    previous=$(readlink "$(at "$APP")/previous" || true)
    for folder in "$(at "$APP")"/*/; do
        folder=${folder%/}
        name=${folder##*/}
        [ -L "$folder" ] && continue
        [ "$name" = "$current" ] || [ "$name" = "$previous" ] && continue
        [ -x "$folder/kiosk" ] || continue  # only bundles this script installed
        rm -rf "$folder"
        say "removed old version $name"
    done
}

install_session_files() {
    put_file "$HERE/cage-session" "$APP/cage-session" 0755
    if [ -f "$HERE/../README.md" ]; then
        put_file "$HERE/../README.md" "$APP/README.md" 0644
    fi
    # `kiosk doctor`, `kiosk config check` … for staff, always the current version.
    mkdir -p "$(dirname "$(at "$COMMAND_LINK")")"
    point "$COMMAND_LINK" "$APP/current/kiosk"

    put_file "$HERE/99-kiosk-devices.rules" "$UDEV_RULES" 0644
    if [ "$REPLACED" = 1 ]; then
        on_system udevadm control --reload
        on_system udevadm trigger --subsystem-match=usb --subsystem-match=usbmisc \
            --subsystem-match=tty
    fi
    # polkitd watches its rules folders and reloads by itself.
    put_file "$HERE/50-kiosk-pcsc.rules" "$POLKIT_RULES" 0644
    put_file "$HERE/$UNIT" "$UNIT_FILE" 0644
    on_system systemctl daemon-reload
}

enable_service() {
    on_system systemctl enable --now pcscd.socket
    # The unit belongs to graphical.target; a kiosk has no display manager that would set it.
    on_system systemctl set-default graphical.target
    on_system systemctl enable "$UNIT"
    if ! live; then
        say "skipped (--root $ROOT): systemctl restart $UNIT"
    elif [ "$CHANGED" = 1 ] || ! systemctl is-active --quiet "$UNIT"; then
        # Returns once the kiosk said READY=1 (its hospital link and devices are up).
        systemctl restart "$UNIT" \
            || die "the kiosk did not start: see journalctl -u $UNIT (the install is complete)"
        say "started $UNIT"
    fi
}

install_bundle() {
    require_root
    install_packages
    ensure_user
    make_dir "$APP" 0755
    make_dir "$ETC" 0755
    make_dir "$ETC/csca" 0755
    make_dir "$STATE" 0700 "$KIOSK_USER:$KIOSK_USER"
    make_dir "$CACHE" 0700 "$KIOSK_USER:$KIOSK_USER"
    rm -rf "$(at "$APP")"/.incoming.*  # left by an install that was killed

    find_bundle "$1"
    name=$(version_name "$BUNDLE_DIR/kiosk")
    if [ -d "$(at "$APP")/$name" ]; then
        say "version $name is already installed"
    else
        place_bundle "$name"
    fi
    cleanup
    STAGING=""

    fresh_config=0
    if [ ! -e "$(at "$CONFIG")" ]; then
        write_config "$(at "$APP")/$name/kiosk"
        fresh_config=1
    fi
    check_config "$name"

    current=$(readlink "$(at "$APP")/current" || true)
    if [ "$current" != "$name" ]; then
        if [ -n "$current" ]; then
            point "$APP/previous" "$current"
        fi
        point "$APP/current" "$name"
        say "current version: $name${current:+ (previous: $current)}"
    fi
    prune_versions
    install_session_files

    if [ "$fresh_config" = 1 ]; then
        say "$CONFIG is the example: set the kiosk id, the hospital's url and token, the" \
            "printer and scanner, then run install.sh again to enable the kiosk."
        return 0
    fi
    enable_service
}

rollback() {
    require_root
    current=$(readlink "$(at "$APP")/current" || true)
    previous=$(readlink "$(at "$APP")/previous" || true)
    if [ -z "$previous" ] || [ ! -d "$(at "$APP")/$previous" ]; then
        die "no previous version to go back to"
    fi
    check_config "$previous"
    point "$APP/current" "$previous"
    point "$APP/previous" "$current"
    say "current version: $previous (previous: $current)"
    if ! live; then
        say "skipped (--root $ROOT): systemctl restart $UNIT"
    elif systemctl is-enabled --quiet "$UNIT"; then
        systemctl restart "$UNIT" || die "the kiosk did not start: see journalctl -u $UNIT"
    fi
}

uninstall() {
    purge=$1
    require_root
    if [ -f "$(at "$UNIT_FILE")" ]; then
        on_system systemctl disable --now "$UNIT"
    fi
    rm -f "$(at "$UNIT_FILE")" "$(at "$UDEV_RULES")" "$(at "$POLKIT_RULES")"
    if [ -L "$(at "$COMMAND_LINK")" ]; then
        rm -f "$(at "$COMMAND_LINK")"
    fi
    rm -rf "$(at "$APP")"
    on_system systemctl daemon-reload
    on_system udevadm control --reload
    say "removed $UNIT, the device rules and $APP (Debian packages stay)"
    if [ "$purge" = 1 ]; then
        rm -rf "$(at "$ETC")" "$(at "$STATE")" "$(at "$CACHE")"
        if ! live || getent passwd "$KIOSK_USER" >/dev/null; then
            on_system userdel "$KIOSK_USER"
        fi
        say "purged $ETC, $STATE and $CACHE"
    else
        say "kept $ETC and $STATE (the config, the offline outbox): --purge removes them"
    fi
    # tty1 had no login prompt while the kiosk owned it.
    on_system systemctl start getty@tty1.service \
        || say "could not start a login prompt on tty1 (getty@tty1.service); it comes at boot"
}

case "${1:-}" in
    --uninstall)
        [ $# -le 2 ] || usage
        case "${2:-}" in
            "") uninstall 0 ;;
            --purge) uninstall 1 ;;
            *) usage ;;
        esac
        ;;
    --rollback)
        [ $# -eq 1 ] || usage
        rollback
        ;;
    "" | -*) usage ;;
    *)
        [ $# -eq 1 ] || usage
        install_bundle "$1"
        ;;
esac
