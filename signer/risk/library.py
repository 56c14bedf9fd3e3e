"""The offline risk address library: a compact, sorted file of (chain, address) -> tag.

File layout (all integers big-endian)::

    b"ALRISK01" | u32 header length | header JSON | count x record | optional signature block
    record          = u64 chain id (0 = every EVM chain) | 20-byte address | u16 tag index
    signature block = b"SIG1" | 8-byte key id (sha256(public key)[:8]) | 64-byte Ed25519 signature

Records are sorted, so a lookup is a binary search over the file's bytes (no parsing at load).
The signature covers ``DOMAIN || everything before the block``. The built-in file ships inside
the package (trusted like the code); an update (QR or SD card) must be signed by a publisher key
the device holds and carry a higher ``version`` than the library in use.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from signer import strict_json
from signer.risk.errors import RiskDataError

MAGIC = b"ALRISK01"
SIG_MAGIC = b"SIG1"
DOMAIN = b"airlock risk address library v1\x00"
RECORD = struct.Struct(">Q20sH")
KEY_SIZE = 28  # chain + address
SIG_BLOCK = 4 + 8 + 64
MAX_HEADER = 1 << 20
MAX_RECORDS = 5_000_000
ANY_CHAIN = 0
BUILTIN = "risk-addresses.bin"


def key_id(public_key: bytes) -> bytes:
    return hashlib.sha256(public_key).digest()[:8]


class _Keys(Sequence[bytes]):
    """The records' 28-byte (chain, address) keys as a sequence, for bisect over the raw bytes."""

    def __init__(self, blob: bytes, offset: int, count: int) -> None:
        self._view, self._offset, self._count = memoryview(blob), offset, count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> bytes:  # type: ignore[override]  # bisect reads one index, never a slice
        start = self._offset + i * RECORD.size
        return bytes(self._view[start : start + KEY_SIZE])


@dataclass(frozen=True)
class Signature:
    key_id: bytes
    signature: bytes


class RiskLibrary:
    """A parsed library. ``lookup`` returns the tags of an address on a chain (or on every chain)."""

    def __init__(
        self, blob: bytes, header: dict[str, Any], offset: int, count: int, signature: Signature | None
    ) -> None:
        self._blob, self.header, self._offset, self.count = blob, header, offset, count
        self.signature = signature
        self._keys = _Keys(blob, offset, count)
        self.tags: list[str] = header["tags"]

    @property
    def version(self) -> int:
        return int(self.header["version"])

    @property
    def created(self) -> str:
        return str(self.header["created"])

    @property
    def sources(self) -> list[dict[str, Any]]:
        return list(self.header.get("sources", []))

    @property
    def body(self) -> bytes:
        """The signed part of the file."""
        return self._blob[: self._offset + self.count * RECORD.size]

    @property
    def sha256(self) -> str:
        """Shown on the device and the companion so a person can compare them."""
        return hashlib.sha256(self.body).hexdigest()

    def age_days(self, now: datetime | None = None) -> int:
        created = datetime.fromisoformat(self.created.replace("Z", "+00:00"))
        return max(0, ((now or datetime.now(UTC)) - created).days)

    def _tags_for(self, chain_id: int, address: bytes) -> list[str]:
        key = struct.pack(">Q", chain_id) + address
        i = bisect.bisect_left(self._keys, key)
        out = []
        while i < self.count and self._keys[i] == key:
            (tag,) = struct.unpack_from(">H", self._blob, self._offset + i * RECORD.size + KEY_SIZE)
            out.append(self.tags[tag])
            i += 1
        return out

    def lookup(self, chain_id: int, address: bytes) -> list[str]:
        """Tags for ``address`` on ``chain_id`` plus the ones that hold on every chain."""
        if len(address) != 20:
            raise RiskDataError(f"an address is 20 bytes, got {len(address)}")
        if not 0 <= chain_id < 2**64:
            return self._tags_for(ANY_CHAIN, address)
        tags = self._tags_for(chain_id, address) if chain_id != ANY_CHAIN else []
        return tags + [t for t in self._tags_for(ANY_CHAIN, address) if t not in tags]

    def records(self) -> Iterable[tuple[int, bytes, str]]:
        for i in range(self.count):
            chain, address, tag = RECORD.unpack_from(self._blob, self._offset + i * RECORD.size)
            yield chain, address, self.tags[tag]

    def describe(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "created": self.created,
            "records": self.count,
            "sha256": self.sha256,
            "signed": self.signature is not None,
            "sources": [s.get("name") for s in self.sources],
        }

    def __repr__(self) -> str:
        return f"RiskLibrary(version={self.version}, records={self.count})"


