"""BBQr (Coinkite "Better Bitcoin QR"): split a file over several QR codes and join it back.

Every part is ``B$`` + encoding + file type + total (2 base-36 digits) + 0-based index (2 base-36
digits) + data. Encodings: ``H`` upper-case hex, ``2`` RFC 4648 base32 without padding, ``Z`` raw
DEFLATE with a 1 KiB window (zlib wbits -10) then base32. Spec: coinkite/BBQr ``BBQr.md``.

BBQr carries no checksum, so the collector is strict about everything it can check: the same
6-character header on every part, identical content for repeated indexes, equal length for all
non-final parts, and a bounded output size (a deflate stream can expand ~1000-fold). See
:meth:`BBQrCollector._check` for what cannot be detected.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from math import ceil

from signer.transport.errors import ForeignPartError, MessageTooLarge, PartConflictError, TransportError
from signer.transport.qrcapacity import alnum_capacity

PREFIX = "B$"
HEADER_LEN = 8
MAX_PARTS = 1295  # "ZZ" in base 36
DEFAULT_MAX_BYTES = 2 * 1024 * 1024

ENCODINGS = {"H": "hex", "2": "base32", "Z": "deflate+base32"}
# BBQr.md file types. Key-Teleport (R/S/E, Coldcard-specific encrypted payloads) is not accepted.
FILE_TYPES = {
    "P": "PSBT",
    "T": "Bitcoin transaction",
    "J": "JSON",
    "C": "CBOR",
    "U": "UTF-8 text",
    "B": "binary",
    "X": "executable",
}
_SPLIT_MOD = {"H": 2, "2": 8, "Z": 8}
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_HEX = frozenset("0123456789ABCDEF")
_BASE32 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
_WBITS = -10
_ZLEVEL = 9  # BBQr.md recommends the best compression


class BBQrTooLarge(MessageTooLarge):
    """The message is (or would decode to) more than the size limit allows."""


@dataclass(frozen=True)
class BBQrHeader:
    encoding: str
    file_type: str
    total: int
    index: int

    @property
    def message_key(self) -> str:
        """The part of the header every part of one message shares (``B$`` + enc + type + total)."""
        return f"{PREFIX}{self.encoding}{self.file_type}{to_base36(self.total)}"


@dataclass(frozen=True)
class BBQrSplit:
    """The result of :func:`split`: the QR texts and the QR version they were sized for (ECC L)."""

    encoding: str
    file_type: str
    version: int
    parts: tuple[str, ...]


@dataclass(frozen=True)
class BBQrMessage:
    """A joined BBQr file: its type letter, the encoding it travelled in, and the raw bytes."""

    file_type: str
    encoding: str
    data: bytes


def to_base36(n: int) -> str:
    if not 0 <= n <= MAX_PARTS:
        raise ValueError(f"{n} does not fit two base-36 digits")
    hi, lo = divmod(n, 36)
    return _BASE36[hi] + _BASE36[lo]


def _from_base36(text: str, what: str) -> int:
    if len(text) != 2 or any(c not in _BASE36 for c in text):
        raise TransportError(f"BBQr header: {what} {text!r} is not two base-36 digits")
    return _BASE36.index(text[0]) * 36 + _BASE36.index(text[1])


def _as_text(content: str | bytes) -> str:
    if isinstance(content, bytes | bytearray):
        try:
            return bytes(content).decode("ascii")
        except UnicodeDecodeError:
            raise TransportError("BBQr part is not ASCII text") from None
    return content


def is_bbqr(content: str | bytes) -> bool:
    """True when the content starts like a BBQr part (it may still be malformed)."""
    head = content[:2]
    if isinstance(head, bytes | bytearray):
        return bytes(head).upper() == b"B$"
    return head.upper() == PREFIX


def parse_part(content: str | bytes) -> tuple[BBQrHeader, str]:
    """Check one part's header and character set; return the header and the data characters."""
    text = _as_text(content).strip().upper()
    if not text.startswith(PREFIX):
        raise TransportError("not a BBQr part (no B$ header)")
    if len(text) < HEADER_LEN:
        raise TransportError("BBQr part is shorter than its 8-character header")
    encoding, file_type = text[2], text[3]
    if encoding not in ENCODINGS:
        raise TransportError(f"BBQr encoding {encoding!r} is unknown (expected H, 2 or Z)")
    if file_type not in FILE_TYPES:
        raise TransportError(f"BBQr file type {file_type!r} is unknown or unsupported")
    total = _from_base36(text[4:6], "total")
    index = _from_base36(text[6:8], "index")
    if total < 1:
        raise TransportError("BBQr header says the message has 0 parts")
    if index >= total:
        raise TransportError(f"BBQr part index {index} is not below the total {total}")
    body = text[HEADER_LEN:]
    alphabet = _HEX if encoding == "H" else _BASE32
    if not all(c in alphabet for c in body):
        raise TransportError(f"BBQr part {index} holds characters outside its {ENCODINGS[encoding]} alphabet")
    return BBQrHeader(encoding, file_type, total, index), body


