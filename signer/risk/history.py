"""Addresses this device has signed for (per seed): feeds lookalike-address and first-time-recipient.

The lead stores ``to_json()`` inside the encrypted vault record and restores it with
``from_json``; this class never touches storage itself. Bounded: the least recently used
address is forgotten first.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from signer.risk.errors import RiskDataError

DEFAULT_MAX_SIZE = 1000
HISTORY_KEY = "eth"  # where a seed record's ``history`` dict keeps its Ethereum address history
MIN_PREFIX = 4  # MetaMask's findSimilarAddresses: >= 4 leading and >= 4 trailing hex characters
MIN_SUFFIX = 4
_HEX40 = re.compile(r"^(0x)?[0-9a-fA-F]{40}$")


def _key(address: bytes | str) -> str:
    if isinstance(address, bytes | bytearray):
        if len(address) != 20:
            raise RiskDataError(f"an address is 20 bytes, got {len(address)}")
        return bytes(address).hex()
    if not isinstance(address, str) or not _HEX40.match(address.strip()):
        raise RiskDataError(f"not an address: {str(address)[:50]!r}")
    return address.strip().lower().removeprefix("0x")


@dataclass(frozen=True)
class Lookalike:
    """``known`` shares ``prefix`` leading and ``suffix`` trailing hex characters with the candidate."""

    known: str  # 0x-prefixed lowercase
    prefix: int
    suffix: int
    differing: tuple[int, ...]  # indices (0..39) of the hex characters that differ

    @property
    def score(self) -> int:
        return self.prefix + self.suffix


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=True):
        if x != y:
            break
        n += 1
    return n


class AddressHistory:
    """A bounded, most-recently-used set of 20-byte addresses."""

    def __init__(self, max_size: int = DEFAULT_MAX_SIZE) -> None:
        if not 1 <= max_size <= 100_000:
            raise RiskDataError(f"history size must be 1..100000, not {max_size}")
        self.max_size = max_size
        self._items: OrderedDict[str, None] = OrderedDict()
        self._by_prefix: dict[str, set[str]] = {}

    def add(self, address: bytes | str) -> None:
        key = _key(address)
        if key in self._items:
            self._items.move_to_end(key)
            return
        self._items[key] = None
        self._by_prefix.setdefault(key[:MIN_PREFIX], set()).add(key)
        while len(self._items) > self.max_size:
            old, _ = self._items.popitem(last=False)
            bucket = self._by_prefix[old[:MIN_PREFIX]]
            bucket.discard(old)
            if not bucket:
                del self._by_prefix[old[:MIN_PREFIX]]

    def contains(self, address: bytes | str) -> bool:
        return _key(address) in self._items

    __contains__ = contains

    def lookalikes(self, address: bytes | str) -> list[Lookalike]:
        """Known addresses that look like ``address`` (>= 4 same leading and trailing hex) but differ."""
        key = _key(address)
        found = []
        for known in self._by_prefix.get(key[:MIN_PREFIX], ()):
            if known == key:
                continue
            suffix = _common_prefix(known[::-1], key[::-1])
            if suffix >= MIN_SUFFIX:
                diff = tuple(i for i, (x, y) in enumerate(zip(known, key, strict=True)) if x != y)
                found.append(Lookalike("0x" + known, _common_prefix(known, key), suffix, diff))
        return sorted(found, key=lambda m: (-m.score, m.known))

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[str]:
        return ("0x" + k for k in self._items)

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "max_size": self.max_size, "addresses": ["0x" + k for k in self._items]}

    @classmethod
    def from_json(cls, data: Any) -> AddressHistory:
        if not isinstance(data, dict) or data.get("version") != 1:
            raise RiskDataError("address history: expected an object with version 1")
        max_size, addresses = data.get("max_size"), data.get("addresses")
        if not isinstance(max_size, int) or isinstance(max_size, bool) or not isinstance(addresses, list):
            raise RiskDataError("address history: max_size must be an integer and addresses a list")
        history = cls(max_size)
        for a in addresses:
            history.add(a)
        return history

    def __repr__(self) -> str:
        return f"AddressHistory({len(self)} of {self.max_size})"


def seed_history(history: dict[str, Any] | None) -> AddressHistory:
    """The address history kept in a seed record's ``history``. None stored, or one that cannot be
    read, gives an empty history: a damaged history only weakens the lookalike check, and must never
    stop the seed from signing (the next save replaces it)."""
    data = (history or {}).get(HISTORY_KEY)
    if not data:
        return AddressHistory()
    try:
        return AddressHistory.from_json(data)
    except RiskDataError:
        return AddressHistory()
