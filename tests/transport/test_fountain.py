"""Fountain encoder/decoder (BCR-2024-001): bc-ur vectors, loss and reordering, hostile parts."""

from __future__ import annotations

import random

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_vectors import cases

from signer.transport.bytewords import crc32
from signer.transport.errors import ForeignPartError, TransportError
from signer.transport.fountain import (
    FountainDecoder,
    FountainEncoder,
    FountainPart,
    choose_degree,
    choose_fragments,
    find_nominal_fragment_length,
    fragment_count,
    partition,
)
from signer.transport.xoshiro import Xoshiro256, make_test_message

UR_VECTORS = "ur/bc-ur-fountain-bytewords-vectors.json"


# -- embedded key vectors (PROTOCOLS.md 1.6) ------------------------------------------------------------
def test_embedded_part_cbor():
    part = FountainPart(12, 8, 100, 0x12345678, bytes.fromhex("0105030305"))
    assert part.to_cbor().hex() == "850c0818641a12345678450105030305"
    # from_cbor checks consistency (seqLen = ceil(100/5) = 20 != 8), so this example only encodes.
    with pytest.raises(TransportError, match="seqLen does not match"):
        FountainPart.from_cbor(part.to_cbor())


@pytest.mark.parametrize(
    ("length", "low", "high", "expected"),
    [(12345, 1005, 1955, 1764), (12345, 1005, 30000, 12345), (1024, 10, 100, 94), (259, 10, 30, 29)],
)
def test_embedded_nominal_fragment_length(length, low, high, expected):
    assert find_nominal_fragment_length(length, low, high) == expected


def test_embedded_choose_fragments():
    checksum = 0x2F19F3BB  # crc32(make_message(1024))
    assert [sorted(choose_fragments(n, 11, checksum)) for n in (1, 11, 12, 13, 14, 15)] == [
        [0],
        [10],
        [9],
        [2, 5, 6, 8, 9, 10],
        [8],
        [1, 5],
    ]


def test_embedded_256_wolf_header():
    encoder = FountainEncoder(make_test_message(256), 30)
    first = encoder.next_part()
    assert (encoder.fragment_len, encoder.seq_len, encoder.checksum) == (29, 9, 23570951)
    assert first.to_cbor().hex().startswith("8501091901001a0167aa07581d916ec65cf77cadf55cd7")


def test_short_message_and_bad_parameters():
    assert find_nominal_fragment_length(5, 10, 100) == 5  # shorter than min: one fragment
    assert fragment_count(1024, 100) == 11 and fragment_count(5, 100) == 1
    for args in ((0, 10, 100), (100, 0, 100), (100, 50, 40)):
        with pytest.raises(TransportError):
            find_nominal_fragment_length(*args)
    with pytest.raises(TransportError):
        FountainEncoder(b"", 100)


# -- public vectors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "vector",
    cases(
        UR_VECTORS,
        lambda d: [
            (f"{v['message_len']}-{v['min']}-{v['max']}", v) for v in d["find_nominal_fragment_length"]
        ],
    ),
)
def test_public_nominal_fragment_length(vector):
    assert (
        find_nominal_fragment_length(vector["message_len"], vector["min"], vector["max"])
        == vector["expected"]
    )


@pytest.mark.parametrize(
    "vector",
    cases(
        UR_VECTORS, lambda d: [("part-cbor-example", d["fountain_encoder_raw_message"]["part_cbor_example"])]
    ),
)
def test_public_part_cbor_example(vector):
    part = FountainPart(
        vector["seqNum"],
        vector["seqLen"],
        vector["messageLen"],
        vector["checksum"],
        bytes.fromhex(vector["data_hex"]),
    )
    assert part.to_cbor().hex() == vector["cbor_hex"]


@pytest.mark.parametrize("vector", cases(UR_VECTORS, lambda d: [("partition-1024", d["partition_and_join"])]))
def test_public_partition(vector):
    message = bytes.fromhex(vector["message_hex"])
    fragment_len = find_nominal_fragment_length(len(message), 10, 100)
    assert fragment_len == vector["fragment_len"]
    fragments = partition(message, fragment_len)
    assert [f.hex() for f in fragments] == vector["fragments_hex"]
    assert b"".join(fragments)[: len(message)] == message


