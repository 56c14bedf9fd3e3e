"""The inputs, one by one and together: what each spends, whose it is, the sighash it asks for, how
it will be signed, and what the person must know about the inputs as a whole (RISK.md section 5).

Multisig inputs are signed only for registered wallets whose script re-derives exactly
(signer.btc.review_owners); amounts are proven as signer.btc.review_amounts says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from embit.transaction import TransactionOutput

from signer.btc.findings import Findings
from signer.btc.keys import BitcoinKeys
from signer.btc.networks import address_from_script, format_path, script_type
from signer.btc.paths import standard_address_path
from signer.btc.psbt import PsbtInput
from signer.btc.review import SINGLE_SIG_WALLET, InputPlan, InputReview
from signer.btc.review_amounts import (
    amount_source,
    check_scripts,
    prove_utxo,
    require_amount_proof,
    warn_unproven_amounts,
)
from signer.btc.review_checks import check_path_network
from signer.btc.review_owners import Owner, input_owner, owner_without_utxo
from signer.btc.scripts import SpendKind, p2pkh, p2wpkh
from signer.btc.sighash import ANYONECANPAY, ECDSA_SIGHASHES, TAPROOT_SIGHASHES, Sighash, sighash_name
from signer.review import Severity

# What a sighash type other than ALL lets others do once we have signed
SIGHASH_DANGERS: dict[int, str] = {
    Sighash.NONE: "NONE lets anyone redirect every output after signing",
    Sighash.SINGLE: "SINGLE lets others change every output but the one matching this input",
}


class InputFacts(NamedTuple):
    """What the review learned of one input: the output it spends, whether that output is proven by
    its previous transaction, our key behind it (None: not ours) and the sighash it will sign with.
    (Tuples, not dataclasses: a PSBT may have thousands of inputs and these are made for each.)"""

    psbt_input: PsbtInput
    utxo: TransactionOutput | None
    proven: bool
    owner: Owner | None = None
    sighash: int | None = None

    @property
    def script(self) -> bytes | None:
        return self.utxo.script_pubkey.data if self.utxo is not None else None


class ReviewedInput(NamedTuple):
    review: InputReview
    plan: InputPlan | None  # how it will be signed; None when it is not signed here
    unproven: bool  # ours, segwit v0, its amount known from witness_utxo alone


def spent_output(inp: PsbtInput, f: Findings) -> InputFacts:
    """The output ``inp`` spends, checked against its previous transaction and its scripts."""
    utxo, proven = prove_utxo(inp, f)
    if utxo is not None:
        check_scripts(inp, utxo.script_pubkey.data, f)
    return InputFacts(inp, utxo, proven)


def with_owner(facts: InputFacts, keys: BitcoinKeys, n_outputs: int, f: Findings) -> InputFacts:
    """``facts`` with our key behind the input, if any, and the sighash it would sign with."""
    inp = facts.psbt_input
    if facts.utxo is None:
        owner_without_utxo(inp, keys, f)
        return InputFacts(inp, None, facts.proven, None, inp.sighash_type)
    owner = input_owner(inp, facts.utxo, keys, f)
    sighash = input_sighash(inp, owner, n_outputs, f) if owner else inp.sighash_type
    return InputFacts(inp, facts.utxo, facts.proven, owner, sighash)


def input_sighash(inp: PsbtInput, owner: Owner, n_outputs: int, f: Findings) -> int | None:
    """The sighash type our signature will use (None: refused); any but ALL is a danger."""
    taproot = owner.kind == SpendKind.P2TR
    value = inp.sighash_type
    if value is None:
        return Sighash.DEFAULT if taproot else Sighash.ALL
    if value not in (TAPROOT_SIGHASHES if taproot else ECDSA_SIGHASHES):
        f.refuse(
            "sighash-invalid", f"input {inp.index}: sighash type 0x{value:x} is not valid for this input"
        )
        return None
    base = value & ~ANYONECANPAY
    if base == Sighash.SINGLE and inp.index >= n_outputs:
        f.refuse(
            "sighash-invalid",
            f"input {inp.index}: SIGHASH_SINGLE without a matching output would sign a hash anyone can reuse",
        )
        return None
    if value not in (Sighash.DEFAULT, Sighash.ALL):
        what = SIGHASH_DANGERS.get(base, "")
        acp = " ANYONECANPAY lets others add or remove inputs." if value & ANYONECANPAY else ""
        f.warn(
            "sighash-nonstandard",
            Severity.DANGER,
            f"input {inp.index} asks for SIGHASH_{sighash_name(value)}: "
            f"{what + '.' if what else ''}{acp}".strip(),
        )
    return value


def review_input(facts: InputFacts, network: str, all_known: bool, f: Findings) -> ReviewedInput:
    """The input as the person sees it, and, for ours, the plan that signing will follow."""
    inp, utxo, owner, sighash = facts.psbt_input, facts.utxo, facts.owner, facts.sighash
    spk = facts.script
    note = None
    plan = None
    unproven = False
    if owner is not None:
        check_path_network(owner.path, network, f"input {inp.index}", f)
        unproven = not require_amount_proof(inp, owner, facts.proven, sighash, all_known, f)
        note = path_note(inp.index, owner, f)
        if inp.is_finalized:
            note = "already finalized; not signed again"
            f.warn("already-finalized", Severity.INFO, f"input {inp.index} is already finalized")
        elif utxo is not None and sighash is not None:
            plan = signing_plan(inp, owner, utxo, sighash)
    review = InputReview(
        index=inp.index,
        outpoint=inp.outpoint,
        amount=utxo.value if utxo else None,
        script_type=display_type(inp, spk, owner),
        address=address_from_script(spk, network) if spk is not None else None,
        ours=owner is not None,
        path=format_path(owner.path) if owner else None,
        wallet=(owner.wallet.name if owner.wallet else SINGLE_SIG_WALLET) if owner else None,
        amount_proven=facts.proven,
        amount_source=amount_source(utxo, facts.proven, owner),
        sighash=sighash_name(sighash) if sighash is not None else None,
        sequence=inp.sequence,
        note=note,
    )
    return ReviewedInput(review, plan, unproven)


def check_inputs_together(
    inputs: Sequence[InputFacts],
    reviewed: Sequence[ReviewedInput],
    keys: BitcoinKeys,
    is_payment: bool,
    f: Findings,
) -> None:
    """Amounts only claimed, nothing of ours to sign, inputs of others, inputs signed before."""
    unproven = [r.review.index for r in reviewed if r.unproven]
    if unproven and is_payment:  # a message proof can never be mined: no fee to lie about
        warn_unproven_amounts(unproven, [i.utxo for i in inputs], f)
    ours = any(i.owner for i in inputs)
    if not ours:
        f.refuse(
            "nothing-to-sign",
            f"no input belongs to this seed ({keys.fingerprint.hex()}) or to a registered "
            "wallet it cosigns: wrong seed, wrong network or unregistered multisig",
        )
    foreign = [r.review.index for r in reviewed if not r.review.ours]
    if foreign and ours:
        f.warn(
            "foreign-inputs",
            Severity.WARN,
            f"input(s) {', '.join(map(str, foreign))} are not this seed's and "
            "will not be signed here; their amounts are as the PSBT claims",
        )
    signed_before = [
        i.psbt_input.index
        for i, r in zip(inputs, reviewed, strict=True)
        if r.plan is not None and (i.psbt_input.partial_sigs or i.psbt_input.tap_key_sig)
    ]
    if signed_before:
        f.warn(
            "partly-signed",
            Severity.INFO,
            f"input(s) {', '.join(map(str, signed_before))} already carry signatures",
        )


def path_note(index: int, owner: Owner, f: Findings) -> str | None:
    """A note for a single-sig input of ours where standard wallets do not keep coins (spending it is
    fine; the person may want to know their wallet uses such a place). Registered multisig paths are
    the wallet's own."""
    if owner.wallet is not None:
        return None
    where = format_path(owner.path)
    std = standard_address_path(owner.path)
    if std is None:
        f.warn(
            "nonstandard-path",
            Severity.INFO,
            f"input {index} is this seed's key at {where}, not a standard wallet path "
            "(m/44h, 49h, 84h or 86h/coin/account/0 or 1/index)",
        )
        return "non-standard path"
    if std.kind != owner.kind:
        f.warn(
            "nonstandard-path",
            Severity.INFO,
            f"input {index} is a {owner.kind} coin at {where}, a BIP-{std.purpose} path where wallets "
            f"use {std.kind}",
        )
        return f"{owner.kind} at a BIP-{std.purpose} path"
    return None


