"""`kiosk`: run the kiosk, the demo, the walkthrough, or the demo hospital on its own.

kiosk --demo [--windowed]          the kiosk with the demo hospital and simulated devices
kiosk --demo --hospital fhir       the demo hospital as a FHIR R4 server (SEKMET, dev install)
kiosk --demo --walkthrough DIR     scripted check-ins through the real UI, screens saved as PNG
kiosk --config FILE                the kiosk against the hospital in FILE
kiosk demo-hospital --port N       only the demo hospital, for several kiosks to share
kiosk config check FILE            validate a config file (errors name the key and line)
kiosk doctor [--config FILE]       check the devices, the hospital link and its TLS
kiosk admin set-pin FILE           ask for the staff PIN twice and store its hash in FILE
kiosk --self-test [--config FILE]  check every part offscreen (the frozen bundle's smoke test)
kiosk --version                    version and build metadata
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from kiosk.config import EXAMPLE, Config, ConfigError, load_config
from kiosk.config_lines import key_line
from kiosk.staff.pin import check_pin_format, hash_pin

log = logging.getLogger("kiosk")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every URL at INFO; ours carry record ids, so keep them out of the log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if argv[:1] == ["demo-hospital"]:
        return _demo_hospital(argv[1:])
    if argv[:2] == ["config", "check"]:
        return _config_check(argv[2:])
    if argv[:2] == ["config", "init"]:
        return _config_init(argv[2:])
    if argv[:1] == ["doctor"]:
        return _doctor(argv[1:])
    if argv[:2] == ["admin", "set-pin"]:
        return _admin_set_pin(argv[2:])
    return _run(argv)


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk", description="Hospital check-in kiosk")
    parser.add_argument("--demo", action="store_true", help="embedded demo hospital and devices")
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    parser.add_argument("--config", type=Path, help="the kiosk's TOML config file")
    parser.add_argument(
        "--hospital",
        choices=("rest", "fhir"),
        help="with --demo: the demo hospital's kind (default: the config's hospital.kind)",
    )
    parser.add_argument(
        "--walkthrough", type=Path, metavar="DIR", help="with --demo: save every screen to DIR"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="start, report the time to the welcome screen, exit"
    )
    parser.add_argument(
        "--self-test", action="store_true", help="check every part offscreen, exit 0 if all pass"
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.version:
        print(_version_line())
        return 0
    if args.self_test:
        from kiosk.app.selftest import run_self_test  # 4 ms, --self-test only

        return run_self_test(args.config)
    if args.walkthrough and not args.demo:
        parser.error("--walkthrough needs --demo")
    if args.hospital and not args.demo:
        parser.error("--hospital needs --demo (a real hospital's kind is in the config)")
    try:
        config = _layered_config(args.config)
    except ConfigError as error:
        print(f"kiosk: config error: {_where(args.config, error)}{error}", file=sys.stderr)
        return 2
    if args.hospital:
        config = replace(config, hospital=replace(config.hospital, kind=args.hospital))
    if args.demo and config.hospital.kind == "fhir":
        # 89 ms (the FHIR demo server): a FHIR demo only
        from kiosk.demo_hospital.fhir_server import SekmetMissing, require_sekmet

        try:
            require_sekmet()
        except SekmetMissing as error:
            print(f"kiosk: {error}", file=sys.stderr)
            return 2
    if not args.demo:  # a demo's logs go to stderr only, with its data
        from kiosk.app.logs import setup_logging  # 7 ms: a real kiosk's file logs only

        setup_logging(data_dir(config) / "logs")
    if args.walkthrough or args.smoke:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif not _display_available():
        print(
            "kiosk: no display found (DISPLAY / WAYLAND_DISPLAY unset). Run it on the kiosk's "
            "screen, under xvfb-run, or see the product without a screen with "
            "`kiosk --demo --walkthrough DIR`.",
            file=sys.stderr,
        )
        return 2
    return _run_qt(config, args, started)


def _layered_config(path: Path | None) -> Config:
    """The config file with the staff settings saved in the data folder over it."""
    if path is None:
        return load_config(None)
    from kiosk.staff.settings import layered_config  # a file only: a demo start skips it

    return layered_config(path)


def data_dir(config: Config) -> Path:
    from kiosk.staff.overlay import data_folder

    folder = data_folder(config)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _run_qt(config: Config, args: argparse.Namespace, started: float) -> int:
    # 200 ms (Qt, the controller): `config check`, `doctor`, `--version` never pay for them
    from PySide6.QtWidgets import QApplication

    from kiosk.app.controller import KioskApp

    qt_app = QApplication.instance() or QApplication([sys.argv[0]])
    # A demo starts afresh in a temporary folder; a real kiosk's outbox survives restarts.
    kiosk = KioskApp(
        config,
        demo=args.demo,
        data_dir=None if args.demo else data_dir(config),
        config_path=args.config,
    )
    try:
        if args.walkthrough:
            # 600 ms (the demo devices, QtTest): the walkthrough only
            from kiosk.app.walkthrough import run_walkthrough

            saved = run_walkthrough(kiosk, args.walkthrough)
            print(f"walkthrough: {saved} screens and tickets saved in {args.walkthrough}")
            return 0
        kiosk.show(fullscreen=config.kiosk.fullscreen and not args.windowed)
        # Pending paint events first: the welcome screen is on show before the backends load.
        qt_app.processEvents()
        if args.smoke:
            now = time.time()
            print(f"welcome screen ready in {_ms_since(started):.0f} ms; wall clock {now:.6f}")

            def ready() -> None:
                print(f"hospital and devices ready in {_ms_since(started):.0f} ms")
                qt_app.quit()

            kiosk.backends_ready.connect(ready)

        def failed(reason: str) -> None:
            # Without its hospital link or devices the kiosk cannot serve anybody: exit so the
            # service manager restarts it and staff see why.
            print(f"kiosk: cannot start: {reason}", file=sys.stderr)
            qt_app.exit(1)

        kiosk.backends_failed.connect(failed)
        kiosk.start_backends()
        return qt_app.exec()
    finally:
        kiosk.close()


def _version_line() -> str:
    """One line from the package metadata and, in a bundle, the build script's record."""
    from importlib import metadata  # 18 ms, --version only

    try:
        import kiosk_build_info as build  # written by packaging/build.sh into the bundle only
    except ImportError:
        python = ".".join(str(part) for part in sys.version_info[:3])
        return f"kiosk {metadata.version('hospital-checkin-kiosk')} (source; Python {python})"
    try:
        version = metadata.version("hospital-checkin-kiosk")
    except metadata.PackageNotFoundError:  # a bundle built without the package's metadata
        version = build.VERSION
    return (
        f"kiosk {version} (commit {build.COMMIT}, built {build.BUILT_AT}, "
        f"Python {build.PYTHON}, Qt {build.QT})"
    )


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _display_available() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _demo_hospital(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk demo-hospital")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", type=Path, default=Path("demo-hospital.sqlite"))
    args = parser.parse_args(argv)
    from kiosk.demo_hospital.server import serve_forever  # 119 ms (starlette, uvicorn)

    serve_forever(args.host, args.port, args.db)
    return 0


