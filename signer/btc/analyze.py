"""Review a parsed PSBT against this seed: prove amounts, find our inputs, prove change, warn.

Rules (stricter than Coldcard, Specter-DIY and SeedSigner; see RISK.md section 5):
* a previous transaction, when given, must have the outpoint's txid, and a witness_utxo that disagrees
  with it is a refusal; a legacy input we sign needs it (its signature commits to no amount);
* a segwit v0 input with only witness_utxo is signed only after the person accepts a danger that
  explains the fee attack of CVE-2020-14199 (its signature commits to its own amount only, so two
  signing sessions fed different lies can add up to a huge fee), as Coldcard and Ledger do;
* a taproot input may rely on witness_utxo (BIP-341 commits to every amount) unless it signs with
  ANYONECANPAY, which drops that commitment;
* an output is change only if its script re-derives from a registered multisig wallet, or from our
  key at a standard BIP-44/49/84/86 path in the script type that path's purpose gives, on the change
  branch of the account being spent and not far past its highest spent index; our key anywhere else
  is a danger (coins no wallet would find); a PSBT that claims one of our keys for an output but names
  a key we do not derive there is lying: refused;
* multisig inputs are signed only for registered wallets whose script re-derives exactly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from embit.transaction import TransactionOutput

from signer.btc import bip322
from signer.btc.fees import estimate_size
from signer.btc.keys import BitcoinKeys
from signer.btc.multisig import MultisigWallet, ScriptType
from signer.btc.networks import (
    address_from_script,
    coin_type,
    format_path,
    is_mainnet_xpub_version,
    script_type,
)
from signer.btc.paths import standard_address_path
from signer.btc.psbt import MAX_MONEY, Psbt, PsbtInput, PsbtOutput
from signer.btc.review import InputPlan, InputReview, OutputReview, Review, describe_locktime, fmt_btc
from signer.btc.scripts import (
    SINGLE_SIG_TYPES,
    p2pkh,
    p2sh,
    p2wpkh,
    p2wsh,
    parse_multisig_script,
    single_sig_script,
)
from signer.review import ReviewWarning, Severity

H = 0x80000000
STANDARD_PURPOSES = {44 + H, 49 + H, 84 + H, 86 + H, 48 + H}
SIGHASH_NAMES = {
    0: "DEFAULT",
    1: "ALL",
    2: "NONE",
    3: "SINGLE",
    0x81: "ALL|ANYONECANPAY",
    0x82: "NONE|ANYONECANPAY",
    0x83: "SINGLE|ANYONECANPAY",
}
# "Ransom change" (RISK.md section 5): our coins where no wallet restored from the seed looks. Wallets
# scan 20 unused addresses past the last used one by default; people raise that, but not by thousands.
# Change or self on the account being spent at this many indexes past the highest index spent is danger;
# so is an index this high on an account or registered wallet that is not being spent (no spent index
# to compare against).
CHANGE_GAP = 1000
MULTISIG_KINDS = {
    ScriptType.P2WSH: "p2wsh-multisig",
    ScriptType.P2SH_P2WSH: "p2sh-p2wsh-multisig",
    ScriptType.P2SH: "p2sh-multisig",
}
# Account numbers wallets reach (they add accounts one by one): another account at or past this is danger.
OTHER_ACCOUNT_LIMIT = 100
# No wallet scans this far on any branch, whatever index an input claims to come from: a host that
# knows an xpub can fund an address as deep as it likes and spend it to move the reference.
MAX_ADDRESS_INDEX = 100_000
FEE_WARN_PCT, FEE_DANGER_PCT, FEE_DANGER_RATE = 5.0, 25.0, 500.0
DUST = 546
# Coins in an OP_RETURN output are destroyed. Up to the dust limit that is what a protocol marker might
# carry (and could not have been a spendable output anyway): a warning. Above it, money that could have
# gone anywhere is lost for nothing: danger.
BURN_DANGER = DUST
# A block height known to be in the past when this code was written, and its time, to estimate
# the tip on a device without network (its clock may be wrong, so this is only a floor).
REFERENCE_HEIGHT, REFERENCE_TIME = 880_000, 1_737_900_000


@dataclass
class _Findings:
    warnings: list[ReviewWarning] = field(default_factory=list)
    refusals: list[ReviewWarning] = field(default_factory=list)

    def warn(self, code: str, severity: Severity, message: str) -> None:
        self.warnings.append(ReviewWarning(code, severity, message))

    def refuse(self, code: str, message: str) -> None:
        self.refusals.append(ReviewWarning(code, Severity.DANGER, message))


@dataclass
class _Ours:
    kind: str
    path: tuple[int, ...]
    pubkey: bytes
    wallet: MultisigWallet | None = None
    branch_index: tuple[int, int] | None = None


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
    f = _Findings()
    net = keys.network
    for problem in keys.unreadable_multisig:
        f.warn(
            "multisig-unreadable",
            Severity.WARN,
            f"registered multisig wallet {problem}; it was left out, so its inputs are not signed here "
            "and its addresses are not recognised",
        )
    _check_global_xpubs(psbt, net, f)
    _check_duplicate_inputs(psbt, f)
    locktime = psbt.locktime()

    utxos: list[TransactionOutput | None] = []
    proven: list[bool] = []
    for inp in psbt.inputs:
        utxo, ok = _prove_utxo(inp, f)
        utxos.append(utxo)
        proven.append(ok)
        if utxo is not None:
            _check_scripts(inp, utxo.script_pubkey.data, f)

    ours: list[_Ours | None] = []
    sighashes: list[int | None] = []
    for inp, utxo in zip(psbt.inputs, utxos, strict=True):
        owner = _input_owner(inp, utxo, keys, f) if utxo is not None else _owner_without_utxo(inp, keys, f)
        ours.append(owner)
        sighashes.append(_input_sighash(inp, owner, len(psbt.outputs), f) if owner else inp.sighash_type)

    challenge = utxos[0].script_pubkey.data if utxos and utxos[0] is not None else None
    proof = bip322.recognise(psbt, challenge, message)
    if proof is not None:
        _check_message_proof(proof, utxos, ours, sighashes, net, f)
        if proof.message is not None:
            proven[0] = True  # input 0 spends the to_spend rebuilt from the message: nothing else

    plans: list[InputPlan] = []
    input_reviews: list[InputReview] = []
    unproven: list[int] = []  # segwit v0 inputs of ours known from witness_utxo alone
    all_utxos_known = all(u is not None for u in utxos)
    for inp, utxo, ok, owner, sighash in zip(psbt.inputs, utxos, proven, ours, sighashes, strict=True):
        spk = utxo.script_pubkey.data if utxo else None
        stype = _display_type(inp, spk, owner)
        note = None
        if owner is not None:
            _check_path_network(owner.path, net, f"input {inp.index}", f)
            if not _require_amount_proof(inp, owner, ok, sighash, all_utxos_known, f):
                unproven.append(inp.index)
            note = _path_note(inp.index, owner, f)
            if inp.is_finalized:
                note = "already finalized; not signed again"
                f.warn("already-finalized", Severity.INFO, f"input {inp.index} is already finalized")
            elif utxo is not None and sighash is not None:
                plans.append(_plan(inp, owner, utxo, sighash))
        input_reviews.append(
            InputReview(
                index=inp.index,
                outpoint=inp.outpoint,
                amount=utxo.value if utxo else None,
                script_type=stype,
                address=address_from_script(spk, net) if spk is not None else None,
                ours=owner is not None,
                path=format_path(owner.path) if owner else None,
                wallet=(owner.wallet.name if owner.wallet else "single-sig") if owner else None,
                amount_proven=ok,
                amount_source=_amount_source(utxo, ok, owner),
                sighash=SIGHASH_NAMES.get(sighash, hex(sighash)) if sighash is not None else None,
                sequence=inp.sequence,
                note=note,
            )
        )

    if unproven and proof is None:  # a message proof can never be mined: no fee to lie about
        _warn_unproven_amounts(unproven, utxos, f)
    if not any(ours):
        f.refuse(
            "nothing-to-sign",
            f"no input belongs to this seed ({keys.fingerprint.hex()}) or to a registered "
            "wallet it cosigns: wrong seed, wrong network or unregistered multisig",
        )
    foreign = [i.index for i in input_reviews if not i.ours]
    if foreign and any(ours):
        f.warn(
            "foreign-inputs",
            Severity.WARN,
            f"input(s) {', '.join(map(str, foreign))} are not this seed's and "
            "will not be signed here; their amounts are as the PSBT claims",
        )
    if plans:
        signed_before = [
            i for i in (p.index for p in plans) if psbt.inputs[i].partial_sigs or psbt.inputs[i].tap_key_sig
        ]
        if signed_before:
            f.warn(
                "partly-signed",
                Severity.INFO,
                f"input(s) {', '.join(map(str, signed_before))} already carry signatures",
            )

    # outputs
    accounts = _input_accounts(ours)
    out_reviews = [_classify_output(o, keys, accounts, change_gap, f) for o in psbt.outputs]

    # amounts and fee
    known_in = sum(u.value for u in utxos if u is not None)
    if known_in > MAX_MONEY:
        f.refuse(
            "amount-invalid",
            f"the inputs claim {fmt_btc(known_in)} in total, more than the 21 million BTC that can "
            "exist: some of their amounts are false",
        )
    total_out = sum(o.amount for o in psbt.outputs)
    total_in = sum(u.value for u in utxos if u is not None) if all_utxos_known else None
    fee = None if total_in is None else total_in - total_out
    ours_in = sum(u.value for u, o in zip(utxos, ours, strict=True) if o is not None and u is not None)
    sent = sum(o.amount for o in out_reviews if o.kind in ("external", "op_return"))
    change = sum(o.amount for o in out_reviews if o.kind in ("change", "self"))
    spks = [u.script_pubkey.data if u else None for u in utxos]
    size = estimate_size(psbt, spks, sighashes, [o.kind if o else None for o in ours])
    fee_rate = None if fee is None or size.vsize == 0 else fee / size.vsize
    if fee is None:
        f.warn(
            "missing-utxo",
            Severity.WARN,
            "the fee cannot be computed: some inputs do not say what they spend",
        )
    elif fee < 0:
        f.refuse("fee-negative", f"outputs ({fmt_btc(total_out)}) exceed inputs ({fmt_btc(total_in)})")
    elif proof is None:
        _fee_warnings(fee, fee_rate or 0.0, sent, total_out, f)
    if proof is None and not any(o.kind == "change" for o in out_reviews) and any(ours):
        f.warn(
            "full-spend",
            Severity.INFO,
            "no change output: all of the inputs leave the wallet (outputs plus fee)",
        )

    if proof is None:  # a message proof's one output is BIP-322's empty OP_RETURN, its version 0 or 2
        _output_warnings(psbt, out_reviews, utxos, f)
        if psbt.tx_version not in (1, 2, 3):
            f.warn("tx-version", Severity.WARN, f"unusual transaction version {psbt.tx_version}")
    _locktime_warnings(psbt, locktime, tip_height, f)
    if psbt.tx_modifiable:
        f.warn(
            "tx-modifiable",
            Severity.INFO,
            "the PSBT allows others to add inputs or outputs; our SIGHASH_ALL "
            "signatures will freeze it as shown",
        )

    utxo_pairs = tuple((u.value, u.script_pubkey.data) if u else None for u in utxos)
    return Review(
        network=net,
        psbt_version=psbt.version,
        tx_version=psbt.tx_version,
        inputs=tuple(input_reviews),
        outputs=tuple(out_reviews),
        total_in=total_in,
        total_out=total_out,
        fee=fee,
        vsize=size.vsize,
        vsize_exact=size.exact,
        fee_rate=fee_rate,
        locktime=locktime,
        rbf=any(i.sequence < 0xFFFFFFFE for i in psbt.inputs),
        ours_in=ours_in,
        sent=sent,
        change=change,
        warnings=tuple(f.warnings),
        refusals=tuple(f.refusals),
        fingerprint=keys.fingerprint.hex(),
        kind="btc-bip322" if proof is not None else "btc-psbt",
        message_proof=proof,
        _plan=tuple(plans),
        _psbt=psbt,
        _utxos=utxo_pairs,
    )


# --------------------------------------------------------------------------- BIP-322 message proofs
def _check_message_proof(
    proof: bip322.MessageProof,
    utxos: list[TransactionOutput | None],
    ours: list[_Ours | None],
    sighashes: list[int | None],
    network: str,
    f: _Findings,
) -> None:
    """A BIP-322 to_sign is signed only when its message is shown, for our own address, with SIGHASH_ALL."""
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
    if ours[0] is None:
        f.refuse(
            "bip322-not-ours",
            f"{what}, an address that is not this seed's: our coins would only back someone else's statement",
        )
    first = utxos[0]
    if first is not None and first.value != 0:
        f.refuse(
            "utxo-mismatch",
            f"input 0 spends the message's to_spend output, which holds nothing, not {fmt_btc(first.value)}",
        )
    for i, (owner, sighash) in enumerate(zip(ours, sighashes, strict=True)):
        if owner is not None and sighash not in (0, 1, None):
            name = SIGHASH_NAMES.get(sighash, hex(sighash))
            f.refuse(
                "bip322-sighash",
                f"input {i} of the message proof asks for SIGHASH_{name}: "
                "a proof signs with SIGHASH_ALL only (another type could let the signature spend the coin)",
            )
    funds = [i for i in proof.funds_inputs if ours[i] is not None]
    held = sum(u.value for i, u in enumerate(utxos) if i in funds and u is not None)
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


# --------------------------------------------------------------------------- global checks
def _check_global_xpubs(psbt: Psbt, network: str, f: _Findings) -> None:
    for raw in psbt.xpubs:
        is_main = is_mainnet_xpub_version(raw[:4])
        if is_main is not None and is_main != (network == "main"):
            f.refuse(
                "wrong-network",
                f"the PSBT's global xpubs are for {'mainnet' if is_main else 'a test network'}"
                f", this signer is on {network}",
            )
            return


def _check_duplicate_inputs(psbt: Psbt, f: _Findings) -> None:
    seen: set[str] = set()
    for inp in psbt.inputs:
        if inp.outpoint in seen:
            f.refuse("duplicate-input", f"input {inp.index} spends {inp.outpoint} a second time")
        seen.add(inp.outpoint)


# --------------------------------------------------------------------------- UTXO proofs
def _prove_utxo(inp: PsbtInput, f: _Findings) -> tuple[TransactionOutput | None, bool]:
    """The spent output and whether it is proven by a txid-checked previous transaction."""
    wu, nwu = inp.witness_utxo, inp.non_witness_utxo
    if nwu is None:
        return wu, False
    if nwu.txid() != inp.prev_txid:
        f.refuse(
            "utxo-mismatch",
            f"input {inp.index}: the previous transaction supplied has txid "
            f"{nwu.txid().hex()}, not {inp.prev_txid.hex()}",
        )
        return wu, False
    if inp.prev_vout >= len(nwu.vout):
        f.refuse(
            "utxo-mismatch", f"input {inp.index}: the previous transaction has no output {inp.prev_vout}"
        )
        return wu, False
    out = nwu.vout[inp.prev_vout]
    if wu is not None and (wu.value != out.value or wu.script_pubkey.data != out.script_pubkey.data):
        f.refuse(
            "utxo-mismatch",
            f"input {inp.index}: witness_utxo says {fmt_btc(wu.value)} but the previous "
            f"transaction says {fmt_btc(out.value)} for this outpoint (fee attack?)",
        )
    return out, True


def _check_scripts(inp: PsbtInput, spk: bytes, f: _Findings) -> None:
    """BIP-174 signer checks: redeem/witness scripts must hash to what they claim to spend."""
    where = f"input {inp.index}"
    kind = script_type(spk)
    effective = spk
    if inp.redeem_script is not None:
        if kind != "p2sh" or p2sh(inp.redeem_script) != spk:
            f.refuse("script-mismatch", f"{where}: redeemScript does not match the scriptPubKey it spends")
            return
        effective = inp.redeem_script
    elif kind == "p2sh" and inp.witness_utxo is not None and inp.witness_script is None:
        return  # nothing to check without the redeem script
    eff_kind = script_type(effective)
    if inp.witness_script is not None and (eff_kind != "p2wsh" or p2wsh(inp.witness_script) != effective):
        f.refuse("script-mismatch", f"{where}: witnessScript does not match the script it claims to satisfy")
        return
    if inp.witness_utxo is not None and kind != "p2sh" and eff_kind in ("p2pkh", "unknown", "op_return"):
        f.refuse("script-mismatch", f"{where}: a witness UTXO is given for a non-witness ({eff_kind}) input")
    if (
        inp.witness_utxo is not None
        and kind == "p2sh"
        and inp.redeem_script is not None
        and eff_kind not in ("p2wpkh", "p2wsh", "p2tr")
        and not eff_kind.startswith("witness")
    ):
        f.refuse("script-mismatch", f"{where}: a witness UTXO is given for a non-witness P2SH input")


# --------------------------------------------------------------------------- ownership
def _input_owner(inp: PsbtInput, utxo: TransactionOutput, keys: BitcoinKeys, f: _Findings) -> _Ours | None:
    spk = utxo.script_pubkey.data
    kind = script_type(spk)
    fp = keys.fingerprint
    if kind == "p2tr":
        for xonly, (leaves, origin) in inp.tap_bip32.items():
            if origin.fingerprint != fp:
                continue
            if leaves:
                f.warn(
                    "taproot-script-path",
                    Severity.WARN,
                    f"input {inp.index}: taproot script-path spending is "
                    "not supported; this input is not signed",
                )
                continue
            sec = keys.pubkey(origin.path)
            if sec[1:] != xonly:
                f.warn(
                    "derivation-mismatch",
                    Severity.WARN,
                    f"input {inp.index}: the PSBT names our fingerprint at "
                    f"{format_path(origin.path)} with a key this seed does not derive there",
                )
                continue
            if inp.tap_internal_key not in (None, xonly) or inp.tap_merkle_root is not None:
                continue
            if single_sig_script("p2tr", sec) == spk:
                return _Ours("p2tr", origin.path, sec)
        return None
    if kind in ("p2wsh", "p2sh") and inp.witness_script is not None:
        return _multisig_owner(inp, spk, inp.witness_script, keys, f)
    if kind == "p2sh" and inp.redeem_script is not None and parse_multisig_script(inp.redeem_script):
        return _multisig_owner(inp, spk, inp.redeem_script, keys, f)  # legacy P2SH multisig
    for pub, origin in inp.bip32.items():
        if origin.fingerprint != fp:
            continue
        sec = keys.pubkey(origin.path)
        if sec != pub:
            f.warn(
                "derivation-mismatch",
                Severity.WARN,
                f"input {inp.index}: the PSBT names our fingerprint at "
                f"{format_path(origin.path)} with a key this seed does not derive there",
            )
            continue
        for stype in ("p2wpkh", "p2sh-p2wpkh", "p2pkh"):
            if single_sig_script(stype, sec) == spk:
                if stype == "p2sh-p2wpkh" and inp.redeem_script not in (None, p2wpkh(sec)):
                    continue
                return _Ours(stype, origin.path, sec)
    return None


def _multisig_owner(
    inp: PsbtInput, spk: bytes, script: bytes, keys: BitcoinKeys, f: _Findings
) -> _Ours | None:
    """Ours if a registered wallet re-derives ``script`` (the witness script, or a legacy P2SH
    redeem script) and ``spk`` exactly at the branch and index our key's origin names."""
    parsed = parse_multisig_script(script)
    fp = keys.fingerprint
    mine = [(pub, o) for pub, o in inp.bip32.items() if o.fingerprint == fp]
    if not mine:
        return None
    for wallet in keys.multisig:
        for pub, origin in mine:
            loc = wallet.locate(origin)
            if loc is None:
                continue
            _, branch, index = loc
            w_spk, w_ws, w_redeem = wallet.scripts_at(branch, index)
            w_script = w_ws if w_ws is not None else w_redeem
            if w_spk == spk and w_script == script and keys.pubkey(origin.path) == pub:
                kind = MULTISIG_KINDS[wallet.script_type]
                return _Ours(kind, origin.path, pub, wallet, (branch, index))
    if parsed is not None:
        f.warn(
            "multisig-unregistered",
            Severity.WARN,
            f"input {inp.index} is a {parsed[0]}-of-{len(parsed[1])} "
            "multisig naming this seed, but it matches no registered wallet; register the wallet to sign it",
        )
    return None


