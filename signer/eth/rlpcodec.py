"""Strict RLP (Ethereum yellow paper, appendix B) decoder and encoder.

Hand-written rather than pyrlp because the signer needs a nesting-depth bound (pyrlp recurses
without one) and a specific error for each way bytes can be malformed: truncated items, trailing
bytes, non-minimal length prefixes and single bytes wrapped in a string prefix are all refused,
so one transaction has exactly one encoding and what is reviewed is what gets hashed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Union

from signer.eth.errors import RlpError

Item = Union[bytes, list["Item"]]  # noqa: UP007 - recursive alias needs the string form
# what encode takes: an Item whose leaves may also be non-negative ints (written minimal big-endian)
Encodable = Union[bytes, int, Sequence["Encodable"]]  # noqa: UP007 - recursive alias needs the string form
MAX_DEPTH = 8


def decode(data: bytes, *, max_depth: int = MAX_DEPTH) -> Item:
    """Decode exactly one RLP item spanning all of ``data``."""
    if not data:
        raise RlpError("empty input: no RLP item")
    item, end = _decode_at(bytes(data), 0, len(data), 0, max_depth)
    if end != len(data):
        raise RlpError(f"{len(data) - end} trailing byte(s) after the RLP item")
    return item


def _length(data: bytes, pos: int, size: int, limit: int, what: str) -> int:
    if pos + size > limit:
        raise RlpError(f"truncated {what} length at byte {pos}")
    raw = data[pos : pos + size]
    if raw[0] == 0:
        raise RlpError(f"{what} length at byte {pos} has a leading zero byte (non-canonical)")
    value = int.from_bytes(raw, "big")
    if value < 56:
        raise RlpError(f"{what} of {value} bytes at byte {pos} uses the long form (non-canonical)")
    return value


def _decode_at(data: bytes, pos: int, limit: int, depth: int, max_depth: int) -> tuple[Item, int]:
    if pos >= limit:
        raise RlpError(f"truncated input: item expected at byte {pos}")
    b = data[pos]
    if b < 0x80:
        return data[pos : pos + 1], pos + 1
    if b <= 0xB7:
        n = b - 0x80
        start = pos + 1
        if start + n > limit:
            raise RlpError(f"string at byte {pos} claims {n} bytes but only {limit - start} remain")
        if n == 1 and data[start] < 0x80:
            raise RlpError(f"single byte 0x{data[start]:02x} at byte {pos} wrapped in a string prefix")
        return data[start : start + n], start + n
    if b <= 0xBF:
        size = b - 0xB7
        n = _length(data, pos + 1, size, limit, "string")
        start = pos + 1 + size
        if start + n > limit:
            raise RlpError(f"string at byte {pos} claims {n} bytes but only {limit - start} remain")
        return data[start : start + n], start + n
    if b <= 0xF7:
        n = b - 0xC0
        start = pos + 1
    else:
        size = b - 0xF7
        n = _length(data, pos + 1, size, limit, "list")
        start = pos + 1 + size
    end = start + n
    if end > limit:
        raise RlpError(f"list at byte {pos} claims {n} bytes but only {limit - start} remain")
    if depth >= max_depth:
        raise RlpError(f"lists nested deeper than {max_depth} levels")
    items: list[Item] = []
    cur = start
    while cur < end:
        item, cur = _decode_at(data, cur, end, depth + 1, max_depth)
        items.append(item)
    return items, end


def encode(item: Encodable) -> bytes:
    """Encode bytes, non-negative ints (minimal big-endian) and nested lists of them."""
    if isinstance(item, int):
        item = encode_int(item)
    if isinstance(item, bytes | bytearray):
        raw = bytes(item)
        if len(raw) == 1 and raw[0] < 0x80:
            return raw
        return _prefix(0x80, len(raw)) + raw
    if isinstance(item, list | tuple):
        payload = b"".join(encode(x) for x in item)
        return _prefix(0xC0, len(payload)) + payload
    raise TypeError(f"cannot RLP-encode {type(item).__name__}")


def encode_int(value: int) -> bytes:
    if value < 0:
        raise ValueError("RLP integers are non-negative")
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def _prefix(offset: int, length: int) -> bytes:
    if length < 56:
        return bytes([offset + length])
    raw = encode_int(length)
    return bytes([offset + 55 + len(raw)]) + raw
