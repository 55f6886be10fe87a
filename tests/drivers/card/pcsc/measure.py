"""Timings through the real PC/SC path: `python -m tests.drivers.card.pcsc.measure` (pcscd
started if needed).

Prints medians of: one APDU round trip (raw pyscard, and through PcscTransport), and PACE +
EF.COM end to end through pcscd at 0 ms and 5 ms card latency, with the card's mean time
(latency and the virtual chip's own work) and what is left for the reader's side; and the
same steps against the chip in-process, without PC/SC.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable

from smartcard import scard

from drivers.card.reader import PcscTransport
from drivers.card.virtual_chip import EF_COM, Chip
from drivers.card.vpcd_card import VirtualCard

from .pcscd import PcscDaemon, VpcdSlot, wait_for_card
from .steps import CAN, EF_COM_APDUS, PACE_APDUS, SELECT_EMRTD, open_with_pace, read_ef_com

APDUS = PACE_APDUS + EF_COM_APDUS


def median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 3)


def raw_round_trip(slot: VpcdSlot, repeats: int) -> float:
    _, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    _, card, _ = scard.SCardConnect(
        context, slot.reader, scard.SCARD_SHARE_EXCLUSIVE, scard.SCARD_PROTOCOL_T1
    )
    try:
        return median_ms(
            lambda: scard.SCardTransmit(card, scard.SCARD_PCI_T1, list(SELECT_EMRTD)), repeats
        )
    finally:
        scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
        scard.SCardReleaseContext(context)


def transport_round_trip(slot: VpcdSlot, repeats: int) -> float:
    with PcscTransport(slot.reader) as transport:
        return median_ms(lambda: transport.transmit(SELECT_EMRTD), repeats)


def pace_and_ef_com_through_pcscd(slot: VpcdSlot) -> None:
    with PcscTransport(slot.reader) as transport:
        if read_ef_com(open_with_pace(transport)) != EF_COM:
            raise AssertionError("EF.COM differs")


def main(repeats: int = 100, end_to_end_repeats: int = 20) -> dict[str, float]:
    results: dict[str, float] = {}
    with PcscDaemon.running() as daemon:
        slot = daemon.wait_for_vpcd()[0]
        for latency in (0.0, 0.005):
            card = VirtualCard(Chip(can=CAN), port=slot.port, latency=latency)
            with card:
                wait_for_card(slot.reader)
                label = f"{latency * 1000:.0f}ms"
                if latency == 0.0:
                    results["apdu_round_trip_raw_pyscard_ms"] = raw_round_trip(slot, repeats)
                    results["apdu_round_trip_pcsc_transport_ms"] = transport_round_trip(
                        slot, repeats
                    )
                card.card_seconds, card.apdus = 0.0, 0
                total = median_ms(lambda: pace_and_ef_com_through_pcscd(slot), end_to_end_repeats)
                card_ms = card.card_seconds * 1000 / end_to_end_repeats
                results[f"pace_ef_com_pcscd_{label}_ms"] = total
                # What the kiosk's side costs: the chip's own time (latency and its work,
                # in this process too) is not the reader's overhead.
                results[f"pace_ef_com_pcscd_{label}_card_ms"] = round(card_ms, 3)
                results[f"pace_ef_com_pcscd_{label}_reader_overhead_ms"] = round(total - card_ms, 3)
            wait_for_card(slot.reader, present=False)
    chip = Chip(can=CAN)

    def in_process() -> None:
        chip.reset()
        read_ef_com(open_with_pace(chip))

    results["pace_ef_com_in_process_ms"] = median_ms(in_process, end_to_end_repeats)
    results["apdus"] = APDUS
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