def _owner_without_utxo(inp: PsbtInput, keys: BitcoinKeys, f: _Findings) -> _Ours | None:
    claims = [o for o in inp.bip32.values() if o.fingerprint == keys.fingerprint]
    claims += [o for _, o in inp.tap_bip32.values() if o.fingerprint == keys.fingerprint]
    if claims:
        f.refuse(
            "missing-utxo",
            f"input {inp.index} names this seed but carries neither the previous transaction "
            "nor the spent output, so its amount cannot be known",
        )
    return None


def _input_sighash(inp: PsbtInput, owner: _Ours, n_outputs: int, f: _Findings) -> int | None:
    taproot = owner.kind == "p2tr"
    value = inp.sighash_type
    if value is None:
        return 0 if taproot else 1
    allowed = {0, 1, 2, 3, 0x81, 0x82, 0x83} if taproot else {1, 2, 3, 0x81, 0x82, 0x83}
    if value not in allowed:
        f.refuse(
            "sighash-invalid", f"input {inp.index}: sighash type 0x{value:x} is not valid for this input"
        )
        return None
    base = value & 0x1F
    if base == 3 and inp.index >= n_outputs:
        f.refuse(
            "sighash-invalid",
            f"input {inp.index}: SIGHASH_SINGLE without a matching output would sign a hash anyone can reuse",
        )
        return None
    if value not in (0, 1):
        what = {
            2: "NONE lets anyone redirect every output after signing",
            3: "SINGLE lets others change every output but the one matching this input",
        }.get(base, "")
        acp = " ANYONECANPAY lets others add or remove inputs." if value & 0x80 else ""
        f.warn(
            "sighash-nonstandard",
            Severity.DANGER,
            f"input {inp.index} asks for SIGHASH_"
            f"{SIGHASH_NAMES[value]}: {what + '.' if what else ''}{acp}".strip(),
        )
    return value


