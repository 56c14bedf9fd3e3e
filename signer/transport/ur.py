"""Uniform Resources (BCR-2020-005): ``ur:<type>/<body>`` and ``ur:<type>/<seq>-<len>/<body>``.

The body is minimal bytewords of the CBOR payload (single part) or of the fountain part
CBOR (multipart). Decoding lower-cases first, so the upper-case form QR codes use for
alphanumeric mode reads the same. A URDecoder assembles exactly one message: parts of any
other message raise ForeignPartError and are never merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signer.transport import bytewords
from signer.transport.errors import ForeignPartError, TransportError
from signer.transport.fountain import (
    DEFAULT_MAX_MESSAGE_LEN,
    DEFAULT_MAX_SEQ_LEN,
    FountainDecoder,
    FountainEncoder,
    FountainPart,
)
from signer.transport.fountain import fragment_count as _fragment_count

_TYPE_RE = re.compile(r"[a-z0-9-]+")
_SEQ_RE = re.compile(r"([0-9]{1,10})-([0-9]{1,10})")
_PART_OVERHEAD = 64  # bytes of part CBOR around the fragment, generously


@dataclass(frozen=True, repr=False)
class UR:
    """A decoded UR: its type and its (untagged) CBOR payload."""

    type: str
    cbor: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.type, str) or not _TYPE_RE.fullmatch(self.type):
            raise TransportError("UR type must be non-empty and use only a-z, 0-9 and '-'")
        if not isinstance(self.cbor, bytes) or not self.cbor:
            raise TransportError("UR payload must be non-empty bytes")

    def __repr__(self) -> str:  # the payload may be a seed or a private key: never show it
        return f"UR(type={self.type!r}, cbor=<{len(self.cbor)} bytes>)"


def is_ur(text: object) -> bool:
    """Cheap check: does ``text`` start with ``ur:`` (any case)?"""
    return isinstance(text, str) and text[:3].lower() == "ur:"


def encode_single(ur: UR) -> str:
    """Single-part UR string, lower case."""
    return f"ur:{ur.type}/{bytewords.encode(ur.cbor)}"


def decode_single(text: str, max_message_len: int = DEFAULT_MAX_MESSAGE_LEN) -> UR:
    """Parse a single-part UR; TransportError for anything else (including a multipart part)."""
    ur_type, sequence, body = _parse(text, max_message_len)
    if sequence is not None:
        raise TransportError("this is one part of a multipart UR; use URDecoder to assemble it")
    return UR(ur_type, bytewords.decode(body))


def fragment_count(message_len: int, max_fragment_len: int) -> int:
    """How many pure parts (QR frames per cycle) a ``message_len``-byte CBOR payload needs."""
    return _fragment_count(message_len, max_fragment_len)


def _parse(text: object, max_message_len: int) -> tuple[str, tuple[int, int] | None, str]:
    if not isinstance(text, str):
        raise TransportError(f"UR must be text, got {type(text).__name__}")
    if len(text) > 2 * (max_message_len + _PART_OVERHEAD) + 256:
        raise TransportError("UR text is longer than any accepted message")
    if not text.isascii():
        raise TransportError("UR contains non-ASCII characters")
    text = text.lower()
    if not text.startswith("ur:"):
        raise TransportError("not a UR (must start with 'ur:')")
    components = [c for c in text[3:].split("/") if c]
    if len(components) < 2:
        raise TransportError("UR needs a type and a body ('ur:<type>/<body>')")
    if len(components) > 3:
        raise TransportError("UR has too many path components")
    ur_type = components[0]
    if not _TYPE_RE.fullmatch(ur_type):
        raise TransportError("UR type may use only a-z, 0-9 and '-'")
    if len(components) == 2:
        return ur_type, None, components[1]
    match = _SEQ_RE.fullmatch(components[1])
    if not match:
        raise TransportError("UR sequence component must be '<seqNum>-<seqLen>'")
    seq_num, seq_len = int(match[1]), int(match[2])
    if not (1 <= seq_num <= 0xFFFFFFFF and 1 <= seq_len <= 0xFFFFFFFF):
        raise TransportError("UR sequence numbers must be between 1 and 2^32-1")
    return ur_type, (seq_num, seq_len), components[2]


class UREncoder:
    """Frames for one UR: the single-part string when it fits one fragment, else fountain parts."""

    def __init__(self, ur: UR, max_fragment_len: int, min_fragment_len: int = 10, first_seq_num: int = 0):
        self.ur = ur
        self._fountain = FountainEncoder(ur.cbor, max_fragment_len, min_fragment_len, first_seq_num)

    @property
    def seq_len(self) -> int:
        return self._fountain.seq_len

    @property
    def seq_num(self) -> int:
        return self._fountain.seq_num

    @property
    def fragment_len(self) -> int:
        return self._fountain.fragment_len

    @property
    def is_single_part(self) -> bool:
        return self._fountain.is_single_part

    def next_part(self) -> str:
        """The next frame's text, lower case (upper-case it for QR alphanumeric mode)."""
        if self.is_single_part:
            return encode_single(self.ur)
        part = self._fountain.next_part()
        body = bytewords.encode(part.to_cbor())
        return f"ur:{self.ur.type}/{part.seq_num}-{part.seq_len}/{body}"