def parse_library(blob: bytes) -> RiskLibrary:
    """Parse and check the structure of a library file (signature not verified here)."""
    blob = bytes(blob)
    if not blob.startswith(MAGIC):
        raise RiskDataError("not an Airlock risk library (bad magic)")
    if len(blob) < len(MAGIC) + 4:
        raise RiskDataError("risk library is truncated")
    (hlen,) = struct.unpack_from(">I", blob, len(MAGIC))
    if hlen > MAX_HEADER or len(MAGIC) + 4 + hlen > len(blob):
        raise RiskDataError("risk library header is truncated or too large")
    start = len(MAGIC) + 4
    try:
        header = strict_json.loads(blob[start : start + hlen], what="the risk library header")
    except strict_json.JsonRejected as exc:
        raise RiskDataError(str(exc)) from None
    if (
        not isinstance(header, dict)
        or header.get("format") != "airlock-risk-addresses"
        or header.get("schema") != 1
    ):
        raise RiskDataError("risk library header: unknown format or schema")
    version, count, tags = header.get("version"), header.get("count"), header.get("tags")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RiskDataError("risk library header: version must be a positive integer")
    if not isinstance(count, int) or not 0 <= count <= MAX_RECORDS:
        raise RiskDataError("risk library header: bad record count")
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags) or len(tags) > 65535:
        raise RiskDataError("risk library header: tags must be a list of names")
    try:
        datetime.fromisoformat(str(header.get("created")).replace("Z", "+00:00"))
    except ValueError as exc:
        raise RiskDataError("risk library header: created must be an ISO 8601 time") from exc
    offset = start + hlen
    end = offset + count * RECORD.size
    rest = blob[end:]
    signature = None
    if len(blob) < end:
        raise RiskDataError(f"risk library holds fewer records than the {count} its header claims")
    if rest:
        if len(rest) != SIG_BLOCK or not rest.startswith(SIG_MAGIC):
            raise RiskDataError(f"risk library has {len(rest)} unexpected bytes after its records")
        signature = Signature(rest[4:12], rest[12:])
    previous = b""
    for i in range(count):
        record = blob[offset + i * RECORD.size : offset + (i + 1) * RECORD.size]
        if record <= previous:
            raise RiskDataError(f"risk library records are not sorted and unique (record {i})")
        (tag,) = struct.unpack_from(">H", record, KEY_SIZE)
        if tag >= len(tags):
            raise RiskDataError(f"risk library record {i} names tag {tag}, but there are only {len(tags)}")
        previous = record
    return RiskLibrary(blob, header, offset, count, signature)


def verify_signature(library: RiskLibrary, trusted_keys: Iterable[bytes]) -> None:
    """Raise unless the library is signed by one of the trusted Ed25519 public keys."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if library.signature is None:
        raise RiskDataError("risk library update is not signed")
    keys = {key_id(k): k for k in trusted_keys}
    if not keys:
        raise RiskDataError("no publisher key is configured on this device; updates cannot be checked")
    public = keys.get(library.signature.key_id)
    if public is None:
        raise RiskDataError("risk library update is signed by an unknown key")
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(library.signature.signature, DOMAIN + library.body)
    except (InvalidSignature, ValueError) as exc:
        raise RiskDataError(
            "risk library signature does not verify: the file was altered or is not genuine"
        ) from exc


def verify_update(
    blob: bytes, trusted_keys: Iterable[bytes], current: RiskLibrary | None = None
) -> RiskLibrary:
    """Accept a library update only if it is well formed, signed by a trusted key and newer."""
    library = parse_library(blob)
    verify_signature(library, trusted_keys)
    if current is not None and library.version <= current.version:
        raise RiskDataError(
            f"risk library update is version {library.version}, not newer than the "
            f"version {current.version} in use"
        )
    return library


def sign_library(body: bytes, private_key: bytes) -> bytes:
    """Append a signature block (Ed25519, 32-byte private seed) to an unsigned library body."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    library = parse_library(body)
    if library.signature is not None:
        raise RiskDataError("library is already signed")
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return library.body + SIG_MAGIC + key_id(public) + key.sign(DOMAIN + library.body)


@lru_cache(maxsize=1)
def builtin_library() -> RiskLibrary:
    try:
        blob = resources.files("signer.risk").joinpath("data", BUILTIN).read_bytes()
    except OSError as exc:
        raise RiskDataError(f"built-in risk library is missing: {exc}") from exc
    return parse_library(blob)


def trusted_publisher_keys(path: Path | None = None) -> list[bytes]:
    """Ed25519 public keys (32 bytes) accepted for updates, from publisher_keys.json."""
    try:
        text = (
            path.read_text()
            if path
            else resources.files("signer.risk").joinpath("publisher_keys.json").read_text()
        )
        data = json.loads(text)
        keys = [bytes.fromhex(k["ed25519"]) for k in data["keys"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RiskDataError(f"publisher key list is unreadable: {exc}") from exc
    if any(len(k) != 32 for k in keys):
        raise RiskDataError("publisher keys must be 32-byte Ed25519 public keys")
    return keys


def load_library(update: bytes | None, trusted_keys: Iterable[bytes]) -> tuple[RiskLibrary, str | None]:
    """The library to use at start: a stored update when it verifies and is newer, else the built-in.

    Returns (library, problem): ``problem`` explains why a stored update was ignored, so the
    device can say so instead of failing to start.
    """
    builtin = builtin_library()
    if update is None:
        return builtin, None
    try:
        return verify_update(update, trusted_keys, builtin), None
    except RiskDataError as exc:
        return builtin, f"stored risk library update ignored: {exc}"
