"""Review a parsed PSBT against this seed: prove amounts, find our inputs, prove change, warn.

The rules are stricter than Coldcard, Specter-DIY and SeedSigner (RISK.md section 5). Each step
lives in a module that states its own:
* signer.btc.review_inputs: each input, and the inputs together; what proves an amount
  (review_amounts: the previous transaction, the segwit fee attack) and what makes an input ours
  (review_owners: our key re-derived, or a registered multisig wallet);
* signer.btc.review_proof: a PSBT that is a BIP-322 message proof;
* signer.btc.review_outputs: change, transfers to ourselves, and our keys where no wallet looks;
* signer.btc.review_checks: the network, inputs spent twice, amounts and fee, unusual outputs,
  a size nodes will not relay, the locktime.
"""

from __future__ import annotations

from signer.btc.fees import estimate_size
from signer.btc.findings import Findings
from signer.btc.keys import BitcoinKeys
from signer.btc.psbt import Psbt
from signer.btc.review import Review, ReviewKind
from signer.btc.review_checks import (
    check_amounts,
    check_duplicate_inputs,
    check_global_xpubs,
    check_locktime,
    check_outputs,
    check_registered_wallets,
    check_relay_size,
    check_tx_modifiable,
    check_tx_version,
    signals_rbf,
    tally,
)
from signer.btc.review_inputs import check_inputs_together, review_input, spent_output, with_owner
from signer.btc.review_outputs import CHANGE_GAP, classify_output, spent_accounts
from signer.btc.review_proof import message_proof


def review_psbt(
    psbt: Psbt,
    keys: BitcoinKeys,
    *,
    tip_height: int | None = None,
    change_gap: int = CHANGE_GAP,
    message: bytes | None = None,
) -> Review:
    """Build the Review of ``psbt`` for ``keys``. Never raises for a well-formed PSBT: problems that
    forbid signing are listed in ``Review.refusals``. ``message`` is the message the person says a
    BIP-322 proof signs (checked against it; see signer.btc.bip322)."""
    f = Findings()
    net = keys.network
    check_registered_wallets(keys, f)
    check_global_xpubs(psbt, net, f)
    check_duplicate_inputs(psbt, f)
    locktime = psbt.locktime()

    # inputs: what each spends and what proves it, whose it is, how ours will be signed
    inputs = [spent_output(inp, f) for inp in psbt.inputs]
    inputs = [with_owner(i, keys, len(psbt.outputs), f) for i in inputs]
    proof = message_proof(psbt, inputs, message, net, f)
    is_payment = proof is None
    if proof is not None and proof.message is not None:
        inputs[0] = inputs[0]._replace(proven=True)  # spends the to_spend rebuilt from the message: nothing
    all_known = all(i.utxo is not None for i in inputs)
    reviewed = [review_input(i, net, all_known, f) for i in inputs]
    check_inputs_together(inputs, reviewed, keys, is_payment, f)
    any_ours = any(i.owner for i in inputs)

    # outputs: whose they are
    accounts = spent_accounts([i.owner for i in inputs])
    outputs = [classify_output(o, keys, accounts, change_gap, f) for o in psbt.outputs]

    # amounts and fee
    utxos = [i.utxo for i in inputs]
    amounts = tally(utxos, [i.owner is not None for i in inputs], outputs)
    owner_kinds: list[str | None] = [i.owner.kind if i.owner else None for i in inputs]
    size = estimate_size(psbt, [i.script for i in inputs], [i.sighash for i in inputs], owner_kinds)
    fee = amounts.fee
    fee_rate = None if fee is None or size.vsize == 0 else fee / size.vsize
    check_amounts(amounts, fee_rate, outputs, any_ours, is_payment, f)

    # the transaction as a whole
    if is_payment:  # a message proof's one output is BIP-322's empty OP_RETURN, its version 0 or 2
        check_outputs(psbt, outputs, utxos, f)
        check_tx_version(psbt, f)
        check_relay_size(psbt, size, f)
    check_locktime(psbt, locktime, tip_height, f)
    check_tx_modifiable(psbt, f)

    return Review(
        network=net,
        psbt_version=psbt.version,
        tx_version=psbt.tx_version,
        inputs=tuple(r.review for r in reviewed),
        outputs=tuple(outputs),
        total_in=amounts.total_in,
        total_out=amounts.total_out,
        fee=fee,
        vsize=size.vsize,
        vsize_exact=size.exact,
        fee_rate=fee_rate,
        locktime=locktime,
        rbf=signals_rbf(psbt),
        ours_in=amounts.ours_in,
        sent=amounts.sent,
        change=amounts.change,
        warnings=tuple(f.warnings),
        refusals=tuple(f.refusals),
        fingerprint=keys.fingerprint.hex(),
        kind=ReviewKind.TRANSACTION if is_payment else ReviewKind.MESSAGE_PROOF,
        message_proof=proof,
        _plan=tuple(r.plan for r in reviewed if r.plan is not None),
        _psbt=psbt,
        _utxos=tuple((u.value, u.script_pubkey.data) if u else None for u in utxos),
    )
