"""Which unknown codes go to the hospital."""

from __future__ import annotations

from kiosk.core.identity import HospitalCodes


def test_without_patterns_every_unknown_code_is_asked_about() -> None:
    assert HospitalCodes().ask_hospital("https://example.invalid/promo")


def test_with_patterns_only_matching_codes_are() -> None:
    codes = HospitalCodes([r"^VNEID:1:", r"^LICHHEN:1:"])
    assert codes.ask_hospital("VNEID:1:BN0001:abcd")
    assert codes.ask_hospital(" LICHHEN:1:LH-0001:abcd\r\n")  # as a scanner frames it
    assert not codes.ask_hospital("https://example.invalid/promo?ref=kiosk")
