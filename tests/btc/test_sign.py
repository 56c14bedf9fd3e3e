"""Single-sig signing end to end: review, sign, finalize, and an independent signature check."""

from __future__ import annotations

import pytest
from builders import Wallet, build_psbt, external, root_from
from txverify import Tx, verify_input

from signer.btc import BtcKeys, load_psbt, parse_psbt, review_psbt, sign_reviewed
from signer.btc.psbt_fields import PsbtIn
from signer.btc.sign import SighashCache

KINDS = ("p2wpkh", "p2sh-p2wpkh", "p2pkh", "p2tr")


def extract(raw: bytes) -> tuple[bytes, list[int], list[bytes]]:
    """Network transaction from a finalized PSBT, with the spent amounts and scripts."""
    psbt = parse_psbt(raw)
    tx = psbt.unsigned_tx()
    amounts, spks = [], []
    for txin, inp in zip(tx.vin, psbt.inputs, strict=True):
        from embit.script import Script, Witness

        txin.script_sig = Script(inp.final_scriptsig or b"")
        txin.witness = Witness(inp.final_scriptwitness or [])
        utxo = inp.witness_utxo or inp.non_witness_utxo.vout[inp.prev_vout]
        amounts.append(utxo.value)
        spks.append(utxo.script_pubkey.data)
    return tx.serialize(), amounts, spks


@pytest.fixture(scope="module")
def root():
    return root_from()


