"""Strict readers for the CBOR maps of UR registry types, and the registry's tag numbers.

Every check raises TransportError naming the type and the key, never quoting values.
"""

from __future__ import annotations

import unicodedata
from typing import Any, NamedTuple

from cbor2 import CBORTag

from signer.transport import dcbor
from signer.transport.errors import TransportError

UINT31_MAX = 0x7FFFFFFF
UINT32_MAX = 0xFFFFFFFF
UINT64_MAX = 0xFFFFFFFFFFFFFFFF
MAX_TEXT_LEN = 4096


class TagPair(NamedTuple):
    """A registry type's tag before (v1, ``crypto-*`` names) and after the 2023 renumbering."""

    v1: int
    v2: int

    def pick(self, legacy: bool) -> int:
        return self.v1 if legacy else self.v2


SEED = TagPair(300, 40300)
HDKEY = TagPair(303, 40303)
KEYPATH = TagPair(304, 40304)
COIN_INFO = TagPair(305, 40305)
ECKEY = TagPair(306, 40306)
ADDRESS = TagPair(307, 40307)
OUTPUT = TagPair(308, 40308)
PSBT = TagPair(310, 40310)
ACCOUNT = TagPair(311, 40311)
UUID_TAG = 37
DATE_TAG = 100  # days since 1970-01-01
EPOCH_TAG = 1  # seconds since 1970-01-01 (older crypto-seed documents)


def load(data: bytes, what: str) -> Any:
    """Top-level payload of a registry type: strict deterministic CBOR."""
    return dcbor.loads(data, what=what, deterministic=True)


def expect_map(item: Any, what: str, allowed: frozenset[int] | set[int]) -> dict[int, Any]:
    if not isinstance(item, dict):
        raise TransportError(f"{what}: expected a CBOR map")
    for key in item:
        if type(key) is not int:
            raise TransportError(f"{what}: map keys must be integers")
        if key not in allowed:
            raise TransportError(f"{what}: unknown map key {key}")
    return item


def untag(item: Any, tags: TagPair | tuple[int, ...], what: str) -> Any:
    """The value inside ``item``, which must carry one of ``tags``."""
    if not isinstance(item, CBORTag):
        raise TransportError(f"{what}: expected a tagged item (tag {' or '.join(map(str, tags))})")
    if item.tag not in tags:
        raise TransportError(f"{what}: unexpected tag {item.tag} (expected {' or '.join(map(str, tags))})")
    return item.value


def get_any(m: dict[int, Any], key: int, what: str) -> Any:
    """The raw value, None when absent (an explicit CBOR null is an error)."""
    value = m.get(key)
    if value is None:
        _absent(m, key, what)
        return None
    return value


def get_uint(m: dict[int, Any], key: int, what: str, max_value: int = UINT32_MAX) -> int | None:
    value = m.get(key)
    if value is None:
        _absent(m, key, what)
        return None
    if type(value) is not int or not 0 <= value <= max_value:
        raise TransportError(f"{what}: key {key} must be an unsigned integer up to {max_value}")
    return value


def get_int(m: dict[int, Any], key: int, what: str) -> int | None:
    value = m.get(key)
    if value is None:
        _absent(m, key, what)
        return None
    if type(value) is not int or not -UINT64_MAX - 1 <= value <= UINT64_MAX:
        raise TransportError(f"{what}: key {key} must be an integer")
    return value


def get_bool(m: dict[int, Any], key: int, what: str) -> bool | None:
    value = m.get(key)
    if value is None:
        _absent(m, key, what)
        return None
    if type(value) is not bool:
        raise TransportError(f"{what}: key {key} must be true or false")
    return value


def get_bytes(m: dict[int, Any], key: int, what: str) -> bytes | None:
    value = m.get(key)
    if value is None:
        _absent(m, key, what)
        return None
    if not isinstance(value, bytes):
        raise TransportError(f"{what}: key {key} must be a byte string")
    return value


def get_text(m: dict[int, Any], key: int, what: str) -> str | None:
    value = m.get(key)
    if value is None:
        _absent(m, key, what)
        return None
    if not isinstance(value, str):
        raise TransportError(f"{what}: key {key} must be a text string")
    check_text(value, f"{what}: key {key}")
    return value


def get_list(m: dict[int, Any], key: int, what: str) -> list[Any] | None:
    value = m.get(key)
    if value is None:
        _absent(m, key, what)
        return None
    if not isinstance(value, list):
        raise TransportError(f"{what}: key {key} must be an array")
    return value


def required(value: Any, key: int, what: str) -> Any:
    if value is None:
        raise TransportError(f"{what}: required key {key} is missing")
    return value


def check_text(value: str, what: str) -> None:
    if len(value) > MAX_TEXT_LEN:
        raise TransportError(f"{what}: text longer than {MAX_TEXT_LEN} characters")
    # Control and format characters (bidi overrides, zero-width) could disguise what the
    # screen shows, e.g. a request's origin; tab and newline are harmless.
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\t\n" for c in value):
        raise TransportError(f"{what}: text contains control or format characters")


def check_uint(value: Any, what: str, max_value: int = UINT32_MAX, *, nonzero: bool = False) -> None:
    if type(value) is not int or not (1 if nonzero else 0) <= value <= max_value:
        low = "1" if nonzero else "0"
        raise TransportError(f"{what} must be an integer from {low} to {max_value}")


def check_bytes(value: Any, what: str, sizes: tuple[int, ...] | None = None) -> None:
    if not isinstance(value, bytes):
        raise TransportError(f"{what} must be bytes")
    if sizes is not None and len(value) not in sizes:
        raise TransportError(f"{what} must be {' or '.join(map(str, sizes))} bytes, not {len(value)}")


def check_optional_text(value: Any, what: str) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TransportError(f"{what} must be text")
    check_text(value, what)


def _absent(m: dict[int, Any], key: int, what: str) -> None:
    if key in m:  # present but null: CBOR null is never a valid field value here
        raise TransportError(f"{what}: key {key} is null")
    return None
