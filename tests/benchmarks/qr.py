"""`qr`: the camera decoder against zxing-cpp with default options, OpenCV's QRCodeDetector and
pyzbar on the everyday image set (tests/drivers/camera/imageset.py), and against zxing-cpp's
defaults, with and without a plain "retry at 2× when nothing was found", on the hard set
(tests/drivers/camera/hardset.py), all in the same run; then the preview's pace and the GUI
thread's worst stall while the worker decodes hard frames.

Times are per 1280×720 frame: wall clock, ours and zxing-cpp's defaults interleaved frame by
frame so both see the same machine load, and the decode thread's CPU time. The hard set's time
goals are judged on CPU time: it is what a frame costs a kiosk, whose cores are its own, while
wall clock on this shared machine also counts the waits for a core.

OpenCV (opencv-python-headless) and pyzbar (plus the system's libzbar0) are benchmark-only
extras: a missing one is reported as skipped and left out of the comparison.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

Results = dict[str, object]
Reader = Callable[[np.ndarray], list[bytes]]

TIMING_ROUNDS = 3  # ours and zxing-cpp's defaults, interleaved frame by frame
SOURCE_FPS = 30.0
PREVIEW_SECONDS = 4.0
# The goals on the hard set.
HARD_RATE_GOAL = 92.0
MEDIAN_MS_GOAL = 5.0
P95_MS_GOAL = 20.0


def _ours() -> Reader:
    from drivers.camera.decoder import FrameDecoder

    decoder = FrameDecoder()
    return lambda frame: [code.raw for code in decoder.decode(frame)]


def _zxing_default() -> Reader:
    import zxingcpp

    return lambda frame: [bytes(b.bytes) for b in zxingcpp.read_barcodes(frame)]


def _zxing_retry_2x() -> Reader:
    """zxing-cpp's defaults, and once more on the frame enlarged 2× when that found nothing."""
    import zxingcpp
    from PIL import Image

    def read(frame: np.ndarray) -> list[bytes]:
        found = zxingcpp.read_barcodes(frame)
        if not found:
            image = Image.fromarray(frame)
            double = image.resize((image.width * 2, image.height * 2), Image.Resampling.BILINEAR)
            found = zxingcpp.read_barcodes(double)
        return [bytes(b.bytes) for b in found]

    return read


def _opencv() -> Reader:
    import cv2

    detector = cv2.QRCodeDetector()

    def read(frame: np.ndarray) -> list[bytes]:
        text, _, _ = detector.detectAndDecode(frame)
        if not text:
            return []
        # OpenCV hands back text; give it the benefit of either reading of the bytes.
        return [text.encode("utf-8"), text.encode("latin-1", errors="replace")]

    return read


def _pyzbar() -> Reader:
    from pyzbar import pyzbar

    # QR only, as a kiosk would configure it (all symbologies would add 1-D false reads).
    return lambda frame: [r.data for r in pyzbar.decode(frame, symbols=[pyzbar.ZBarSymbol.QRCODE])]


def _score(read: Reader, samples: tuple, times: list[float] | None = None) -> dict[str, object]:
    right, misread, false_reads, missed = 0, 0, 0, []
    for sample in samples:
        started = time.perf_counter()
        found = read(sample.frame)
        if times is not None:
            times.append((time.perf_counter() - started) * 1000)
        if sample.payload is None:
            false_reads += bool(found)
        elif sample.payload.encode("utf-8") in found:
            right += 1
        else:
            misread += bool(found)
            missed.append(sample.name)
    return {"right": right, "misread": misread, "false": false_reads, "missed": missed}


def _timed_pair(
    samples: tuple, ours: Reader, baseline: Reader
) -> tuple[list[float], list[float], list[float]]:
    """Wall ms per frame of each, interleaved so both see the same machine load, and the
    decode thread's CPU ms of ours."""
    ours_ms: list[float] = []
    baseline_ms: list[float] = []
    ours_cpu_ms: list[float] = []
    for _ in range(TIMING_ROUNDS):
        for sample in samples:
            started, cpu = time.perf_counter(), time.thread_time()
            ours(sample.frame)
            ours_ms.append((time.perf_counter() - started) * 1000)
            ours_cpu_ms.append((time.thread_time() - cpu) * 1000)
            started = time.perf_counter()
            baseline(sample.frame)
            baseline_ms.append((time.perf_counter() - started) * 1000)
    return ours_ms, baseline_ms, ours_cpu_ms


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _preview_while_decoding(frames: list[np.ndarray]) -> Results:
    """Hard frames at the camera's rate through the real preview + worker, offscreen."""
    from PySide6.QtCore import QElapsedTimer
    from PySide6.QtWidgets import QApplication

    from drivers.camera.decoder import FrameDecoder
    from drivers.camera.simulated import SimulatedCamera
    from drivers.camera.worker import DecodeWorker
    from tests.lag_probe import LagProbe
    from ui.camera_view import CameraPreview, CameraScanner, SimulatedFrameSource

    app = QApplication.instance() or QApplication([])
    preview = CameraPreview()
    preview.resize(800, 450)
    preview.show()
    source = SimulatedFrameSource(SimulatedCamera(frames), fps=SOURCE_FPS)
    scanner = CameraScanner(source, lambda report: DecodeWorker(FrameDecoder(), report), preview)
    scanner.start()
    deadline = time.monotonic() + 3
    while preview.frames_painted == 0 and time.monotonic() < deadline:
        app.processEvents()
    probe = LagProbe()
    clock = QElapsedTimer()
    painted = preview.frames_painted
    decoded, dropped = scanner.worker.frames_decoded, scanner.worker.frames_dropped
    clock.start()
    probe.start()
    while clock.elapsed() < PREVIEW_SECONDS * 1000:
        app.processEvents()
        time.sleep(0.001)
    probe.stop()
    fps = (preview.frames_painted - painted) * 1000 / clock.elapsed()
    results: Results = {
        "preview_fps": fps,
        "source_fps": SOURCE_FPS,
        "gui_worst_stall_ms": probe.worst_ms,
        "frames_decoded_per_s": (scanner.worker.frames_decoded - decoded) / PREVIEW_SECONDS,
        "frames_dropped_per_s": (scanner.worker.frames_dropped - dropped) / PREVIEW_SECONDS,
    }
    scanner.stop()
    preview.close()
    return results