def signing_plan(inp: PsbtInput, owner: Owner, utxo: TransactionOutput, sighash: int) -> InputPlan:
    """What signing will hash and sign for this input, fixed now so it can sign nothing else."""
    kind = owner.kind
    if kind == SpendKind.P2TR:
        code = b""
    elif kind in (SpendKind.P2WSH_MULTISIG, SpendKind.P2SH_P2WSH_MULTISIG):
        code = inp.witness_script or b""
    elif kind == SpendKind.P2SH_MULTISIG:
        code = inp.redeem_script or b""  # legacy: the scriptCode is the redeem script
    else:  # P2WPKH, P2SH-P2WPKH, P2PKH
        code = p2pkh(owner.pubkey)  # BIP-143 scriptCode for P2WPKH is the P2PKH script; legacy uses the spk
    if kind == SpendKind.P2SH_P2WPKH:
        redeem: bytes | None = p2wpkh(owner.pubkey)
    elif kind in (SpendKind.P2SH_P2WSH_MULTISIG, SpendKind.P2SH_MULTISIG):
        redeem = inp.redeem_script
    else:
        redeem = None
    return InputPlan(inp.index, kind, owner.path, owner.pubkey, sighash, code, utxo.value, redeem)


def display_type(inp: PsbtInput, spk: bytes | None, owner: Owner | None) -> str:
    """The script type shown for an input."""
    if spk is None:
        return "unknown"
    if owner is not None and owner.wallet is None:
        return owner.kind  # re-derived from our key: needs no optional PSBT field to be known
    kind = script_type(spk)
    if kind == "p2sh" and inp.redeem_script is not None:
        inner = script_type(inp.redeem_script)
        if inner in ("p2wpkh", "p2wsh"):
            return f"p2sh-{inner}"
    return kind
