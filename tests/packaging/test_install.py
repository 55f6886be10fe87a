"""packaging/linux/install.sh against a fake root (--root DIR), with fake bundles.

A fake bundle is a folder with a `kiosk` shell script that answers `--version`, `config init`
and `config check` the way the real one does (its check rejects lines matching a pattern, so
a config can be valid for one version and not another). Under --root the script must not
touch the running system: apt-get, useradd, chown, systemctl and udevadm are only listed.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"
INSTALL = LINUX / "install.sh"

FAKE_KIOSK = """#!/bin/sh
case "$1 ${{2:-}}" in
    "--version ")
        echo "kiosk {version} (commit {commit}, built 2026-01-02T03:04:05Z, Python 3.11.7," \
            "Qt 6.11.3)" ;;
    "config init")
        [ -e "$3" ] && exit 1
        printf '%s\\n' '[kiosk]' 'data_dir = ""              # the data' '[card]' \\
            'csca_dir = ""    # certificates' >"$3"
        echo "$3: written" ;;
    "config check")
        if grep -Eq '{rejects}' "$3"; then echo "$3:3: unknown key" >&2; exit 1; fi
        echo "$3: ok as HOME=$HOME in $(pwd) cache=$XDG_CACHE_HOME" ;;
    *) exit 2 ;;
esac
"""


def make_bundle(parent: Path, version: str, rejects: str = "^bad") -> Path:
    bundle = parent / f"dist-{version}" / "kiosk"
    (bundle / "_internal").mkdir(parents=True)
    library = bundle / "_internal" / "libQt6Core.so.6"
    library.write_bytes(b"\x7fELF" + version.encode())
    library.chmod(0o600)  # as a build under umask 077 leaves it
    kiosk = bundle / "kiosk"
    commit = version.replace(".", "") * 3
    kiosk.write_text(FAKE_KIOSK.format(version=version, commit=commit, rejects=rejects))
    kiosk.chmod(0o755)
    return bundle


def name_of(version: str) -> str:
    return f"{version}-{version.replace('.', '') * 3}"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "root"
    folder.mkdir()
    return folder


def run(root: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    # Always --root: a test must never install onto the machine that runs it.
    return subprocess.run(
        ["sh", str(INSTALL), "--root", str(root), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "LC_ALL": "C"},
    )


def installed(root: Path, *args: str | Path) -> str:
    result = run(root, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def link(root: Path, name: str) -> str | None:
    path = root / "opt/hospital-kiosk" / name
    return os.readlink(path) if path.is_symlink() else None


def snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every path under root with its mode, modification time and link target."""
    return {
        str(path.relative_to(root)): (
            path.lstat().st_mode,
            path.lstat().st_mtime_ns,
            os.readlink(path) if path.is_symlink() else "",
        )
        for path in sorted(root.rglob("*"))
    }


def test_first_install_lays_out_everything_and_waits_for_the_config(
    root: Path, tmp_path: Path
) -> None:
    out = installed(root, make_bundle(tmp_path, "1.0.0"))

    app = root / "opt/hospital-kiosk"
    assert link(root, "current") == name_of("1.0.0")
    assert link(root, "previous") is None
    assert (app / "current/kiosk").is_file() and mode(app / name_of("1.0.0")) == 0o755
    assert (app / "current/_internal/libQt6Core.so.6").read_bytes() == b"\x7fELF1.0.0"
    assert mode(app / "current/_internal/libQt6Core.so.6") == 0o644  # the kiosk user reads it
    assert (app / "cage-session").read_bytes() == (LINUX / "cage-session").read_bytes()
    assert mode(app / "cage-session") == 0o755
    assert os.readlink(root / "usr/local/bin/kiosk") == "/opt/hospital-kiosk/current/kiosk"
    assert not list(app.glob(".incoming.*"))

    etc = root / "etc/hospital-kiosk"
    assert mode(etc) == 0o755 and mode(etc / "csca") == 0o755
    config = (etc / "kiosk.toml").read_text()
    assert 'data_dir = "/var/lib/hospital-kiosk"' in config
    assert 'csca_dir = "/etc/hospital-kiosk/csca"' in config
    assert mode(etc / "kiosk.toml") == 0o640
    assert mode(root / "var/lib/hospital-kiosk") == 0o700
    assert mode(root / "var/cache/hospital-kiosk") == 0o700

    for source, target in [
        ("kiosk.service", "etc/systemd/system/kiosk.service"),
        ("99-kiosk-devices.rules", "etc/udev/rules.d/99-kiosk-devices.rules"),
        ("50-kiosk-pcsc.rules", "etc/polkit-1/rules.d/50-kiosk-pcsc.rules"),
    ]:
        assert (root / target).read_bytes() == (LINUX / source).read_bytes()
        assert mode(root / target) == 0o644

    # The config was checked the way the service runs the kiosk: its home, folder and cache.
    assert f"HOME={root}/var/lib/hospital-kiosk in {root}/var/lib/hospital-kiosk" in out
    assert f"cache={root}/var/cache/hospital-kiosk" in out
    # Nothing of the running system was touched, and the script says so.
    for step in ("Debian packages cage", "useradd --system", "chgrp kiosk", "udevadm control"):
        assert f"skipped (--root {root}): " in out and step in out
    # A config fresh from the example is not enabled: staff fill it in first.
    assert "run install.sh again to enable the kiosk" in out
    assert "systemctl enable kiosk.service" not in out


