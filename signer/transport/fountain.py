"""Fountain codes of multipart URs (BCR-2024-001 / bc-ur fountain-encoder.cpp, fountain-decoder.cpp).

The message is cut into ``seq_len`` equal fragments (the last zero-padded). Parts 1..seq_len
carry one fragment each, in order; every later part carries the XOR of a pseudo-random set of
fragments chosen from ``(seq_num, checksum)``, so a receiver that misses frames can still
finish. Each part is the CBOR array ``[seqNum, seqLen, messageLen, checksum, data]``.

The decoder takes parts in any order, with repeats, and solves them by peeling: a part whose
fragment set strictly contains another known set is reduced by XOR. Fragment sets are kept as
integer bitmasks and fragment data as integers, so reduction is a couple of big-int operations.
Memory is bounded: the message length, the number of fragments and the number of unsolved
mixed parts kept are all capped, and every cap gives a TransportError or a dropped part.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

from signer.transport import dcbor
from signer.transport.bytewords import crc32
from signer.transport.errors import ForeignPartError, TransportError
from signer.transport.xoshiro import RandomSampler, Xoshiro256

UINT32_MAX = 0xFFFFFFFF
DEFAULT_MAX_MESSAGE_LEN = 2 * 1024 * 1024
"""Largest message the decoder assembles unless told otherwise (2 MiB)."""
DEFAULT_MAX_SEQ_LEN = 16384
"""Most fragments a message may be cut into (2 MiB at 128-byte fragments)."""
MIXED_PARTS_BUDGET = 32 * 1024 * 1024
"""Approximate bytes the decoder may spend on unsolved mixed parts before it drops new ones."""


def find_nominal_fragment_length(message_len: int, min_fragment_len: int, max_fragment_len: int) -> int:
    """bc-ur's choice: the smallest fragment count whose (even) fragment length fits the maximum."""
    if message_len < 1 or min_fragment_len < 1 or max_fragment_len < min_fragment_len:
        raise TransportError("fountain: need message_len >= 1 and 1 <= min_fragment_len <= max_fragment_len")
    fragment_len = message_len  # messages shorter than min_fragment_len go in one fragment
    for count in range(1, message_len // min_fragment_len + 1):
        fragment_len = -(-message_len // count)
        if fragment_len <= max_fragment_len:
            break
    return fragment_len


def partition(message: bytes, fragment_len: int) -> list[bytes]:
    """Fragments of ``fragment_len`` bytes, the last padded with zeros."""
    count = -(-len(message) // fragment_len)
    padded = message + bytes(count * fragment_len - len(message))
    return [padded[i * fragment_len : (i + 1) * fragment_len] for i in range(count)]


@lru_cache(maxsize=8)
def _degree_sampler(seq_len: int) -> RandomSampler:
    return RandomSampler([1.0 / i for i in range(1, seq_len + 1)])


def choose_degree(seq_len: int, rng: Xoshiro256) -> int:
    """How many fragments a rateless part mixes: P(d) proportional to 1/d, d in 1..seq_len."""
    return _degree_sampler(seq_len).next(rng) + 1


def choose_fragments(seq_num: int, seq_len: int, checksum: int) -> list[int]:
    """Fragment indexes part ``seq_num`` carries, in the order bc-ur draws them."""
    if seq_num <= seq_len:
        return [seq_num - 1]
    rng = Xoshiro256(seq_num.to_bytes(4, "big") + checksum.to_bytes(4, "big"))
    degree = choose_degree(seq_len, rng)
    return rng.shuffled(range(seq_len), degree)


def _mask_of(indexes: list[int]) -> int:
    mask = 0
    for i in indexes:
        mask |= 1 << i
    return mask


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


@dataclass(frozen=True)
class FountainPart:
    seq_num: int
    seq_len: int
    message_len: int
    checksum: int
    data: bytes

    def to_cbor(self) -> bytes:
        return dcbor.dumps([self.seq_num, self.seq_len, self.message_len, self.checksum, self.data])

    @classmethod
    def from_cbor(cls, data: bytes) -> FountainPart:
        """Parse and check the part on its own (shape and ranges; not the header agreement)."""
        # Integer widths are not checked (deterministic=False): the fragment data is covered by
        # the message CRC, and some encoders might write the checksum as a fixed uint32.
        item = dcbor.loads(data, what="UR part", deterministic=False)
        if not isinstance(item, list) or len(item) != 5:
            raise TransportError("UR part: expected a CBOR array of 5 items")
        seq_num, seq_len, message_len, checksum, fragment = item
        for name, value in (
            ("seqNum", seq_num),
            ("seqLen", seq_len),
            ("messageLen", message_len),
            ("checksum", checksum),
        ):
            if type(value) is not int or not 0 <= value <= UINT32_MAX:
                raise TransportError(f"UR part: {name} is not a uint32")
        if not isinstance(fragment, bytes):
            raise TransportError("UR part: fragment data is not a byte string")
        part = cls(seq_num, seq_len, message_len, checksum, fragment)
        part.check_consistent()
        return part

    def check_consistent(self) -> None:
        if self.seq_num < 1:
            raise TransportError("UR part: seqNum must be at least 1")
        if self.seq_len < 1 or self.message_len < 1 or not self.data:
            raise TransportError("UR part: seqLen, messageLen and fragment length must be at least 1")
        if -(-self.message_len // len(self.data)) != self.seq_len:
            raise TransportError(
                "UR part: seqLen does not match messageLen and fragment length "
                f"({self.seq_len} != ceil({self.message_len}/{len(self.data)}))"
            )


class FountainEncoder:
    """Emits parts for ``message`` forever: the pure fragments in order, then mixed ones."""

    def __init__(
        self, message: bytes, max_fragment_len: int, min_fragment_len: int = 10, first_seq_num: int = 0
    ) -> None:
        if not isinstance(message, bytes) or not message:
            raise TransportError("fountain: the message must be non-empty bytes")
        if len(message) > UINT32_MAX:
            raise TransportError("fountain: message too long")
        if not 0 <= first_seq_num <= UINT32_MAX:
            raise TransportError("fountain: first_seq_num must be a uint32")
        self.message_len = len(message)
        self.checksum = crc32(message)
        self.fragment_len = find_nominal_fragment_length(len(message), min_fragment_len, max_fragment_len)
        self._fragments = [int.from_bytes(f, "big") for f in partition(message, self.fragment_len)]
        self.seq_num = first_seq_num

    @property
    def seq_len(self) -> int:
        return len(self._fragments)

    @property
    def is_single_part(self) -> bool:
        return self.seq_len == 1

    @property
    def is_complete(self) -> bool:
        """True once every pure fragment has been emitted at least once."""
        return self.seq_num >= self.seq_len

    def next_part(self) -> FountainPart:
        self.seq_num = (self.seq_num + 1) & UINT32_MAX
        if self.seq_num == 0:  # wrapped: 0 is not a valid seqNum, start the cycle again
            self.seq_num = 1
        mixed = 0
        for i in choose_fragments(self.seq_num, self.seq_len, self.checksum):
            mixed ^= self._fragments[i]
        data = mixed.to_bytes(self.fragment_len, "big")
        return FountainPart(self.seq_num, self.seq_len, self.message_len, self.checksum, data)


class FountainDecoder:
    """Assembles one message from parts that share (seqLen, messageLen, checksum, fragment length)."""

    def __init__(
        self,
        max_message_len: int = DEFAULT_MAX_MESSAGE_LEN,
        max_seq_len: int = DEFAULT_MAX_SEQ_LEN,
        max_mixed_bytes: int = MIXED_PARTS_BUDGET,
    ) -> None:
        if min(max_message_len, max_seq_len, max_mixed_bytes) < 1:
            raise TransportError("fountain: limits must be positive")
        self.max_message_len = max_message_len
        self.max_seq_len = max_seq_len
        self.max_mixed_bytes = max_mixed_bytes
        self._header: tuple[int, int, int, int] | None = None  # seqLen, messageLen, checksum, fragLen
        self._simple: dict[int, int] = {}  # fragment index -> data
        self._solved = 0  # bitmask of solved fragment indexes
        self._mixed: dict[int, int] = {}  # index bitmask (>= 2 bits) -> XOR of those fragments
        self._max_mixed = 0
        self._queue: deque[tuple[int, int]] = deque()
        self._result: bytes | None = None
        self._failed: str | None = None
        self.received_parts = 0
        """Valid parts of this message processed, repeats included."""

    # -- state -------------------------------------------------------------------------------
    @property
    def is_complete(self) -> bool:
        return self._result is not None

    @property
    def expected_parts(self) -> int | None:
        return self._header[0] if self._header else None

    @property
    def solved_fragments(self) -> int:
        return len(self._simple)

    @property
    def pending_mixed_parts(self) -> int:
        """Mixed parts stored but not yet solved (bounded by ``max_mixed_bytes``)."""
        return len(self._mixed)

    @property
    def max_pending_mixed_parts(self) -> int:
        return self._max_mixed

    @property
    def progress(self) -> float:
        """Fraction of fragments solved; 1.0 only once the message is complete and verified."""
        if self._result is not None:
            return 1.0
        if self._header is None:
            return 0.0
        return min(0.99, len(self._simple) / self._header[0])

    @property
    def result(self) -> bytes:
        if self._result is None:
            raise TransportError("fountain: message is not complete yet")
        return self._result

    # -- receiving ---------------------------------------------------------------------------
    def receive(self, part: FountainPart) -> bool:
        """Process one part; True if it taught the decoder something new.

        Raises ForeignPartError for a part of another message, TransportError for a part
        over the limits or when the assembled message fails its CRC (the decoder then stays
        failed: start a new one).
        """
        if self._failed:
            raise TransportError(self._failed)
        part.check_consistent()
        self._check_limits(part)
        header = _header_of(part)
        if self._header is None:
            self._header = header
            per_part = (part.seq_len + 7) // 8 + len(part.data) + 200  # mask + data + dict overhead
            self._max_mixed = max(16, self.max_mixed_bytes // per_part)
        elif header != self._header:
            raise ForeignPartError(
                "UR part belongs to a different message (seqLen, messageLen, checksum or "
                "fragment length differ); finish or cancel the current scan first"
            )
        if self._result is not None:
            self.received_parts += 1
            return False
        indexes = choose_fragments(part.seq_num, part.seq_len, part.checksum)
        data = int.from_bytes(part.data, "big")
        if len(indexes) == 1 and indexes[0] in self._simple and self._simple[indexes[0]] != data:
            raise ForeignPartError(f"UR part {part.seq_num} conflicts with fragment data already received")
        self.received_parts += 1
        self._queue.append((_mask_of(indexes), data))
        learned = False
        while self._queue and self._result is None:
            mask, value = self._queue.popleft()
            if mask & (mask - 1) == 0:
                learned |= self._add_simple(mask, value)
            else:
                learned |= self._add_mixed(mask, value)
        return learned

    def _check_limits(self, part: FountainPart) -> None:
        if part.message_len > self.max_message_len:
            raise TransportError(
                f"UR part: message of {part.message_len} bytes exceeds the limit of {self.max_message_len}"
            )
        if part.seq_len > self.max_seq_len:
            raise TransportError(f"UR part: {part.seq_len} fragments exceed the limit of {self.max_seq_len}")

    def _add_simple(self, mask: int, value: int) -> bool:
        index = mask.bit_length() - 1
        if index in self._simple:
            return False
        self._simple[index] = value
        self._solved |= mask
        seq_len = self._header[0] if self._header else 0
        if len(self._simple) == seq_len:
            self._finish()
            return True
        # Peel the new fragment out of every stored mixed part that contains it.
        reduced: dict[int, int] = {}
        for m, v in self._mixed.items():
            if m & mask:
                m, v = m ^ mask, v ^ value
                if m & (m - 1) == 0:
                    self._queue.append((m, v))
                    continue
            reduced.setdefault(m, v)
        self._mixed = reduced
        return True

    def _add_mixed(self, mask: int, value: int) -> bool:
        if mask in self._mixed:
            return False
        known = mask & self._solved
        for index in _bits(known):
            value ^= self._simple[index]
        mask ^= known
        if mask == 0:
            return False
        for m, v in self._mixed.items():
            if m & mask == m and m != mask:
                mask ^= m
                value ^= v
        if mask & (mask - 1) == 0:
            self._queue.append((mask, value))
            return True
        if mask in self._mixed:
            return False
        if len(self._mixed) >= self._max_mixed:
            return False  # bounded memory: drop it; later parts will still finish the message
        reduced: dict[int, int] = {}
        for m, v in self._mixed.items():
            if mask & m == mask:  # strictly contains the new part (equal masks were excluded)
                m, v = m ^ mask, v ^ value
                if m & (m - 1) == 0:
                    self._queue.append((m, v))
                    continue
            reduced.setdefault(m, v)
        reduced.setdefault(mask, value)
        self._mixed = reduced
        return True

    def _finish(self) -> None:
        assert self._header is not None
        seq_len, message_len, checksum, fragment_len = self._header
        joined = b"".join(self._simple[i].to_bytes(fragment_len, "big") for i in range(seq_len))
        message, padding = joined[:message_len], joined[message_len:]
        self._mixed.clear()
        self._queue.clear()
        if any(padding):
            self._failed = "UR message has non-zero padding after its last byte; scan again"
        elif crc32(message) != checksum:
            self._failed = "UR message failed its CRC-32 check (corrupted or tampered parts); scan again"
        if self._failed:
            self._simple.clear()
            raise TransportError(self._failed)
        self._result = message


def _header_of(part: FountainPart) -> tuple[int, int, int, int]:
    return (part.seq_len, part.message_len, part.checksum, len(part.data))


def fragment_count(message_len: int, max_fragment_len: int, min_fragment_len: int = 10) -> int:
    """How many pure parts a message of ``message_len`` bytes is cut into."""
    fragment_len = find_nominal_fragment_length(message_len, min_fragment_len, max_fragment_len)
    return math.ceil(message_len / fragment_len)