def _require_amount_proof(
    inp: PsbtInput, owner: _Ours, proven: bool, sighash: int | None, all_known: bool, f: _Findings
) -> bool:
    """Refuse what can never be signed safely; False for a segwit v0 input known from witness_utxo
    alone (signable once the person accepts the danger)."""
    taproot = owner.kind == "p2tr"
    if taproot:
        if not all_known:
            f.refuse(
                "missing-utxo",
                f"input {inp.index} is taproot: signing it needs the amount and script of "
                "every input, and some are missing",
            )
        elif sighash is not None and sighash & 0x80 and not proven:
            f.refuse(
                "missing-utxo",
                f"input {inp.index} signs with ANYONECANPAY, which does not commit to the other "
                "amounts: its previous transaction (non_witness_utxo) is required",
            )
        return True
    if proven or inp.non_witness_utxo is not None:  # a previous transaction that failed is refused already
        return True
    if owner.kind == "p2pkh":
        f.refuse(
            "missing-utxo",
            f"input {inp.index} is a legacy (non-segwit) input: its signature commits to no amount, "
            "so its previous transaction (non_witness_utxo) is required",
        )
        return True
    return False


def _warn_unproven_amounts(indexes: list[int], utxos: list[TransactionOutput | None], f: _Findings) -> None:
    """The danger of signing segwit v0 inputs whose amounts only the sending computer vouches for."""
    claimed = sum(u.value for i, u in enumerate(utxos) if i in indexes and u is not None)
    if len(indexes) == 1:
        which = f"Input {indexes[0]} does not come with the transaction that created it"
        its, amount = "its", "amount"
    else:
        names = ", ".join(map(str, indexes[:-1])) + f" and {indexes[-1]}"
        which = f"Inputs {names} do not come with the transactions that created them"
        its, amount = "their", "amounts"
    f.warn(
        "missing-utxo",
        Severity.DANGER,
        f"{which}, so this device cannot check {its} {amount} ({fmt_btc(claimed)} claimed). A dishonest "
        "computer or wallet app can use this to make you pay a far larger fee than the one shown "
        "(the segwit fee bug). Accept only if you trust the wallet app that made this request; "
        "safer: ask it to include the previous transactions.",
    )


