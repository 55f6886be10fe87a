"""packaging/monitoring/: the rules trip and clear every alert under `promtool test rules`;
the Prometheus and Alertmanager configs are valid and route by building; the rules and the
Grafana dashboard read only metrics and labels the kiosk really serves."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from kiosk.app.metrics import KioskMetrics

MONITORING = Path(__file__).resolve().parents[2] / "packaging" / "monitoring"
RULES = MONITORING / "rules" / "kiosk.rules.yml"
RULE_TESTS = MONITORING / "tests" / "kiosk.rules.test.yml"
DASHBOARD = MONITORING / "grafana" / "kiosk-fleet.json"
TARGET_LABELS = {"job", "instance", "kiosk_id", "location", "kiosk_name"}


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian: prometheus / prometheus-alertmanager)")
    return found


def run(*command: str) -> str:
    done = subprocess.run(
        command, cwd=MONITORING, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"]]


def test_promtool_trips_and_clears_every_alert() -> None:
    promtool = tool("promtool")
    run(promtool, "check", "rules", str(RULES))
    out = run(promtool, "test", "rules", str(RULE_TESTS))
    assert "SUCCESS" in out
    tested = yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))["tests"]
    checks = [check for case in tested for check in case["alert_rule_test"]]
    for rule in rules():
        mine = [check for check in checks if check["alertname"] == rule["alert"]]
        firing = [check for check in mine if check["exp_alerts"]]
        silent = [check for check in mine if not check["exp_alerts"]]
        assert firing and len(silent) >= 2, f"{rule['alert']}: not tripped and cleared"


def test_the_prometheus_config_and_its_targets_are_valid() -> None:
    run(tool("promtool"), "check", "config", "prometheus.yml")
    for path in (MONITORING / "targets").glob("*.yml"):
        for group in yaml.safe_load(path.read_text(encoding="utf-8")):
            labels = group["labels"]
            assert re.fullmatch(r"[A-Za-z0-9_-]{1,32}", labels["kiosk_id"])  # as kiosk.id
            assert re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", labels["location"])  # alerts.location
            assert all(re.fullmatch(r"[\w.-]+:\d+", target) for target in group["targets"])


def test_alertmanager_routes_by_building() -> None:
    amtool = tool("amtool")
    run(amtool, "check-config", "alertmanager.yml")

    def routed(*labels: str) -> str:
        """The receivers an alert with `labels` goes to, comma-separated."""
        out = run(amtool, "config", "routes", "test", "--config.file=alertmanager.yml", *labels)
        return out.strip()

    paper = routed("location=toa-A", "severity=critical", "alertname=KioskPrinterOutOfPaper")
    assert paper == "toa-A-reception"
    down = routed("location=toa-B", "severity=critical", "alertname=KioskDown")
    assert down == "it-department,toa-B-reception"
    assert routed("location=toa-Z", "alertname=KioskCameraMissing") == "it-department"


def served() -> tuple[set[str], set[str]]:
    """The sample names and label names a kiosk's /metrics can carry."""
    metrics = KioskMetrics()
    metrics.checkins.labels(outcome="ticket").inc()  # labelled metrics show once used
    metrics.errors.labels(kind="printer_fault").inc()
    metrics.hospital_seconds.labels(operation="departments", outcome="ok").observe(0.1)
    metrics.card_read_failures.labels(problem="unreadable").inc()
    metrics.certificate_expires("client", 1.0)
    names, labels = set(), set(TARGET_LABELS)
    for family in metrics.registry.collect():
        for sample in family.samples:
            names.add(sample.name)
            labels.update(sample.labels)
    return names, labels


def expressions() -> list[str]:
    found = [str(rule["expr"]) for rule in rules()]
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    for panel in dashboard["panels"]:
        found.extend(target["expr"] for target in panel.get("targets", []))
    return found


def test_rules_and_dashboard_read_only_what_the_kiosk_serves() -> None:
    names, labels = served()
    for expr in expressions():
        for metric in re.findall(r"\b(kiosk_[a-z_]+)\b(?!\s*[=!~])", expr):
            if metric in labels:
                continue  # kiosk_id, kiosk_name, kiosk_printer_state used as a label
            assert metric in names, f"{metric} is not served ({expr})"
        for grouped in re.findall(r"\b(?:by|on)\s*\(([^)]*)\)", expr):
            for label in filter(None, (part.strip() for part in grouped.split(","))):
                assert label in labels, f"label {label} is not served ({expr})"
        for label in re.findall(r"\b([a-z_]+)\s*(?:=~|!=|!~|=)\s*\"", expr):
            assert label in labels, f"label {label} is not served ({expr})"


def test_metric_names_follow_prometheus_conventions() -> None:
    metrics = KioskMetrics()
    for family in metrics.registry.collect():
        for sample in family.samples:
            assert re.fullmatch(r"kiosk_[a-z0-9_]+", sample.name), sample.name
            assert all(re.fullmatch(r"[a-z_][a-z0-9_]*", label) for label in sample.labels)
        if family.type == "counter":
            assert all(s.name.endswith(("_total", "_created")) for s in family.samples)
        if family.type == "histogram":
            assert family.name.endswith(("_seconds", "_taps")), family.name
        assert not re.search(r"_(ms|milliseconds|minutes)\b", family.name), "base units only"


def test_the_dashboard_is_well_formed() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    cells: set[tuple[int, int]] = set()
    for panel in dashboard["panels"]:
        place = panel["gridPos"]
        assert place["x"] + place["w"] <= 24
        mine = {
            (x, y)
            for x in range(place["x"], place["x"] + place["w"])
            for y in range(place["y"], place["y"] + place["h"])
        }
        assert not mine & cells, f"{panel['title']} overlaps another panel"
        cells |= mine
    titles = " ".join(panel["title"] for panel in dashboard["panels"])
    for wanted in ("Check-ins per hour", "Taps", "ticket", "Printer", "Hospital link", "Outbox"):
        assert wanted in titles
