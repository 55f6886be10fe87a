from __future__ import annotations

from kiosk.alerts.signing import signature, verify

BODY = b'{"kind":"printer_out_of_paper"}'


def test_a_signature_verifies_only_for_its_body_timestamp_and_secret() -> None:
    signed = signature("k", 1_800_000_000, BODY)
    assert signed.startswith("sha256=") and len(signed) == 7 + 64
    assert verify("k", "1800000000", signed, BODY, now=1_800_000_010)
    assert not verify("k", "1800000000", signed, BODY + b" ", now=1_800_000_010)
    assert not verify("k", "1800000001", signed, BODY, now=1_800_000_010)
    assert not verify("other", "1800000000", signed, BODY, now=1_800_000_010)
    assert not verify("k", "soon", signed, BODY, now=1_800_000_010)


def test_an_old_request_is_refused_as_a_replay() -> None:
    signed = signature("k", 1_800_000_000, BODY)
    assert not verify("k", "1800000000", signed, BODY, now=1_800_000_000 + 301)