def test_the_second_run_enables_the_kiosk_and_changes_nothing(root: Path, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path, "1.0.0")
    installed(root, bundle)
    before = snapshot(root)

    out = installed(root, bundle)

    assert snapshot(root) == before
    assert f"version {name_of('1.0.0')} is already installed" in out
    assert "installed " not in out.replace("already installed", "")
    assert f"skipped (--root {root}): systemctl enable kiosk.service" in out
    assert f"skipped (--root {root}): systemctl enable --now pcscd.socket" in out


def test_an_upgrade_switches_current_and_a_rollback_switches_back(
    root: Path, tmp_path: Path
) -> None:
    installed(root, make_bundle(tmp_path, "1.0.0"))
    installed(root, make_bundle(tmp_path, "1.1.0"))
    app = root / "opt/hospital-kiosk"
    assert (link(root, "current"), link(root, "previous")) == (name_of("1.1.0"), name_of("1.0.0"))
    assert (app / "current/_internal/libQt6Core.so.6").read_bytes() == b"\x7fELF1.1.0"

    out = installed(root, make_bundle(tmp_path, "1.2.0"))
    assert (link(root, "current"), link(root, "previous")) == (name_of("1.2.0"), name_of("1.1.0"))
    # Only the two versions the links name are kept.
    assert f"removed old version {name_of('1.0.0')}" in out
    assert sorted(p.name for p in app.iterdir() if p.is_dir() and not p.is_symlink()) == [
        name_of("1.1.0"),
        name_of("1.2.0"),
    ]

    installed(root, "--rollback")
    assert (link(root, "current"), link(root, "previous")) == (name_of("1.1.0"), name_of("1.2.0"))
    assert (app / "current/_internal/libQt6Core.so.6").read_bytes() == b"\x7fELF1.1.0"


def test_a_tarball_installs_like_the_folder(root: Path, tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path, "2.0.0")
    tarball = tmp_path / "kiosk-2.0.0.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(bundle, arcname="kiosk")
    shutil.rmtree(bundle)

    installed(root, tarball)

    current = root / "opt/hospital-kiosk/current"
    assert link(root, "current") == name_of("2.0.0")
    assert os.access(current / "kiosk", os.X_OK)
    assert (current / "_internal/libQt6Core.so.6").read_bytes() == b"\x7fELF2.0.0"
    assert not list((root / "opt/hospital-kiosk").glob(".incoming.*"))


def test_a_config_the_new_version_rejects_keeps_the_old_one_running(
    root: Path, tmp_path: Path
) -> None:
    installed(root, make_bundle(tmp_path, "1.0.0"))
    config = root / "etc/hospital-kiosk/kiosk.toml"
    config.write_text(config.read_text() + "bad_key = 1\n")

    result = run(root, make_bundle(tmp_path, "1.1.0"))

    assert result.returncode != 0
    assert "unknown key" in result.stderr
    assert "/etc/hospital-kiosk/kiosk.toml is not valid for version 1.1.0" in result.stderr
    assert link(root, "current") == name_of("1.0.0")
    assert "systemctl enable" not in result.stdout


