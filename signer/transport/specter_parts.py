"""Specter's animated QR: ``pMofN <chunk>`` parts (Specter-DIY, Specter Desktop, read by Krux and SeedSigner).

Each part is ``p`` + part number M (1-based) + ``of`` + total N + one space + a slice of the text; the
message is the slices joined in part order. The text is usually a base64 PSBT, else a wallet
descriptor or other text. Specter-DIY reads ``p1of1 <text>`` as a whole message too.

The format has no checksum and no message identifier, so this collector checks what it can:

* a part announcing another total is a part of another message (refused, never merged);
* a part number seen again with different content means two messages are mixed: the scan must
  start over (:class:`PartConflictError`);
* the joined text is then checked by what it claims to be (a PSBT must parse completely).

What cannot be detected: two messages with the same total whose parts interleave without ever
repeating a number, when the joined text still parses. A PSBT or a checksummed descriptor makes that
practically impossible; free text cannot be protected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signer.transport.errors import ForeignPartError, MessageTooLarge, PartConflictError, TransportError

MAX_PARTS = 9999
_PREFIX = re.compile(r"[pP]([0-9]{1,4})[oO][fF]([0-9]{1,4}) ")


@dataclass(frozen=True)
class SpecterPart:
    number: int  # 1-based, as written
    total: int
    chunk: str


def is_specter_part(text: str) -> bool:
    """True when ``text`` starts like a ``pMofN`` part (it may still be malformed)."""
    return _PREFIX.match(text) is not None


def parse_part(text: str) -> SpecterPart:
    match = _PREFIX.match(text)
    if match is None:
        raise TransportError("not a pMofN part (expected 'p<M>of<N> ' at the start)")
    number, total = int(match.group(1)), int(match.group(2))
    if not 1 <= total <= MAX_PARTS:
        raise TransportError(f"pMofN part says the message has {total} parts")
    if not 1 <= number <= total:
        raise TransportError(f"pMofN part number {number} is not between 1 and the total {total}")
    chunk = text[match.end() :]
    if not chunk:
        raise TransportError(f"pMofN part {number} of {total} is empty")
    return SpecterPart(number, total, chunk)


class SpecterCollector:
    """Collect the ``pMofN`` parts of one message in any order, repeats allowed; never complete early."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._total: int | None = None
        self._chunks: dict[int, str] = {}
        self._chars = 0

    @property
    def total(self) -> int | None:
        return self._total

    @property
    def received(self) -> int:
        return len(self._chunks)

    @property
    def progress(self) -> float:
        return len(self._chunks) / self._total if self._total else 0.0

    @property
    def is_complete(self) -> bool:
        return self._total is not None and len(self._chunks) == self._total

    @property
    def missing(self) -> list[int]:
        return [n for n in range(1, (self._total or 0) + 1) if n not in self._chunks]

    def add(self, text: str) -> bool:
        """Add one part; True if it was new, False for an identical repeat.

        Raises ForeignPartError for a part of a message with another total, PartConflictError for
        a part number seen before with other content, MessageTooLarge past the size limit.
        """
        part = parse_part(text)
        if self._total is not None and part.total != self._total:
            raise ForeignPartError(
                f"a pMofN part of {part.total} belongs to another message than the one of {self._total} parts"
            )
        seen = self._chunks.get(part.number)
        if seen is not None:
            if seen != part.chunk:
                raise PartConflictError(
                    f"pMofN part {part.number} of {part.total} was read twice with different content: "
                    "two QR codes are mixed; scan again"
                )
            return False
        at_least = (part.total - 1) * len(part.chunk)  # every part but the last is at least this long
        if at_least > self.max_chars or self._chars + len(part.chunk) > self.max_chars:
            raise MessageTooLarge(
                f"pMofN message too large: {part.total} parts of about {len(part.chunk)} characters, "
                f"the limit is {self.max_chars}"
            )
        self._total = part.total
        self._chunks[part.number] = part.chunk
        self._chars += len(part.chunk)
        return True

    def result(self) -> str:
        """The joined text (TransportError while parts are missing)."""
        if self._total is None:
            raise TransportError("no pMofN part received")
        if not self.is_complete:
            missing = self.missing
            shown = ", ".join(str(n) for n in missing[:10]) + (" ..." if len(missing) > 10 else "")
            raise TransportError(
                f"incomplete: {self.received} of {self._total} pMofN parts (missing {shown})"
            )
        return "".join(self._chunks[n] for n in range(1, self._total + 1))
