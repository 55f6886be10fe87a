"""Complete check-ins through the real Qt UI, the demo hospital over HTTP and the simulated
devices: every scenario of the walkthrough, with what each must leave behind."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel

from kiosk.app.controller import KioskApp
from kiosk.app.demo_devices import CODE_FRAMES
from kiosk.app.walkthrough import (
    FIRST_SCREENS,
    Driver,
    another_persons_code,
    appointment_reprint,
    appointment_today,
    birth_date_for_the_chip,
    booking_code,
    child_under_6,
    cloned_card,
    code_while_hospital_down,
    counter_slip_printer_down,
    faulty_chip,
    hospital_down,
    idle_timeout,
    insurance_expired,
    keypad_entry,
    language_switch,
    name_mismatch,
    new_patient,
    printer_out_of_paper,
    priority_elderly,
    unreadable_code,
    vneid_code,
    walk_in_insurance,
    walk_in_paid,
)
from kiosk.core.domain import IdentityCheck, ServiceType, Ticket
from kiosk.core.flow import FlowState, Language, Screen
from kiosk.core.privacy import mask_id, mask_name


def visible_text(kiosk: KioskApp) -> str:
    return "\n".join(
        label.text() for label in kiosk.window.findChildren(QLabel) if label.isVisible()
    )


class Registrations:
    """What the demo hospital registered during one scenario."""

    def __init__(self, kiosk: KioskApp) -> None:
        self._kiosk = kiosk
        self._before = kiosk.demo_hospital.visits_registered()

    @property
    def count(self) -> int:
        return self._kiosk.demo_hospital.visits_registered() - self._before


def last_ticket(kiosk: KioskApp) -> Ticket:
    """The kiosk's last ticket, once the printer's last job is checked to be its paper."""
    ticket = kiosk.recent_tickets.newest_first()[0]
    assert kiosk.printer.jobs[-1].document == kiosk.backends.ticket_printer.paper(ticket)
    return ticket


def printed_texts(kiosk: KioskApp) -> str:
    """The words on the printer's last paper, from the document it was given."""
    document = kiosk.printer.jobs[-1].document
    parts = [
        getattr(element, "text", None) or getattr(element, "label", None) or ""
        for element in document.elements
    ]
    parts += [" ".join(getattr(e, "phrases", ())) for e in document.elements]
    return "\n".join(parts)


def last_registration(kiosk: KioskApp) -> dict[str, Any]:
    """The demo hospital's record of the last visit registered, read from its database."""
    conn = sqlite3.connect(kiosk.demo_hospital.db_path)  # type: ignore[attr-defined]
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM registrations ORDER BY rowid DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return dict(row)


def run_watching(
    driver: Driver, scenario: Callable[[Driver], None], on_state: Callable[[FlowState], None]
) -> None:
    """Run `scenario` with `on_state` told of every state the controller shows meanwhile."""
    driver.kiosk.controller.state_changed.connect(on_state)
    try:
        scenario(driver)
    finally:
        driver.kiosk.controller.state_changed.disconnect(on_state)


def first_seen(driver: Driver, scenario: Callable[[Driver], None]) -> tuple[FlowState, str]:
    """Run `scenario`; the flow state and the text on screen when it first showed the patient
    (the first screen after the identity)."""
    seen: list[tuple[FlowState, str]] = []

    def on_state(state: FlowState) -> None:
        if state.screen in FIRST_SCREENS and not seen:
            seen.append((state, visible_text(driver.kiosk)))

    run_watching(driver, scenario, on_state)
    assert seen, "the patient was never shown"
    return seen[0]


def assert_found(driver: Driver, persona_key: str, state: FlowState, text: str) -> None:
    """The screen shows the persona's hospital record: the name, never the full ID."""
    persona = driver.devices.personas[persona_key]
    citizen_id = persona.identity.citizen_id
    assert state.patient is not None and state.patient.patient_id == persona.patient_id
    assert persona.identity.full_name in text
    assert citizen_id is not None and citizen_id not in text


def insurance_visit_to_noi(driver: Driver) -> FlowState:
    """From the first screen after the identity: an insurance visit to internal medicine."""
    if driver.state.screen is Screen.ALREADY_CHECKED_IN:
        driver.step("btn_another_clinic", Screen.SERVICE)
    driver.step("btn_service_insurance", Screen.DEPARTMENT)
    driver.click_department("NOI")
    driver.wait_for(Screen.CONFIRM)
    driver.click("btn_confirm")
    state = driver.wait_for(Screen.TICKET)
    driver.step("btn_done", Screen.WELCOME)
    return state