def test_an_invalid_config_on_a_first_install_enables_nothing(root: Path, tmp_path: Path) -> None:
    config = root / "etc/hospital-kiosk/kiosk.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[kiosk]\nbad_key = 1\n")

    result = run(root, make_bundle(tmp_path, "1.0.0"))

    assert result.returncode != 0
    assert link(root, "current") is None
    assert config.read_text() == "[kiosk]\nbad_key = 1\n"  # staff's file is never rewritten
    assert not (root / "etc/systemd/system/kiosk.service").exists()


def test_a_rollback_to_a_version_that_rejects_the_config_is_refused(
    root: Path, tmp_path: Path
) -> None:
    installed(root, make_bundle(tmp_path, "1.0.0", rejects="^(bad|new_key)"))
    installed(root, make_bundle(tmp_path, "1.1.0"))
    config = root / "etc/hospital-kiosk/kiosk.toml"
    config.write_text(config.read_text() + "new_key = 1\n")

    result = run(root, "--rollback")

    assert result.returncode != 0
    assert "is not valid for version " + name_of("1.0.0") in result.stderr
    assert link(root, "current") == name_of("1.1.0")


def test_uninstall_keeps_the_config_and_data_unless_purged(root: Path, tmp_path: Path) -> None:
    installed(root, make_bundle(tmp_path, "1.0.0"))
    outbox = root / "var/lib/hospital-kiosk/outbox.sqlite"
    outbox.write_bytes(b"queued visits")

    out = installed(root, "--uninstall")

    assert f"skipped (--root {root}): systemctl disable --now kiosk.service" in out
    for gone in (
        "opt/hospital-kiosk",
        "usr/local/bin/kiosk",
        "etc/systemd/system/kiosk.service",
        "etc/udev/rules.d/99-kiosk-devices.rules",
        "etc/polkit-1/rules.d/50-kiosk-pcsc.rules",
    ):
        assert not (root / gone).exists() and not (root / gone).is_symlink(), gone
    assert outbox.read_bytes() == b"queued visits"
    assert (root / "etc/hospital-kiosk/kiosk.toml").is_file()

    out = installed(root, "--uninstall", "--purge")
    assert not (root / "var/lib/hospital-kiosk").exists()
    assert not (root / "etc/hospital-kiosk").exists()
    assert f"skipped (--root {root}): userdel kiosk" in out


def test_the_unit_runs_what_the_script_installs(root: Path, tmp_path: Path) -> None:
    installed(root, make_bundle(tmp_path, "1.0.0"))
    unit: dict[str, list[str]] = {}
    for line in (root / "etc/systemd/system/kiosk.service").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            unit.setdefault(key, []).append(value)

    program, config = unit["ExecStart"][0].split()
    assert os.access(root / program.lstrip("/"), os.X_OK)
    assert (root / config.lstrip("/")).is_file()
    session = (root / program.lstrip("/")).read_text()
    assert "${KIOSK:-/opt/hospital-kiosk/current/kiosk}" in session
    # The data folder systemd makes is the one the config names.
    assert unit["StateDirectory"] == ["hospital-kiosk"]
    assert 'data_dir = "/var/lib/hospital-kiosk"' in (root / config.lstrip("/")).read_text()
    assert unit["WorkingDirectory"] == ["/var/lib/hospital-kiosk"]
    # Restarted when it fails or hangs.
    assert unit["Type"] == ["notify"] and unit["Restart"] == ["on-failure"]
    assert unit["WatchdogSec"] and unit["User"] == ["kiosk"]


def test_a_folder_without_a_kiosk_is_not_installed(root: Path, tmp_path: Path) -> None:
    empty = tmp_path / "dist"
    empty.mkdir()
    result = run(root, empty)
    assert result.returncode != 0
    assert "is not a kiosk bundle" in result.stderr
    assert not (root / "opt/hospital-kiosk/current").exists()


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_the_scripts_are_shellcheck_clean() -> None:
    scripts = [INSTALL, LINUX / "cage-session"]
    result = subprocess.run(
        ["shellcheck", "-s", "sh", *map(str, scripts)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_knows_every_directive_of_the_unit() -> None:
    result = subprocess.run(
        ["systemd-analyze", "verify", str(LINUX / "kiosk.service")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        # The session script is only on a kiosk, not on the machine running the tests.
        if line and "/opt/hospital-kiosk/cage-session is not executable" not in line
    ]
    assert complaints == []
