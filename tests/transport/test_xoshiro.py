"""Xoshiro256**, the alias sampler and shuffle: bit-exact with bc-ur (public vectors)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_vectors import cases

from signer.transport.bytewords import crc32
from signer.transport.errors import TransportError
from signer.transport.xoshiro import RandomSampler, Xoshiro256, make_test_message

UR_VECTORS = "ur/bc-ur-fountain-bytewords-vectors.json"


# -- embedded key vectors (PROTOCOLS.md 1.4 / 1.5) ----------------------------------------------------
def test_embedded_rng_sequences():
    assert [Xoshiro256("Wolf").next() % 100 for _ in range(1)] == [42]
    rng = Xoshiro256("Wolf")
    assert [rng.next() % 100 for _ in range(5)] == [42, 81, 85, 8, 82]
    rng = Xoshiro256.from_crc32(crc32(b"Wolf"))
    assert [rng.next() % 100 for _ in range(3)] == [88, 44, 94]
    rng = Xoshiro256("Wolf")
    assert [rng.next_int(1, 10) for _ in range(4)] == [6, 5, 8, 4]


def test_embedded_make_message_prefix():
    assert make_test_message(10).hex() == "916ec65cf77cadf55cd7"


def test_embedded_sampler_prefix():
    rng = Xoshiro256("Wolf")
    sampler = RandomSampler([1, 2, 4, 8])
    assert [sampler.next(rng) for _ in range(9)] == [3, 3, 3, 3, 3, 3, 3, 0, 2]


def test_seed_forms_agree():
    """String, bytes and CRC seeds all hash the given bytes with SHA-256."""
    assert Xoshiro256("Wolf").next() == Xoshiro256(b"Wolf").next()
    assert Xoshiro256.from_crc32(0x598C84DC).next() == Xoshiro256(bytes.fromhex("598c84dc")).next()


def _first_output(digest: bytes) -> int:
    mask = 2**64 - 1
    s1 = int.from_bytes(digest[8:16], "big")
    x = (s1 * 5) & mask
    return ((((x << 7) | (x >> 57)) & mask) * 9) & mask


def test_state_is_sha256_big_endian():
    assert Xoshiro256("Wolf").next() == _first_output(hashlib.sha256(b"Wolf").digest())
    assert Xoshiro256(b"other").next() == _first_output(hashlib.sha256(b"other").digest())


# -- public vectors ----------------------------------------------------------------------------------
def _rng_cases(data):
    x = data["xoshiro256"]
    yield "rng1-Wolf-mod100", ("rng1", x["rng1"]["expected"])
    yield "rng2-crc-mod100", ("rng2", x["rng2"]["expected"])
    yield "rng3-next_int-1-10", ("rng3", x["rng3"]["expected"])
    yield "first5-u64", ("u64", [int(v) for v in x["extra_first_5_u64_seed_Wolf_(computed)"]])
    yield "sha256-Wolf-state", ("state", x["sha256_Wolf_(computed)"])


@pytest.mark.parametrize("vector", cases(UR_VECTORS, _rng_cases))
def test_public_rng_vector(vector):
    kind, expected = vector
    if kind == "rng1":
        rng = Xoshiro256("Wolf")
        got = [rng.next() % 100 for _ in expected]
    elif kind == "rng2":
        rng = Xoshiro256.from_crc32(crc32(b"Wolf"))
        got = [rng.next() % 100 for _ in expected]
    elif kind == "rng3":
        rng = Xoshiro256("Wolf")
        got = [rng.next_int(1, 10) for _ in expected]
    elif kind == "state":
        # The vector's SHA-256("Wolf") is the state: s[1] (bytes 8..16, big-endian) alone gives
        # the first output, result = rotl(s1 * 5, 7) * 9.
        digest = bytes.fromhex(expected)
        assert hashlib.sha256(b"Wolf").digest() == digest
        assert Xoshiro256("Wolf").next() == _first_output(digest)
        return
    else:
        rng = Xoshiro256("Wolf")
        got = [rng.next() for _ in expected]
    assert got == expected


@pytest.mark.parametrize("vector", cases(UR_VECTORS, lambda d: [("sampler-1-2-4-8", d["random_sampler"])]))
def test_public_sampler_vector(vector):
    rng = Xoshiro256("Wolf")
    sampler = RandomSampler(vector["probs"])
    samples = [sampler.next(rng) for _ in range(vector["count"])]
    assert samples == vector["expected"]
    assert [samples.count(i) for i in range(4)] == vector["totals"]


@pytest.mark.parametrize("vector", cases(UR_VECTORS, lambda d: [("shuffle-bc-ur", d["shuffle"]["bc-ur"])]))
def test_public_shuffle_vector_bc_ur(vector):
    rng = Xoshiro256("Wolf")
    assert [rng.shuffled(vector["values"]) for _ in vector["expected"]] == vector["expected"]


@pytest.mark.parametrize(
    "vector", cases(UR_VECTORS, lambda d: [("shuffle-urkit-prefixes", d["shuffle"]["URKit/BCR-2024-001"])])
)
def test_public_shuffle_prefixes_urkit(vector):
    for count, expected in enumerate(vector["expected"], start=1):
        assert Xoshiro256("Wolf").shuffled(vector["values"], count) == expected


@pytest.mark.parametrize(
    "vector", cases(UR_VECTORS, lambda d: [("make_message-1024", d["partition_and_join"])])
)
def test_public_make_message(vector):
    message = make_test_message(1024)
    assert message.hex() == vector["message_hex"]
    assert crc32(message) == vector["crc32"]


# -- properties ----------------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40), st.integers(0, 2**32), st.integers(0, 2**32))
def test_next_int_stays_in_range(seed, a, b):
    low, high = min(a, b), max(a, b)
    rng = Xoshiro256(seed)
    for _ in range(20):
        assert low <= rng.next_int(low, high) <= high


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=40), st.lists(st.integers(), max_size=30), st.integers(0, 40))
def test_partial_shuffle_is_prefix_of_full_shuffle(seed, items, count):
    full = Xoshiro256(seed).shuffled(items)
    assert sorted(full) == sorted(items)
    assert Xoshiro256(seed).shuffled(items, count) == full[:count]


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_sampler_rejects_bad_weights(weights):
    with pytest.raises(TransportError):
        RandomSampler(weights)
