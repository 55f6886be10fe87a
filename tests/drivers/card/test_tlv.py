"""BER-TLV: what real data objects look like, and every malformation as a TlvError."""

from __future__ import annotations

import pytest

from drivers.card import tlv
from drivers.card.errors import TlvError

H = bytes.fromhex
EF_COM = H("60145F0104303130365F36063034303030305C026175")


def test_ef_com_parses_into_its_data_objects() -> None:
    com = tlv.parse_single(EF_COM)
    assert com.tag == 0x60 and com.constructed
    assert [(item.tag, item.value) for item in com.children()] == [
        (0x5F01, b"0106"),
        (0x5F36, b"040000"),
        (0x5C, H("6175")),
    ]
    assert com.child(0x5C).value == H("6175")
    assert com.optional_child(0x01) is None
    assert [item.tag for item in tlv.walk(com)] == [0x60, 0x5F01, 0x5F36, 0x5C]


def test_header_of_a_file_is_known_from_its_first_bytes() -> None:
    header = tlv.read_header(H("7581F0"))  # DG2-like: two-byte long form
    assert (header.tag, header.length, header.header_size, header.total_size) == (0x75, 240, 3, 243)
    header = tlv.read_header(H("7F4982012C"))
    assert (header.tag, header.length, header.header_size) == (0x7F49, 300, 5)


@pytest.mark.parametrize("length", [0, 1, 127, 128, 255, 256, 65535, 65536, 70000])
def test_encode_then_parse_round_trips(length: int) -> None:
    value = bytes(range(256)) * (length // 256) + bytes(length % 256)
    for tag in (0x04, 0x5F1F, 0x7F49, 0xBF8101):
        encoded = tlv.encode(tag, value)
        item = tlv.parse_single(encoded)
        assert (item.tag, item.value, item.raw) == (tag, value, encoded)


def test_lengths_use_the_shortest_form() -> None:
    assert tlv.encode_length(127) == H("7F")
    assert tlv.encode_length(128) == H("8180")
    assert tlv.encode_length(256) == H("820100")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("", "ends"),
        ("04", "truncated length"),
        ("0405AABB", "truncated"),
        ("5F", "truncated tag"),
        ("5F8F8F0100", "tag too long"),
        ("0480", "indefinite"),
        ("0485FFFFFFFFFF", "oversized"),
        ("0482FF", "truncated length"),
        ("00", "invalid tag"),
        ("FF00", "invalid tag"),
    ],
)
def test_malformed_input_is_a_tlv_error(data: str, reason: str) -> None:
    with pytest.raises(TlvError, match=reason):
        tlv.parse_single(H(data))


def test_trailing_bytes_after_a_single_object_are_refused() -> None:
    with pytest.raises(TlvError, match="after"):
        tlv.parse_single(H("0401AA00"))


def test_nesting_is_bounded() -> None:
    nested = H("0400")
    for _ in range(tlv.MAX_DEPTH + 2):
        nested = tlv.encode(0x30, nested)
    with pytest.raises(TlvError, match="deep"):
        list(tlv.walk(tlv.parse_single(nested)))


def test_primitive_objects_have_no_children() -> None:
    with pytest.raises(TlvError, match="primitive"):
        tlv.parse_single(H("0401AA")).children()


def test_object_identifiers_round_trip() -> None:
    for dotted, content in [
        ("0.4.0.127.0.7.2.2.4.2.2", "04007F00070202040202"),
        ("2.23.136.1.1.1", "6781080101 01".replace(" ", "")),
        ("1.2.840.113549.1.1.11", "2A864886F70D01010B"),
    ]:
        assert tlv.encode_oid(dotted) == H(content)
        assert tlv.decode_oid(H(content)) == dotted
    with pytest.raises(TlvError):
        tlv.decode_oid(H("2A86"))
    with pytest.raises(TlvError):
        tlv.decode_oid(H("2A8001"))


def test_integers_must_be_non_negative_and_present() -> None:
    assert tlv.decode_unsigned(H("0D")) == 13
    assert tlv.decode_unsigned(H("00FF")) == 255
    with pytest.raises(TlvError):
        tlv.decode_unsigned(b"")
    with pytest.raises(TlvError):
        tlv.decode_unsigned(H("FF"))
