"""Strict BER-TLV (ISO/IEC 7816-4 and ASN.1 BER as used by ICAO 9303).

Everything a card sends is untrusted: every malformation is a `TlvError`, never an
IndexError, and parsing always advances, so no input can make it loop or recurse deeply.
Tags are kept as the integer of their encoded bytes (`0x5F01`, `0x7F49`), as the standards
write them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from drivers.card.errors import TlvError

MAX_TAG_BYTES = 3  # ICAO data objects use at most 2; a third is still legal BER
MAX_LENGTH_BYTES = 3  # 16 MiB: far above any eMRTD file, so more means garbage
MAX_DEPTH = 16  # LDS nesting is at most ~8 deep (CMS SignedData)


@dataclass(frozen=True, slots=True)
class Tlv:
    """One data object; `raw` is its complete encoding, as the MACs and hashes need it."""

    tag: int
    value: bytes
    raw: bytes

    @property
    def constructed(self) -> bool:
        return bool(_first_tag_byte(self.tag) & 0x20)

    def children(self) -> list[Tlv]:
        """The data objects directly inside a constructed one (one level: no recursion)."""
        if not self.constructed:
            raise TlvError(f"tag {self.tag:X} is primitive and has no children")
        return parse_all(self.value)

    def child(self, tag: int) -> Tlv:
        """The first child with `tag`; a missing one is a TlvError."""
        for item in self.children():
            if item.tag == tag:
                return item
        raise TlvError(f"tag {tag:X} missing inside {self.tag:X}")

    def optional_child(self, tag: int) -> Tlv | None:
        return next((item for item in self.children() if item.tag == tag), None)


@dataclass(frozen=True, slots=True)
class Header:
    """Tag and length of a data object, read before its value is available."""

    tag: int
    length: int
    header_size: int

    @property
    def total_size(self) -> int:
        return self.header_size + self.length


def _first_tag_byte(tag: int) -> int:
    return tag >> (8 * ((tag.bit_length() - 1) // 8)) if tag else 0


def read_header(data: bytes, offset: int = 0) -> Header:
    """Tag and length at `offset`; the value itself need not be present.

    This is what a reader uses after fetching the first few bytes of a file.
    """
    end = len(data)
    if offset >= end:
        raise TlvError("no data object: input ends")
    first = data[offset]
    if first in (0x00, 0xFF):
        # 00 is BER end-of-contents (only valid with indefinite lengths); FF is no tag at all.
        raise TlvError(f"invalid tag byte {first:02X}")
    position = offset + 1
    tag = first
    if first & 0x1F == 0x1F:
        while True:
            if position >= end:
                raise TlvError("truncated tag")
            if position - offset >= MAX_TAG_BYTES:
                raise TlvError("tag too long")
            byte = data[position]
            tag = (tag << 8) | byte
            position += 1
            if not byte & 0x80:
                break
    if position >= end:
        raise TlvError("truncated length")
    length_byte = data[position]
    position += 1
    if length_byte < 0x80:
        return Header(tag, length_byte, position - offset)
    count = length_byte & 0x7F
    if count == 0:
        raise TlvError("indefinite length is not allowed")
    if count > MAX_LENGTH_BYTES:
        raise TlvError(f"length of {count} bytes is oversized")
    if position + count > end:
        raise TlvError("truncated length")
    length = int.from_bytes(data[position : position + count], "big")
    position += count
    return Header(tag, length, position - offset)


def parse_one(data: bytes, offset: int = 0) -> tuple[Tlv, int]:
    """The data object at `offset` and the offset just after it."""
    header = read_header(data, offset)
    start = offset + header.header_size
    end = start + header.length
    if end > len(data):
        raise TlvError(f"value of tag {header.tag:X} truncated: {header.length} bytes announced")
    raw = bytes(data[offset:end])
    return Tlv(header.tag, raw[header.header_size :], raw), end


def parse_all(data: bytes) -> list[Tlv]:
    """Consecutive data objects filling `data` exactly."""
    return list(iterate(data))


def iterate(data: bytes) -> Iterator[Tlv]:
    offset = 0
    while offset < len(data):
        item, offset = parse_one(data, offset)
        yield item


def parse_single(data: bytes) -> Tlv:
    """Exactly one data object and nothing after it."""
    item, end = parse_one(data)
    if end != len(data):
        raise TlvError(f"{len(data) - end} bytes after tag {item.tag:X}")
    return item


def walk(item: Tlv, *, depth: int = 0) -> Iterator[Tlv]:
    """`item` and every data object inside it, depth first, with bounded nesting."""
    if depth > MAX_DEPTH:
        raise TlvError("data objects nested too deep")
    yield item
    if item.constructed:
        for child in item.children():
            yield from walk(child, depth=depth + 1)


def encode_tag(tag: int) -> bytes:
    if tag <= 0 or tag >= 1 << (8 * MAX_TAG_BYTES):
        raise ValueError(f"tag {tag:X} out of range")
    return tag.to_bytes((tag.bit_length() + 7) // 8, "big")


def encode_length(length: int) -> bytes:
    """Definite length, in the shortest form (DER)."""
    if length < 0 or length >= 1 << (8 * MAX_LENGTH_BYTES):
        raise ValueError(f"length {length} out of range")
    if length < 0x80:
        return bytes([length])
    size = (length.bit_length() + 7) // 8
    return bytes([0x80 | size]) + length.to_bytes(size, "big")


def encode(tag: int, value: bytes) -> bytes:
    return encode_tag(tag) + encode_length(len(value)) + value


def decode_unsigned(value: bytes) -> int:
    """A non-negative ASN.1 INTEGER's content."""
    if not value:
        raise TlvError("empty INTEGER")
    if value[0] & 0x80:
        raise TlvError("negative INTEGER where a non-negative one is required")
    return int.from_bytes(value, "big")


def decode_oid(value: bytes) -> str:
    """An OBJECT IDENTIFIER's content as dotted text."""
    if not value or value[-1] & 0x80:
        raise TlvError("truncated OBJECT IDENTIFIER")
    arcs: list[int] = []
    current = 0
    for byte in value:
        if current == 0 and byte == 0x80:
            raise TlvError("OBJECT IDENTIFIER arc with a leading zero byte")
        current = (current << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(current)
            current = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(arc) for arc in (first, arcs[0] - 40 * first, *arcs[1:]))


def encode_oid(dotted: str) -> bytes:
    """An OBJECT IDENTIFIER's content bytes (without tag and length)."""
    arcs = [int(part) for part in dotted.split(".")]
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40):
        raise ValueError(f"invalid OBJECT IDENTIFIER {dotted!r}")
    out = bytearray()
    for arc in (40 * arcs[0] + arcs[1], *arcs[2:]):
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return bytes(out)