def _amount_source(utxo: TransactionOutput | None, proven: bool, owner: _Ours | None) -> str:
    if utxo is None:
        return "unknown"
    if proven:
        return "previous-tx"
    if owner is not None and owner.kind == "p2tr":
        return "taproot-signature"
    return "claimed"


def _path_note(index: int, owner: _Ours, f: _Findings) -> str | None:
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


def _check_path_network(path: tuple[int, ...], network: str, where: str, f: _Findings) -> None:
    if len(path) >= 2 and path[0] in STANDARD_PURPOSES:
        expected = coin_type(network) + H
        if path[1] != expected:
            other = (
                "mainnet" if path[1] == H else "a test network" if path[1] == H + 1 else f"coin {path[1] - H}"
            )
            f.refuse(
                "wrong-network",
                f"{where} is at {format_path(path)}, a path for {other}, but this signer is on {network}",
            )


def _plan(inp: PsbtInput, owner: _Ours, utxo: TransactionOutput, sighash: int) -> InputPlan:
    if owner.kind == "p2tr":
        code = b""
    elif owner.kind in ("p2wsh-multisig", "p2sh-p2wsh-multisig"):
        code = inp.witness_script or b""
    elif owner.kind == "p2sh-multisig":
        code = inp.redeem_script or b""  # legacy: the scriptCode is the redeem script
    elif owner.kind in ("p2wpkh", "p2sh-p2wpkh", "p2pkh"):
        code = p2pkh(owner.pubkey)  # BIP-143 scriptCode for P2WPKH is the P2PKH script; legacy uses the spk
    else:  # pragma: no cover - kinds are closed
        raise AssertionError(owner.kind)
    redeem = inp.redeem_script if owner.kind.startswith("p2sh") else None
    if owner.kind == "p2sh-p2wpkh":
        redeem = p2wpkh(owner.pubkey)
    return InputPlan(inp.index, owner.kind, owner.path, owner.pubkey, sighash, code, utxo.value, redeem)


