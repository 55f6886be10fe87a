"""Staff alerts benchmark: `bench_alerts(data_dir)`, registered in run.py as `alerts`.

- Fault -> webhook: a network printer (the simulator on loopback, polled every 5 s as the
  kiosk's default `printer.poll_seconds`) runs out of paper; time until a signed webhook on
  127.0.0.1 has the alert, through the kiosk's StaffAlerts and its queue on disk. Next to it,
  in the same run: the dispatcher alone (raise -> received) and a bare signed POST (no queue).
- Receiver down for a minute: alerts raised meanwhile, time until every one has arrived once
  it is back (none lost, none twice).
- Fault -> Prometheus alert: a real Prometheus (Debian's, started here and stopped at the end)
  scrapes the kiosk's metrics with the shipped prometheus.yml intervals and rules; the printer
  goes out of paper; time until KioskPrinterOutOfPaper fires. The other alerts' worst case is
  read from their `for:` plus one scrape and one evaluation interval.
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from drivers.printer.netprinter_sim import Faults, NetworkPrinterSimulator, PaperSupply  # noqa: E402
from kiosk.alerts import AlertDispatcher, KioskIdentity, Limits, WebhookChannel  # noqa: E402
from kiosk.app.alerting import StaffAlerts  # noqa: E402
from kiosk.app.backends import build_escpos_printer, printer_alert  # noqa: E402
from kiosk.app.metrics import KioskMetrics  # noqa: E402
from kiosk.config import AlertsSection, Config, KioskSection, PrinterSection  # noqa: E402
from tests.kiosk.alerts.receiver import WebhookReceiver  # noqa: E402

SECRET = "benchmark-secret-0123456789"
MONITORING = ROOT / "packaging" / "monitoring"


def _wait(check: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        time.sleep(0.005)


def _arrived(receiver: WebhookReceiver, count: int, timeout: float) -> None:
    _wait(lambda: len(receiver.received) >= count, timeout)


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "max": ordered[-1],
    }


def fault_to_webhook(data_dir: Path, faults: int = 16) -> dict[str, Any]:
    receiver = WebhookReceiver(SECRET)
    section = AlertsSection(
        webhook_url=receiver.url, webhook_secret=SECRET, resolve_after=0.0, per_hour=1000
    )
    alerts = StaffAlerts(KioskSection(id="BENCH-01"), section, data_dir)
    alerts.open()
    seconds: list[float] = []
    with NetworkPrinterSimulator(max_lifetime=600) as printer:
        config = Config(
            printer=PrinterSection(kind="network", host=printer.host, port=printer.port)
        )

        def on_status(status: Any) -> None:
            alerts.printer_status(printer_alert(status).removeprefix("printer: "))

        escpos = build_escpos_printer(config, on_status)
        escpos.start_polling()
        try:
            time.sleep(random.uniform(0, 5))  # faults come at any point of the poll cycle
            for n in range(faults):
                started = time.monotonic()
                printer.set_faults(Faults(paper=PaperSupply.OUT))
                _arrived(receiver, 2 * n + 1, 30)
                seconds.append(receiver.received[2 * n].at - started)
                printer.set_faults(Faults())
                _arrived(receiver, 2 * n + 2, 30)  # resolved
                time.sleep(random.uniform(0, 5))
        finally:
            escpos.close()
            alerts.close()
            receiver.stop()
    kinds = {m.message["kind"] for m in receiver.received}
    assert kinds == {"printer_out_of_paper"}, kinds
    return {"poll_seconds": config.printer.poll_seconds, **_stats(seconds)}


def dispatcher_alone(data_dir: Path, count: int = 50) -> tuple[dict[str, float], dict[str, float]]:
    receiver = WebhookReceiver(SECRET)
    channel = WebhookChannel(receiver.url, SECRET)
    alerts = AlertDispatcher(
        data_dir / "alone.sqlite",
        KioskIdentity("BENCH-01"),
        [channel],
        Limits(events_per_hour=1000),
    )
    alerts.start()
    queued: list[float] = []
    try:
        for n in range(count):
            started = time.monotonic()
            alerts.raise_("staff_called", f"screen_{n}")
            _arrived(receiver, n + 1, 10)
            queued.append((receiver.received[n].at - started) * 1000)
        bare: list[float] = []
        for n in range(count):
            started = time.monotonic()
            channel.send(f"bare-{n}", json.dumps({"n": n, "message_id": f"bare-{n}"}))
            bare.append((receiver.received[count + n].at - started) * 1000)
    finally:
        alerts.close()
        receiver.stop()
    return _stats(queued), _stats(bare)


def receiver_down_for_a_minute(data_dir: Path, down: float = 60.0) -> dict[str, Any]:
    receiver = WebhookReceiver(SECRET)
    receiver.stop()
    alerts = AlertDispatcher(
        data_dir / "down.sqlite",
        KioskIdentity("BENCH-01"),
        [WebhookChannel(receiver.url, SECRET)],
        Limits(resolve_after=0.0, events_per_hour=1000),
    )
    alerts.start()
    raised = ["printer_out_of_paper", "hospital_offline", "camera_missing", "card_forged"]
    try:
        for kind in raised:
            alerts.raise_(kind)
        alerts.clear("printer_out_of_paper")
        for n in range(5):
            alerts.call_staff(f"screen_{n}")
        expected = len(raised) + 1 + 5
        time.sleep(down)
        attempts = alerts.state().channels[0].failures
        back = time.monotonic()
        receiver.start()
        _arrived(receiver, expected, 120)
        all_in = receiver.received[expected - 1].at - back
        time.sleep(2)
        ids = [m.message["message_id"] for m in receiver.received]
    finally:
        alerts.close()
        receiver.stop()
    return {
        "down_seconds": down,
        "raised": expected,
        "arrived": len(ids),
        "duplicates": len(ids) - len(set(ids)),
        "failed_attempts_while_down": attempts,
        "back_to_all_delivered_s": all_in,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fault_to_prometheus_alert(data_dir: Path) -> dict[str, Any]:
    binary = shutil.which("prometheus")
    if binary is None:
        return {"prometheus": "skipped: not installed (Debian package prometheus)"}
    shipped = yaml.safe_load((MONITORING / "prometheus.yml").read_text(encoding="utf-8"))
    metrics = KioskMetrics(kiosk=KioskSection(id="BENCH-01"))
    metrics.printer_state("ready")
    metrics_port = metrics.serve(0)
    folder = Path(tempfile.mkdtemp(dir=data_dir))
    (folder / "targets.yml").write_text(
        yaml.safe_dump(
            [
                {
                    "targets": [f"127.0.0.1:{metrics_port}"],
                    "labels": {"kiosk_id": "BENCH-01", "location": "bench"},
                }
            ]
        )
    )
    config = {
        "global": shipped["global"],
        "rule_files": [str(MONITORING / "rules" / "kiosk.rules.yml")],
        "scrape_configs": [
            {
                "job_name": "kiosk",
                "file_sd_configs": [{"files": [str(folder / "targets.yml")]}],
            }
        ],
    }
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = _free_port()
    server = subprocess.Popen(
        [
            binary,
            f"--config.file={folder / 'prometheus.yml'}",
            f"--storage.tsdb.path={folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = f"http://127.0.0.1:{port}"

    def get(path: str) -> Any:
        with urllib.request.urlopen(api + path, timeout=5) as answer:
            return json.loads(answer.read()) if path.startswith("/api") else answer.read()

    def firing() -> bool:
        alerts = get("/api/v1/alerts")["data"]["alerts"]
        return any(
            a["labels"]["alertname"] == "KioskPrinterOutOfPaper" and a["state"] == "firing"
            for a in alerts
        )

    try:
        _wait(lambda: _answers(get, "/-/ready"), 60)
        query = "/api/v1/query?query=up%7Bjob%3D%22kiosk%22%7D"
        _wait(lambda: bool(get(query)["data"]["result"]), 60)  # scraped once at least
        time.sleep(random.uniform(0, 15))  # a fault at any point of the scrape cycle
        started = time.monotonic()
        metrics.printer_state("out_of_paper")
        _wait(firing, 180)
        seconds = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(30)
        metrics.close()
    interval = _seconds(shipped["global"]["scrape_interval"])
    evaluation = _seconds(shipped["global"]["evaluation_interval"])
    worst = {}
    groups = yaml.safe_load((MONITORING / "rules" / "kiosk.rules.yml").read_text())["groups"]
    for rule in (r for g in groups for r in g["rules"]):
        worst[rule["alert"]] = _seconds(rule["for"]) + interval + evaluation
    return {
        "prometheus_paper_out_to_firing_s": seconds,
        "prometheus_worst_case_by_rule_s": worst,  # for + one scrape + one evaluation
    }


def _answers(get: Any, path: str) -> bool:
    try:
        get(path)
    except OSError:
        return False
    return True


def _seconds(duration: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    return float(duration[:-1]) * units[duration[-1]]


def bench_alerts(data_dir: Path) -> dict[str, Any]:
    webhook = fault_to_webhook(data_dir)
    queued_ms, bare_ms = dispatcher_alone(data_dir)
    down = receiver_down_for_a_minute(data_dir)
    prometheus = fault_to_prometheus_alert(data_dir)
    return {
        "paper_out_to_webhook_s": webhook,
        "raise_to_webhook_ms": queued_ms,
        "baseline_bare_signed_post_ms": bare_ms,
        "receiver_down_a_minute": down,
        **prometheus,
        "target": "fault -> webhook <= 5 s; nothing lost or sent twice",
        "pass": webhook["max"] <= 5.0 and down["duplicates"] == 0 and down["arrived"] == 10,
    }
