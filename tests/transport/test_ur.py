"""UR strings (BCR-2020-005): grammar, single and multipart encode/decode, hostile input."""

from __future__ import annotations

import random

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_vectors import cases

from signer.transport import bytewords
from signer.transport.errors import ForeignPartError, TransportError
from signer.transport.fountain import FountainPart, choose_fragments
from signer.transport.ur import UR, URDecoder, UREncoder, decode_single, encode_single, fragment_count, is_ur
from signer.transport.xoshiro import make_test_message

UR_VECTORS = "ur/bc-ur-fountain-bytewords-vectors.json"
WOLF_PARTS = "ur/ur-bytes-256-wolf-frag30-parts.txt"

# Embedded key vectors (PROTOCOLS.md 1.1 and 1.8).
BYTES_50 = (
    "ur:bytes/hdeymejtswhhylkepmykhhtsytsnoyoyaxaedsuttydmmhhpktpmsrjtgwdpfnsboxgwlbaawzuefywkdp"
    "lrsrjynbvygabwjldapfcsdwkbrkch"
)
SEED_UR = "ur:seed/oyadgdstaslplabghydrpfmkbggufgludprfgmamdpwmox"
WOLF_1 = (
    "ur:bytes/1-9/lpadascfadaxcywenbpljkhdcahkadaemejtswhhylkepmyk"
    "hhtsytsnoyoyaxaedsuttydmmhhpktpmsrjtdkgslpgh"
)
WOLF_20 = (
    "ur:bytes/20-9/lpbbascfadaxcywenbpljkhdcayapmrleeleaxpasfrtrdk"
    "ncffwjyjzgyetdmlewtkpktgllepfrltataztksmhkbot"
)
SHORT_CRC_PART = (
    "ur:crypto-psbt/20-29/lpbbcscacfcmcpcybbrsptskhdssdtsbtkdechrhpkhkvwmdmnksgdaoaeaeaeaeaechptbbeodkpletlbldamj"
    "opmbnpeplwmfzltzthgoeqzteltlgaychaeaeaeaeaechptbbfxsawkidltenbskpjlfeflmnclpkemtpwpmhmhioltkecsamaeaeaeaeaech"
    "ptbbintkmwzmynknkezcbgkthdfezopaynprmefthpkgltaeaeaeaeadaddnemmdaaaeaeaeaeaecpaecxhdgwfdvtsphdolbnkigeteeclk"
    "osoxlpjssnfxsgclahesjsvturdyjzcwsrkndtadahtkghclaofstdlnuysaasiesfdnrkhsmnjztonlpsldwftdmninoxehhnkotodrwpch"
    "rorhdaclaeetwdvl"
)


def _wolf_ur() -> UR:
    return UR("bytes", cbor2.dumps(make_test_message(256)))


def _part_of(text: str) -> FountainPart:
    return FountainPart.from_cbor(bytewords.decode(text.rsplit("/", 1)[1]))


def _rebody(text: str, part_cbor: bytes) -> str:
    """Same prefix, new body with a valid bytewords checksum (to reach the CBOR checks)."""
    return text.rsplit("/", 1)[0] + "/" + bytewords.encode(part_cbor)


# -- embedded vectors ----------------------------------------------------------------------------------------
def test_embedded_single_part_bytes():
    ur = decode_single(BYTES_50)
    assert ur == UR("bytes", cbor2.dumps(make_test_message(50)))
    assert encode_single(ur) == BYTES_50


def test_embedded_seed_example():
    ur = decode_single(SEED_UR.upper())
    assert ur.type == "seed" and ur.cbor.hex() == "a10150c7098580125e2ab0981253468b2dbc52"


def test_embedded_wolf_parts_are_what_the_encoder_emits():
    encoder = UREncoder(_wolf_ur(), 30)
    parts = [encoder.next_part() for _ in range(20)]
    assert (encoder.seq_len, encoder.fragment_len) == (9, 29)
    assert parts[0] == WOLF_1 and parts[19] == WOLF_20


def test_embedded_short_crc_regression_part_parses():
    decoder = URDecoder()
    assert decoder.receive(SHORT_CRC_PART) is True
    part = _part_of(SHORT_CRC_PART)
    assert (part.seq_num, part.seq_len, part.message_len, part.checksum) == (20, 29, 5666, 348105157)
    assert len(part.data) == 196
    assert decoder.expected_parts == 29 and decoder.ur_type == "crypto-psbt"


# -- public vectors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("vector", cases(UR_VECTORS, lambda d: [("single-bytes-50", d["single_part_ur"])]))
def test_public_single_part(vector):
    ur = decode_single(vector["ur"])
    assert ur.type == vector["type"] and ur.cbor.hex() == vector["cbor_hex"]
    assert cbor2.loads(ur.cbor).hex() == vector["message_hex"]
    assert encode_single(ur) == vector["ur"]