def _display_type(inp: PsbtInput, spk: bytes | None, owner: _Ours | None) -> str:
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


# --------------------------------------------------------------------------- outputs
@dataclass(frozen=True)
class _Account:
    """An account being spent (a standard single-sig account or a registered multisig wallet): the
    highest address index spent on each branch."""

    max_index: dict[int, int]


def _input_accounts(ours: list[_Ours | None]) -> dict[tuple[int, ...] | str, _Account]:
    """The accounts our inputs spend from, keyed by account path (single-sig) or descriptor.

    Only standard paths make a single-sig account: an input at a path no standard wallet scans (which
    a host can derive below any xpub it was given, and fund) must not make that place acceptable change.
    """
    accounts: dict[tuple[int, ...] | str, _Account] = {}
    for o in ours:
        if o is None:
            continue
        if o.wallet is not None and o.branch_index is not None:
            key: tuple[int, ...] | str = o.wallet.descriptor
            branch, index = o.branch_index
        else:
            std = standard_address_path(o.path)
            if std is None:
                continue
            key, branch, index = std.account_path, std.branch, std.index
        acc = accounts.setdefault(key, _Account({}))
        acc.max_index[branch] = max(acc.max_index.get(branch, 0), index)
    return accounts


def _single_sig_kind(spk: bytes, sec: bytes, out: PsbtOutput) -> str | None:
    """Which single-sig script of key ``sec`` the output is (None if none, or if a taproot output's
    internal key field names another key)."""
    for kind in SINGLE_SIG_TYPES:
        if single_sig_script(kind, sec) == spk:
            if kind == "p2tr" and out.tap_internal_key not in (None, sec[1:]):
                return None
            return kind
    return None


