"""The `ticket` benchmark: bytes, render + encode time, and first byte on the wire.

Ours is the byte-lean layout (`ticket_job`: raster strips cut to their ink for Vietnamese
text, printer text for the queue number and date, native QR, feeds for blank paper). The
baseline, measured in the same run, is the whole ticket as one image: the same picture
(`render_ticket`) sent as GS v 0 raster (`ticket_bytes`), the way tickets went out before.

First byte on the wire: from the moment `register_visit` is called on the demo hospital
(its own process, loopback HTTP) until the first byte of the ticket's job reaches the
network printer simulator through `EscPosPrinter`; the status check the printer driver
makes before each job (DLE EOT 1, 2, 4) comes first and is reported on its own.

Run: `python tests/benchmarks/run.py ticket`, or this file directly.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATUS_CHECK_BYTES = 9  # DLE EOT 1, 2, 4 sent before every job
SERIAL_BYTES_PER_SECOND = 960  # 9600 baud, 8N1

Results = dict[str, object]


def _sample_ticket():
    from kiosk.app.ticket_paper import sample_ticket
    from kiosk.config import Config

    config = Config()
    return sample_ticket(
        hospital_name=config.hospital.name,
        footer=config.ticket.footer,
        issued_at=datetime(2026, 3, 10, 7, 45),
    )


def _bytes_and_time(runs: int) -> Results:
    from drivers.printer.escpos_output import ticket_bytes, ticket_job
    from drivers.printer.render import render_ticket
    from kiosk.app.ticket_paper import paper_ticket

    ticket = _sample_ticket()
    paper = paper_ticket(ticket)
    ours_80 = ticket_job(paper)
    whole_80 = ticket_bytes(render_ticket(paper))
    ours_58 = ticket_job(paper, paper_width_mm=58, profile="POS-5890")
    whole_58 = ticket_bytes(render_ticket(paper, paper_width_mm=58, profile="POS-5890"))
    # Different tickets each run, as at the kiosk: nothing of one render is reused by the next.
    tickets = [replace(ticket, queue_label=f"B{n:03d}", visit_id=f"V-{n}") for n in range(runs)]
    ours_ms, whole_ms = [], []
    for one in tickets:  # interleaved, so both see the same machine load
        started = time.perf_counter()
        ticket_job(paper_ticket(one))
        ours_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        ticket_bytes(render_ticket(paper_ticket(one)))
        whole_ms.append((time.perf_counter() - started) * 1000)
    return {
        "bytes_80mm_ours": len(ours_80),
        "bytes_80mm_baseline_one_image": len(whole_80),
        "bytes_ratio_80mm": len(ours_80) / len(whole_80),
        "bytes_58mm_no_native_qr_ours": len(ours_58),
        "bytes_58mm_baseline_one_image": len(whole_58),
        "serial_9600_baud_seconds_ours": len(ours_80) / SERIAL_BYTES_PER_SECOND,
        "serial_9600_baud_seconds_baseline": len(whole_80) / SERIAL_BYTES_PER_SECOND,
        "render_encode_ms_median_ours": statistics.median(ours_ms),
        "render_encode_ms_median_baseline": statistics.median(whole_ms),
    }


def _first_byte(data_dir: Path, runs: int) -> Results:
    from run import ExternalHospital

    from drivers.printer.escpos_output import ticket_bytes
    from drivers.printer.escpos_printer import EscPosPrinter, NetworkConnection, PrinterConfig
    from drivers.printer.netprinter_sim import NetworkPrinterSimulator
    from drivers.printer.render import render_ticket
    from kiosk.app.ticket_paper import paper_ticket
    from kiosk.core.domain import CheckIn, PriorityGroup, ServiceType
    from kiosk.core.tickets import build_ticket
    from kiosk.demo_hospital.personas import demo_persona
    from kiosk.hospital.rest import RestHospitalClient

    hospital_process = ExternalHospital(data_dir)
    simulator = NetworkPrinterSimulator(max_lifetime=600.0)
    client = RestHospitalClient(hospital_process.url)
    printer = EscPosPrinter(
        PrinterConfig(NetworkConnection(simulator.host, simulator.port), poll_seconds=0)
    )
    try:
        patient = client.find_patient(
            demo_persona("walk_in_insurance", datetime.now().date()).identity
        )
        assert patient is not None
        department = {d.code: d for d in client.departments()}["NOI"]

        def confirm_and_print(n: int, *, one_image: bool) -> tuple[float, float, float]:
            """Seconds from register_visit to: the status check's first byte, the job's
            first byte, the job's last byte."""
            checkin = CheckIn(
                f"bench-ticket-{n}-{time.time_ns()}",
                "BENCH",
                patient.patient_id,
                department.code,
                ServiceType.INSURANCE,
                PriorityGroup.NONE,
            )
            connection = simulator.connection_count
            started = time.monotonic()
            registration = client.register_visit(checkin)
            ticket = build_ticket(
                hospital_name="Bệnh viện Đa khoa Demo",
                footer="Xin cảm ơn quý khách. Chúc quý khách mau khỏe!",
                patient=patient,
                department=department,
                registration=registration,
                service=ServiceType.INSURANCE,
                priority=PriorityGroup.NONE,
                issued_at=datetime.now(),
            )
            if one_image:
                printer.print_job(ticket_bytes(render_ticket(paper_ticket(ticket))))
            else:
                printer.print_document(paper_ticket(ticket))
            size = len(simulator.received[connection])
            times = [
                simulator.arrival_time(connection, index)
                for index in (0, STATUS_CHECK_BYTES, size - 1)
            ]
            assert all(t is not None for t in times)
            status, first, last = (t - started for t in times)  # type: ignore[operator]
            return status, first, last

        for n in range(3):  # warm up: connections, fonts, the capability database
            confirm_and_print(n, one_image=False)
            confirm_and_print(n, one_image=True)
        ours, whole = [], []
        for n in range(runs):  # interleaved, so both see the same machine load
            ours.append(confirm_and_print(n, one_image=False))
            whole.append(confirm_and_print(n, one_image=True))
    finally:
        printer.close()
        client.close()
        simulator.close()
        hospital_process.close()

    def median_ms(samples: list[tuple[float, float, float]], index: int) -> float:
        return statistics.median(sample[index] for sample in samples) * 1000

    return {
        "first_byte_runs": runs,
        "confirm_to_status_check_ms_median": median_ms(ours, 0),
        "confirm_to_first_job_byte_ms_median_ours": median_ms(ours, 1),
        "confirm_to_first_job_byte_ms_median_baseline": median_ms(whole, 1),
        "confirm_to_first_job_byte_ms_max_ours": max(sample[1] for sample in ours) * 1000,
        "confirm_to_last_job_byte_ms_median_ours": median_ms(ours, 2),
        "confirm_to_last_job_byte_ms_median_baseline": median_ms(whole, 2),
    }


def bench_ticket(data_dir: Path, runs: int = 30) -> Results:
    results: Results = {}
    results.update(_bytes_and_time(runs))
    results.update(_first_byte(data_dir, runs))
    results["target"] = (
        "80 mm ticket <= 12 KB; render + encode <= 40 ms median; "
        "first job byte <= 100 ms after register_visit is called"
    )
    results["pass"] = (
        results["bytes_80mm_ours"] <= 12_000  # type: ignore[operator]
        and results["render_encode_ms_median_ours"] <= 40  # type: ignore[operator]
        and results["confirm_to_first_job_byte_ms_median_ours"] <= 100  # type: ignore[operator]
    )
    return results


if __name__ == "__main__":
    import json
    import tempfile

    sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "benchmarks")]
    with tempfile.TemporaryDirectory(prefix="bench-ticket-") as directory:
        print(json.dumps(bench_ticket(Path(directory)), indent=2, ensure_ascii=False))
