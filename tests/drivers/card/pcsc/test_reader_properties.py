"""The reader's extended-length report (PC/SC v2 part 10), parsed and asked through pcscd."""

from __future__ import annotations

import pytest

pytest.importorskip("smartcard", reason="pyscard is not installed")

from drivers.card.reader import PcscTransport, _feature_ioctl, _tlv_property
from drivers.card.virtual_chip import Chip
from drivers.card.vpcd_card import VirtualCard

from .pcscd import VpcdSlot, wait_for_card

pytestmark = pytest.mark.timeout(30)

# GET_FEATURE_REQUEST answer: (tag, 4, control code big-endian) per feature.
FEATURES = bytes.fromhex("06 04 4233000612 04 42330012")
# TLV properties: (tag, length, value little-endian); 0A is dwMaxAPDUDataSize.
PROPERTIES = bytes.fromhex("01 02 00000A 04 0000010006 01 04")


def test_feature_and_property_parsing() -> None:
    assert _feature_ioctl(FEATURES, 0x12) == 0x42330012
    assert _feature_ioctl(FEATURES, 0x01) is None
    assert _feature_ioctl(b"\x12\x04\x42", 0x12) is None  # truncated
    assert _tlv_property(PROPERTIES, 0x0A) == 0x10000
    assert _tlv_property(PROPERTIES, 0x06) == 4
    assert _tlv_property(PROPERTIES, 0x0B) is None
    assert _tlv_property(b"\x0a\x04\x00", 0x0A) is None  # truncated


def test_vpcd_reader_report_through_pcscd(slots: list[VpcdSlot]) -> None:
    # Debian's vpcd 3.3 answers no PC/SC part 10 request (newer vpcd reports 0x10000).
    slot = slots[0]
    with VirtualCard(Chip(), port=slot.port):
        wait_for_card(slot.reader)
        with PcscTransport(slot.reader) as transport:
            size = transport.max_apdu_data_size()
            assert size in (None, 0x10000)
            assert transport.extended_length_support() is (None if size is None else True)
    wait_for_card(slot.reader, present=False)