def _classify_output(
    out: PsbtOutput,
    keys: BitcoinKeys,
    accounts: dict[tuple[int, ...] | str, _Account],
    gap: int,
    f: _Findings,
) -> OutputReview:
    """External, change, self (another findable account or wallet of ours) or data; dangers for our
    keys where wallets will not find the coins ("ransom change", RISK.md section 5).

    An output is change or self only if its script re-derives from a registered multisig wallet, or
    from our key at a standard single-sig path in the one script type that path's purpose gives."""
    spk = out.script
    stype = script_type(spk)
    base = dict(
        index=out.index,
        address=address_from_script(spk, keys.network),
        script_hex=spk.hex(),
        script_type=stype,
        amount=out.amount,
    )
    if stype == "op_return":
        return OutputReview(kind="op_return", **base)
    fp = keys.fingerprint
    # (key bytes, is x-only, origin) for every derivation naming our fingerprint
    claims = [(pub, False, o) for pub, o in out.bip32.items() if o.fingerprint == fp]
    claims += [(x, True, o) for x, (leaves, o) in out.tap_bip32.items() if o.fingerprint == fp and not leaves]
    if not claims:
        return OutputReview(kind="external", **base)

    # registered multisig wallets first: their scripts re-derive completely
    for wallet in keys.multisig:
        for _, _, origin in claims:
            loc = wallet.locate(origin)
            if loc is None:
                continue
            _, branch, index = loc
            if wallet.scripts_at(branch, index)[0] != spk:
                continue
            path = format_path(origin.path)
            acc = accounts.get(wallet.descriptor)
            if acc is None and index >= min(gap, MAX_ADDRESS_INDEX):
                f.warn(
                    "change-unverified",
                    Severity.DANGER,
                    f"output {out.index} pays registered wallet {wallet.name} at address index {index}; "
                    f"wallets look at indexes below {gap} only: they will not find it",
                )
                return OutputReview(
                    kind="external",
                    path=path,
                    wallet=wallet.name,
                    note="our wallet at an unusual index",
                    **base,
                )
            if acc is None:
                f.warn(
                    "other-wallet",
                    Severity.INFO,
                    f"output {out.index} goes to registered wallet {wallet.name}, not the one being spent",
                )
                return OutputReview(
                    kind="self", path=path, wallet=wallet.name, note="another registered wallet", **base
                )
            _check_path_network(origin.path, keys.network, f"output {out.index}", f)
            _gap_check(out.index, index, acc, gap, f)
            return OutputReview(
                kind="change" if branch == 1 else "self", path=path, wallet=wallet.name, **base
            )

    for key, xonly, origin in claims:
        derived = keys.pubkey(origin.path)
        if (derived[1:] if xonly else derived) != key:
            f.refuse(
                "change-fraud",
                f"output {out.index} claims to pay this seed at {format_path(origin.path)}, but "
                "that is not the key this seed derives there (deception about change)",
            )
            return OutputReview(
                kind="external", path=format_path(origin.path), note="false change claim", **base
            )
    # our key really is behind the claimed path; is the script the one a wallet scanning that path finds?
    for _, _, origin in claims:
        path = origin.path
        _check_path_network(path, keys.network, f"output {out.index}", f)
        actual = _single_sig_kind(spk, keys.pubkey(path), out)
        if actual is None:
            continue
        where = format_path(path)
        std = standard_address_path(path)
        if std is None:
            f.warn(
                "change-unverified",
                Severity.DANGER,
                f"output {out.index} pays this seed at {where}, which is not a receive or change address "
                "of a standard wallet (m/purpose'/coin'/account'/0 or 1/index): wallets will not find it",
            )
            return OutputReview(kind="external", path=where, note="our key at an unusual path", **base)
        if actual != std.kind:
            f.warn(
                "change-wrong-type",
                Severity.DANGER,
                f"output {out.index} pays this seed's key at {where} as a {actual} address, but wallets "
                f"look for {std.kind} addresses on BIP-{std.purpose} paths: they will not find it",
            )
            return OutputReview(kind="external", path=where, note="our key, unexpected address type", **base)
        acc = accounts.get(std.account_path)
        if acc is not None:
            _gap_check(out.index, std.index, acc, gap, f)
            kind = "change" if std.branch == 1 else "self"
            return OutputReview(kind=kind, path=where, wallet="single-sig", **base)
        if std.account < OTHER_ACCOUNT_LIMIT and std.index < min(gap, MAX_ADDRESS_INDEX):
            f.warn(
                "other-account",
                Severity.INFO,
                f"output {out.index} goes to another account of this seed ({format_path(path[:3])})",
            )
            return OutputReview(
                kind="self", path=where, wallet="single-sig", note="another account of this seed", **base
            )
        f.warn(
            "change-unverified",
            Severity.DANGER,
            f"output {out.index} pays another account of this seed at {where}; wallets look at accounts "
            f"below {OTHER_ACCOUNT_LIMIT} and indexes below {gap} only: they will not find it",
        )
        return OutputReview(kind="external", path=where, note="our key at an unusual path", **base)
    f.warn(
        "change-unverified",
        Severity.DANGER,
        f"output {out.index} names this seed but its script is not one we "
        "can re-derive (a multisig whose cosigners or threshold differ from every registered wallet?): "
        "treated as a payment to someone else",
    )
    return OutputReview(kind="external", note="claims to be ours; not verified", **base)


