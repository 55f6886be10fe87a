"""packaging/linux/kiosk.service: sandboxed (systemd-analyze's score), and the kiosk still has
what it needs inside the sandbox: its devices, the network, notify, a place for staff settings.

There is no running systemd here (the tests run in a container), so the unit's file-system
sandbox is rebuilt in a mount namespace from the unit's own settings (`unshare --mount`):
everything read-only but the StateDirectory, a private /tmp, the unit's Environment=, an
unprivileged user without capabilities. A staff settings save and a reload in a new process
run inside it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import Config, KioskSection
from kiosk.staff.overlay import OVERLAY_NAME, overlay_path

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
UNIT = LINUX / "kiosk.service"
MAX_EXPOSURE = 3.0


def directives(path: Path = UNIT) -> dict[str, list[str]]:
    """Each directive of the unit with its values, in order (a directive may repeat)."""
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def one(key: str) -> str:
    values = directives()[key]
    assert len(values) == 1, f"{key} is set {len(values)} times"
    return values[0]


def environment() -> dict[str, str]:
    pairs = " ".join(directives().get("Environment", [])).split()
    return dict(pair.split("=", 1) for pair in pairs)


def writable_folders() -> list[Path]:
    """What ProtectSystem=strict leaves writable: the unit's own folders and ReadWritePaths."""
    unit = directives()
    folders = [
        Path(path.lstrip("-")) for value in unit.get("ReadWritePaths", []) for path in value.split()
    ]
    for key, base in (("StateDirectory", "/var/lib"), ("CacheDirectory", "/var/cache"),
                      ("RuntimeDirectory", "/run"), ("LogsDirectory", "/var/log")):  # fmt: skip
        folders += [Path(base) / name for value in unit.get(key, []) for name in value.split()]
    return folders