def _decode_body(body: str, encoding: str, index: int) -> bytes:
    try:
        if encoding == "H":
            if len(body) % 2:
                raise TransportError(f"BBQr part {index} has an odd number of hex digits")
            return bytes.fromhex(body)
        padding = -len(body) % 8
        return base64.b32decode(body + "=" * padding)
    except (binascii.Error, ValueError):
        raise TransportError(f"BBQr part {index} is not valid {ENCODINGS[encoding]}") from None


def encode_data(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Encode the whole file: return (encoding actually used, characters to split).

    ``None`` or ``"Z"`` try compression and fall back to ``"2"`` when it does not make the data
    smaller, as the spec requires.
    """
    if encoding not in (None, "H", "2", "Z"):
        raise TransportError(f"BBQr encoding {encoding!r} is unknown (expected H, 2 or Z)")
    if encoding == "H":
        return "H", data.hex().upper()
    if encoding in (None, "Z"):
        comp = zlib.compressobj(_ZLEVEL, zlib.DEFLATED, _WBITS)
        packed = comp.compress(data) + comp.flush()
        if len(packed) < len(data):
            return "Z", base64.b32encode(packed).decode("ascii").rstrip("=")
    return "2", base64.b32encode(data).decode("ascii").rstrip("=")


def _parts_needed(version: int, length: int, mod: int) -> tuple[int, int]:
    """(number of QR codes, characters per part) at ``version`` for ``length`` data characters."""
    cap = alnum_capacity(version, "L") - HEADER_LEN
    per_part = cap - cap % mod
    need = ceil(length / per_part)
    if need == 1:
        return 1, length
    # All parts but the last are exactly per_part long; the last may use the full cap.
    return (need if (need - 1) * per_part + cap >= length else need + 1), per_part


def find_best_version(
    length: int,
    split_mod: int,
    *,
    min_split: int = 1,
    max_split: int = MAX_PARTS,
    min_version: int = 5,
    max_version: int = 40,
) -> tuple[int, int, int]:
    """(version, part count, characters per part): fewest parts first, then the lowest version."""
    min_version = min(min_version, max_version)
    if not 1 <= min_version <= max_version <= 40:
        raise TransportError(f"QR version range {min_version}..{max_version} is outside 1..40")
    if not 1 <= min_split <= max_split <= MAX_PARTS:
        raise TransportError(f"BBQr part count range {min_split}..{max_split} is outside 1..{MAX_PARTS}")
    options = []
    for version in range(min_version, max_version + 1):
        count, per_part = _parts_needed(version, length, split_mod)
        if min_split <= count <= max_split:
            options.append((count, version, per_part))
    if not options:
        raise TransportError(
            f"{length} BBQr characters do not fit {min_split}..{max_split} QR codes "
            f"of versions {min_version}..{max_version}"
        )
    count, version, per_part = min(options)
    return version, count, per_part


def split(
    data: bytes,
    file_type: str,
    *,
    encoding: str | None = None,
    min_split: int = 1,
    max_split: int = MAX_PARTS,
    min_version: int = 5,
    max_version: int = 40,
) -> BBQrSplit:
    """Split ``data`` into BBQr parts sized for QR alphanumeric mode at ECC level L.

    ``encoding`` None or ``"Z"`` compresses when that helps. When the compressed text cannot be cut
    into ``min_split``..``max_split`` parts because it is too short (a small file asked for many
    parts), the longer encodings are tried in turn, ``2`` (base32) then ``H`` (hex), as Coinkite's
    encoder does. An explicit ``"2"`` or ``"H"`` is used as asked.
    """
    if file_type not in FILE_TYPES:
        raise TransportError(f"BBQr file type {file_type!r} is unknown or unsupported")
    if not data:
        raise TransportError("nothing to encode: the BBQr payload is empty")
    used, chars = encode_data(bytes(data), encoding)
    options = {
        "min_split": min_split,
        "max_split": max_split,
        "min_version": min_version,
        "max_version": max_version,
    }
    tried = [(used, chars)]
    for longer in _LONGER_ENCODINGS.get(used, ()) if encoding in (None, "Z") else ():
        if _counts_at(used, chars, min_version, max_version)[-1] > max_split:
            break  # too long already: a longer encoding cannot help
        if _fits(used, chars, options):
            break
        used, chars = encode_data(bytes(data), longer)
        tried.append((used, chars))
    if not _fits(used, chars, options):
        raise _no_fit(tried, len(data), options)
    version, count, per_part = find_best_version(len(chars), _SPLIT_MOD[used], **options)
    head = f"{PREFIX}{used}{file_type}{to_base36(count)}"
    parts = tuple(
        head + to_base36(n) + chars[offset : offset + per_part]
        for n, offset in enumerate(range(0, len(chars), per_part))
    )
    if len(parts) != count:  # pragma: no cover - guarded by _parts_needed
        raise TransportError("internal error: BBQr split produced an unexpected number of parts")
    return BBQrSplit(used, file_type, version, parts)


_LONGER_ENCODINGS = {"Z": ("2", "H"), "2": ("H",)}


def _counts_at(encoding: str, chars: str, min_version: int, max_version: int) -> list[int]:
    """Part counts the version search can give, one per version from ``min_version`` (most parts)."""
    low = min(min_version, max_version)
    return [
        _parts_needed(version, len(chars), _SPLIT_MOD[encoding])[0]
        for version in range(max(low, 1), min(max_version, 40) + 1)
    ]


def _fits(encoding: str, chars: str, options: dict[str, int]) -> bool:
    try:
        find_best_version(len(chars), _SPLIT_MOD[encoding], **options)
    except TransportError:
        return False
    return True


def _no_fit(tried: list[tuple[str, str]], size: int, options: dict[str, int]) -> TransportError:
    low, high = options["min_split"], options["max_split"]
    possible = sorted(
        {
            count
            for encoding, chars in tried
            for count in _counts_at(encoding, chars, options["min_version"], options["max_version"])
        }
    )
    wanted = f"exactly {low}" if low == high else f"{low} to {high}"
    if possible and max(possible) < low:
        most = max(possible)
        reason = f"it is too short: at most {most} part{'s' if most > 1 else ''}"
    elif possible and min(possible) > high:
        reason = f"it is too long: at least {min(possible)} parts"
    else:
        near = sorted(possible, key=lambda c: (abs(c - low), c))[:3]
        reason = "the part counts possible near it are " + ", ".join(map(str, sorted(near)))
    versions = f"QR versions {options['min_version']}..{options['max_version']}"
    return TransportError(f"{size} bytes cannot be split into {wanted} BBQr parts with {versions}: {reason}")


class BBQrCollector:
    """Collect the parts of one BBQr message in any order, with duplicates, and join them.

    ``add`` raises :class:`ForeignPartError` for a part of another message, :class:`PartConflictError`
    for a part that contradicts the parts collected (two files mixed: start over) and
    :class:`TransportError` for a malformed part; none of them changes the state.
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._header: BBQrHeader | None = None
        self._bodies: dict[int, str] = {}
        self._part_len: int | None = None  # length of every non-final part

    @property
    def header(self) -> BBQrHeader | None:
        """The header of the first part accepted (index is that part's)."""
        return self._header

    @property
    def total(self) -> int | None:
        return self._header.total if self._header else None

    @property
    def received(self) -> int:
        return len(self._bodies)

    @property
    def missing(self) -> list[int]:
        if self._header is None:
            return []
        return [i for i in range(self._header.total) if i not in self._bodies]

    @property
    def is_complete(self) -> bool:
        return self._header is not None and len(self._bodies) == self._header.total

    @property
    def progress(self) -> float:
        return len(self._bodies) / self._header.total if self._header else 0.0

    def matches(self, content: str | bytes) -> bool:
        """Whether ``content`` is a well-formed part that this collector would accept."""
        try:
            self._check(*parse_part(content))
        except TransportError:
            return False
        return True

    def add(self, content: str | bytes) -> bool:
        """Add one part; True if it was new, False for an identical repeat."""
        header, body = parse_part(content)
        new = self._check(header, body)
        if new:
            if self._header is None:
                self._header = header
            if header.index < header.total - 1:
                self._part_len = len(body)
            self._bodies[header.index] = body
        return new

    def _check(self, header: BBQrHeader, body: str) -> bool:
        """Validate ``header``/``body`` against what was collected; True if the part is new.

        BBQr has no checksum and no message identifier: two files of the same type, encoding and
        part count share every header. What gives them away is checked here: a part number read
        twice with different content, or part lengths that cannot belong to one split (every part
        but the last has the same length, the last is not longer). Those raise PartConflictError:
        the scan must start over. A different header is simply another message (ForeignPartError).
        What still cannot be seen here (same-length parts of two files that never repeat a number)
        is caught when the joined file fails its type's checks: Z data that does not inflate, a
        PSBT or transaction that does not parse, JSON that does not load. Types without structure
        (U, B, C) cannot be protected.
        """
        if self._header is not None and header.message_key != self._header.message_key:
            raise ForeignPartError(
                f"BBQr part {header.message_key} belongs to another message than {self._header.message_key}"
            )
        seen = self._bodies.get(header.index)
        if seen is not None:
            if seen != body:
                raise PartConflictError(
                    f"BBQr part {header.index + 1} of {header.total} was read twice with different content: "
                    "two QR codes with the same header are mixed; scan again"
                )
            return False
        last_index = header.total - 1
        if header.index == last_index:
            if self._part_len is not None and len(body) > self._part_len:
                raise PartConflictError(
                    f"BBQr part {header.index + 1} of {header.total} is longer than the other parts: "
                    "two QR codes with the same header are mixed; scan again"
                )
            return True
        if len(body) % _SPLIT_MOD[header.encoding]:
            raise TransportError(f"BBQr part {header.index} does not hold whole encoded bytes")
        final = self._bodies.get(last_index)
        if (self._part_len is not None and len(body) != self._part_len) or (
            final is not None and len(final) > len(body)
        ):
            raise PartConflictError(
                f"BBQr part {header.index + 1} of {header.total} has another length than the other parts: "
                "two QR codes with the same header are mixed; scan again"
            )
        self._check_size(header, len(body))
        return True

    def _check_size(self, header: BBQrHeader, part_len: int) -> None:
        per_part_bytes = part_len // 2 if header.encoding == "H" else part_len * 5 // 8
        at_least = (header.total - 1) * per_part_bytes
        if at_least > self.max_bytes:
            raise BBQrTooLarge(
                f"BBQr message too large: {header.total} parts hold over {at_least} bytes, "
                f"the limit is {self.max_bytes}"
            )

    def result(self) -> BBQrMessage:
        """Decode the complete message (raises TransportError if parts are missing or data is bad)."""
        if self._header is None:
            raise TransportError("no BBQr part received")
        if not self.is_complete:
            missing = self.missing
            shown = ", ".join(str(i) for i in missing[:10]) + (" ..." if len(missing) > 10 else "")
            raise TransportError(
                f"incomplete: {self.received} of {self._header.total} BBQr parts (missing {shown})"
            )
        encoding = self._header.encoding
        raw = b"".join(_decode_body(self._bodies[i], encoding, i) for i in range(self._header.total))
        if encoding == "Z":
            raw = _inflate(raw, self.max_bytes)
        if len(raw) > self.max_bytes:
            raise BBQrTooLarge(f"BBQr message too large: {len(raw)} bytes, the limit is {self.max_bytes}")
        if not raw:
            raise TransportError("BBQr message is empty")
        return BBQrMessage(self._header.file_type, encoding, raw)


def _inflate(packed: bytes, max_bytes: int) -> bytes:
    """Raw-inflate with a 1 KiB window, refusing output beyond ``max_bytes`` (decompression bombs)."""
    inflater = zlib.decompressobj(_WBITS)
    try:
        out = inflater.decompress(packed, max_bytes + 1)
    except zlib.error:
        raise TransportError("BBQr Z data is not a valid raw deflate stream (1 KiB window)") from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise BBQrTooLarge(f"BBQr Z data expands beyond the limit of {max_bytes} bytes")
    if not inflater.eof:
        raise TransportError("BBQr Z data is truncated (the deflate stream does not end)")
    if inflater.unused_data:
        raise TransportError("BBQr Z data has bytes after the end of the deflate stream")
    return out


def join(parts: Iterable[str | bytes], *, max_bytes: int = DEFAULT_MAX_BYTES) -> BBQrMessage:
    """Join BBQr parts given in any order (repeats allowed) into the original file."""
    collector = BBQrCollector(max_bytes)
    for part in parts:
        collector.add(part)
    return collector.result()