def assert_registered(
    driver: Driver, persona_key: str, ticket_state: FlowState, check: IdentityCheck
) -> None:
    """The demo hospital holds the persona's visit, and the ticket shown is that visit's."""
    persona = driver.devices.personas[persona_key]
    visit = last_registration(driver.kiosk)
    assert visit["patient_id"] == persona.patient_id
    assert (visit["department_code"], visit["service"], visit["priority"]) == (
        "NOI",
        "insurance",
        "none",
    )
    assert visit["identity_check"] == check.value
    ticket = ticket_state.ticket
    assert ticket is not None and ticket.visit_id == visit["visit_id"]
    assert ticket.masked_name == mask_name(persona.identity.full_name or "")
    assert ticket.service is ServiceType.INSURANCE and ticket.identity_check is check
    noi = next(d for d in driver.kiosk.hospital.departments() if d.code == "NOI")
    assert ticket.department_name == noi.name


def test_appointment_today(driver: Driver) -> None:
    registered = Registrations(driver.kiosk)
    appointment_today(driver)
    assert last_ticket(driver.kiosk).queue_label.startswith("B")
    assert registered.count == 1


def test_walk_in_with_insurance_prints_what_was_rendered(driver: Driver) -> None:
    from drivers.printer.render import render_ticket

    registered = Registrations(driver.kiosk)
    walk_in_insurance(driver)
    ticket = last_ticket(driver.kiosk)
    assert ticket.queue_label.startswith("B") and ticket.room
    # What the paper shows, decoded from the bytes, is exactly the rendered ticket.
    job = driver.kiosk.printer.jobs[-1]
    assert job.paper.tobytes() == render_ticket(job.document).convert("1").tobytes()
    assert registered.count == 1


def test_walk_in_paid_from_the_cccd_qr(driver: Driver) -> None:
    walk_in_paid(driver)
    assert last_ticket(driver.kiosk).queue_label.startswith("D")


def test_age_80_gets_the_priority_queue_without_asking(driver: Driver) -> None:
    priority_elderly(driver)
    ticket = last_ticket(driver.kiosk)
    assert ticket.queue_label.startswith("UB")
    assert ticket.priority.value == "elderly_75"


def test_child_under_6_from_the_bhyt_qr(driver: Driver) -> None:
    child_under_6(driver)
    ticket = last_ticket(driver.kiosk)
    assert ticket.queue_label.startswith("UB")
    assert ticket.priority.value == "child_under_6"


def test_new_patient_is_registered_then_checked_in(driver: Driver) -> None:
    identity = driver.devices.personas["new_patient"].identity
    hospital = driver.kiosk.hospital
    new_patient(driver)
    assert hospital.find_patient(identity) is not None
    assert last_ticket(driver.kiosk).queue_label.startswith("D")


def test_expired_insurance_goes_paid(driver: Driver) -> None:
    insurance_expired(driver)
    assert last_ticket(driver.kiosk).queue_label.startswith("D")


def test_name_mismatch_is_sent_to_the_counter_with_a_slip(driver: Driver) -> None:
    registered = Registrations(driver.kiosk)
    name_mismatch(driver)
    assert registered.count == 0
    from drivers.printer.render import render_ticket

    paper = printed_texts(driver.kiosk)
    assert "PHIẾU MỜI ĐẾN QUẦY" in paper and "QT-BHYT" in paper
    # The slip's bytes, decoded back into pixels, are exactly the rendered slip.
    job = driver.kiosk.printer.jobs[-1]
    assert job.paper.tobytes() == render_ticket(job.document).convert("1").tobytes()
    persona = driver.devices.personas["name_mismatch"].identity
    assert persona.citizen_id is not None and mask_id(persona.citizen_id) in paper
    assert persona.citizen_id not in paper and (persona.full_name or "?") not in paper


def test_a_slip_that_cannot_print_shows_its_code(driver: Driver) -> None:
    texts: list[str] = []

    def on_state(state: FlowState) -> None:
        if state.screen is Screen.GO_TO_COUNTER and state.printer_problem is not None:
            texts.append(visible_text(driver.kiosk))

    run_watching(driver, counter_slip_printer_down, on_state)
    assert texts and "QT-BHYT" in texts[-1]