@pytest.mark.parametrize("version", [0, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_sign_finalize_and_verify(root, kind: str, version: int) -> None:
    w = Wallet(root, kind)
    raw = build_psbt(
        [w.utxo(100_000, 0, 3, salt=1), w.utxo(60_000, 1, 7, salt=2)],
        [external(120_000), w.change(38_000, 8)],
        version=version,
    )
    keys = BtcKeys(root, "main")
    review = review_psbt(load_psbt(raw), keys)
    assert review.can_sign and not review.refusals
    assert [i.ours for i in review.inputs] == [True, True]
    assert [o.kind for o in review.outputs] == ["external", "change"]
    assert (review.total_in, review.total_out, review.fee) == (160_000, 158_000, 2_000)
    assert review.sent == 120_000 and review.change == 38_000
    assert review.inputs[0].path == f"m/{w.account[0] - 2**31}h/0h/0h/0/3"
    signed = sign_reviewed(review, keys, finalize=True)
    assert signed.version == version and parse_psbt(signed.psbt).version == version
    tx_raw, amounts, spks = extract(signed.psbt)
    tx = Tx(tx_raw)
    assert all(verify_input(tx, i, amounts, spks) for i in range(2))
    # vsize estimate vs the real transaction: never below, at most a few bytes above
    weight = len(_strip_witness(tx_raw)) * 3 + len(tx_raw)
    assert 0 <= review.vsize - (weight + 3) // 4 <= 3


def _strip_witness(raw: bytes) -> bytes:
    from embit.transaction import Transaction

    tx = Transaction.parse(raw)
    for txin in tx.vin:
        from embit.script import Witness

        txin.witness = Witness([])
    return tx.serialize()


@pytest.mark.parametrize("kind", KINDS)
def test_signed_psbt_is_input_plus_our_signatures(root, kind: str) -> None:
    w = Wallet(root, kind)
    raw = build_psbt([w.utxo(50_000, 0, 1, salt=5)], [external(40_000), w.change(9_000, 2)])
    keys = BtcKeys(root, "main")
    original = load_psbt(raw)
    signed = parse_psbt(sign_reviewed(review_psbt(original, keys), keys).psbt)
    assert signed.global_entries == original.global_entries
    assert [o.entries for o in signed.outputs] == [o.entries for o in original.outputs]
    before = original.inputs[0].entries
    after = signed.inputs[0].entries
    assert after[: len(before)] == before
    added = after[len(before) :]
    assert [e.keytype for e in added] == [PsbtIn.TAP_KEY_SIG if kind == "p2tr" else PsbtIn.PARTIAL_SIG]
    assert original.serialize() == raw  # the reviewed PSBT object was not mutated


def test_mixed_taproot_and_segwit_inputs(root) -> None:
    tr, wpkh = Wallet(root, "p2tr"), Wallet(root, "p2wpkh")
    raw = build_psbt(
        [tr.utxo(70_000, 0, 0, salt=1), wpkh.utxo(30_000, 0, 0, salt=2)],
        [external(90_000), tr.change(9_000, 1)],
        version=2,
    )
    keys = BtcKeys(root, "main")
    review = review_psbt(load_psbt(raw), keys)
    assert review.to_sign == (0, 1)
    tx_raw, amounts, spks = extract(sign_reviewed(review, keys, finalize=True).psbt)
    assert all(verify_input(Tx(tx_raw), i, amounts, spks) for i in range(2))


def test_partial_signing_leaves_foreign_inputs_alone(root) -> None:
    ours = Wallet(root, "p2wpkh")
    theirs = Wallet(
        root_from("legal winner thank year wave sausage worth useful legal winner thank yellow"), "p2wpkh"
    )
    raw = build_psbt([ours.utxo(50_000, salt=1), theirs.utxo(50_000, salt=2)], [external(99_000)])
    keys = BtcKeys(root, "main")
    review = review_psbt(load_psbt(raw), keys)
    assert "foreign-inputs" in review.codes() and review.to_sign == (0,)
    signed = parse_psbt(sign_reviewed(review, keys).psbt)
    assert signed.inputs[0].partial_sigs and not signed.inputs[1].partial_sigs


def test_sighash_cache_is_shared_across_inputs(root) -> None:
    """BIP-341 midstates are computed once and reused: digests of a big tx stay consistent."""
    w = Wallet(root, "p2tr")
    ins = [w.utxo(10_000 + i, 0, i, salt=i) for i in range(20)]
    psbt = load_psbt(build_psbt(ins, [external(200_000)]))
    utxos = tuple((i.witness_utxo.value, i.witness_utxo.script_pubkey.data) for i in psbt.inputs)
    cache = SighashCache(psbt, utxos)
    first = [cache.taproot(i, 0) for i in range(20)]
    mid = cache._bip341
    assert [cache.taproot(i, 0) for i in range(20)] == first and cache._bip341 is mid
    fresh = [SighashCache(psbt, utxos).taproot(i, 0) for i in range(20)]
    assert fresh == first and len(set(first)) == 20


def test_review_json_shape(root) -> None:
    w = Wallet(root, "p2wpkh")
    raw = build_psbt([w.utxo(100_000, salt=1)], [external(80_000), w.change(19_000, 4)])
    data = review_psbt(load_psbt(raw), BtcKeys(root, "main")).to_json()
    assert data["kind"] == "btc-psbt" and data["fee"] == 1_000 and data["can_sign"] is True
    assert data["outputs"][1]["is_change"] is True and data["outputs"][1]["path"] == "m/84h/0h/0h/1/4"
    assert data["inputs"][0]["amount_proven"] is True
    assert data["warnings"] == [] and data["refusals"] == []  # a clean spend with change: nothing to flag
    assert isinstance(data["fee_rate"], float) and data["rbf"] is True


def test_keys_repr_hides_secrets(root) -> None:
    keys = BtcKeys(root, "main")
    text = repr(keys)
    assert "73c5da0a" in text and "prv" not in text and root.to_base58() not in text


def test_size_and_type_of_a_nested_segwit_input_come_from_its_proven_script(root) -> None:
    """PSBT_IN_REDEEM_SCRIPT is optional for P2SH-P2WPKH: without it the input used to show as "p2sh"
    and its size was guessed (23 vB short, so the fee rate shown was 21% too high). The review has
    already re-derived the script from our key; the size and type come from that."""
    w = Wallet(root, "p2sh-p2wpkh")
    inp = w.utxo(100_000, salt=1)
    inp.redeem = None
    keys = BtcKeys(root, "main")
    review = review_psbt(load_psbt(build_psbt([inp], [external(90_000)])), keys)
    assert review.inputs[0].script_type == "p2sh-p2wpkh" and review.vsize_exact
    tx_raw, amounts, spks = extract(sign_reviewed(review, keys, finalize=True).psbt)
    assert verify_input(Tx(tx_raw), 0, amounts, spks)
    weight = len(_strip_witness(tx_raw)) * 3 + len(tx_raw)
    assert 0 <= review.vsize - (weight + 3) // 4 <= 3
