"""signer.keccak: Keccak-256 as Ethereum uses it, whichever backend is installed."""

from __future__ import annotations

from Crypto.Hash import keccak as pycryptodome_keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.keccak import keccak256


def test_known_digests_use_keccak_padding_not_sha3() -> None:
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"abc").hex() == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_keccak_matches_pycryptodome_across_block_boundaries(data: bytes) -> None:
    assert keccak256(data) == pycryptodome_keccak.new(digest_bits=256, data=data).digest()


def test_keccak_takes_bytearray_and_memoryview() -> None:
    assert keccak256(bytearray(b"abc")) == keccak256(memoryview(b"abc")) == keccak256(b"abc")
