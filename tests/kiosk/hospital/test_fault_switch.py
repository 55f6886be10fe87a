"""The fault switch: which request gets which fault, and for how long."""

from __future__ import annotations

import threading

import pytest

from kiosk.demo_hospital.faults import FaultPlan, FaultSwitch


def test_no_rules_no_faults() -> None:
    assert FaultSwitch().plan("/v1/departments") == FaultPlan()


def test_counted_rule_applies_to_matching_paths_only() -> None:
    switch = FaultSwitch()
    switch.fail_status(503, count=2, path_prefix="/v1/visits")
    assert switch.plan("/v1/departments").answer is None  # not counted: other path
    first, second, third = (switch.plan("/v1/visits") for _ in range(3))
    assert first.answer is not None and first.answer.status == 503
    assert second.answer is not None
    assert third.answer is None
    assert switch.active() == ()


def test_latencies_add_up_per_phase_and_answers_do_not_stack() -> None:
    switch = FaultSwitch()
    switch.latency(0.2)
    switch.latency(0.3, phase="response", path_prefix="/v1/visits")
    switch.latency(0.1, phase="processing", count=1)
    switch.malformed_json(count=1)
    switch.schema_invalid(count=1)
    plan = switch.plan("/v1/visits")
    assert (plan.delay_before, plan.delay_processing, plan.delay_after) == (0.2, 0.1, 0.3)
    assert plan.answer is not None and plan.answer.kind == "malformed_json"
    later = switch.plan("/v1/visits")
    assert later.delay_processing == 0.0
    assert later.answer is not None and later.answer.kind == "schema_invalid"  # was not used up
    assert switch.plan("/v1/visits").answer is None


def test_until_cleared() -> None:
    switch = FaultSwitch()
    switch.fail_status(500)
    assert all(switch.plan("/v1/health").answer for _ in range(50))
    switch.clear()
    assert switch.plan("/v1/health") == FaultPlan()


def test_counts_are_exact_across_threads() -> None:
    switch = FaultSwitch()
    switch.fail_status(503, count=100)
    hits: list[bool] = []

    def worker() -> None:
        for _ in range(50):
            hits.append(switch.plan("/v1/departments").answer is not None)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(hits) == 100


@pytest.mark.parametrize(
    "bad",
    [
        lambda s: s.latency(-1),
        lambda s: s.fail_status(200),
        lambda s: s.fail_status(503, count=0),
        lambda s: s.malformed_json(count=-2),
    ],
)
def test_invalid_settings(bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        bad(FaultSwitch())
