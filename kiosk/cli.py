"""`kiosk`: run the kiosk, the demo, the walkthrough, or the demo hospital on its own.

kiosk --demo [--windowed]          the kiosk with the demo hospital and simulated devices
kiosk --demo --walkthrough DIR     scripted check-ins through the real UI, screens saved as PNG
kiosk --config FILE                the kiosk against the hospital in FILE
kiosk demo-hospital --port N       only the demo hospital, for several kiosks to share
kiosk config check FILE            validate a config file
kiosk --self-test [--config FILE]  check every part offscreen (the frozen bundle's smoke test)
kiosk --version                    version and build metadata
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from kiosk.config import Config, ConfigError, load_config

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
    return _run(argv)


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk", description="Hospital check-in kiosk")
    parser.add_argument("--demo", action="store_true", help="embedded demo hospital and devices")
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    parser.add_argument("--config", type=Path, help="the kiosk's TOML config file")
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
        from kiosk.selftest import run_self_test

        return run_self_test(args.config)
    if args.walkthrough and not args.demo:
        parser.error("--walkthrough needs --demo")
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"kiosk: config error: {error}", file=sys.stderr)
        return 2
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


def data_dir(config: Config) -> Path:
    if config.kiosk.data_dir:
        folder = Path(config.kiosk.data_dir)
    else:
        state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        folder = state / "hospital-kiosk"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _run_qt(config: Config, args: argparse.Namespace, started: float) -> int:
    from PySide6.QtWidgets import QApplication

    from kiosk.app import KioskApp

    qt_app = QApplication.instance() or QApplication([sys.argv[0]])
    # A demo starts afresh in a temporary folder; a real kiosk's outbox survives restarts.
    kiosk = KioskApp(config, demo=args.demo, data_dir=None if args.demo else data_dir(config))
    try:
        if args.walkthrough:
            from kiosk.walkthrough import run_walkthrough

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
    from importlib import metadata

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
    from kiosk.demo_hospital.server import serve_forever

    serve_forever(args.host, args.port, args.db)
    return 0


def _config_check(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: kiosk config check FILE", file=sys.stderr)
        return 2
    from kiosk.backends import check_printer_profile, ticket_template

    try:
        config = load_config(Path(argv[0]))
        # What only the device libraries can tell: a printer model they know, a logo that loads.
        check_printer_profile(config.printer.profile)
        ticket_template(config.ticket)
    except ConfigError as error:
        print(f"{argv[0]}: {error}", file=sys.stderr)
        return 1
    print(f"{argv[0]}: ok")
    return 0


def _config_init(argv: list[str]) -> int:
    from kiosk.config import EXAMPLE

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


if __name__ == "__main__":
    sys.exit(main())
