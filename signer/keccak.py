"""Keccak-256, Ethereum's hash (the original Keccak padding, not FIPS SHA3-256), and the EIP-55 address
checksum made of it: one home for every layer."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


def keccak256(data: bytes) -> bytes:
    return _backend()(bytes(data))


@lru_cache(maxsize=4096)
def checksum_address(address20: bytes) -> str:
    """EIP-55: the address in hex, each letter upper case where the keccak of the lower-case hex has
    a nibble of 8 or more at the same place."""
    if len(address20) != 20:
        raise ValueError(f"an address is 20 bytes, not {len(address20)}")
    lower = address20.hex()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if int(d, 16) >= 8 else c for c, d in zip(lower, digest, strict=False))


@lru_cache(maxsize=1)
def _backend() -> Callable[[bytes], bytes]:
    """safe-pysha3 (eth-hash's other backend), a small C extension that imports in a few ms; else
    pycryptodome, which eth-account brings but which takes ~25 ms here (a Pi: ~0.25 s) to import,
    cffi parsing its C declarations on the way."""
    try:
        from sha3 import keccak_256
    except ImportError:
        from Crypto.Hash import keccak

        return lambda data: keccak.new(digest_bits=256, data=data).digest()
    return lambda data: keccak_256(data).digest()