def test_an_appointment_checked_in_is_not_offered_again_and_prints_again(
    driver: Driver,
) -> None:
    registered = Registrations(driver.kiosk)
    driver.wait_for(Screen.WELCOME)
    driver.devices.show_booking_qr("appointment_today")
    state = driver.wait_for(*FIRST_SCREENS)
    if state.screen is Screen.APPOINTMENT:  # not checked in yet in this test module
        driver.click("btn_appointment_confirm")
        label = driver.wait_for(Screen.TICKET).ticket.queue_label  # type: ignore[union-attr]
        driver.step("btn_done", Screen.WELCOME)
    else:
        label = state.visits_today[-1].queue_label
        driver.step("btn_cancel", Screen.WELCOME)
    appointment_reprint(driver)
    again = last_ticket(driver.kiosk)
    assert again.reprint and again.queue_label == label
    assert "BẢN IN LẠI" in printed_texts(driver.kiosk)
    assert registered.count <= 1  # the reprint registers nothing


def test_hospital_down_gives_a_provisional_ticket_and_the_visit_syncs_later(
    driver: Driver,
) -> None:
    hospital_down(driver)
    ticket = last_ticket(driver.kiosk)
    assert ticket.provisional and ticket.queue_label.startswith("K")
    offline = driver.kiosk.backends.offline
    assert offline is not None and offline.outbox.size() == 0  # everything synced


def test_a_code_only_the_hospital_reads_says_it_is_down(driver: Driver) -> None:
    code_while_hospital_down(driver)
    assert any("resolve" in alert for alert in driver.alerts)  # type: ignore[attr-defined]


def test_printer_out_of_paper_shows_the_number_and_alerts_staff(driver: Driver) -> None:
    registered = Registrations(driver.kiosk)
    jobs_before = len(driver.kiosk.printer.jobs)
    seen: list[str] = []

    def on_state(state) -> None:
        if state.screen is Screen.PRINTER_FAULT:
            seen.append(state.ticket.queue_label)
            seen.append(visible_text(driver.kiosk))

    run_watching(driver, printer_out_of_paper, on_state)
    label, text = seen[0], seen[1]
    assert label in text  # the number is on screen
    assert registered.count <= 1  # a new visit registered once, or today's shown again
    assert len(driver.kiosk.printer.jobs) == jobs_before
    assert any("out_of_paper" in alert for alert in driver.alerts)  # type: ignore[attr-defined]


def test_idle_timeout_mid_flow_clears_the_screen(driver: Driver) -> None:
    persona = driver.devices.personas["walk_in_insurance"].identity
    idle_timeout(driver)
    state = driver.kiosk.controller.state
    assert state.patient is None and state.identity is None
    assert persona.full_name not in visible_text(driver.kiosk)


def test_language_switch(driver: Driver) -> None:
    seen: dict[Language, str] = {}

    def on_state(state) -> None:
        if state.screen in FIRST_SCREENS:
            seen[state.language] = visible_text(driver.kiosk)

    run_watching(driver, language_switch, on_state)
    english, vietnamese = seen[Language.EN], seen[Language.VI]
    name = driver.devices.personas["walk_in_insurance"].identity.full_name or "?"
    assert name in english and name in vietnamese  # the same patient, in two languages
    assert ("Details" in english or "Where" in english) and "Where" not in vietnamese
    assert "khám" in vietnamese.lower()
    assert driver.kiosk.controller.state.language is Language.VI


def test_keypad_entry_finds_the_patient_whose_id_was_typed(driver: Driver) -> None:
    registered = Registrations(driver.kiosk)
    state, text = first_seen(driver, keypad_entry)
    assert_found(driver, "walk_in_insurance", state, text)
    assert state.identity_check is IdentityCheck.CHIP_VERIFIED  # the typed ID opened the chip
    assert registered.count == 1


def test_a_keypad_check_in_registers_the_visit_of_the_patient_typed(driver: Driver) -> None:
    registered = Registrations(driver.kiosk)
    driver.step("btn_keypad", Screen.KEYPAD)
    driver.type_digits(driver.devices.citizen_id("walk_in_insurance"))  # the 12th sends it
    driver.wait_for(Screen.PLACE_CARD)
    driver.devices.present_card("walk_in_insurance")
    state = driver.wait_for(*FIRST_SCREENS)
    driver.devices.take_card_away()
    assert_found(driver, "walk_in_insurance", state, visible_text(driver.kiosk))
    ticket_state = insurance_visit_to_noi(driver)
    assert registered.count == 1
    assert_registered(driver, "walk_in_insurance", ticket_state, IdentityCheck.CHIP_VERIFIED)


def test_unreadable_code(driver: Driver) -> None:
    unreadable_code(driver)


def test_no_screen_ever_shows_a_full_id_number(driver: Driver) -> None:
    citizen_id = driver.devices.citizen_id("walk_in_insurance")
    texts: list[str] = []

    def on_state(_state) -> None:
        texts.append(visible_text(driver.kiosk))

    run_watching(driver, walk_in_insurance, on_state)
    assert texts and not any(citizen_id in text for text in texts)


