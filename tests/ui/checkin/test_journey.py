"""The patient's journey as `kiosk --demo --walkthrough DIR` measures it (journey.json): the
taps after the identity, the screens, the outcome. A fresh demo kiosk (this module's), so no
persona has checked in yet today; the goals are issue 17's."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.app.journey import Journey
from kiosk.app.walkthrough import (
    Driver,
    appointment_reprint,
    appointment_today,
    cloned_card,
    idle_timeout,
    keypad_entry,
    name_mismatch,
    printer_out_of_paper,
    walk_in_insurance,
    walk_in_paid,
)


def measured(driver: Driver, name: str, scenario) -> Journey:
    driver.journey.begin(name)
    scenario(driver)
    return driver.journey.end()


def test_the_goals_of_the_main_journeys(driver: Driver, tmp_path: Path) -> None:
    appointment = measured(driver, "02-appointment-today", appointment_today)
    assert (appointment.outcome, appointment.taps_after_identity) == ("ticket", 1)
    walk_in = measured(driver, "03-walk-in-insurance", walk_in_insurance)
    assert walk_in.outcome == "ticket" and walk_in.taps_after_identity <= 3
    paid = measured(driver, "04-walk-in-paid", walk_in_paid)
    assert paid.outcome == "ticket" and paid.taps_after_identity <= 3
    keypad = measured(driver, "14-keypad", keypad_entry)  # already checked in: one tap more
    assert keypad.outcome == "ticket" and keypad.taps_after_identity <= 4
    reprint = measured(driver, "22-appointment-reprint", appointment_reprint)
    assert (reprint.outcome, reprint.taps_after_identity) == ("reprint", 1)
    slip = measured(driver, "09-name-mismatch", name_mismatch)
    assert (slip.outcome, slip.taps_after_identity) == ("counter_slip", 1)
    cloned = measured(driver, "18-cloned-card", cloned_card)
    assert (cloned.outcome, cloned.taps_after_identity) == ("counter_slip", 0)
    fault = measured(driver, "11-printer-out-of-paper", printer_out_of_paper)
    assert fault.outcome == "number_on_screen"
    idle = measured(driver, "12-idle-timeout", idle_timeout)
    assert idle.outcome == "idle_reset"
    for journey in (appointment, walk_in, paid, keypad, reprint, slip, cloned, fault, idle):
        assert journey.screens >= 1 and journey.words_on_screen_max > 0
    driver.journey.write(tmp_path / "journey.json")
    written = json.loads((tmp_path / "journey.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in written["scenarios"]] == [
        "02-appointment-today",
        "03-walk-in-insurance",
        "04-walk-in-paid",
        "14-keypad",
        "22-appointment-reprint",
        "09-name-mismatch",
        "18-cloned-card",
        "11-printer-out-of-paper",
        "12-idle-timeout",
    ]
    assert set(written["scenarios"][0]) == {
        "name",
        "taps_after_identity",
        "screens",
        "outcome",
        "words_on_screen_max",
    }
