"""Searches with more matches than one page: the client follows SEKMET's Bundle.link "next"
(the page size the client asks for is made small here, as a server's own cap would)."""

from __future__ import annotations

import itertools
import logging
from datetime import timedelta

from kiosk.hospital.fhir_http import MAX_PAGES
from tests.kiosk.hospital.fhir.sekmet import TODAY, seed_appointment, seed_encounter, seed_patient

_numbers = itertools.count(700_000)


def gets(transport, resource_type: str) -> int:
    return sum(1 for method, path, _ in transport.sent if (method, path) == (
        "GET", f"/fhir/{resource_type}"))  # fmt: skip


def test_departments_are_read_over_every_page(make_client) -> None:
    whole, _ = make_client()
    paged, transport = make_client(page_size=1)

    departments = paged.departments()

    assert len(departments) >= 2  # NOI and NHI, and any other test's
    assert departments == whole.departments()
    assert gets(transport, "HealthcareService") == len(departments)  # a page each


def test_appointments_are_read_over_every_page(make_client, sekmet) -> None:
    patient = seed_patient(sekmet, f"079081{next(_numbers):06d}", None)
    for hour in (8, 10, 14):
        seed_appointment(sekmet, patient["id"], "NOI", TODAY, hour)
    client, transport = make_client(page_size=2)

    booked = client.appointments(patient["id"], TODAY)

    assert [a.starts_at.hour for a in booked] == [8, 10, 14]
    assert gets(transport, "Appointment") == 2


def test_history_stops_reading_pages_once_it_has_enough(make_client, sekmet) -> None:
    patient = seed_patient(sekmet, f"079082{next(_numbers):06d}", None)
    for days in range(1, 6):
        seed_encounter(sekmet, patient["id"], TODAY - timedelta(days=days), "Khoa Nội", "I10")
    client, transport = make_client(page_size=2)

    visits = client.history(patient["id"], 5)
    assert [v.visit_date for v in visits] == [TODAY - timedelta(days=d) for d in range(1, 6)]
    assert gets(transport, "Encounter") == 3

    transport.sent.clear()
    assert len(client.history(patient["id"], 2)) == 2
    assert gets(transport, "Encounter") == 1


def test_a_search_reads_at_most_max_pages(make_client, sekmet, caplog) -> None:
    patient = seed_patient(sekmet, f"079083{next(_numbers):06d}", None)
    for days in range(1, MAX_PAGES + 3):
        seed_encounter(sekmet, patient["id"], TODAY - timedelta(days=days), "Khoa Nội", "I10")
    client, transport = make_client(page_size=1)

    with caplog.at_level(logging.WARNING, logger="kiosk.hospital.fhir_http"):
        visits = client.history(patient["id"], 50)

    assert len(visits) == MAX_PAGES
    assert gets(transport, "Encounter") == MAX_PAGES
    assert "left unread" in caplog.text
