"""Strict CBOR decoding of hostile input, on top of cbor2.

UR payloads are deterministic CBOR (dCBOR). Everything that arrives over the camera goes
through :func:`loads`, which turns every way cbor2 can fail (truncation, huge declared
lengths, deep nesting, bad UTF-8, duplicate keys, indefinite lengths) into TransportError,
rejects trailing bytes and item kinds UR never uses (floats, simple values, undefined), and
keeps every tag as a plain ``CBORTag`` (cbor2 would otherwise build dates, UUIDs, regexes,
shared/cyclic references... from tagged values). With ``deterministic=True`` the input must
also be exactly the canonical encoding of what it decodes to (minimal integers and lengths,
sorted map keys), so one byte string has one meaning.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import cbor2
from cbor2 import CBORTag

from signer.transport.errors import TransportError

MAX_DEPTH = 24
"""Deepest nesting of arrays/maps/tags accepted; the deepest UR type we read needs about 10."""
MAX_ITEMS = 10_000
"""Most CBOR data items accepted in one payload (a 20-key multisig account needs about 600).
Checked before cbor2 builds anything, so a small hostile payload cannot expand into millions
of Python objects."""

# Tags cbor2 decodes into Python objects by default (found by probing cbor2 6.x). Each is
# mapped back to a raw CBORTag so that the registry code alone decides what a tag means.
_SEMANTIC_TAGS = (0, 1, 2, 3, 4, 5, 25, 28, 29, 30, 35, 36, 37, 52, 54, 100, 256, 258, 260, 261)
_SEMANTIC_TAGS_HIGH = (1004, 43000, 55799)


def _keep_tag(tag: int) -> Any:
    return lambda value, _immutable: CBORTag(tag, value)


_RAW_DECODERS = {tag: _keep_tag(tag) for tag in _SEMANTIC_TAGS + _SEMANTIC_TAGS_HIGH}


def loads(data: bytes, *, what: str, deterministic: bool = True, max_items: int = MAX_ITEMS) -> Any:
    """Decode exactly one CBOR item from ``data``; ``what`` names it in error messages.

    The result is built only from int, bool, None, bytes, str, list, dict (int/str keys)
    and CBORTag. Error messages never quote the input (it may hold secrets).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TransportError(f"{what}: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise TransportError(f"{what}: empty CBOR")
    _prescan(data, what, max_items)
    stream = io.BytesIO(data)
    try:
        decoder = cbor2.CBORDecoder(
            stream,
            semantic_decoders=_RAW_DECODERS,
            max_depth=MAX_DEPTH,
            allow_indefinite=False,
            allow_duplicate_keys=False,
            read_size=1,
        )
        value = decoder.decode()
    except Exception as exc:  # cbor2 on hostile input: every failure becomes one error type
        raise TransportError(f"{what}: {_describe(exc)}") from None
    if stream.tell() != len(data):
        raise TransportError(f"{what}: {len(data) - stream.tell()} trailing byte(s) after the CBOR item")
    value = _normalise(value, what)
    if deterministic:
        try:
            canonical = cbor2.dumps(value, canonical=True)
        except Exception:
            raise TransportError(f"{what}: CBOR item cannot be re-encoded") from None
        if canonical != data:
            raise TransportError(f"{what}: CBOR is not in deterministic encoding (dCBOR)")
    return value


def dumps(value: Any) -> bytes:
    """Deterministic encoding (minimal ints, definite lengths, sorted int keys)."""
    return cbor2.dumps(value, canonical=True)


def _prescan(data: bytes, what: str, max_items: int) -> None:
    """Walk the item headers only: count items, refuse indefinite lengths, truncation and
    trailing bytes, without allocating anything per item."""
    pos, pending, items, end = 0, 1, 0, len(data)
    while pending:
        if pos >= end:
            raise TransportError(f"{what}: truncated CBOR (declared length runs past the end)")
        initial = data[pos]
        major, info = initial >> 5, initial & 0x1F
        pos += 1
        if info < 24:
            arg = info
        elif info <= 27:
            size = 1 << (info - 24)
            if pos + size > end:
                raise TransportError(f"{what}: truncated CBOR (declared length runs past the end)")
            arg = int.from_bytes(data[pos : pos + size], "big")
            pos += size
        elif info == 31:
            raise TransportError(f"{what}: indefinite-length CBOR item (not allowed in dCBOR)")
        else:
            raise TransportError(f"{what}: malformed CBOR (reserved header value)")
        pending -= 1
        items += 1
        if items > max_items:
            raise TransportError(f"{what}: more than {max_items} CBOR items")
        if major in (2, 3):
            pos += arg
        elif major == 4:
            pending += arg
        elif major == 5:
            pending += 2 * arg
        elif major == 6:
            pending += 1
        if pos + pending > end:  # every pending item needs at least one more byte
            raise TransportError(f"{what}: truncated CBOR (declared length runs past the end)")
    if pos != end:
        raise TransportError(f"{what}: {end - pos} trailing byte(s) after the CBOR item")


def _describe(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, cbor2.CBORDecodeEOF):
        return "truncated CBOR (declared length runs past the end)"
    if "nesting depth" in text:
        return f"CBOR nested deeper than {MAX_DEPTH} levels"
    if "indefinite" in text:
        return "indefinite-length CBOR item (not allowed in dCBOR)"
    if "Duplicate map key" in text:
        return "duplicate CBOR map key"
    if "text string" in text:
        return "CBOR text string is not valid UTF-8"
    if isinstance(exc, MemoryError | RecursionError):
        return "CBOR item too large or too deep"
    return "malformed CBOR"


def _normalise(value: Any, what: str, depth: int = 0) -> Any:
    """Check item kinds and turn the immutable containers cbor2 builds inside tags back into
    lists and dicts, so callers see one representation."""
    if depth > MAX_DEPTH + 1:  # cbor2 already enforces this; belt and braces for the walk
        raise TransportError(f"{what}: CBOR nested too deeply")
    if value is None or isinstance(value, int | bytes | str):  # bool is an int
        return value
    if isinstance(value, list | tuple):
        return [_normalise(item, what, depth + 1) for item in value]
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, int | str):
                raise TransportError(f"{what}: unsupported CBOR map key type")
            out[key] = _normalise(item, what, depth + 1)
        return out
    if isinstance(value, CBORTag):
        return CBORTag(value.tag, _normalise(value.value, what, depth + 1))
    raise TransportError(f"{what}: unsupported CBOR item ({type(value).__name__})")