def test_logs_carry_no_personal_data(driver: Driver, caplog) -> None:
    """Card, QR and keypad check-ins at DEBUG level: no ID number, card number or name logged."""
    caplog.set_level(logging.DEBUG)
    walk_in_insurance(driver)
    walk_in_paid(driver)  # from the CCCD QR
    child_under_6(driver)  # from the BHYT QR
    keypad_entry(driver)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the kiosk did log what it did
    for key in ("walk_in_insurance", "walk_in_paid", "child_4"):
        persona = driver.devices.personas[key]
        identity = persona.identity
        secrets = [identity.citizen_id, persona.insurance_number, identity.full_name]
        secrets += (identity.full_name or "").split()[-1:]  # the given name alone
        for secret in filter(None, secrets):
            assert secret not in logged, f"{key}: personal data in the log"


def test_vneid_code_is_resolved_by_the_hospital_to_its_patient(driver: Driver) -> None:
    registered = Registrations(driver.kiosk)
    state, text = first_seen(driver, vneid_code)
    assert_found(driver, "walk_in_insurance", state, text)
    assert registered.count <= 1  # today's ticket printed again, or a first visit


def test_a_vneid_check_in_registers_the_visit_of_the_code_s_patient(driver: Driver) -> None:
    registered = Registrations(driver.kiosk)
    driver.devices.show_vneid_qr("walk_in_insurance")
    state = driver.wait_for(*FIRST_SCREENS)
    assert_found(driver, "walk_in_insurance", state, visible_text(driver.kiosk))
    ticket_state = insurance_visit_to_noi(driver)
    assert registered.count == 1
    # The hospital vouches for its own code: no chip step, as staff see on the ticket.
    assert_registered(driver, "walk_in_insurance", ticket_state, IdentityCheck.NOT_CHECKED)


def test_a_code_nobody_knows_is_asked_of_the_hospital_then_refused(driver: Driver) -> None:
    requests = driver.kiosk.demo_hospital.requests
    before = requests.count("/v1/identity/resolve")
    unreadable_code(driver)
    assert requests.count("/v1/identity/resolve") == before + 1


def test_the_same_code_held_in_front_of_the_scanner_triggers_once(driver: Driver) -> None:
    lookups = driver.kiosk.demo_hospital.requests
    before = lookups.count("/v1/patients/lookup")
    for _ in range(3):
        driver.devices.show_cccd_qr("walk_in_paid")
    driver.wait_for(Screen.PLACE_CARD)
    driver.step("btn_cancel", Screen.WELCOME)
    assert lookups.count("/v1/patients/lookup") == before + 1
    # After the session the same code works again at once.
    driver.devices.show_cccd_qr("walk_in_paid")
    driver.wait_for(Screen.PLACE_CARD)
    driver.step("btn_cancel", Screen.WELCOME)


# --- the chip step -----------------------------------------------------------------------


def test_a_chip_verified_check_in_says_so_on_screen_and_on_paper(driver: Driver) -> None:
    walk_in_insurance(driver)
    assert last_ticket(driver.kiosk).identity_check is IdentityCheck.CHIP_VERIFIED
    assert driver.kiosk.demo_hospital.last_identity_check() == "chip_verified"


def test_the_summary_shows_the_chip_verified_the_patient(driver: Driver) -> None:
    driver.wait_for(Screen.WELCOME)
    driver.devices.show_cccd_qr("walk_in_insurance")
    driver.wait_for(Screen.PLACE_CARD)
    driver.devices.present_card("walk_in_insurance")
    state = driver.wait_for(*FIRST_SCREENS)
    driver.devices.take_card_away()
    if state.screen is Screen.ALREADY_CHECKED_IN:
        driver.step("btn_another_clinic", Screen.SERVICE)
    driver.step("btn_details", Screen.PATIENT_SUMMARY)
    assert "Đã xác thực bằng chip" in visible_text(driver.kiosk)
    driver.step("btn_cancel", Screen.WELCOME)


def test_a_chip_that_fails_falls_back_to_the_code_and_alerts_staff(driver: Driver) -> None:
    registered = Registrations(driver.kiosk)
    faulty_chip(driver)
    assert registered.count == 1
    assert last_ticket(driver.kiosk).identity_check is IdentityCheck.CHIP_FAILED
    assert driver.kiosk.demo_hospital.last_identity_check() == "chip_failed"
    assert any("chip not read" in alert for alert in driver.alerts)  # type: ignore[attr-defined]


