"""Staff mode benchmark: `bench_admin(data_dir)`, registered in run.py as `admin`.

- PIN: one check of the stored scrypt hash (what each guess costs), next to one SHA-256 of
  the same PIN (what a fast hash would cost an attacker) in the same run.
- Settings save: SettingsFile.save of three keys (validated, temp file, fsync, rename, folder
  fsync) next to a plain write_text of the same file (no validation, no fsync).
- Staff pages through the real UI of a demo kiosk (offscreen): PIN typed -> status page shown,
  and Settings tapped -> every field filled (config read, readers and serial ports detected,
  the demo hospital's departments fetched over HTTP), each with the GUI thread's worst stall
  meanwhile, next to the stall of the idle welcome screen over the same time.
"""

from __future__ import annotations

import hashlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.config import EXAMPLE, AdminSection, Config  # noqa: E402
from kiosk.staff.pin import hash_pin, verify_pin  # noqa: E402
from kiosk.staff.settings import SettingsFile  # noqa: E402

Results = dict[str, object]


def _median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 4)


def _pin(runs: int = 15) -> Results:
    stored = hash_pin("204060")
    return {
        "pin_check_ms": _median_ms(lambda: verify_pin("204060", stored), runs),
        "baseline_sha256_ms": _median_ms(lambda: hashlib.sha256(b"204060").digest(), runs),
    }


def _save(data_dir: Path, runs: int = 30) -> Results:
    path = data_dir / "kiosk.toml"
    # The staff settings file goes to data_dir (the example's "" would mean the user's state).
    path.write_text(EXAMPLE.replace('data_dir = ""', f'data_dir = "{data_dir}"', 1), "utf-8")
    settings = SettingsFile(path)
    flip = iter(range(10**6))

    def save() -> None:
        odd = next(flip) % 2
        settings.save(
            {
                "kiosk.idle_seconds": 90.0 if odd else 60.0,
                "kiosk.name": f"Sảnh {odd}",
                "offline.enabled": bool(odd),
            }
        )

    plain = data_dir / "plain.toml"
    return {
        "settings_save_ms": _median_ms(save, runs),
        "baseline_plain_write_ms": _median_ms(lambda: plain.write_text(EXAMPLE), runs),
    }


def _pages(data_dir: Path, runs: int = 5) -> Results:
    from PySide6.QtWidgets import QApplication

    from tests.demo_kiosk import running_demo_kiosk

    app = QApplication.instance() or QApplication([])
    path = data_dir / "pages.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    config = Config(admin=AdminSection(hold_seconds=0.2))
    with running_demo_kiosk(config, data_dir / "kiosk", config_path=path) as kiosk:
        results = _staff_pages(kiosk, runs)
    app.processEvents()
    return results


def _staff_pages(kiosk, runs: int) -> Results:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractButton

    from tests.demo_kiosk import wait
    from tests.lag_probe import LagProbe

    def tap(name: str) -> None:
        (found,) = [
            b
            for b in kiosk.admin.panel.findChildren(QAbstractButton, name)
            if b.isVisibleTo(kiosk.window)
        ]
        QTest.mouseClick(found, Qt.MouseButton.LeftButton)

    def timed(action, settled) -> tuple[float, float]:
        probe = LagProbe()
        probe.start()
        started = time.perf_counter()
        action()
        wait(settled, timeout=20.0)
        elapsed = (time.perf_counter() - started) * 1000
        probe.stop()
        return elapsed, probe.worst_ms

    def hold_corner() -> None:
        handle, corner = kiosk.window.windowHandle(), QPoint(10, 10)
        press = (handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)
        QTest.mousePress(*press)
        QTest.qWait(350)
        QTest.mouseRelease(*press)

    def submit() -> None:
        tap("pin_6")
        tap("btn_pin_ok")

    unlock, settings, stalls, idle = [], [], [], []
    status = kiosk.admin.status_page
    for _ in range(runs):
        hold_corner()
        wait(lambda: kiosk.admin.is_open)
        for digit in "12345":
            tap(f"pin_{digit}")
        ms, stall = timed(submit, lambda: kiosk.admin.panel.stack.currentWidget() is status)
        wait(lambda: not kiosk.admin.busy)
        unlock.append(ms)
        stalls.append(stall)
        ms, stall = timed(lambda: tap("btn_admin_settings"), lambda: not kiosk.admin.busy)
        settings.append(ms)
        stalls.append(stall)
        kiosk.admin.close("benchmark")
        probe = LagProbe()  # the welcome screen doing nothing, as long as the two above
        probe.start()
        QTest.qWait(int(unlock[-1] + settings[-1]))
        probe.stop()
        idle.append(probe.worst_ms)
    return {
        "pin_to_status_page_ms_median": round(statistics.median(unlock), 1),
        "settings_page_filled_ms_median": round(statistics.median(settings), 1),
        "gui_worst_stall_ms": round(max(stalls), 1),
        "baseline_idle_worst_stall_ms": round(max(idle), 1),
    }


def bench_admin(data_dir: Path) -> Results:
    return {**_pin(), **_save(data_dir), **_pages(data_dir)}
