"""Turn decoded QR frames, one at a time and in any format, into one typed :class:`Payload`.

The first readable frame fixes the format (UR, BBQr, Specter's ``pMofN`` parts, SeedQR or a plain
single QR) and the message. After that:

* parts of the same message are taken in any order, repeats are harmless; a message is complete
  only when every part is there;
* a frame of *another* message (another UR, BBQr or pMofN message, or any other recognised QR) is
  refused and reported, never merged; call :meth:`Assembler.reset` to start over on purpose;
* unreadable frames (garbage, malformed parts) are counted, ignored and reported.

``add`` returns an :class:`AssemblyStatus` for every frame. It raises :class:`TransportError`
only for faults of the whole message: over the size limit, two messages mixed (a BBQr or pMofN part
number read twice with different content: these formats carry no checksum), or a message that fails
its checks once complete (UR checksum, BBQr decompression, a PSBT that does not parse...). After such
an error the assembler is reset, ready for a new scan.

Binary QR content (a CompactSeedQR) must be passed as the exact ``bytes`` of the symbol; text as
``str`` or UTF-8 ``bytes``.

BBQr and pMofN parts carry no checksum, so parts of two messages of the same size could join into
one. ``checks`` maps a payload kind to a function that raises :class:`~signer.errors.AirlockError`
unless the bytes are one whole message of that kind; a payload joined from such parts must pass the
check of its kind. The transport layer knows no payload's inner format: the device and the CLI build
their assembler with the PSBT parser as the check (``signer.chains.scanning.new_assembler``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from signer import strict_json
from signer.errors import AirlockError
from signer.transport import bbqr, bytewords, plain, seedqr, specter_parts
from signer.transport.errors import ForeignPartError, MessageTooLarge, PartConflictError, TransportError
from signer.transport.fountain import FountainPart
from signer.transport.payload import Payload, PayloadKind
from signer.transport.ur import UR, URDecoder
from signer.transport.urtypes import decode_ur

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_FRAME_CHARS = 7089  # the largest QR symbol (version 40-L, numeric) holds 7089 characters

# UR type -> payload kind. Types not listed travel as kind "cbor" (CBOR body, not interpreted).
UR_KINDS: dict[str, str] = {
    "crypto-psbt": PayloadKind.PSBT,
    "psbt": PayloadKind.PSBT,
    "bytes": PayloadKind.BYTES,
    "eth-sign-request": PayloadKind.ETH_SIGN_REQUEST,
    "eth-signature": PayloadKind.ETH_SIGNATURE,
    "crypto-hdkey": PayloadKind.HDKEY,
    "hdkey": PayloadKind.HDKEY,
    "crypto-account": PayloadKind.ACCOUNT,
    "account-descriptor": PayloadKind.ACCOUNT,
    "crypto-output": PayloadKind.OUTPUT_DESCRIPTOR,
    "output-descriptor": PayloadKind.OUTPUT_DESCRIPTOR,
    "crypto-multi-accounts": PayloadKind.MULTI_ACCOUNTS,
    "crypto-seed": PayloadKind.SEED,
    "seed": PayloadKind.SEED,
}
# how an error names a payload kind, where it is not the kind itself
_KIND_NAMES: dict[str, str] = {PayloadKind.PSBT: "PSBT"}
_PARTS_NAMES = {"bbqr": "this BBQr", "specter": "these pMofN parts"}
_UR_INNER_BYTES = frozenset({"crypto-psbt", "psbt", "bytes"})  # payload data is the inner byte string


@dataclass(frozen=True)
class AssemblyStatus:
    """The assembler's state after one frame, and what happened to that frame.

    ``outcome``: ``"new"`` (the frame taught something), ``"duplicate"`` (already known),
    ``"garbage"`` (unreadable or malformed; ignored), ``"foreign"`` (part of another message;
    refused), or ``"idle"`` (no frame yet).
    """

    outcome: str
    format: str | None
    complete: bool
    progress: float
    received: int  # parts (BBQr) or fragments solved (UR) so far
    expected: int | None  # total parts / fragments, once known
    garbage_frames: int
    foreign_frames: int
    reason: str | None = None  # why the last frame was not used

    @property
    def accepted(self) -> bool:
        return self.outcome in ("new", "duplicate")

    def describe(self) -> str:
        """One line for a screen or a log (never quotes frame content)."""
        if self.complete:
            line = f"complete ({self.format})"
        elif self.format is None:
            line = "waiting for a QR code"
        elif self.expected:
            unit = "fragments" if self.format == "ur" else "parts"
            line = f"{self.format}: {self.received} of {self.expected} {unit} ({self.progress:.0%})"
        else:
            line = f"{self.format}: collecting"
        if self.reason:
            line += f"; last frame {self.outcome}: {self.reason}"
        return line


class Assembler:
    """Collects frames of exactly one message; see the module docstring."""

    def __init__(
        self,
        max_bytes: int = DEFAULT_MAX_BYTES,
        checks: Mapping[str, Callable[[bytes], object]] | None = None,
    ) -> None:
        if max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        self.max_bytes = max_bytes
        self.checks: Mapping[str, Callable[[bytes], object]] = dict(checks or {})
        self.reset()

    def reset(self) -> None:
        """Forget everything: the next readable frame starts a new message."""
        self._format: str | None = None
        self._ur: URDecoder | None = None
        self._parts: _Parts | None = None  # a BBQr or pMofN message being collected
        self._single_key: str | bytes | None = None
        self._result: Payload | None = None
        self._garbage = 0
        self._foreign = 0
        self._last = self._status("idle")

    # -- public state ------------------------------------------------------------------------
    @property
    def status(self) -> AssemblyStatus:
        return self._last

    @property
    def is_complete(self) -> bool:
        return self._result is not None

    @property
    def result(self) -> Payload:
        if self._result is None:
            raise TransportError(f"incomplete: {self._progress_text()}")
        return self._result

    # -- adding frames -----------------------------------------------------------------------
    def add(self, content: str | bytes) -> AssemblyStatus:
        """Take one decoded QR frame; see the module docstring for errors."""
        frame = _Frame.of(content)
        if frame.error:
            return self._reject("garbage", frame.error)
        if self._format is None:
            outcome = self._start(frame)
        elif frame.kind == "ur" and self._format == "ur":
            outcome = self._add_ur(frame.text or "")
        elif frame.kind in PART_FORMATS and self._format == frame.kind:
            outcome = self._add_part(frame.text or "")
        elif self._format == "single" and frame.key == self._single_key:
            outcome = "duplicate"
        else:
            outcome = self._other_message(frame)
        if isinstance(outcome, _Rejected):
            return self._reject(outcome.outcome, outcome.reason)
        self._last = self._status(outcome)
        return self._last

    def _start(self, frame: _Frame) -> str | _Rejected:
        if frame.kind == "ur":
            return self._start_ur(frame.text or "")
        if frame.kind in PART_FORMATS:
            return self._start_parts(frame.kind, frame.text or "")
        try:
            payload = _recognise_single(frame)
        except TransportError as exc:
            return _Rejected("garbage", str(exc))
        if payload is None:
            return _Rejected("garbage", _not_a_request(frame))
        self._format = "single"
        self._single_key = frame.key
        self._result = payload
        return "new"

    def _other_message(self, frame: _Frame) -> _Rejected:
        """A frame that does not belong to the current message: foreign if readable, else garbage."""
        current = self._describe_current()
        try:
            if frame.kind == "ur":
                URDecoder(max_message_len=self.max_bytes).receive(frame.text or "")
                return _Rejected("foreign", f"a UR of another message while {current}; not merging")
            if frame.kind == "bbqr":
                bbqr.parse_part(frame.text or "")
                return _Rejected("foreign", f"a BBQr part of another message while {current}; not merging")
            if frame.kind == "specter":
                specter_parts.parse_part(frame.text or "")
                return _Rejected("foreign", f"a pMofN part of another message while {current}; not merging")
            other = _recognise_single(frame)
        except TransportError as exc:
            return _Rejected("garbage", str(exc))
        if other is None:
            return _Rejected("garbage", _not_a_request(frame))
        return _Rejected("foreign", f"a {other.kind} QR of another message while {current}; not merging")

    def _describe_current(self) -> str:
        if self._result is not None:
            return f"holding a complete {self._result.kind} message (reset to scan another)"
        return f"assembling a {self._format} message"

    # -- UR ----------------------------------------------------------------------------------
    def _start_ur(self, text: str) -> str | _Rejected:
        size = _ur_message_len(text)
        if size is not None and size > self.max_bytes:
            raise TransportError(f"message too large: a UR of {size} bytes, the limit is {self.max_bytes}")
        decoder = URDecoder(max_message_len=self.max_bytes)
        try:
            decoder.receive(text)
        except TransportError as exc:
            return _Rejected("garbage", str(exc))
        self._format, self._ur = "ur", decoder
        return self._after_ur(new=True)

    def _add_ur(self, text: str) -> str | _Rejected:
        decoder = self._ur
        assert decoder is not None
        before = decoder.received_parts
        try:
            new = decoder.receive(text)
        except ForeignPartError as exc:
            return _Rejected("foreign", str(exc))
        except TransportError as exc:
            if decoder.received_parts > before:  # the part was taken and the message failed its checks
                self.reset()
                raise
            return _Rejected("garbage", str(exc))
        return self._after_ur(new)

    def _after_ur(self, new: bool) -> str:
        decoder = self._ur
        assert decoder is not None
        if decoder.is_complete and self._result is None:
            try:
                self._result = _payload_from_ur(decoder.result, self.max_bytes)
            except TransportError:
                self.reset()
                raise
        return "new" if new else "duplicate"

    # -- BBQr and Specter pMofN: numbered parts of one file ---------------------------------
    def _start_parts(self, kind: str, text: str) -> str | _Rejected:
        new_collector, to_payload = PART_FORMATS[kind]
        collector = new_collector(self.max_bytes)
        try:
            collector.add(text)
        except MessageTooLarge:
            raise
        except TransportError as exc:
            return _Rejected("garbage", str(exc))
        self._format, self._parts = kind, _Parts(collector, to_payload)
        return self._after_part(new=True)

    def _add_part(self, text: str) -> str | _Rejected:
        parts = self._parts
        assert parts is not None
        try:
            new = parts.collector.add(text)
        except ForeignPartError as exc:
            return _Rejected("foreign", str(exc))
        except (PartConflictError, MessageTooLarge):
            self.reset()
            raise
        except TransportError as exc:
            return _Rejected("garbage", str(exc))
        return self._after_part(new)

    def _after_part(self, new: bool) -> str:
        parts = self._parts
        assert parts is not None
        if parts.collector.is_complete and self._result is None:
            try:
                payload = parts.to_payload(parts.collector.result())
                self._check_whole(payload)
            except TransportError:
                self.reset()
                raise
            self._result = payload
        return "new" if new else "duplicate"

    def _check_whole(self, payload: Payload) -> None:
        """A payload joined from parts without a checksum must be one whole message of its kind."""
        check = self.checks.get(payload.kind)
        if check is None:
            return
        try:
            check(payload.data)
        except AirlockError as exc:
            what = _KIND_NAMES.get(payload.kind, payload.kind)
            raise TransportError(
                f"the {what} in {_PARTS_NAMES[payload.format]} does not parse ({exc}); "
                "if it was animated, scan it again"
            ) from None

    # -- status ------------------------------------------------------------------------------
    def _reject(self, outcome: str, reason: str) -> AssemblyStatus:
        if outcome == "foreign":
            self._foreign += 1
        else:
            self._garbage += 1
        self._last = self._status(outcome, reason)
        return self._last

    def _counts(self) -> tuple[float, int, int | None]:
        if self._result is not None:
            if self._ur is not None:
                return 1.0, self._ur.solved_fragments, self._ur.expected_parts
            if self._parts is not None:
                return 1.0, self._parts.collector.received, self._parts.collector.total
            return 1.0, 1, 1
        if self._ur is not None:
            return self._ur.progress, self._ur.solved_fragments, self._ur.expected_parts
        if self._parts is not None:
            c = self._parts.collector
            return c.progress, c.received, c.total
        return 0.0, 0, None

    def _status(self, outcome: str, reason: str | None = None) -> AssemblyStatus:
        progress, received, expected = self._counts()
        fmt = self._format
        if fmt == "single":
            fmt = self._result.format if self._result else None
        return AssemblyStatus(
            outcome=outcome,
            format=fmt,
            complete=self._result is not None,
            progress=progress,
            received=received,
            expected=expected,
            garbage_frames=self._garbage,
            foreign_frames=self._foreign,
            reason=reason,
        )

    def _progress_text(self) -> str:
        _, received, expected = self._counts()
        if self._format is None:
            return "no QR code read yet"
        unit = "fragments" if self._format == "ur" else "parts"
        if expected:
            return f"{received} of {expected} {unit}"
        return f"{self._format} message started"


@dataclass(frozen=True)
class _Rejected:
    outcome: str
    reason: str


@dataclass(frozen=True)
class _Frame:
    """One frame, classified by its shape only: ``ur``, ``bbqr`` or ``single``."""

    kind: str
    text: str | None  # the stripped text (pMofN: only the scanner's line end removed), None for binary
    raw: bytes | None  # the exact bytes when given bytes
    key: str | bytes  # identity for duplicate detection
    error: str | None = None

    @classmethod
    def of(cls, content: object) -> _Frame:
        if isinstance(content, bytearray | memoryview):
            content = bytes(content)
        if isinstance(content, bytes):
            if len(content) > MAX_FRAME_CHARS:
                return cls("single", None, None, b"", "longer than any QR code holds")
            try:
                full: str | None = content.decode("utf-8")
            except UnicodeDecodeError:
                full = None
            raw: bytes | None = content
        elif isinstance(content, str):
            if len(content) > MAX_FRAME_CHARS:
                return cls("single", None, None, "", "longer than any QR code holds")
            full, raw = content, None
        else:
            return cls("single", None, None, "", "a frame must be text or bytes")
        text = full.strip() if full is not None else None
        if text is not None and not text and (raw is None or not raw):
            return cls("single", None, None, "", "empty QR code")
        kind = "single"
        if full is not None and text is not None:
            if text[:3].lower() == "ur:":
                kind = "ur"
            elif bbqr.is_bbqr(text):
                kind = "bbqr"
            elif specter_parts.is_specter_part(full.lstrip()):
                kind = "specter"
                text = full.lstrip().rstrip("\r\n")  # a chunk may end with a space: keep it
        key: str | bytes = text if text is not None else (raw or b"")
        if kind == "single" and raw is not None and len(raw) in (16, 32):
            key = raw  # binary identity matters for a CompactSeedQR
        return cls(kind, text, raw, key)


def _recognise_text(text: str) -> Payload | None:
    """A Standard SeedQR or a plain text format; None if it is neither (TransportError if it breaks one)."""
    if len(text) in (48, 96) and text.isascii() and text.isdigit():
        seed = seedqr.decode(text)
        return Payload(PayloadKind.SEED, "seedqr", seed.entropy, obj=seed)
    return plain.recognise(text)


def _recognise_single(frame: _Frame) -> Payload | None:
    """SeedQR or a plain QR; None if the frame is neither. TransportError if it breaks its format."""
    if frame.text is not None:
        payload = _recognise_text(frame.text)
        if payload is not None:
            return payload
    if frame.raw is not None and _could_be_compact_seedqr(frame.raw):
        seed = seedqr.decode(frame.raw)
        return Payload(PayloadKind.SEED, "seedqr", seed.entropy, obj=seed)
    return None


def _not_a_request(frame: _Frame) -> str:
    """Why a readable QR code is refused: what it holds, e.g. "not an Airlock request: a web link"."""
    return f"{plain.NOT_A_REQUEST}: {plain.what_it_holds(frame.text)}"


def _could_be_compact_seedqr(raw: bytes) -> bool:
    """16 or 32 bytes that are not all printable ASCII (such text is taken for text, not entropy).

    Random entropy is all printable ASCII with odds of about 1 in 7.7 million (16 bytes); a short
    printed token or password, on the other hand, is common and must not be offered as a seed.
    """
    return len(raw) in (16, 32) and not all(0x20 <= b < 0x7F for b in raw)


def _max_chars(max_bytes: int) -> int:
    """Characters of text carrying at most ``max_bytes`` bytes (base64 is the widest form read)."""
    return max_bytes * 4 // 3 + 4


def _ur_message_len(text: str) -> int | None:
    """Payload length a UR frame announces (None if the frame is unreadable: the decoder says why)."""
    components = [c for c in text.lower()[3:].split("/") if c]
    try:
        if len(components) == 2:
            return len(bytewords.decode(components[1]))
        if len(components) == 3:
            return FountainPart.from_cbor(bytewords.decode(components[2])).message_len
    except TransportError:
        return None
    return None


def _payload_from_ur(ur: UR, max_bytes: int) -> Payload:
    ur_type, cbor = ur.type, ur.cbor
    if len(cbor) > max_bytes:
        raise TransportError(f"message too large: a UR of {len(cbor)} bytes, the limit is {max_bytes}")
    kind = UR_KINDS.get(ur_type, PayloadKind.CBOR)
    obj = decode_ur(ur) if kind != PayloadKind.CBOR else None
    data = cbor
    if ur_type in _UR_INNER_BYTES:
        inner = getattr(obj, "data", None)
        if not isinstance(inner, bytes):
            raise TransportError(f"ur:{ur_type} does not hold a byte string")
        data = inner
        if kind == PayloadKind.PSBT and not data.startswith(plain.PSBT_MAGIC):
            raise TransportError(f"ur:{ur_type} does not hold a PSBT (magic bytes missing)")
    return Payload(kind, "ur", data, ur_type=ur_type, obj=obj)


def _payload_from_bbqr(message: bbqr.BBQrMessage) -> Payload:
    data, file_type = message.data, message.file_type
    if file_type == "P":
        if data.startswith(b"cHNidP8"):  # some encoders put the base64 text in a P file
            try:
                data = base64.b64decode(data.strip(), validate=True)
            except (binascii.Error, ValueError):
                raise TransportError("BBQr PSBT is neither binary nor valid base64") from None
        if not data.startswith(plain.PSBT_MAGIC):
            raise TransportError("BBQr file of type P does not hold a PSBT (magic bytes missing)")
        return Payload(PayloadKind.PSBT, "bbqr", data, bbqr_type=file_type)
    if file_type == "T":
        stripped = data.strip()
        if stripped and len(stripped) % 2 == 0 and all(c in b"0123456789abcdefABCDEF" for c in stripped):
            data = bytes.fromhex(stripped.decode("ascii"))  # hex text of a transaction
        if not plain.is_transaction(data):
            raise TransportError("BBQr file of type T does not hold a Bitcoin transaction")
        return Payload(PayloadKind.BITCOIN_TX, "bbqr", data, bbqr_type=file_type)
    if file_type in ("J", "U"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise TransportError(f"BBQr file of type {file_type} is not UTF-8 text") from None
        if file_type == "J":
            try:
                strict_json.loads(text, what="the BBQr JSON file", max_bytes=DEFAULT_MAX_BYTES)
            except strict_json.JsonRejected as exc:
                raise TransportError(str(exc)) from None
        kind = plain.classify_text(text) or (PayloadKind.JSON if file_type == "J" else PayloadKind.TEXT)
        return Payload(kind, "bbqr", data, bbqr_type=file_type, obj=text)
    if file_type == "C":
        return Payload(PayloadKind.CBOR, "bbqr", data, bbqr_type=file_type)
    return Payload(PayloadKind.BINARY, "bbqr", data, bbqr_type=file_type)


def _payload_from_specter(text: str) -> Payload:
    """What a joined pMofN message carries: a base64 PSBT, any other plain QR text, or plain text."""
    body = text.strip()
    if not body:
        raise TransportError("pMofN message is empty")
    if body.startswith("cHNidP8"):
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise TransportError("pMofN PSBT is not valid base64; scan it again") from None
        return Payload(PayloadKind.PSBT, "specter", raw)
    payload = _recognise_text(body)
    if payload is not None:
        return replace(payload, format="specter")
    return Payload(PayloadKind.TEXT, "specter", body.encode(), obj=body)



class _PartCollector(Protocol):
    """What the assembler needs of a collector of numbered parts (BBQr, Specter pMofN)."""

    @property
    def total(self) -> int | None: ...
    @property
    def received(self) -> int: ...
    @property
    def progress(self) -> float: ...
    @property
    def is_complete(self) -> bool: ...
    def add(self, text: str) -> bool: ...
    def result(self) -> Any: ...


@dataclass(frozen=True)
class _Parts:
    """A message sent as numbered parts: its collector, and how the whole file becomes a payload."""

    collector: _PartCollector
    to_payload: Callable[[Any], Payload]


def _specter_collector(max_bytes: int) -> _PartCollector:
    return specter_parts.SpecterCollector(_max_chars(max_bytes))


PART_FORMATS: dict[str, tuple[Callable[[int], _PartCollector], Callable[[Any], Payload]]] = {
    "bbqr": (bbqr.BBQrCollector, _payload_from_bbqr),
    "specter": (_specter_collector, _payload_from_specter),
}
