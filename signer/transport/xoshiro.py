"""The deterministic randomness of multipart URs (BCR-2024-001 section 4, bc-ur xoshiro256.cpp).

Encoder and decoder must pick the same fragments for every rateless part, so this follows
bc-ur bit for bit: Xoshiro256** seeded from SHA-256, IEEE-754 double arithmetic for
``next_double``/``next_int``, and the Walker/Vose alias sampler in Schwarz's variant with the
index order reversed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TypeVar

from signer.transport.errors import TransportError

T = TypeVar("T")

_MASK64 = (1 << 64) - 1
_TWO_POW_64 = float(1 << 64)


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & _MASK64


class Xoshiro256:
    """Xoshiro256** whose state is SHA-256(seed) read as four big-endian uint64."""

    __slots__ = ("_s",)

    def __init__(self, seed: bytes | str) -> None:
        data = seed.encode() if isinstance(seed, str) else bytes(seed)
        digest = hashlib.sha256(data).digest()
        self._s = [int.from_bytes(digest[i : i + 8], "big") for i in range(0, 32, 8)]

    @classmethod
    def from_crc32(cls, crc: int) -> Xoshiro256:
        """Seeded from a CRC-32 value as 4 big-endian bytes (bc-ur's uint32 constructor)."""
        return cls((crc & 0xFFFFFFFF).to_bytes(4, "big"))

    def next(self) -> int:
        s0, s1, s2, s3 = self._s
        result = (_rotl((s1 * 5) & _MASK64, 7) * 9) & _MASK64
        t = (s1 << 17) & _MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 45)
        self._s = [s0, s1, s2, s3]
        return result

    def next_double(self) -> float:
        # float(int) rounds to nearest like C's uint64 -> double; dividing by 2**64 is exact.
        return float(self.next()) / _TWO_POW_64

    def next_int(self, low: int, high: int) -> int:
        """Uniform in [low, high] inclusive, computed through a double as bc-ur does."""
        value = int(self.next_double() * float(high - low + 1)) + low
        # next_double() can round up to exactly 1.0 (odds about 2**-54); bc-ur would then
        # index out of range. Clamp so we stay in range and otherwise match it exactly.
        return min(value, high)

    def next_byte(self) -> int:
        return self.next_int(0, 255)

    def next_data(self, count: int) -> bytes:
        return bytes(self.next_byte() for _ in range(count))

    def shuffled(self, items: Sequence[T], count: int | None = None) -> list[T]:
        """bc-ur's shuffle: repeatedly remove a random element from what remains.

        With ``count`` only the first ``count`` picks are drawn (URKit); they equal the
        first ``count`` elements of the full shuffle.
        """
        remaining = list(items)
        picks = len(remaining) if count is None else min(count, len(remaining))
        result: list[T] = []
        for _ in range(picks):
            index = self.next_int(0, len(remaining) - 1)
            result.append(remaining.pop(index))
        return result


class RandomSampler:
    """Walker/Vose alias sampler over weights ``probs`` (Schwarz variant, reversed index order)."""

    __slots__ = ("_aliases", "_probs")

    def __init__(self, probs: Sequence[float]) -> None:
        if not probs or any(p < 0 for p in probs):
            raise TransportError("RandomSampler needs non-negative weights")
        total = 0.0
        for p in probs:
            total += p
        if total <= 0:
            raise TransportError("RandomSampler weights must not all be zero")
        n = len(probs)
        scaled = [p * float(n) / total for p in probs]
        small: list[int] = []
        large: list[int] = []
        for i in range(n - 1, -1, -1):
            (small if scaled[i] < 1 else large).append(i)
        self._probs = [0.0] * n
        self._aliases = [0] * n
        while small and large:
            a = small.pop()
            g = large.pop()
            self._probs[a] = scaled[a]
            self._aliases[a] = g
            scaled[g] += scaled[a] - 1
            (small if scaled[g] < 1 else large).append(g)
        for i in large + small:
            self._probs[i] = 1.0

    def next(self, rng: Xoshiro256) -> int:
        r1 = rng.next_double()
        r2 = rng.next_double()
        n = len(self._probs)
        i = min(int(float(n) * r1), n - 1)  # r1 == 1.0 guard, as in next_int
        return i if r2 < self._probs[i] else self._aliases[i]


def make_test_message(length: int, seed: str = "Wolf") -> bytes:
    """Test support only: bc-ur's ``make_message`` (pseudo-random bytes every UR test vector uses)."""
    return Xoshiro256(seed).next_data(length)