def _wolf_part_cases(data):
    for p in data["multipart_ur"]["parts"]:
        yield f"wolf-{p['seq_num']}-of-{p['seq_len']}", (data["multipart_ur"], p)


@pytest.mark.parametrize("vector", cases(UR_VECTORS, _wolf_part_cases))
def test_public_wolf_part(vector):
    stream, p = vector
    ur = UR(stream["type"], bytes.fromhex(stream["ur_cbor_hex"]))
    encoder = UREncoder(ur, stream["max_fragment_len"], stream["min_fragment_len"], stream["first_seq_num"])
    emitted = [encoder.next_part() for _ in range(p["seq_num"])]
    assert emitted[-1] == p["ur"]
    part = _part_of(p["ur"].upper())
    assert part.to_cbor().hex() == p["part_cbor_hex"]
    assert (part.seq_num, part.seq_len) == (p["seq_num"], p["seq_len"])
    assert part.data.hex() == p["data_hex"]
    assert sorted(choose_fragments(part.seq_num, part.seq_len, part.checksum)) == sorted(
        p["fragment_indexes"]
    )
    decoder = URDecoder()
    assert decoder.receive(p["ur"]) is True
    assert decoder.expected_parts == 9


@pytest.mark.parametrize(
    "vector", cases(UR_VECTORS, lambda d: [("32767-first-part", d["multipart_roundtrip_32767"])])
)
def test_public_first_part_of_32767_stream(vector):
    ur = UR("bytes", cbor2.dumps(make_test_message(32767)))
    encoder = UREncoder(ur, vector["max_fragment_len"], 10, vector["first_seq_num"])
    assert (encoder.seq_len, encoder.fragment_len) == (vector["seq_len"], vector["fragment_len"])
    expected_prefix = vector["first_part_(computed)"].removesuffix("...")
    assert encoder.next_part().startswith(expected_prefix)


def _wolf_file_cases(text):
    lines = [line.strip() for line in text.splitlines() if line.startswith("ur:")]
    yield "wolf-file-20-parts", lines


@pytest.mark.parametrize("vector", cases(WOLF_PARTS, _wolf_file_cases))
def test_public_wolf_file_decodes_in_any_order(vector):
    assert len(vector) == 20
    for seed in range(3):
        order = vector[:]
        random.Random(seed).shuffle(order)
        decoder = URDecoder()
        for text in order:
            decoder.receive(text.upper())
            if decoder.is_complete:
                break
        assert decoder.result == _wolf_ur()


@pytest.mark.parametrize("vector", cases(UR_VECTORS, lambda d: [("short-crc32", d["short_checksum_part"])]))
def test_public_short_checksum_part(vector):
    part = _part_of(vector["ur"])
    expected = vector["decoded"]
    assert part.to_cbor().hex() == expected["part_cbor_hex"]
    assert (part.seq_num, part.seq_len, part.message_len, part.checksum) == (
        expected["seq_num"],
        expected["seq_len"],
        expected["message_len"],
        expected["checksum"],
    )
    assert len(part.data) == expected["data_len"]
    assert URDecoder().receive(vector["ur"]) is True


# -- grammar -------------------------------------------------------------------------------------------------
def test_is_ur_is_a_cheap_case_insensitive_prefix_check():
    assert is_ur("ur:bytes/x") and is_ur("UR:BYTES/X") and is_ur("Ur:")
    assert not is_ur("B$HP0100") and not is_ur("") and not is_ur(b"ur:bytes") and not is_ur(None)


def test_empty_path_components_are_dropped():
    assert decode_single(BYTES_50.replace("ur:bytes/", "ur:bytes//")) == decode_single(BYTES_50)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("bytes/" + BYTES_50[9:], "must start with 'ur:'"),
        ("ur:bytes", "type and a body"),
        ("ur:by_tes/" + BYTES_50[9:], "only a-z"),
        ("ur:bytes/1-9/2-9/" + BYTES_50[9:], "too many"),
        (WOLF_1, "multipart"),
        (BYTES_50[:-2], "checksum"),
        (BYTES_50[:-1], "odd number"),
        (BYTES_50 + "\n", "invalid word|odd"),
        ("ur:bytés/" + BYTES_50[9:], "non-ASCII"),
        (12345, "must be text"),
    ],
)
def test_decode_single_rejects(text, match):
    with pytest.raises(TransportError, match=match):
        decode_single(text)


@pytest.mark.parametrize(
    "seq", ["0-9", "1-0", "a-9", "1+9", "1--9", "19", "-1-9", "99999999999-9", "4294967296-9"]
)
def test_bad_sequence_component_is_rejected(seq):
    with pytest.raises(TransportError):
        URDecoder().receive(WOLF_1.replace("/1-9/", f"/{seq}/"))