def _gap_check(index_out: int, index: int, acc: _Account, gap: int, f: _Findings) -> None:
    """Change or self on the account being spent: danger when wallets will not look that far."""
    highest = max(acc.max_index.values(), default=0)
    if index >= MAX_ADDRESS_INDEX:
        f.warn(
            "change-index-gap",
            Severity.DANGER,
            f"output {index_out} uses address index {index}; no wallet looks that far "
            f"(whatever index an input was taken from): it will not be found",
        )
    elif index >= highest + gap:
        f.warn(
            "change-index-gap",
            Severity.DANGER,
            f"output {index_out} uses address index {index}, {index - highest} past the highest index "
            f"spent ({highest}); wallets do not look that far ahead: it will not be found",
        )


# --------------------------------------------------------------------------- warnings
def _fee_warnings(fee: int, rate: float, sent: int, total_out: int, f: _Findings) -> None:
    basis = sent if sent > 0 else total_out
    if basis == 0:
        if fee:
            detail = f"fee {fmt_btc(fee)} while nothing is sent: all of it goes to miners"
            f.warn("fee-high", Severity.DANGER, detail)
        return
    pct = 100.0 * fee / basis
    detail = f"fee {fmt_btc(fee)} is {pct:.1f}% of the {fmt_btc(basis)} sent, {rate:.1f} sat/vB"
    if pct > FEE_DANGER_PCT or rate > FEE_DANGER_RATE:
        f.warn("fee-high", Severity.DANGER, detail)
    elif pct > FEE_WARN_PCT:
        f.warn("fee-high", Severity.WARN, detail)


