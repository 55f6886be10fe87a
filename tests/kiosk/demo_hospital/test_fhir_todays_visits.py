"""Today's visits of a patient over FHIR: the kiosks' own Encounters of the day (with their
queue-number identifier), found by one Encounter search against SEKMET, a real FHIR server."""

from __future__ import annotations

from datetime import timedelta

from kiosk.core.domain import PriorityGroup
from tests.kiosk.hospital.fhir.sekmet import TODAY, seed_encounter, seed_patient
from tests.kiosk.hospital.fhir.test_fhir_checkin import checkin


def test_the_days_kiosk_visits_in_order_with_their_labels(make_client, sekmet) -> None:
    client, transport = make_client()
    patient = seed_patient(sekmet, "079080777001", None)
    # Not a kiosk visit (no queue number), and yesterday's: neither is printed again.
    seed_encounter(sekmet, patient["id"], TODAY, "Khoa Nội", "Viêm họng (J02)")
    seed_encounter(sekmet, patient["id"], TODAY - timedelta(days=1), "Khoa Nhi", "Sốt")
    first = client.register_visit(checkin(patient["id"], "today-a", "NOI"))
    second = client.register_visit(
        checkin(patient["id"], "today-b", "NHI", priority=PriorityGroup.ELDERLY_75)
    )
    sent_before = len(transport.sent)
    visits = client.visits_on(patient["id"], TODAY)
    assert len(transport.sent) == sent_before + 1  # one search
    assert [v.visit_id for v in visits] == [first.visit_id, second.visit_id]
    assert [v.queue_label for v in visits] == [
        f"B{first.queue_number:03d}",
        f"UB{second.queue_number:03d}",
    ]
    assert [v.department_code for v in visits] == ["NOI", "NHI"]
    assert visits[1].priority is PriorityGroup.ELDERLY_75
    assert client.visits_on(patient["id"], TODAY + timedelta(days=1)) == []
