"""Property fuzzing of everything that parses scanned QR content: any input ends in a result or a
clean TransportError, never another exception. (tests/fuzz/fuzz_assembler.py is the atheris twin.)"""

from __future__ import annotations

import random

import cbor2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signer.transport import bbqr, plain, seedqr
from signer.transport.assembler import Assembler
from signer.transport.errors import TransportError
from signer.transport.payload import Payload
from signer.transport.ur import UR, UREncoder

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_UR_PARTS = [
    UREncoder(UR("bytes", cbor2.dumps(random.Random(1).randbytes(120))), 20).next_part() for _ in range(12)
]
_UR_PSBT = [
    UREncoder(UR("crypto-psbt", cbor2.dumps(b"psbt\xff" + bytes(60))), 20).next_part() for _ in range(6)
]
_BBQR_PARTS = list(bbqr.split(random.Random(2).randbytes(300), "B", min_version=1, max_version=3).parts)
_BBQR_Z = list(bbqr.split(b"psbt\xff" + b"ab" * 300, "P", min_version=1, max_version=4).parts)
_SINGLES = [
    "192402220235174306311124037817700641198012901210",
    "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
    "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0.1&label=x",
    "ethereum:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed@1?value=1e18",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "cHNidP8BAAoCAAAAAAAAAAAAAAA=",
    '{"descriptor": "wpkh(xpub)"}',
]
VALID = _UR_PARTS + _UR_PSBT + _BBQR_PARTS + _BBQR_Z + _SINGLES


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid frame with a few random edits (replace, delete, insert, case flip, truncate)."""
    text = list(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        op = draw(st.integers(0, 4))
        at = draw(st.integers(0, len(text) - 1))
        if op == 0:
            text[at] = draw(st.characters(codec="ascii"))
        elif op == 1:
            del text[at]
        elif op == 2:
            text.insert(at, draw(st.sampled_from("0123456789ABCDEFZ/-:$?=&.")))
        elif op == 3:
            text[at] = text[at].swapcase()
        else:
            text = text[:at]
    return "".join(text)


ur_like = st.builds(
    lambda t, seq, body: f"ur:{t}/{seq}{body}",
    st.sampled_from(["bytes", "crypto-psbt", "psbt", "eth-sign-request", "crypto-seed", "x", "BYTES"]),
    st.one_of(st.just(""), st.builds(lambda a, b: f"{a}-{b}/", st.integers(0, 2**33), st.integers(0, 2**33))),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=200),
)
bbqr_like = st.builds(
    lambda enc, ft, total, index, body: f"B${enc}{ft}{total}{index}{body}",
    st.sampled_from("H2ZX"),
    st.sampled_from("PTJCUBXA"),
    st.text(alphabet="0123456789AZ+ ", min_size=2, max_size=2),
    st.text(alphabet="0123456789AZ+ ", min_size=2, max_size=2),
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=", max_size=300),
)
frame = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300),
    st.binary(min_size=16, max_size=16),
    st.binary(min_size=32, max_size=32),
    st.text(alphabet="0123456789", min_size=48, max_size=48),
    st.text(alphabet="0123456789", min_size=96, max_size=96),
    ur_like,
    bbqr_like,
    mutated(),
    st.sampled_from(VALID),
)


@FUZZ
@given(frames=st.lists(frame, max_size=12), max_bytes=st.sampled_from([64, 1000, 2 * 1024 * 1024]))
def test_assembler_add_never_raises_anything_else(frames: list[str | bytes], max_bytes: int) -> None:
    assembler = Assembler(max_bytes=max_bytes)
    for item in frames:
        try:
            status = assembler.add(item)
        except TransportError:
            continue
        assert status.outcome in ("new", "duplicate", "garbage", "foreign")
        assert (status.reason is None) == status.accepted
        assert 0.0 <= status.progress <= 1.0
        status.describe()
        if assembler.is_complete:
            assert isinstance(assembler.result, Payload)


@FUZZ
@given(parts=st.lists(st.one_of(bbqr_like, mutated(), st.sampled_from(_BBQR_PARTS + _BBQR_Z)), max_size=8))
def test_bbqr_join_never_raises_anything_else(parts: list[str]) -> None:
    try:
        message = bbqr.join(parts, max_bytes=100_000)
    except TransportError:
        return
    assert isinstance(message.data, bytes) and message.data


@FUZZ
@given(
    content=st.one_of(
        st.text(max_size=120), st.binary(max_size=120), st.text(alphabet="0123456789", max_size=100)
    )
)
def test_seedqr_decode_never_raises_anything_else(content: str | bytes) -> None:
    try:
        decoded = seedqr.decode(content)
    except TransportError:
        return
    assert len(decoded.entropy) in (16, 32) and len(decoded.words) in (12, 24)


@FUZZ
@given(content=st.one_of(st.text(max_size=300), st.binary(max_size=300), mutated()))
def test_plain_recognise_never_raises_anything_else(content: str | bytes) -> None:
    try:
        payload = plain.recognise(content)
    except TransportError:
        return
    assert payload is None or (payload.format == "plain" and isinstance(payload.data, bytes))
