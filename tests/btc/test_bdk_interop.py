"""Interop with BDK (bdkpython): BDK builds the PSBT offline, Airlock signs, BDK finalizes and extracts.

No network: the funding transaction is made here and handed to the BDK wallet as an unconfirmed
transaction (``Wallet.apply_unconfirmed_txs``); BDK then selects it and builds the PSBT with its
own non_witness_utxo / witness_utxo and derivation fields. The extracted transaction's signatures
are checked by tests/btc/txverify.py (hashlib sighashes + coincurve), independent of Airlock.
"""

from __future__ import annotations

import base64
import time

import pytest
from builders import funding_tx, root_from, seed_from
from embit.descriptor.checksum import checksum
from txverify import Tx, verify_input

bdk = pytest.importorskip("bdkpython")

from signer.btc import BtcKeys, load_psbt, review_psbt, sign_reviewed  # noqa: E402
from signer.keys.accounts import AccountSpec, derive_btc_account  # noqa: E402

MNEMONICS = [
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
]
DEST = bytes.fromhex("0014") + bytes(range(20))


def _bdk_wallet(descriptor: str):
    desc = bdk.Descriptor(descriptor, bdk.NetworkKind.TEST)
    return bdk.Wallet.create_from_two_path_descriptor(
        desc, bdk.Network.REGTEST, bdk.Persister.new_in_memory()
    )


def _fund_and_build(wallet, amounts: list[int], send: int) -> tuple[str, list[int], list[bytes]]:
    spks = [
        bytes(wallet.peek_address(bdk.KeychainKind.EXTERNAL, i).address.script_pubkey().to_bytes())
        for i in range(len(amounts))
    ]
    for n, (amount, spk) in enumerate(zip(amounts, spks, strict=True)):
        tx = funding_tx([(amount, spk)], salt=100 + n)
        wallet.apply_unconfirmed_txs(
            [bdk.UnconfirmedTx(tx=bdk.Transaction(tx.serialize()), last_seen=int(time.time()))]
        )
    builder = bdk.TxBuilder().add_recipient(bdk.Script(DEST), bdk.Amount.from_sat(send))
    psbt = builder.fee_rate(bdk.FeeRate.from_sat_per_vb(3)).finish(wallet)
    return psbt.serialize(), amounts, spks


def _finalize_and_check(wallet, signed: bytes) -> None:
    psbt = bdk.Psbt(base64.b64encode(signed).decode())
    assert wallet.finalize_psbt(psbt)
    tx_bytes = bytes(psbt.extract_tx().serialize())
    ours = load_psbt(signed)
    amounts, spks = [], []
    for inp in ours.inputs:
        utxo = inp.witness_utxo or inp.non_witness_utxo.vout[inp.prev_vout]
        amounts.append(utxo.value)
        spks.append(utxo.script_pubkey.data)
    tx = Tx(tx_bytes)
    assert len(tx.vin) == len(ours.inputs)
    assert all(verify_input(tx, i, amounts, spks) for i in range(len(tx.vin)))


@pytest.mark.parametrize("kind", ["btc-84", "btc-49", "btc-86"])
def test_bdk_single_sig(kind: str) -> None:
    seed = seed_from(MNEMONICS[0])
    account = derive_btc_account(seed, AccountSpec.parse(kind, "regtest"))
    wallet = _bdk_wallet(account.descriptor)
    b64, _, _ = _fund_and_build(wallet, [80_000, 70_000], 120_000)
    keys = BtcKeys.from_seed(seed, "regtest")
    review = review_psbt(load_psbt(b64), keys)
    assert review.can_sign and not review.has_danger, review.to_text()
    assert sorted(review.to_sign) == list(range(len(review.inputs)))
    assert [o.kind for o in review.outputs].count("change") == 1
    assert review.fee is not None and 0 < review.fee < 2_000
    _finalize_and_check(wallet, sign_reviewed(review, keys).psbt)


@pytest.mark.parametrize(
    ("wrap", "account"),
    [("wsh({})", "btc-48-2"), ("sh(wsh({}))", "btc-48-1"), ("sh({})", "m/45h")],
    ids=["p2wsh", "p2sh-p2wsh", "legacy-p2sh"],
)
def test_bdk_two_of_three(wrap: str, account: str) -> None:
    seeds = [seed_from(m) for m in MNEMONICS]
    if account.startswith("m/"):  # BIP-45, where legacy P2SH multisig keys live
        roots = [root_from(m, "regtest") for m in MNEMONICS]
        xpubs = [(r.my_fingerprint.hex(), r.derive("m/45h").to_public().to_base58()) for r in roots]
        keys_expr = ",".join(f"[{fp}/45h]{xpub}/<0;1>/*" for fp, xpub in xpubs)
    else:
        accounts = [derive_btc_account(s, AccountSpec.parse(account, "regtest")) for s in seeds]
        keys_expr = ",".join(a.key_expression for a in accounts)  # already ends in /<0;1>/*
    body = wrap.format(f"sortedmulti(2,{keys_expr})")
    descriptor = f"{body}#{checksum(body)}"
    wallet = _bdk_wallet(descriptor)
    b64, _, _ = _fund_and_build(wallet, [150_000], 100_000)
    signed_b64 = b64
    record = {"name": "Family vault", "descriptor": descriptor}
    for seed in seeds:  # every cosigner signs in turn, as with a real multisig round
        keys = BtcKeys.from_seed(seed, "regtest", [record])
        review = review_psbt(load_psbt(signed_b64), keys)
        assert review.can_sign and not review.has_danger, review.to_text()
        assert [o.kind for o in review.outputs].count("change") == 1
        assert review.multisig_wallets == ("Family vault",)
        signed_b64 = base64.b64encode(sign_reviewed(review, keys).psbt).decode()
    assert len(load_psbt(signed_b64).inputs[0].partial_sigs) == 3
    _finalize_and_check(wallet, base64.b64decode(signed_b64))


def test_root_from_helper_matches_lead_fingerprint() -> None:
    account = derive_btc_account(seed_from(MNEMONICS[0]), AccountSpec.parse("btc-84", "regtest"))
    assert account.fingerprint == root_from(MNEMONICS[0]).my_fingerprint.hex()