class URDecoder:
    """Collects the parts of one UR (single-part or multipart)."""

    def __init__(
        self, max_message_len: int = DEFAULT_MAX_MESSAGE_LEN, max_seq_len: int = DEFAULT_MAX_SEQ_LEN
    ) -> None:
        self.max_message_len = max_message_len
        self._fountain = FountainDecoder(max_message_len, max_seq_len)
        self._type: str | None = None
        self._single: UR | None = None

    def receive(self, text: str) -> bool:
        """Process one scanned string; True if it was new and useful.

        TransportError for a malformed part (nothing changes); ForeignPartError for a part of
        another message (other UR type, seqLen, messageLen or checksum).
        """
        ur_type, sequence, body = _parse(text, self.max_message_len)
        if self._type is not None and ur_type != self._type:
            raise ForeignPartError(
                f"scanned a ur:{ur_type} while assembling a ur:{self._type}; not merging them"
            )
        payload = bytewords.decode(body)
        if sequence is None:
            return self._receive_single(UR(ur_type, payload))
        part = FountainPart.from_cbor(payload)
        if (part.seq_num, part.seq_len) != sequence:
            raise TransportError(
                f"UR part says {sequence[0]}-{sequence[1]} in its text but "
                f"{part.seq_num}-{part.seq_len} inside; rejected"
            )
        if self._single is not None:
            raise ForeignPartError("a complete single-part UR was already scanned; not merging")
        learned = self._fountain.receive(part)
        self._type = ur_type
        return learned

    def _receive_single(self, ur: UR) -> bool:
        if len(ur.cbor) > self.max_message_len:
            raise TransportError(f"UR of {len(ur.cbor)} bytes exceeds the limit of {self.max_message_len}")
        if self._single is not None:
            if self._single == ur:
                return False
            raise ForeignPartError("a different single-part UR was already scanned; not merging")
        if self._fountain.expected_parts is not None:
            raise ForeignPartError("scanned a single-part UR while assembling a multipart one")
        self._single = ur
        self._type = ur.type
        return True

    @property
    def is_complete(self) -> bool:
        return self._single is not None or self._fountain.is_complete

    @property
    def progress(self) -> float:
        """0..1: fraction of fragments solved (1.0 only when complete and verified)."""
        return 1.0 if self._single is not None else self._fountain.progress

    @property
    def received_parts(self) -> int:
        """Valid parts of this message processed so far (repeats included)."""
        return 1 if self._single is not None else self._fountain.received_parts

    @property
    def expected_parts(self) -> int | None:
        """seqLen of the message being assembled (1 for a single-part UR), None before any part."""
        return 1 if self._single is not None else self._fountain.expected_parts

    @property
    def solved_fragments(self) -> int:
        return 1 if self._single is not None else self._fountain.solved_fragments

    @property
    def ur_type(self) -> str | None:
        return self._type

    @property
    def result(self) -> UR:
        if self._single is not None:
            return self._single
        if not self._fountain.is_complete or self._type is None:
            raise TransportError("UR is not complete yet")
        return UR(self._type, self._fountain.result)
