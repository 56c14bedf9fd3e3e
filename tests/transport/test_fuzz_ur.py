"""Hypothesis-driven fuzzing of the UR entry points: every input ends in a result or TransportError."""

from __future__ import annotations

import cbor2
from fuzz.fuzz_ur import fuzz_one_input
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signer.transport import bytewords
from signer.transport.errors import TransportError
from signer.transport.ur import UR, URDecoder, UREncoder
from signer.transport.urtypes import REGISTRY, decode_ur
from signer.transport.xoshiro import make_test_message

FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Valid payloads to mutate (from PROTOCOLS.md 2.x vectors): seed, master hdkey, crypto-output pkh.
SEEDS = {
    "crypto-seed": "a20150c7098580125e2ab0981253468b2dbc5202d8641947da",
    "crypto-hdkey": "a301f503582100e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35"
    "045820873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508",
    "crypto-output": "d90193d90132a103582102c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5",
    "eth-signature": "a301d825509b1deb4d3b7d4bad9bdd2b0d7b3dcb6d025841d4f0a7bcd95bba1fbb1051885054730e"
    "3f47064288575aacc102fbbf6a9a14daa066991e360d3e3406c20c00a40973eff37c7d641e5b351ec4a99bfe86f335f713"
    "03686b657973746f6e65",
}
WOLF = UR("bytes", cbor2.dumps(make_test_message(256)))
_WOLF_ENCODER = UREncoder(WOLF, 30)
WOLF_PARTS = [_WOLF_ENCODER.next_part() for _ in range(30)]


def _outcome(call):
    try:
        return call()
    except TransportError:
        return None


@FAST
@given(st.binary(max_size=600))
def test_fuzz_target_never_raises(data):
    fuzz_one_input(data)


@FAST
@given(st.text(max_size=300))
def test_random_text_to_decoder(text):
    _outcome(lambda: URDecoder().receive(text))


@FAST
@given(st.sampled_from(sorted(REGISTRY)), st.binary(min_size=1, max_size=300))
def test_random_bytes_to_decode_ur(ur_type, payload):
    _outcome(lambda: decode_ur(UR(ur_type, payload)))


@FAST
@given(st.sampled_from(sorted(SEEDS)), st.data())
def test_mutated_registry_payloads(ur_type, draw):
    payload = bytearray(bytes.fromhex(SEEDS[ur_type]))
    for _ in range(draw.draw(st.integers(1, 4))):
        op = draw.draw(st.sampled_from(["set", "insert", "delete", "cut"]))
        at = draw.draw(st.integers(0, len(payload)))
        if op == "set" and at < len(payload):
            payload[at] = draw.draw(st.integers(0, 255))
        elif op == "insert":
            payload.insert(at, draw.draw(st.integers(0, 255)))
        elif op == "delete" and at < len(payload):
            del payload[at]
        elif op == "cut":
            del payload[at:]
    if payload:
        _outcome(lambda: decode_ur(UR(ur_type, bytes(payload))))


_cbor_leaf = st.one_of(
    st.integers(-(2**64), 2**64 - 1), st.binary(max_size=40), st.text(max_size=10), st.booleans(), st.none()
)
_cbor_values = st.recursive(
    _cbor_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.dictionaries(st.integers(0, 12), inner, max_size=6),
        st.builds(
            cbor2.CBORTag,
            st.sampled_from([37, 100, 303, 304, 305, 306, 308, 400, 401, 403, 406, 40303]),
            inner,
        ),
    ),
    max_leaves=20,
)


@FAST
@given(st.sampled_from(sorted(REGISTRY)), _cbor_values)
def test_structured_cbor_to_decode_ur(ur_type, value):
    _outcome(lambda: decode_ur(UR(ur_type, cbor2.dumps(value, canonical=True))))


@FAST
@given(st.lists(st.one_of(st.integers(0, 2**33), st.binary(max_size=64), st.text(max_size=4)), max_size=7))
def test_structured_part_cbor_with_valid_checksum(items):
    text = "ur:bytes/1-1/" + bytewords.encode(cbor2.dumps(items))
    _outcome(lambda: URDecoder().receive(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mixed_good_and_tampered_parts_never_yield_a_wrong_message(draw):
    """Tampered parts (valid bytewords checksum, altered CBOR) may stop the decoder, never fool it."""
    decoder = URDecoder()
    for _ in range(draw.draw(st.integers(1, 40))):
        text = WOLF_PARTS[draw.draw(st.integers(0, len(WOLF_PARTS) - 1))]
        if draw.draw(st.booleans()):
            prefix, body = text.rsplit("/", 1)
            cbor = bytearray(bytewords.decode(body))
            at = draw.draw(st.integers(0, len(cbor) - 1))
            cbor[at] ^= draw.draw(st.integers(1, 255))
            text = f"{prefix}/{bytewords.encode(bytes(cbor))}"
        _outcome(lambda text=text: decoder.receive(text))
        if decoder.is_complete:
            assert decoder.result == WOLF
            break