def _choose_fragment_cases(data):
    c = data["choose_fragments"]
    for seq, expected in enumerate(c["expected_seq_1_to_50_sorted"], start=1):
        yield f"seq-{seq}", (seq, c["seq_len"], c["checksum"], expected)


@pytest.mark.parametrize("vector", cases(UR_VECTORS, _choose_fragment_cases))
def test_public_choose_fragments(vector):
    seq, seq_len, checksum, expected = vector
    assert sorted(choose_fragments(seq, seq_len, checksum)) == expected


@pytest.mark.parametrize("vector", cases(UR_VECTORS, lambda d: [("choose-degree", d["choose_degree"])]))
def test_public_choose_degree(vector):
    seq_len = vector["seq_len"]
    fresh = [choose_degree(seq_len, Xoshiro256(f"Wolf-{n}")) for n in range(1, 201)]
    assert fresh == vector["bc-ur"]["expected"]
    rng = Xoshiro256("Wolf")
    shared = [choose_degree(seq_len, rng) for _ in range(1000)]
    assert shared == vector["URKit"]["expected"]
    assert [shared.count(d) for d in range(1, 12)] == vector["URKit"]["totals_by_degree_1_to_11"]


@pytest.mark.parametrize("vector", cases(UR_VECTORS, lambda d: [("xor", d["xor"])]))
def test_public_xor(vector):
    """Mixing is XOR: a part mixing fragments a and b carries a ^ b."""
    a, b = bytes.fromhex(vector["data1"]), bytes.fromhex(vector["data2"])
    mixed = (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")
    assert mixed.hex() == vector["xor"]


def _encoder_part_cases(data):
    v = data["fountain_encoder_raw_message"]
    for i, (desc, cbor_hex) in enumerate(zip(v["parts_description"], v["parts_cbor_hex"], strict=True)):
        yield f"part-{i + 1}", (v, i, desc, cbor_hex)


@pytest.mark.parametrize("vector", cases(UR_VECTORS, _encoder_part_cases))
def test_public_fountain_encoder_part(vector):
    v, index, description, cbor_hex = vector
    encoder = FountainEncoder(bytes.fromhex(v["message_hex"]), v["max_fragment_len"])
    assert encoder.fragment_len == v["fragment_len"] and encoder.checksum == v["crc32"]
    parts = [encoder.next_part() for _ in range(index + 1)]
    part = parts[-1]
    assert part.to_cbor().hex() == cbor_hex
    assert description == (
        f"seqNum:{part.seq_num}, seqLen:{part.seq_len}, messageLen:{part.message_len}, "
        f"checksum:{part.checksum}, data:{part.data.hex()}"
    )
    assert FountainPart.from_cbor(bytes.fromhex(cbor_hex)) == part


@pytest.mark.parametrize(
    "vector", cases(UR_VECTORS, lambda d: [("32767-frag1000-first100", d["multipart_roundtrip_32767"])])
)
def test_public_round_trip_32767(vector):
    message = cbor2.dumps(make_test_message(32767))
    encoder = FountainEncoder(message, vector["max_fragment_len"], 10, vector["first_seq_num"])
    assert (encoder.seq_len, encoder.fragment_len) == (vector["seq_len"], vector["fragment_len"])
    decoder = FountainDecoder()
    consumed = 0
    while not decoder.is_complete:
        decoder.receive(encoder.next_part())
        consumed += 1
    assert decoder.result == message
    assert consumed == vector["parts_consumed_to_decode_(computed)"]


@pytest.mark.parametrize("vector", cases(UR_VECTORS, lambda d: [("rateless-only-256", d["multipart_ur"])]))
def test_public_rateless_only_decode(vector):
    message = bytes.fromhex(vector["ur_cbor_hex"])
    encoder = FountainEncoder(message, vector["max_fragment_len"])
    for _ in range(encoder.seq_len):
        encoder.next_part()  # drop every pure fragment
    decoder = FountainDecoder()
    consumed = 0
    while not decoder.is_complete:
        decoder.receive(encoder.next_part())
        consumed += 1
    assert decoder.result == message
    assert consumed == vector["rateless_only_decode_parts_needed_(computed)"]


# -- decoder behaviour --------------------------------------------------------------------------------------
def _stream(message: bytes, fragment_len: int, count: int, first_seq_num: int = 0) -> list[FountainPart]:
    encoder = FountainEncoder(message, fragment_len, 10, first_seq_num)
    return [encoder.next_part() for _ in range(count)]


def _decode(parts, decoder=None) -> tuple[FountainDecoder, int]:
    decoder = decoder or FountainDecoder()
    used = 0
    for part in parts:
        if decoder.is_complete:
            break
        decoder.receive(part)
        used += 1
    return decoder, used


def test_10kb_message_with_30_percent_loss_decodes():
    message = random.Random(7).randbytes(10 * 1024)
    rng = random.Random(30)
    kept = [p for p in _stream(message, 100, 400) if rng.random() >= 0.30]
    decoder, used = _decode(kept)
    assert decoder.is_complete and decoder.result == message
    assert decoder.progress == 1.0
    assert used < len(kept)


def test_parts_in_reverse_order_with_duplicates():
    message = make_test_message(1000)
    parts = _stream(message, 50, 20)
    decoder, _ = _decode([*reversed(parts), *parts])
    assert decoder.result == message


def test_progress_counts_and_duplicates():
    message = make_test_message(500)
    parts = _stream(message, 100, 5)
    decoder = FountainDecoder()
    assert decoder.progress == 0.0 and decoder.expected_parts is None
    assert decoder.receive(parts[0]) is True
    assert decoder.receive(parts[0]) is False  # a repeat teaches nothing
    assert decoder.received_parts == 2 and decoder.solved_fragments == 1
    assert decoder.expected_parts == 5 and decoder.progress == pytest.approx(0.2)
    with pytest.raises(TransportError, match="not complete"):
        _ = decoder.result
    for part in parts[1:]:
        decoder.receive(part)
    assert decoder.is_complete and decoder.result == message
    assert decoder.receive(parts[2]) is False


def test_part_of_another_message_is_refused_and_changes_nothing():
    decoder = FountainDecoder()
    ours = _stream(make_test_message(600), 100, 6)
    theirs = _stream(make_test_message(600, "Other"), 100, 6)
    decoder.receive(ours[0])
    with pytest.raises(ForeignPartError):
        decoder.receive(theirs[1])
    assert (decoder.received_parts, decoder.solved_fragments) == (1, 1)
    decoder, _ = _decode(ours[1:], decoder)
    assert decoder.result == make_test_message(600)


def test_pure_part_contradicting_a_known_fragment_is_refused():
    message = make_test_message(300)
    first = _stream(message, 100, 1)[0]
    forged = FountainPart(first.seq_num, first.seq_len, first.message_len, first.checksum, bytes(100))
    decoder = FountainDecoder()
    decoder.receive(first)
    with pytest.raises(ForeignPartError, match="conflicts"):
        decoder.receive(forged)


def test_tampered_fragment_fails_crc_and_decoder_stays_failed():
    message = make_test_message(300)
    parts = _stream(message, 100, 3)
    bad = FountainPart(3, 3, 300, parts[2].checksum, bytes([parts[2].data[0] ^ 1]) + parts[2].data[1:])
    decoder = FountainDecoder()
    decoder.receive(parts[0])
    decoder.receive(parts[1])
    with pytest.raises(TransportError, match="CRC-32"):
        decoder.receive(bad)
    assert not decoder.is_complete
    with pytest.raises(TransportError, match="CRC-32"):
        decoder.receive(parts[2])


def test_non_zero_padding_is_refused():
    message = make_test_message(250)
    parts = _stream(message, 100, 3)  # fragments of 84 bytes: 2 bytes of padding at the end
    last = parts[2]
    padded = FountainPart(
        last.seq_num, last.seq_len, last.message_len, last.checksum, last.data[:-1] + b"\x01"
    )
    decoder = FountainDecoder()
    with pytest.raises(TransportError, match="padding"):
        _decode([parts[0], parts[1], padded], decoder)


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ((0, 1, 10, 0, bytes(10)), "seqNum must be at least 1"),
        ((1, 0, 10, 0, bytes(10)), "at least 1"),
        ((1, 1, 0, 0, bytes(10)), "at least 1"),
        ((1, 1, 10, 0, b""), "at least 1"),
        ((1, 10**6, 10, 0, bytes(10)), "seqLen does not match"),
        ((1, 2, 10, 0, bytes(10)), "seqLen does not match"),
        ((1, 2**32, 10, 0, bytes(10)), "uint32"),
        ((1, 1, 10, -1, bytes(10)), "uint32"),
        ((True, 1, 10, 0, bytes(10)), "uint32"),
        ((1, 1, 10, 0, "text"), "byte string"),
    ],
)
def test_malformed_part_cbor_is_refused(fields, match):
    with pytest.raises(TransportError, match=match):
        FountainPart.from_cbor(cbor2.dumps(list(fields)))


