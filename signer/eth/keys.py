"""The keys an Ethereum review and signature use: an address at a path, and the private key there.

A review needs ``EthKeys`` only (the master fingerprint and the address at a path): the seed's keys
are one kind, watch-only keys built from account exports another (signer.chains.keys). Signing
needs ``SeedEthKeys``, the one kind that holds a private key.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Protocol

from signer.eth.sign import address_of, master_fingerprint, private_key_at


class EthKeys(Protocol):
    @property
    def fingerprint(self) -> int:
        """The master key fingerprint, as ERC-4527's source fingerprint is written."""
        ...

    def address(self, path: str) -> bytes:
        """The 20-byte address of the key at ``path`` (EthError when it cannot be derived)."""
        ...


class SeedEthKeys:
    """A seed's Ethereum keys. The repr shows no key material and the object cannot be pickled."""

    def __init__(self, seed: bytes) -> None:
        self._seed = seed

    @cached_property
    def fingerprint(self) -> int:
        return master_fingerprint(self._seed)

    def private_key(self, path: str) -> bytes:
        return private_key_at(self._seed, path)

    def address(self, path: str) -> bytes:
        return address_of(self.private_key(path))

    def __repr__(self) -> str:
        return f"SeedEthKeys(fingerprint={self.fingerprint:08x})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("key material is not picklable")


def eth_keys(keys: EthKeys | bytes) -> EthKeys:
    """``keys``, or the seed's keys when given the BIP-32 seed itself."""
    return SeedEthKeys(bytes(keys)) if isinstance(keys, bytes | bytearray) else keys
