"""What the demo panel does: present the demo personas' cards and codes, break things.

Part of the composition root (like app.py): it knows the demo hospital's personas and the
simulated devices, and turns "show Mrs Bình's BHYT card" into what a real scanner would send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Protocol

from drivers.camera.simulated import SimulatedCamera, empty_scene, frame_with_code
from drivers.card.cccd_reader import NO_EXPIRY, birthday, expiry_candidates
from drivers.card.virtual_cccd import VirtualCccdIssuer
from drivers.card.virtual_chip import Chip
from drivers.card.virtual_reader import VirtualReader
from drivers.printer.simulated import SimulatedPrinter
from drivers.scanner.simulated import SimulatedScanner
from kiosk.app.chip_adapter import card_holder
from kiosk.app.sample_codes import bhyt_qr_payload, cccd_qr_payload
from kiosk.app.ticket_paper import device_problem
from kiosk.core.domain import Identity, PrinterProblem
from kiosk.demo_hospital.codes import BOOKING_PREFIX, issue_token
from kiosk.demo_hospital.personas import DemoPersona, demo_personas

log = logging.getLogger(__name__)

# Not a format any kiosk knows: a web link, as people often show by mistake.
UNKNOWN_CODE = "https://example.invalid/promo?ref=kiosk"
# Whose card has a chip that opens only with BAC (no PACE): typed on the keypad, the kiosk
# must ask for the birth date (the other personas' cards open with the ID alone).
BAC_ONLY_PERSONAS = frozenset({"new_patient_old_chip"})
CODE_FRAMES = 30  # how long a code is held up to the simulated camera, in frames
# Whose card the demo's "cloned card" copies: show this persona's QR code first.
CLONED_PERSONA = "walk_in_insurance"


class DemoHospital(Protocol):
    """The demo's hospital: the embedded REST one (demo_hospital/server.py) or SEKMET over FHIR
    (demo_hospital/fhir_demo.py). stop() takes it offline (connection refused), start() back."""

    @property
    def url(self) -> str: ...

    @property
    def running(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def visits_registered(self) -> int: ...


def card_issue_date(identity: Identity, today: date) -> date:
    """When the demo persona's current CCCD was issued: chip cards came in 2021 (or at 14),
    and a card that reached its renewal age since was renewed on that birthday."""
    birth = identity.birth.as_date() if identity.birth else None
    if birth is None:
        raise ValueError("a CCCD holder has a full birth date")
    issued = max(date(2021, 4, 1), birthday(birth, 14))
    while (expiry := card_expiry(identity, issued, today)) is not None and expiry <= today:
        issued = expiry
    return issued


def card_expiry(identity: Identity, issued: date, today: date) -> date | None:
    """The birthday at the next renewal age after issue; None past the last one (60)."""
    birth = identity.birth.as_date() if identity.birth else None
    if birth is None:
        raise ValueError("a CCCD holder has a full birth date")
    first = expiry_candidates(birth, issued, today)[0]
    if first == NO_EXPIRY:
        return None
    return date(2000 + int(first[:2]), int(first[2:4]), int(first[4:]))


class DemoDevices:
    def __init__(
        self,
        hospital: DemoHospital,
        card_reader: VirtualReader | None,
        issuer: VirtualCccdIssuer,
        scanner: SimulatedScanner,
        camera: SimulatedCamera | None,
        printer: SimulatedPrinter,
        today: date | None = None,
    ) -> None:
        self.hospital = hospital
        self._card_reader = card_reader
        self._issuer = issuer
        self._cards: dict[str, Chip] = {}
        self._today = today or date.today()
        self._scanner = scanner
        self._camera = camera
        self.printer_reports: Callable[[PrinterProblem | None], None] = lambda _problem: None
        self.via_camera = False  # codes go to the camera (decoded from pixels) or the scanner
        self._printer = printer
        self.personas: dict[str, DemoPersona] = {p.key: p for p in demo_personas(self._today)}

    def has_card(self, key: str) -> bool:
        return self.personas[key].identity.citizen_id is not None

    def has_bhyt(self, key: str) -> bool:
        return self.personas[key].insurance is not None

    def citizen_id(self, key: str) -> str:
        number = self.personas[key].identity.citizen_id
        if number is None:
            raise ValueError(f"persona {key} has no citizen ID")
        return number

    def present_card(self, key: str) -> None:
        """Put the persona's chip card on the (virtual) reader, as the patient would."""
        self._reader().insert(self.card(key))

    def card(self, key: str) -> Chip:
        """The persona's chip, signed by the demo CSCA; made once, on first use."""
        if key not in self._cards:
            self._cards[key] = self._make_card(key, cloned=False)
        return self._cards[key]

    def cloned_card(self, key: str = CLONED_PERSONA) -> None:
        """A copy of the persona's card: genuine signed data, but not the chip's own key."""
        self._reader().insert(self._make_card(key, cloned=True))

    def _make_card(self, key: str, *, cloned: bool) -> Chip:
        identity = self.personas[key].identity
        issued = card_issue_date(identity, self._today)
        expires = card_expiry(identity, issued, self._today)
        return self._issuer.chip(
            card_holder(identity),
            issued=issued,
            expires=expires,
            cloned=cloned,
            bac_only=key in BAC_ONLY_PERSONAS,
        )

    def take_card_away(self) -> None:
        self._reader().remove()

    def show_cccd_qr(self, key: str) -> None:
        identity = self.personas[key].identity
        self._show(cccd_qr_payload(identity, issue_date=card_issue_date(identity, self._today)))

    def show_bhyt_qr(self, key: str) -> None:
        persona = self.personas[key]
        if persona.insurance is None:
            raise ValueError(f"persona {key} has no insurance card")
        insurance = persona.insurance
        identity = replace(persona.identity, insurance_number=insurance.number)
        self._show(
            bhyt_qr_payload(
                identity,
                facility_code=insurance.facility_code or "01 - 001",
                valid_from=insurance.valid_from or date(date.today().year, 1, 1),
                valid_to=insurance.valid_to,
            )
        )

    def has_vneid(self, key: str) -> bool:
        return self.personas[key].patient_id is not None

    def has_booking(self, key: str) -> bool:
        return self.personas[key].appointment is not None

    def show_booking_qr(self, key: str) -> None:
        """The booking confirmation's code for today's appointment: the hospital resolves it."""
        appointment = self.personas[key].appointment
        if appointment is None:
            raise ValueError(f"persona {key} has no appointment today")
        self._show(issue_token(appointment.appointment_id, prefix=BOOKING_PREFIX))

    def show_vneid_qr(self, key: str) -> None:
        """A VNeID-style code the demo hospital issued: only the hospital can resolve it."""
        patient_id = self.personas[key].patient_id
        if patient_id is None:
            raise ValueError(f"persona {key} has no hospital record to issue a code for")
        self._show(issue_token(patient_id))

    def show_unknown_qr(self) -> None:
        self._show(UNKNOWN_CODE)

    def set_via_camera(self, on: bool) -> None:
        self.via_camera = on

    def _show(self, payload: str) -> None:
        if not self.via_camera:
            self._scanner.show(payload)
            return
        if self._camera is None:
            raise RuntimeError("the demo has no simulated camera (camera.source is not simulated)")
        # Held up for about a second at 30 frames a second, then taken away again.
        self._camera.show([frame_with_code(payload)] * CODE_FRAMES + [empty_scene()])

    def faulty_card(self) -> None:
        """A card whose chip answers nothing sensible: the kiosk must fall back, not hang."""
        self._reader().insert(Chip(can="000000", mrz_info="", files={}))

    def _reader(self) -> VirtualReader:
        if self._card_reader is None:
            raise RuntimeError("the demo has no virtual card reader (card.reader is not simulated)")
        return self._card_reader

    def printer_out_of_paper(self, out: bool) -> None:
        problem = PrinterProblem.OUT_OF_PAPER if out else None
        self._printer.set_problem(device_problem(problem) if problem else None)
        self.printer_reports(problem)

    def close(self) -> None:
        self.hospital.stop()

    def bank_confirms(self) -> bool:
        """The bank's transfer for the newest payment request arrived; False: none waits (or
        the demo hospital, SEKMET over FHIR, takes no payment at the kiosk)."""
        return self._settle_payment(paid=True)

    def patient_gives_up(self) -> bool:
        """The patient walked away from the newest payment request."""
        return self._settle_payment(paid=False)

    def _settle_payment(self, *, paid: bool) -> bool:
        settle = getattr(self.hospital, "settle_payment", None)
        settled = settle(paid=paid) if settle is not None else None
        log.info("demo: payment %s", ("confirmed" if paid else "given up") if settled else "none")
        return settled is not None

    def hospital_offline(self, offline: bool) -> None:
        if offline == (not self.hospital.running):
            return
        log.info("demo: hospital taken %s", "offline" if offline else "online")
        if offline:
            self.hospital.stop()
        else:
            self.hospital.start()