@pytest.mark.parametrize(
    "data",
    [
        b"\x84\x01\x01\x01\x01",  # 4 items
        cbor2.dumps([1, 1, 10, 0, bytes(10)]) + b"\x00",  # trailing byte
        cbor2.dumps([1, 1, 10, 0, bytes(10)])[:-3],  # truncated
        bytes.fromhex("9f01010a0041ff"),  # indefinite-length array
        bytes.fromhex("85010a0a005b7fffffffffffffff"),  # absurd declared byte-string length
        b"\x81" * 5000,  # deep nesting
        bytes.fromhex("8501010a009a00100000") + b"\x80" * 0x100000,  # a million empty arrays
        b"",
    ],
)
def test_structurally_broken_part_cbor_is_refused(data):
    with pytest.raises(TransportError):
        FountainPart.from_cbor(data)


def test_limits_on_message_length_and_fragment_count():
    big = FountainPart(1, 2, 3_000_000, 0, bytes(1_500_000))
    with pytest.raises(TransportError, match="exceeds the limit"):
        FountainDecoder().receive(big)
    small_limit = FountainDecoder(max_message_len=1000)
    with pytest.raises(TransportError, match="exceeds the limit"):
        small_limit.receive(_stream(make_test_message(1001), 100, 1)[0])
    few = FountainDecoder(max_seq_len=10)
    with pytest.raises(TransportError, match="fragments exceed"):
        few.receive(_stream(make_test_message(1100), 100, 1)[0])
    assert few.expected_parts is None  # nothing was recorded


