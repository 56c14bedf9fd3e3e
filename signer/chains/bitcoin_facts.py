"""What the review screen of a Bitcoin PSBT shows: its headline, its facts in order, its warnings.

A payment shows where the coins go (each external output, destroyed or data outputs), the fee, the
change and self-transfers with their paths, the inputs and the multisig wallets spent from. A
BIP-322 proof (it moves no coins) shows the message and the address it is signed as.
"""

from __future__ import annotations

from signer.btc.review import OutputKind, fmt_btc
from signer.btc.review import Review as PsbtReview
from signer.chains.contract import Fact
from signer.derivation import Network
from signer.display import chunked
from signer.review import ReviewWarning, Severity


def headline(review: PsbtReview) -> str:
    if review.message_proof is not None:
        return "Sign a message"
    return f"Send {fmt_btc(review.sent)}" if review.sent else "Move within the wallet"


def facts(review: PsbtReview, label: str) -> tuple[Fact, ...]:
    """The facts in screen order; ``label`` names the seed (shown with its fingerprint)."""
    found = message_proof_facts(review) if review.message_proof is not None else payment_facts(review)
    found.append(Fact("Seed", f"{label} {review.fingerprint}"))
    if review.network != Network.MAIN:
        found.append(Fact("Network", review.network.upper()))
    if review.message_proof is None:
        found.append(Fact("Lock time", f"{review.locktime}, RBF {'on' if review.rbf else 'off'}"))
    return tuple(found)


def warnings(review: PsbtReview) -> tuple[ReviewWarning, ...]:
    """The review's warnings, and a note when the network is not mainnet."""
    shown = list(review.warnings)
    if review.network != Network.MAIN:
        shown.append(ReviewWarning("testnet", Severity.INFO, f"This is a {review.network} transaction."))
    return tuple(shown)


def message_proof_facts(review: PsbtReview) -> list[Fact]:
    """A BIP-322 proof: the message and the address it is signed as (it moves no coins; the review's
    note says which coins a proof of funds also shows)."""
    proof = review.message_proof
    assert proof is not None
    address = proof.address(review.network)
    shown = proof.display() if proof.message is not None else "(not included)"  # ASCII, codes for the rest
    return [Fact("Message", shown), Fact("Signed as the owner of", chunked(address) if address else "?")]


def payment_facts(review: PsbtReview) -> list[Fact]:
    found: list[Fact] = []
    for o in review.outputs:
        if o.kind == OutputKind.OP_RETURN:
            label = "Destroyed" if o.amount else "Data"
            found.append(Fact(f"{label} (output {o.index})", f"data output (OP_RETURN)\n{fmt_btc(o.amount)}"))
        elif o.kind == OutputKind.EXTERNAL:
            where = chunked(o.address) if o.address else f"script {o.script_type}"
            found.append(Fact(f"To (output {o.index})", f"{where}\n{fmt_btc(o.amount)}"))
    fee_rate = "" if review.fee_rate is None else f" ({review.fee_rate:.1f} sat/vB)"
    found.append(Fact("Fee", fmt_btc(review.fee) + fee_rate))
    for o in review.outputs:
        if o.kind in (OutputKind.CHANGE, OutputKind.SELF):
            label = "Change" if o.kind == OutputKind.CHANGE else "To yourself"
            found.append(Fact(f"{label} (output {o.index})", f"{fmt_btc(o.amount)}\n{o.path or ''}".strip()))
    ours = sum(1 for i in review.inputs if i.ours)
    found.append(Fact("Inputs", f"{len(review.inputs)} ({ours} of this seed), {fmt_btc(review.total_in)}"))
    if review.multisig_wallets:
        found.append(Fact("Wallet", ", ".join(review.multisig_wallets)))
    return found