def test_sequence_component_must_match_the_part():
    decoder = URDecoder()
    with pytest.raises(TransportError, match="says 2-9"):
        decoder.receive(WOLF_1.replace("/1-9/", "/2-9/"))
    with pytest.raises(TransportError, match="says 1-8"):
        decoder.receive(WOLF_1.replace("/1-9/", "/1-8/"))
    assert decoder.expected_parts is None and decoder.received_parts == 0


def test_ur_repr_hides_payload_and_type_is_validated():
    ur = UR("crypto-seed", bytes.fromhex("a10150c7098580125e2ab0981253468b2dbc52"))
    assert "c7098580" not in repr(ur) and "19 bytes" in repr(ur)
    for bad_type in ("", "Bytes", "a/b", "a b"):
        with pytest.raises(TransportError):
            UR(bad_type, b"\x40")
    with pytest.raises(TransportError):
        UR("bytes", b"")


# -- decoder behaviour -------------------------------------------------------------------------------------
def test_single_part_completes_and_repeats_are_harmless():
    decoder = URDecoder()
    with pytest.raises(TransportError, match="not complete"):
        _ = decoder.result
    assert decoder.receive(BYTES_50) is True
    assert decoder.is_complete and decoder.progress == 1.0 and decoder.expected_parts == 1
    assert decoder.receive(BYTES_50.upper()) is False
    assert decoder.result == decode_single(BYTES_50)
    with pytest.raises(ForeignPartError):
        decoder.receive(encode_single(UR("bytes", cbor2.dumps(b"other"))))
    with pytest.raises(ForeignPartError):
        decoder.receive(WOLF_1)


def test_foreign_type_and_foreign_message_are_refused_without_change():
    decoder = URDecoder()
    decoder.receive(WOLF_1)
    other_type = WOLF_1.replace("ur:bytes/", "ur:crypto-psbt/")
    with pytest.raises(ForeignPartError, match="crypto-psbt"):
        decoder.receive(other_type)
    other_message = UREncoder(UR("bytes", cbor2.dumps(make_test_message(256, "Other"))), 30).next_part()
    with pytest.raises(ForeignPartError):
        decoder.receive(other_message)
    with pytest.raises(ForeignPartError):
        decoder.receive(BYTES_50)
    assert (decoder.received_parts, decoder.solved_fragments, decoder.ur_type) == (1, 1, "bytes")


def test_part_with_absurd_header_is_refused():
    part = FountainPart(1, 2**31, 2**32 - 1, 0, bytes(2))
    with pytest.raises(TransportError, match=r"exceeds the limit|seqLen"):
        URDecoder().receive(_rebody(WOLF_1.replace("/1-9/", f"/1-{2**31}/"), part.to_cbor()))
    huge = FountainPart(1, 1, 2**32 - 1, 0, bytes(20))
    with pytest.raises(TransportError, match="seqLen does not match"):
        URDecoder().receive(_rebody(WOLF_1.replace("/1-9/", "/1-1/"), huge.to_cbor()))


def test_truncated_and_corrupted_bodies_are_refused():
    decoder = URDecoder()
    for text in (WOLF_1[:-10], WOLF_1[:-1], WOLF_1.replace("lpad", "lpae", 1), WOLF_1 + "ae"):
        with pytest.raises(TransportError):
            decoder.receive(text)
    assert decoder.expected_parts is None


def test_oversized_text_is_refused_before_parsing():
    with pytest.raises(TransportError, match="longer"):
        URDecoder(max_message_len=100).receive("ur:bytes/" + "ae" * 1000)


def test_encoder_single_part_when_message_fits():
    ur = decode_single(BYTES_50)
    encoder = UREncoder(ur, 100)
    assert encoder.is_single_part and encoder.seq_len == 1
    assert encoder.next_part() == BYTES_50 == encoder.next_part()
    assert fragment_count(len(ur.cbor), 100) == 1
    assert fragment_count(259, 30) == 9


# -- properties ----------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    st.binary(min_size=1, max_size=2000),
    st.integers(10, 300),
    st.sampled_from(["bytes", "crypto-psbt", "eth-sign-request", "x-1"]),
    st.integers(0, 2**16),
)
def test_round_trip_random_messages(payload, max_fragment_len, ur_type, seed):
    ur = UR(ur_type, cbor2.dumps(payload))
    encoder = UREncoder(ur, max_fragment_len)
    assert encoder.seq_len == fragment_count(len(ur.cbor), max_fragment_len)
    rng = random.Random(seed)
    frames = [encoder.next_part() for _ in range(encoder.seq_len * 3 + 5)]
    rng.shuffle(frames)
    decoder = URDecoder()
    for text in frames:
        decoder.receive(text.upper() if rng.random() < 0.5 else text)
        if decoder.is_complete:
            break
    assert decoder.is_complete and decoder.result == ur