def test_a_card_taken_away_mid_read_can_be_placed_again(driver: Driver) -> None:
    virtual = driver.kiosk.backends.card.virtual
    driver.wait_for(Screen.WELCOME)
    driver.devices.show_cccd_qr("walk_in_insurance")
    driver.wait_for(Screen.PLACE_CARD)
    virtual.apdu_latency = 0.05  # a slow read, so the card can leave in the middle of it
    try:
        driver.devices.present_card("walk_in_insurance")
        driver.wait_until(lambda state: state.card_reading, "the read to start")
        driver.devices.take_card_away()
        state = driver.wait_until(lambda state: state.problem is not None, "the removal")
        assert state.screen is Screen.PLACE_CARD and not state.card_reading
    finally:
        virtual.apdu_latency = 0.0
    driver.devices.present_card("walk_in_insurance")
    state = driver.wait_for(*FIRST_SCREENS)
    driver.devices.take_card_away()
    assert state.identity_check is IdentityCheck.CHIP_VERIFIED
    driver.step("btn_cancel", Screen.WELCOME)


def test_a_code_held_up_to_the_camera_is_read_from_its_pixels(driver: Driver) -> None:
    camera = driver.kiosk.camera
    assert camera is not None and camera.preview is not None
    driver.wait_for(Screen.WELCOME)
    shown = camera.preview.frames_shown
    simulated = driver.kiosk.backends.camera.simulated
    driver.devices.set_via_camera(True)
    try:
        driver.devices.show_cccd_qr("walk_in_paid")
        state = driver.wait_for(Screen.PLACE_CARD)
    finally:
        driver.devices.set_via_camera(False)
    # The patient lowers the code before cancelling (held up, it would start a new session).
    # Showing a code restarts the simulated camera's count of frames delivered.
    driver.wait_until(lambda _: simulated.frames_delivered > CODE_FRAMES, "the code lowered")
    assert state.identity is not None and state.identity.citizen_id == driver.devices.citizen_id(
        "walk_in_paid"
    )
    assert camera.preview.frames_shown > shown  # the welcome screen showed the live picture
    driver.step("btn_cancel", Screen.WELCOME)


def test_another_persons_code_mid_session_asks_first(driver: Driver) -> None:
    before = driver.kiosk.controller.state.session
    another_persons_code(driver)
    assert driver.kiosk.controller.state.session >= before + 2  # switched, then cancelled


def test_a_bac_only_chip_gets_the_birth_date_typed_and_is_read(driver: Driver) -> None:
    birth_date_for_the_chip(driver)


def test_a_cloned_card_is_sent_to_the_counter_and_staff_alerted(driver: Driver) -> None:
    registered = Registrations(driver.kiosk)
    cloned_card(driver)
    assert registered.count == 0
    assert "QT-CHIP" in printed_texts(driver.kiosk)
    assert any("authentication" in alert for alert in driver.alerts)  # type: ignore[attr-defined]


def test_a_booking_code_is_read_by_the_hospital_and_finds_the_appointment(
    driver: Driver,
) -> None:
    booking_code(driver)


def test_offline_the_kiosk_still_knows_todays_number(driver: Driver) -> None:
    """The hospital down: the kiosk's own record of today's check-ins says the patient has a
    number already, so a lost ticket prints again instead of a second, provisional number."""
    driver.devices.show_bhyt_qr("child_4")
    state = driver.wait_for(*FIRST_SCREENS)
    if state.screen is Screen.ALREADY_CHECKED_IN:
        labels = [visit.queue_label for visit in state.visits_today]
        driver.step("btn_cancel", Screen.WELCOME)
    else:
        driver.step("btn_service_insurance", Screen.DEPARTMENT)
        driver.click_department("NHI")
        driver.step("btn_confirm", Screen.TICKET)
        labels = [driver.state.ticket.queue_label]  # type: ignore[union-attr]
        driver.step("btn_done", Screen.WELCOME)
    registered = Registrations(driver.kiosk)
    driver.devices.hospital_offline(True)
    driver.wait_until(lambda s: s.hospital_offline, "the offline banner")
    driver.devices.show_bhyt_qr("child_4")
    state = driver.wait_for(Screen.ALREADY_CHECKED_IN)
    assert [v.queue_label for v in state.visits_today] == labels  # the same, in order
    driver.click("btn_reprint")
    ticket = driver.wait_for(Screen.TICKET).ticket
    assert ticket is not None and ticket.reprint and ticket.queue_label == labels[-1]
    driver.step("btn_done", Screen.WELCOME)
    driver.devices.hospital_offline(False)
    assert registered.count == 0
