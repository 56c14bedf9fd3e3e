"""ABI argument decoding for calldata: a canonical-layout check, then eth_abi (lazily imported).

The layout check walks heads and tails without materialising anything and insists every
dynamic value sits exactly where the canonical encoder would put it. That bounds the decoded
size by the input size (no "offset aliasing" bombs: thousands of array items pointing at one
large blob) and means one set of arguments has one encoding, so the review cannot be fooled by
a second reading of the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from signer.eth.errors import AbiError

WORD = 32
MAX_CALLDATA = 128 * 1024
_ELEMENTARY = re.compile(
    r"^(address|bool|string|bytes([1-9]|[12][0-9]|3[0-2])?|u?int(8|16|24|32|40|48|56|64|72|80|88|96|"
    r"104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?)$"
)


@dataclass(frozen=True)
class AbiType:
    kind: str  # "elementary" | "tuple" | "array"
    name: str = ""  # elementary type name
    items: tuple[AbiType, ...] = ()  # tuple components
    element: AbiType | None = None  # array element
    length: int | None = None  # fixed array length; None for T[]

    @property
    def dynamic(self) -> bool:
        if self.kind == "elementary":
            return self.name in ("bytes", "string")
        if self.kind == "tuple":
            return any(i.dynamic for i in self.items)
        assert self.element is not None
        return self.length is None or self.element.dynamic

    @property
    def head_size(self) -> int:
        """Bytes this type takes in its parent's head (a 32-byte offset when dynamic)."""
        if self.dynamic:
            return WORD
        if self.kind == "tuple":
            return sum(i.head_size for i in self.items)
        if self.kind == "array":
            assert self.element is not None and self.length is not None
            return self.length * self.element.head_size
        return WORD


def _split_top(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur or parts:
        parts.append(cur)
    return parts


@lru_cache(maxsize=256)
def parse_type(text: str) -> AbiType:
    """Parse a canonical ABI type such as ``(address,bool,bytes)[]`` or ``uint256[3]``."""
    m = re.fullmatch(r"(.*)\[(\d*)\]", text)
    if m:
        length = int(m.group(2)) if m.group(2) else None
        if length is not None and not 0 < length <= 1024:
            raise AbiError(f"fixed array length {length} in {text!r} is out of range")
        return AbiType("array", element=parse_type(m.group(1)), length=length)
    if text.startswith("(") and text.endswith(")"):
        parts = _split_top(text[1:-1])
        if not parts:
            raise AbiError("empty tuple types are not supported")
        return AbiType("tuple", items=tuple(parse_type(p) for p in parts))
    if not _ELEMENTARY.match(text):
        raise AbiError(f"unsupported ABI type {text!r}")
    return AbiType("elementary", name=text)


def _word(data: bytes, pos: int, what: str) -> int:
    if pos + WORD > len(data):
        raise AbiError(f"calldata ends inside {what} (byte {pos})")
    return int.from_bytes(data[pos : pos + WORD], "big")


def _tuple_size(items: Sequence[AbiType], data: bytes, base: int) -> int:
    """Validate a canonical tuple encoding starting at ``base``; return its size."""
    head = sum(i.head_size for i in items)
    if base + head > len(data):
        raise AbiError(f"calldata too short: {len(items)} values need {head} bytes at byte {base}")
    cursor, pos = base + head, base
    for item in items:
        if item.dynamic:
            offset = _word(data, pos, "an offset")
            if offset != cursor - base:
                raise AbiError(f"offset {offset} at byte {pos} is not canonical (expected {cursor - base})")
            cursor += _dynamic_size(item, data, cursor)
        pos += item.head_size
    return cursor - base


def _dynamic_size(t: AbiType, data: bytes, start: int) -> int:
    if t.kind == "elementary":  # bytes / string
        length = _word(data, start, "a length")
        padded = -(-length // WORD) * WORD
        if start + WORD + padded > len(data):
            raise AbiError(f"a {t.name} of {length} bytes at byte {start} runs past the end of the calldata")
        return WORD + padded
    if t.kind == "tuple":
        return _tuple_size(t.items, data, start)
    assert t.element is not None
    if t.length is None:
        count = _word(data, start, "an array length")
        if count * t.element.head_size > len(data) - start - WORD:
            raise AbiError(f"array at byte {start} claims {count} items, more than the calldata can hold")
        return WORD + _tuple_size([t.element] * count, data, start + WORD)
    return _tuple_size([t.element] * t.length, data, start)


def canonical_size(types: Sequence[str], data: bytes) -> int:
    """Size of the canonical encoding of ``types`` at the start of ``data`` (raises if not canonical)."""
    return _tuple_size([parse_type(t) for t in types], data, 0)


def decode_args(types: Sequence[str], data: bytes) -> tuple[tuple[Any, ...], int]:
    """Decode ABI arguments; returns (values, number of trailing bytes after the canonical encoding)."""
    if len(data) > MAX_CALLDATA:
        raise AbiError(f"calldata is {len(data)} bytes, more than {MAX_CALLDATA}")
    size = canonical_size(types, data)
    from eth_abi.abi import decode
    from eth_abi.exceptions import DecodingError

    try:
        values = decode(list(types), bytes(data[:size]), strict=True)
    except (DecodingError, ValueError, OverflowError) as exc:
        raise AbiError(f"arguments do not decode as ({','.join(types)}): {exc}") from exc
    return tuple(values), len(data) - size


def encode_args(types: Sequence[str], values: Sequence[Any]) -> bytes:
    from eth_abi.abi import encode
    from eth_abi.exceptions import EncodingError

    try:
        return encode(list(types), list(values))
    except (EncodingError, TypeError, ValueError, OverflowError) as exc:
        raise AbiError(f"cannot encode ({','.join(types)}): {exc}") from exc


def split_signature(signature: str) -> tuple[str, tuple[str, ...]]:
    """``"approve(address,uint256)"`` -> (``"approve"``, (``"address"``, ``"uint256"``))."""
    m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\((.*)\)", signature)
    if not m:
        raise AbiError(f"not a function signature: {signature!r}")
    return m.group(1), tuple(_split_top(m.group(2)))