def test_stored_mixed_parts_are_bounded():
    message = random.Random(3).randbytes(20_000)
    decoder = FountainDecoder(max_mixed_bytes=1)  # the floor: a handful of mixed parts
    encoder = FountainEncoder(message, 100)
    for _ in range(encoder.seq_len):
        encoder.next_part()  # lose every pure fragment: only mixed parts arrive
    for _ in range(150):
        decoder.receive(encoder.next_part())
        assert decoder.pending_mixed_parts <= decoder.max_pending_mixed_parts
    # Dropping mixed parts slows decoding but never breaks it.
    while not decoder.is_complete:
        decoder.receive(encoder.next_part())
    assert decoder.result == message


def test_encoder_sequence_wraps_without_emitting_zero():
    encoder = FountainEncoder(make_test_message(100), 10, 10, first_seq_num=2**32 - 1)
    assert encoder.next_part().seq_num == 1
    assert encoder.is_complete is False


# -- properties -------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    st.binary(min_size=1, max_size=3000),
    st.integers(10, 400),
    st.floats(0.0, 0.6),
    st.integers(0, 2**32 - 1),
    st.integers(0, 2**16),
)
def test_round_trip_with_random_loss_and_order(message, max_fragment_len, loss, first_seq_num, seed):
    rng = random.Random(seed)
    encoder = FountainEncoder(message, max_fragment_len, 10, first_seq_num)
    decoder = FountainDecoder()
    window: list[FountainPart] = []
    for _ in range(encoder.seq_len * 20 + 50):
        part = encoder.next_part()
        if rng.random() >= loss:
            window.append(part)
        if len(window) >= 4 or rng.random() < 0.3:
            rng.shuffle(window)
            for p in window:
                decoder.receive(p)
            window.clear()
        if decoder.is_complete:
            break
    assert decoder.is_complete
    assert decoder.result == message and crc32(decoder.result) == encoder.checksum