def _output_warnings(
    psbt: Psbt, outs: list[OutputReview], utxos: list[TransactionOutput | None], f: _Findings
) -> None:
    input_scripts = {u.script_pubkey.data: i for i, u in enumerate(utxos) if u is not None}
    seen: dict[bytes, int] = {}
    op_returns = 0
    for o, po in zip(outs, psbt.outputs, strict=True):
        spk = po.script
        if o.kind == "op_return":
            op_returns += 1
            if o.amount > 0:
                f.warn(
                    "op-return-burn",
                    Severity.DANGER if o.amount > BURN_DANGER else Severity.WARN,
                    f"output {o.index} destroys {fmt_btc(o.amount)}: coins given to a data (OP_RETURN) "
                    "output can never be spent by anyone",
                )
            if len(spk) > 83:
                f.warn("op-return-large", Severity.WARN, f"output {o.index} carries {len(spk)} bytes of data")
            f.warn("op-return", Severity.INFO, f"output {o.index} records data: {spk[1:].hex()[:80]}")
            continue
        if spk in input_scripts:
            f.warn(
                "address-reuse",
                Severity.WARN,
                f"output {o.index} pays back to the address of input {input_scripts[spk]} ({o.address})",
            )
        if spk in seen:
            f.warn("address-reuse", Severity.WARN, f"outputs {seen[spk]} and {o.index} pay the same address")
        seen.setdefault(spk, o.index)
        if o.script_type == "unknown" or o.script_type.startswith("witness-v"):
            f.warn(
                "output-nonstandard",
                Severity.WARN,
                f"output {o.index} has an unusual script ({spk.hex()[:40]})",
            )
        elif o.amount < DUST:
            f.warn("dust-output", Severity.WARN, f"output {o.index} is only {o.amount} sat")
    if op_returns > 1:
        f.warn("op-return-large", Severity.WARN, "more than one OP_RETURN output")


def _locktime_warnings(psbt: Psbt, locktime: int, tip_height: int | None, f: _Findings) -> None:
    if locktime == 0:
        return
    if all(i.sequence == 0xFFFFFFFF for i in psbt.inputs):
        f.warn(
            "locktime-disabled",
            Severity.INFO,
            "a locktime is set but every input is final, so it has no effect",
        )
        return
    if locktime >= 500_000_000:
        f.warn("large-locktime", Severity.WARN, f"cannot be mined before {describe_locktime(locktime)}")
        return
    estimate = (
        tip_height
        if tip_height is not None
        else REFERENCE_HEIGHT + max(0, int(time.time()) - REFERENCE_TIME) // 600
    )
    margin = 4_320 if tip_height is not None else 52_560  # ~30 days with a known tip, ~1 year without
    if locktime > estimate + margin:
        f.warn(
            "large-locktime",
            Severity.WARN,
            f"cannot be mined before {describe_locktime(locktime)}, about "
            f"{(locktime - estimate) // 144} days after the {'given' if tip_height else 'estimated'} tip "
            f"{estimate}",
        )
