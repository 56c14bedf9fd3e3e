"""Property tests: any mutation of a valid PSBT ends in a review/refusal or a clean PsbtError."""

from __future__ import annotations

import pytest
from builders import Wallet, build_psbt, external, root_from
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signer.btc import BtcKeys, load_psbt, review_psbt, sign_reviewed
from signer.errors import AirlockError

ROOT = root_from()
KEYS = BtcKeys(ROOT, "main")
SEEDS = {
    kind: build_psbt(
        [Wallet(ROOT, kind).utxo(100_000, 0, 1, salt=1)],
        [external(60_000), Wallet(ROOT, kind).change(39_000, 2)],
        version=v,
    )
    for kind, v in (("p2wpkh", 0), ("p2tr", 2), ("p2sh-p2wpkh", 2), ("p2pkh", 0))
}


def _exercise(data: bytes) -> None:
    try:
        psbt = load_psbt(data)
        review = review_psbt(psbt, KEYS)
        review.to_json()
        review.to_text()
        if review.can_sign:
            sign_reviewed(review, KEYS, accept_risk=True)
    except AirlockError:
        pass  # a clean, specific error is the expected outcome for damaged input


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(SEEDS)), data=st.data())
def test_random_byte_mutations(kind: str, data: st.DataObject) -> None:
    raw = bytearray(SEEDS[kind])
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        pos = data.draw(st.integers(0, len(raw) - 1))
        if op == "flip":
            raw[pos] ^= 1 << data.draw(st.integers(0, 7))
        elif op == "insert":
            raw[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del raw[pos : pos + data.draw(st.integers(1, 8))]
        else:
            del raw[pos:]
        if not raw:
            raw = bytearray(b"psbt\xff")
    _exercise(bytes(raw))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_after_magic(tail: bytes) -> None:
    _exercise(b"psbt\xff" + tail)


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_seeds_are_signable(kind: str) -> None:
    """The mutation seeds really reach signing, so the property tests exercise all stages."""
    review = review_psbt(load_psbt(SEEDS[kind]), KEYS)
    assert review.can_sign
