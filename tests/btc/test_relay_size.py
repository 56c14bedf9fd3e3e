"""A transaction nodes will not relay is named before it is signed: just under and just over the limits.

Taproot key-path inputs make the review's size estimate exact (a signature is 64 bytes, 65 with an
explicit sighash type), so each test signs and finalizes the PSBT and checks the finished
transaction's real weight is the one aimed at, then that the warning follows that weight.
"""

from __future__ import annotations

import pytest
from builders import Out, Wallet, build_psbt, external, root_from
from embit.script import Script, Witness

from signer.btc import BtcKeys, load_psbt, parse_psbt, review_psbt, sign_reviewed
from signer.btc.review_checks import MAX_STANDARD_TX_WEIGHT, TRUC_MAX_VSIZE
from signer.btc.sighash import Sighash
from signer.btc.wire import compact_bytes
from signer.review import Severity

AMOUNT = 10_000


def _plan(weight: int) -> tuple[int, int, int]:
    """(inputs, OP_RETURN data bytes, inputs with an explicit SIGHASH_ALL) for a finished transaction
    of exactly ``weight``: 4 x (version, counts, 41 per input, a P2WPKH output of 31 bytes, an
    OP_RETURN output of 11 + data bytes, locktime) + (marker and flag, 66 per taproot witness, +1
    per explicit sighash byte)."""
    n = (weight - 206) // 230
    while True:
        rest = weight - 206 - 4 * len(compact_bytes(n)) - 230 * n
        if 4 <= rest <= 4 * 75 + 3:
            return n, rest // 4, rest % 4
        n -= 1


def _finished_weight(raw: bytes) -> int:
    psbt = parse_psbt(raw)
    stripped = psbt.unsigned_tx()
    full = psbt.unsigned_tx()
    for txin, inp in zip(full.vin, psbt.inputs, strict=True):
        txin.script_sig = Script(inp.final_scriptsig or b"")
        txin.witness = Witness(inp.final_scriptwitness or [])
    return 3 * len(stripped.serialize()) + len(full.serialize())


def _review_at(weight: int, tx_version: int = 2) -> tuple[set[str], str | None, int]:
    n, data, explicit = _plan(weight)
    root = root_from()
    w = Wallet(root, "p2tr")
    ins = [w.utxo(AMOUNT, 0, 0, salt=i, sighash=Sighash.ALL if i < explicit else None) for i in range(n)]
    op_return = Out(0, b"\x6a" + bytes([data]) + bytes(data))
    raw = build_psbt(ins, [external(n * AMOUNT - 50_000), op_return], tx_version=tx_version)
    keys = BtcKeys(root, "main")
    review = review_psbt(load_psbt(raw), keys)
    signed = sign_reviewed(review, keys, accept_risk=True, finalize=True)
    assert _finished_weight(signed.psbt) == weight  # what the test aims at is what gets broadcast
    assert review.vsize_exact and review.vsize == (weight + 3) // 4
    found = [w for w in review.warnings if w.code == "tx-too-large"]
    assert all(w.severity == Severity.WARN for w in found)
    return review.codes(), found[0].message if found else None, review.vsize


@pytest.mark.parametrize("weight", [MAX_STANDARD_TX_WEIGHT, MAX_STANDARD_TX_WEIGHT + 1])
def test_heavier_than_nodes_relay_is_warned(weight: int) -> None:
    codes, message, vsize = _review_at(weight)
    assert ("tx-too-large" in codes) == (weight > MAX_STANDARD_TX_WEIGHT)
    if message is not None:
        assert message == (
            "This transaction is too large for the network to relay; it may never confirm. "
            f"It is about {vsize:,} vB and nodes pass on at most 100,000 vB."
        )


@pytest.mark.parametrize("weight", [4 * TRUC_MAX_VSIZE, 4 * TRUC_MAX_VSIZE + 1])
def test_a_version_3_transaction_over_10000_vb_is_warned(weight: int) -> None:
    codes, message, _ = _review_at(weight, tx_version=3)
    assert ("tx-too-large" in codes) == (weight > 4 * TRUC_MAX_VSIZE)
    if message is not None:
        assert message.endswith("nodes pass on version 3 transactions of at most 10,000 vB.")
    assert "tx-too-large" not in _review_at(weight, tx_version=2)[0]  # the same size as version 2 is fine