def _everyday_set() -> tuple[Results, bool]:
    from tests.drivers.camera.imageset import image_set

    samples = image_set()
    with_code = sum(s.has_code for s in samples)
    readers: dict[str, Callable[[], Reader]] = {
        "ours": _ours,
        "zxing_default": _zxing_default,
        "opencv": _opencv,
        "pyzbar": _pyzbar,
    }
    results: Results = {
        "frames_with_code": with_code,
        "frames_without_code": len(samples) - with_code,
    }
    scores: dict[str, dict[str, object]] = {}
    times: dict[str, float] = {}
    for name, make in readers.items():
        try:
            read = make()
        except ImportError as error:
            results[name] = f"skipped: {error}"
            continue
        spent: list[float] = []
        scores[name] = _score(read, samples, spent)
        times[name] = statistics.median(spent)
    ours_ms, zxing_ms, _ = _timed_pair(samples, _ours(), _zxing_default())
    times["ours"], times["zxing_default"] = statistics.median(ours_ms), statistics.median(zxing_ms)

    # Percent: run.py prints dict values with one decimal.
    rates = {name: 100 * score["right"] / with_code for name, score in scores.items()}
    best_other = max(rate for name, rate in rates.items() if name != "ours")
    results["decode_rate_percent"] = rates
    results["false_reads_on_no_code"] = {n: float(s["false"]) for n, s in scores.items()}
    results["misreads"] = {n: float(s["misread"]) for n, s in scores.items()}
    results["ms_per_frame_median"] = times
    results["ours_missed"] = " ".join(scores["ours"]["missed"]) or "none"
    ratio = times["ours"] / times["zxing_default"]
    results["time_ratio_ours_vs_zxing_default"] = ratio
    passed = (
        rates["ours"] >= best_other
        and scores["ours"]["false"] == 0
        and scores["ours"]["misread"] == 0
        and ratio <= 0.25
    )
    return results, passed


def _hard_set() -> tuple[Results, bool]:
    from tests.drivers.camera.hardset import hard_set

    samples = hard_set()
    with_code = sum(s.has_code for s in samples)
    readers = {"ours": _ours(), "zxing_default": _zxing_default(), "retry_2x": _zxing_retry_2x()}
    scores = {name: _score(read, samples) for name, read in readers.items()}
    ours_ms, zxing_ms, ours_cpu = _timed_pair(samples, readers["ours"], readers["zxing_default"])
    dark = [i for i, s in enumerate(samples) if s.kind == "dark_phone"]
    dark_ms = [ours_cpu[r * len(samples) + i] for r in range(TIMING_ROUNDS) for i in dark]
    rates = {name: 100 * score["right"] / with_code for name, score in scores.items()}
    results: Results = {
        "hard_frames_with_code": with_code,
        "hard_frames_without_code": len(samples) - with_code,
        "hard_decode_rate_percent": rates,
        "hard_misreads": {n: float(s["misread"]) for n, s in scores.items()},
        "hard_false_reads_on_no_code": {n: float(s["false"]) for n, s in scores.items()},
        "hard_ours_missed": " ".join(scores["ours"]["missed"]) or "none",
        "hard_ms_median": {
            "ours": statistics.median(ours_ms),
            "ours_cpu": statistics.median(ours_cpu),
            "zxing_default": statistics.median(zxing_ms),
        },
        "hard_ms_p95": {
            "ours": _p95(ours_ms),
            "ours_cpu": _p95(ours_cpu),
            "zxing_default": _p95(zxing_ms),
        },
        "hard_dark_mode_cpu_ms_median": statistics.median(dark_ms),
    }
    passed = (
        rates["ours"] >= HARD_RATE_GOAL
        and scores["ours"]["misread"] == 0
        and scores["ours"]["false"] == 0
        and statistics.median(ours_cpu) <= MEDIAN_MS_GOAL
        and _p95(ours_cpu) <= P95_MS_GOAL
    )
    return results, passed


def bench_qr(data_dir: Path) -> Results:
    from tests.drivers.camera.hardset import hard_set

    everyday, everyday_passed = _everyday_set()
    hard, hard_passed = _hard_set()
    results: Results = {**everyday, **hard}
    # Every hard frame, those without a code too (each pays for the whole second look).
    results.update(_preview_while_decoding([s.frame for s in hard_set()]))
    results["target"] = (
        "everyday set: rate >= best other, no false reads, time ratio <= 0.25; hard set: rate "
        f">= {HARD_RATE_GOAL:.0f} %, no misreads or false reads, CPU median <= "
        f"{MEDIAN_MS_GOAL:.0f} ms, p95 <= {P95_MS_GOAL:.0f} ms; preview >= 25 fps; stall <= 50 ms"
    )
    results["pass"] = (
        everyday_passed
        and hard_passed
        and results["preview_fps"] >= 25
        and results["gui_worst_stall_ms"] <= 50
    )
    return results
