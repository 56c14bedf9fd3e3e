"""Shared shape of every registry type: CBOR item <-> typed object, top level untagged."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from cbor2 import CBORTag

from signer.transport import dcbor
from signer.transport.urtypes._fields import TagPair, load, untag


class RegistryType:
    """Base of the typed UR payloads.

    ``UR_TYPES`` is (legacy name, current name); ``TAGS`` the tag used when the object is
    embedded in another one. ``legacy=True`` writes the ``crypto-*`` era tags (303, 304...),
    which is what Sparrow, BlueWallet and Keystone/MetaMask read.
    """

    UR_TYPES: ClassVar[tuple[str, str]]
    TAGS: ClassVar[TagPair]

    def to_item(self, legacy: bool = True) -> Any:
        raise NotImplementedError

    @classmethod
    def from_item(cls, item: Any) -> Self:
        raise NotImplementedError

    def to_cbor(self, *, legacy: bool = True) -> bytes:
        """Top-level (untagged) deterministic CBOR."""
        return dcbor.dumps(self.to_item(legacy))

    @classmethod
    def from_cbor(cls, data: bytes) -> Self:
        """Parse a top-level payload strictly; TransportError on anything malformed."""
        return cls.from_item(load(data, cls.UR_TYPES[0]))

    def tagged(self, legacy: bool = True) -> CBORTag:
        return CBORTag(self.TAGS.pick(legacy), self.to_item(legacy))

    @classmethod
    def from_tagged(cls, item: Any) -> Self:
        """Embedded form; either tag generation is accepted."""
        return cls.from_item(untag(item, cls.TAGS, cls.UR_TYPES[0]))