def _config_check(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: kiosk config check FILE", file=sys.stderr)
        return 2
    # 82 ms (httpx, the device libraries): `config check` only
    from kiosk.app.backends import check_printer_profile, hospital_tls, ticket_template
    from kiosk.staff.overlay import describe
    from kiosk.staff.settings import staff_layers

    path = Path(argv[0])
    try:
        layers = staff_layers(path)
        config = layers.config
        # What only the device libraries can tell: a printer model they know, a logo that loads,
        # TLS files that load.
        warnings = check_printer_profile(config.printer.profile, config.ticket.paper_width_mm)
        ticket_template(config.ticket)
        if config.hospital.url.startswith("https://"):
            hospital_tls(config.hospital)
    except ConfigError as error:
        print(f"{_where(path, error)}{error}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"{argv[0]}: warning: {warning}", file=sys.stderr)
    print(f"{argv[0]}: ok")
    # The effective config: staff settings saved on the kiosk override the file's values.
    print(f"values set (others are defaults), staff settings in {layers.overlay}:")
    for line in describe(layers):
        print(f"  {line}")
    return 0


def _where(path: Path | None, error: ConfigError) -> str:
    """ "FILE:LINE: " (or "FILE: ") before a config error, as compilers print them."""
    if path is None:
        return ""
    path = getattr(error, "file", path)  # an error in the staff settings names their file
    line = error.line
    if line is None and error.key:  # found after loading, e.g. a printer profile
        try:
            line = key_line(path.read_text(encoding="utf-8"), error.key)
        except (OSError, UnicodeDecodeError):
            line = None
    return f"{path}:{line}: " if line is not None else f"{path}: "


def _doctor(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="kiosk doctor", description="check the devices, the hospital link and its TLS"
    )
    parser.add_argument("--config", type=Path, help="the kiosk's TOML config file")
    parser.add_argument("--test-print", action="store_true", help="print a sample ticket")
    args = parser.parse_args(argv)
    # The report says what failed; the clients' own warnings would only interleave with it.
    logging.getLogger().setLevel(logging.ERROR)
    from kiosk.app.doctor import run_doctor  # 100 ms (httpx, the device libraries)

    return run_doctor(args.config, test_print=args.test_print)


def _config_init(argv: list[str]) -> int:
    if not argv:
        print(EXAMPLE, end="")
        return 0
    path = Path(argv[0])
    if path.exists():
        print(f"kiosk: {path} exists; not overwriting it", file=sys.stderr)
        return 1
    path.write_text(EXAMPLE, encoding="utf-8")
    print(f"{path}: written")
    return 0


def _admin_set_pin(argv: list[str]) -> int:
    """The PIN is typed twice without echo and only its scrypt hash is written to FILE."""
    if len(argv) != 1:
        print("usage: kiosk admin set-pin FILE", file=sys.stderr)
        return 2
    # 4 ms (getpass, kiosk.config_edit): only this command writes the config
    import getpass

    from kiosk.config_edit import toml_string, update_config_file

    path = Path(argv[0])
    if not path.is_file():
        print(f"kiosk: {path} not found (create it with `kiosk config init FILE`)", file=sys.stderr)
        return 1
    pin = getpass.getpass("New staff PIN (6-12 digits): ")
    try:
        check_pin_format(pin)
    except ValueError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 1
    if getpass.getpass("The same PIN again: ") != pin:
        print("kiosk: the two PINs differ; nothing changed", file=sys.stderr)
        return 1
    try:
        update_config_file(path, {("admin", "pin_hash"): toml_string(hash_pin(pin))})
    except ConfigError as error:
        print(f"{path}: {error}; nothing changed", file=sys.stderr)
        return 1
    log.warning("staff PIN changed in %s", path)  # the audit trail; never the PIN
    print(f"{path}: staff PIN set (restart the kiosk to use it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
