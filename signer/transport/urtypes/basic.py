"""Payload types that are (mostly) one byte string: bytes, crypto-psbt, crypto-seed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, ClassVar

from cbor2 import CBORTag

from signer.transport.errors import TransportError
from signer.transport.urtypes import _fields as f
from signer.transport.urtypes._base import RegistryType

PSBT_MAGIC = b"psbt\xff"
_EPOCH = datetime.date(1970, 1, 1)


@dataclass(frozen=True, repr=False)
class Bytes(RegistryType):
    """``bytes``: an opaque CBOR byte string (test and generic payloads)."""

    data: bytes

    UR_TYPES: ClassVar[tuple[str, str]] = ("bytes", "bytes")
    TAGS: ClassVar[f.TagPair] = f.TagPair(-1, -1)  # never embedded (see tagged())

    def __post_init__(self) -> None:
        f.check_bytes(self.data, "bytes payload")

    def __repr__(self) -> str:
        return f"Bytes(<{len(self.data)} bytes>)"

    def to_item(self, legacy: bool = True) -> Any:
        return self.data

    def tagged(self, legacy: bool = True) -> CBORTag:
        raise TransportError("a bytes payload has no tag and is never embedded")

    @classmethod
    def from_item(cls, item: Any) -> Bytes:
        if not isinstance(item, bytes):
            raise TransportError("bytes: payload must be a CBOR byte string")
        return cls(item)


@dataclass(frozen=True, repr=False)
class PSBT(RegistryType):
    """crypto-psbt / psbt: a BIP-174 PSBT in a CBOR byte string (only the magic is checked here)."""

    data: bytes

    UR_TYPES: ClassVar[tuple[str, str]] = ("crypto-psbt", "psbt")
    TAGS: ClassVar[f.TagPair] = f.PSBT

    def __post_init__(self) -> None:
        f.check_bytes(self.data, "PSBT")
        if not self.data.startswith(PSBT_MAGIC) or len(self.data) <= len(PSBT_MAGIC):
            raise TransportError("crypto-psbt payload is not a PSBT (missing 'psbt\\xff' magic)")

    def __repr__(self) -> str:
        return f"PSBT(<{len(self.data)} bytes>)"

    def to_item(self, legacy: bool = True) -> Any:
        return self.data

    @classmethod
    def from_item(cls, item: Any) -> PSBT:
        if not isinstance(item, bytes):
            raise TransportError("crypto-psbt: payload must be a CBOR byte string")
        return cls(item)


@dataclass(frozen=True, repr=False)
class Seed(RegistryType):
    """crypto-seed / seed: seed entropy (secret; never shown by repr or errors)."""

    payload: bytes
    creation_date: datetime.date | None = None
    name: str | None = None
    note: str | None = None

    UR_TYPES: ClassVar[tuple[str, str]] = ("crypto-seed", "seed")
    TAGS: ClassVar[f.TagPair] = f.SEED

    def __post_init__(self) -> None:
        f.check_bytes(self.payload, "seed payload")
        if not 1 <= len(self.payload) <= 64:
            raise TransportError("seed payload must be 1 to 64 bytes")
        if self.creation_date is not None and (
            type(self.creation_date) is not datetime.date or self.creation_date < _EPOCH
        ):
            raise TransportError("seed creation date must be a date on or after 1970-01-01")
        f.check_optional_text(self.name, "seed name")
        f.check_optional_text(self.note, "seed note")

    def __repr__(self) -> str:
        return f"Seed(<{len(self.payload)} secret bytes>, name={self.name!r})"

    def to_item(self, legacy: bool = True) -> Any:
        m: dict[int, Any] = {1: self.payload}
        if self.creation_date is not None:
            m[2] = CBORTag(f.DATE_TAG, (self.creation_date - _EPOCH).days)
        if self.name is not None:
            m[3] = self.name
        if self.note is not None:
            m[4] = self.note
        return m

    @classmethod
    def from_item(cls, item: Any) -> Seed:
        what = "crypto-seed"
        m = f.expect_map(item, what, {1, 2, 3, 4})
        payload = f.required(f.get_bytes(m, 1, what), 1, what)
        date = f.get_any(m, 2, what)
        return cls(
            payload,
            None if date is None else _date_from(date, what),
            f.get_text(m, 3, what),
            f.get_text(m, 4, what),
        )


def _date_from(item: Any, what: str) -> datetime.date:
    value = f.untag(item, (f.DATE_TAG, f.EPOCH_TAG), f"{what} creation date")
    if type(value) is not int or not 0 <= value <= f.UINT32_MAX * 86400:
        raise TransportError(f"{what}: creation date must be a non-negative integer")
    days = value if item.tag == f.DATE_TAG else value // 86400
    try:
        return _EPOCH + datetime.timedelta(days=days)
    except OverflowError:
        raise TransportError(f"{what}: creation date out of range") from None