def inside(path: Path, folders: list[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_security_scores_the_unit_at_most_3() -> None:
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(UNIT)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    score = re.search(r"Overall exposure level for kiosk\.service: (\d+\.\d)", result.stdout)
    assert score, result.stdout[-500:]
    assert float(score.group(1)) <= MAX_EXPOSURE, result.stdout


def test_only_the_kiosk_itself_may_notify() -> None:
    assert one("Type") == "notify" and one("NotifyAccess") == "main"
    # The kiosk is the main process because the session script becomes it.
    session = (LINUX / "cage-session").read_text(encoding="utf-8")
    assert one("ExecStart").split()[0] == "/opt/hospital-kiosk/cage-session"
    assert session.rstrip().endswith('exec "$KIOSK" --config "$CONFIG"')


def test_staff_settings_are_saved_inside_what_the_unit_lets_the_kiosk_write() -> None:
    assert one("ProtectSystem") == "strict"  # all else is read-only
    folders = writable_folders()
    config = Path(one("ExecStart").split()[1])
    assert not inside(config, folders)  # why the staff settings cannot go into the config
    install = (LINUX / "install.sh").read_text(encoding="utf-8")
    state = re.search(r"^STATE=(\S+)", install, re.MULTILINE)
    assert state, "install.sh names the data folder it writes into the config"
    written = Config(kiosk=KioskSection(data_dir=state.group(1)))
    assert overlay_path(written) == Path(state.group(1)) / OVERLAY_NAME
    assert inside(overlay_path(written), folders)
    # A config that leaves data_dir "" under the unit's environment lands there too.
    env = environment()
    old = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = env["XDG_STATE_HOME"]
    try:
        assert inside(overlay_path(Config()), folders)
    finally:
        os.environ.pop("XDG_STATE_HOME")
        if old is not None:
            os.environ["XDG_STATE_HOME"] = old


def test_the_sandbox_leaves_the_kiosks_devices_and_network() -> None:
    unit = directives()
    assert one("DevicePolicy") == "closed"
    allowed = {value.split()[0]: value.split()[1] for value in unit["DeviceAllow"]}
    for device in (
        "/dev/tty1",  # the console cage draws on
        "char-drm",  # the GPU
        "char-input",  # touch screen, keyboard-wedge scanners
        "char-video4linux",  # the QR camera
        "char-usb_device",  # USB printers through libusb
        "char-usb",  # usblp's /dev/usb/lp*
        "char-ttyUSB",  # serial printers and scanners
        "char-ttyACM",
    ):
        assert allowed.get(device) == "rw", device
    families = one("RestrictAddressFamilies").split()
    # the hospital, pcscd's socket and Wayland, udev's hot-plug events
    assert {"AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK"} <= set(families)
    assert "PrivateNetwork" not in unit and "PrivateDevices" not in unit
    # pcscd is reached through its socket, which the unit waits for.
    assert "pcscd.socket" in one("Wants") and "pcscd.socket" in " ".join(unit["After"])
    # Wayland's socket goes to the unit's runtime folder: /run/user stays hidden.
    assert one("ProtectHome") == "yes" and one("RuntimeDirectoryMode") == "0700"
    assert "/run/user" not in " ".join(unit.get("ReadWritePaths", []))


def test_udev_gives_the_kiosk_printer_interfaces_not_whole_vendors() -> None:
    rules = [
        line
        for line in (LINUX / "99-kiosk-devices.rules").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    usb = [rule for rule in rules if 'SUBSYSTEM=="usb"' in rule]
    assert usb, "the USB printer rule"
    for rule in usb + [rule for rule in rules if 'GROUP="kiosk"' not in rule]:
        # USB devices only by their printer interface (class 07, subclass 01)
        assert 'ENV{ID_USB_INTERFACES}=="*:0701??:*"' in rule, rule
        assert "idVendor" not in rule, rule
    assert all('GROUP="kiosk"' in rule and 'MODE="0660"' in rule for rule in rules)


# The sandbox, rebuilt: run as root inside `unshare --mount`, then as an unprivileged user.
SANDBOX = r"""
set -eu
state=$1 config=$2 user=$3 project=$4
shift 4
mount --make-rprivate /
# StateDirectory=: made by systemd, the user's, 0700, writable
mount -t tmpfs -o mode=0755 tmpfs "$(dirname "$state")"
mkdir -m 0700 "$state" && chown "$user:$user" "$state"
# beside it, the configuration: root's and readable, read-only like /etc/hospital-kiosk
mkdir "$state-etc" && cp "$config" "$state-etc/kiosk.toml" && chmod 0644 "$state-etc/kiosk.toml"
mount --bind "$state" "$state"
# The project and its .venv may live under /tmp themselves (a CI clone): kept in sight
keep="$(dirname "$state")/project"
mkdir "$keep" && mount --bind "$project" "$keep"
# PrivateTmp=yes
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount --bind /tmp /tmp
case "$project" in /tmp/*) mkdir -p "$project" && mount --bind "$keep" "$project" ;; esac
# ProtectSystem=strict: every other mount read-only (keeping each one's own flags)
awk '{print $5, $6}' /proc/self/mountinfo | sort -u | while read -r point options; do
    case "$point" in
        /proc | /proc/* | /sys | /sys/* | /dev | /dev/* | "$state" | /tmp) continue ;;
    esac
    flags=$(echo "$options" | sed -e 's/^r[ow],\{0,1\}//')
    mount -o "remount,bind,ro${flags:+,$flags}" "$point"
done
exec setpriv --reuid="$user" --regid="$user" --clear-groups --no-new-privs \
    --inh-caps=-all --bounding-set=-all "$@"
"""

SAVE_AND_RELOAD = r"""
import json, subprocess, sys
from pathlib import Path
from kiosk.staff.settings import SettingsFile

config = Path(sys.argv[1])
try:
    config.write_text("# the old way: edit the config file\n")
    refused = None
except OSError as error:
    refused = error.strerror
saved = SettingsFile(config).save({"kiosk.idle_seconds": 90.0, "kiosk.language": "en"})
reload = (
    "import json, sys; from kiosk.staff.settings import layered_config, staff_layers;"
    "layers = staff_layers(__import__('pathlib').Path(sys.argv[1]));"
    "print(json.dumps({'idle': layers.config.kiosk.idle_seconds,"
    " 'language': layers.config.kiosk.language, 'overlay': str(layers.overlay)}))"
)
fresh = subprocess.run([sys.executable, "-c", reload, str(config)], capture_output=True,
                       text=True, check=True)
print(json.dumps({"config_write": refused, "saved": saved["kiosk.idle_seconds"],
                  "reloaded": json.loads(fresh.stdout)}))
"""


def _can_sandbox() -> bool:
    if os.geteuid() != 0 or not all(shutil.which(tool) for tool in ("unshare", "setpriv")):
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_sandbox(), reason="needs root with unshare --mount and setpriv")
def test_a_staff_save_and_reload_under_the_units_sandbox(tmp_path: Path) -> None:
    env = environment()
    state_home = env["XDG_STATE_HOME"]
    state = Path(state_home) / one("StateDirectory")
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nid = "KIOSK-01"\ndata_dir = ""\nidle_seconds = 60.0\n')
    # The unit's user is an unprivileged `kiosk`; nobody stands in for it when it can run this
    # Python (a pyenv under /root it cannot): then root without any capability, as the
    # read-only mounts bind root just the same.
    python = Path(sys.executable).resolve()
    others_may_run = all(folder.stat().st_mode & 0o001 for folder in python.parents)
    user = "65534" if others_may_run else "0"
    result = subprocess.run(
        ["unshare", "--mount", "sh", "-c", SANDBOX, "sandbox", str(state), str(config), user,
         str(ROOT), "env", f"XDG_STATE_HOME={state_home}", f"HOME={state}",
         "PYTHONDONTWRITEBYTECODE=1", f"PYTHONPATH={ROOT}", sys.executable, "-c", SAVE_AND_RELOAD,
         f"{state}-etc/kiosk.toml"],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    # The sandbox is real: the config cannot be written, as on the kiosk.
    assert outcome["config_write"] in ("Read-only file system", "Permission denied")
    assert outcome["saved"] == 90.0
    assert outcome["reloaded"] == {
        "idle": 90.0,
        "language": "en",
        "overlay": str(state / OVERLAY_NAME),
    }
