"""A PSBT that is a BIP-322 signed-message proof (signer.btc.bip322): signed only when its message is
shown, for our own address, with SIGHASH_ALL.
"""

from __future__ import annotations

from collections.abc import Sequence

from signer.btc import bip322
from signer.btc.findings import Findings
from signer.btc.psbt import Psbt
from signer.btc.review import fmt_btc
from signer.btc.review_inputs import InputFacts
from signer.btc.sighash import Sighash, sighash_name
from signer.review import Severity


def message_proof(
    psbt: Psbt, inputs: Sequence[InputFacts], message: bytes | None, network: str, f: Findings
) -> bip322.MessageProof | None:
    """The proof ``psbt`` is, checked, or None for a transaction. ``message`` is the one the person
    says it signs."""
    first = inputs[0].script if inputs else None
    proof = bip322.recognise(psbt, first, message)
    if proof is not None:
        check_message_proof(proof, inputs, network, f)
    return proof


def check_message_proof(
    proof: bip322.MessageProof, inputs: Sequence[InputFacts], network: str, f: Findings
) -> None:
    address = proof.address(network) or "an address it does not name"
    what = f"this is not a payment: it is a signed-message proof (BIP-322) for {address}"
    if proof.mismatch:
        f.refuse("bip322-message-mismatch", f"{what}, and the message you gave is not the one it signs")
        return
    if proof.message is None:
        f.refuse(
            "bip322-message-unknown",
            f"{what}, and the message it would sign is not included: signing it could sign a statement "
            "you never saw. Sign messages with the message-signing feature instead.",
        )
        return
    if inputs[0].owner is None:
        f.refuse(
            "bip322-not-ours",
            f"{what}, an address that is not this seed's: our coins would only back someone else's statement",
        )
    first = inputs[0].utxo
    if first is not None and first.value != 0:
        f.refuse(
            "utxo-mismatch",
            f"input 0 spends the message's to_spend output, which holds nothing, not {fmt_btc(first.value)}",
        )
    for i, facts in enumerate(inputs):
        if facts.owner is not None and facts.sighash not in (Sighash.DEFAULT, Sighash.ALL, None):
            name = sighash_name(facts.sighash)
            f.refuse(
                "bip322-sighash",
                f"input {i} of the message proof asks for SIGHASH_{name}: "
                "a proof signs with SIGHASH_ALL only (another type could let the signature spend the coin)",
            )
    funds = [i for i in proof.funds_inputs if inputs[i].owner is not None]
    held = sum(x.utxo.value for i, x in enumerate(inputs) if i in funds and x.utxo is not None)
    also = (
        f" It also proves that you control input(s) {', '.join(map(str, funds))} ({fmt_btc(held)})."
        if funds
        else ""
    )
    f.warn(
        "bip322-message",
        Severity.INFO,
        f"This is not a payment: it signs a message as the owner of {address} (BIP-322), and it "
        f"cannot move coins.{also}",
    )
    escaped = proof.shown().escaped
    if escaped:
        f.warn(
            "message-escaped",
            Severity.WARN,
            f"The message has {escaped} character(s) that are not plain ASCII text; they are shown "
            "as \\x, \\u or \\U codes. Read them before signing.",
        )
