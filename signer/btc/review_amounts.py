"""What an input spends, and what proves its amount (RISK.md section 5).

* A previous transaction, when given, must have the outpoint's txid, and a witness_utxo that disagrees
  with it is a refusal; a legacy input we sign needs it (its signature commits to no amount).
* A segwit v0 input with only witness_utxo is signed only after the person accepts a danger that
  explains the fee attack of CVE-2020-14199 (its signature commits to its own amount only, so two
  signing sessions fed different lies can add up to a huge fee), as Coldcard and Ledger do.
* A taproot input may rely on witness_utxo (BIP-341 commits to every amount) unless it signs with
  ANYONECANPAY, which drops that commitment.
"""

from __future__ import annotations

from collections.abc import Sequence

from embit.transaction import TransactionOutput

from signer.btc.findings import Findings
from signer.btc.networks import script_type
from signer.btc.psbt import PsbtInput
from signer.btc.review import AmountSource, fmt_btc
from signer.btc.review_owners import Owner
from signer.btc.scripts import SpendKind, p2sh, p2wsh
from signer.btc.sighash import ANYONECANPAY
from signer.review import Severity


def prove_utxo(inp: PsbtInput, f: Findings) -> tuple[TransactionOutput | None, bool]:
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


def check_scripts(inp: PsbtInput, spk: bytes, f: Findings) -> None:
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


def require_amount_proof(
    inp: PsbtInput, owner: Owner, proven: bool, sighash: int | None, all_known: bool, f: Findings
) -> bool:
    """Refuse what can never be signed safely; False for a segwit v0 input known from witness_utxo
    alone (signable once the person accepts the danger)."""
    if owner.kind == SpendKind.P2TR:
        if not all_known:
            f.refuse(
                "missing-utxo",
                f"input {inp.index} is taproot: signing it needs the amount and script of "
                "every input, and some are missing",
            )
        elif sighash is not None and sighash & ANYONECANPAY and not proven:
            f.refuse(
                "missing-utxo",
                f"input {inp.index} signs with ANYONECANPAY, which does not commit to the other "
                "amounts: its previous transaction (non_witness_utxo) is required",
            )
        return True
    if proven or inp.non_witness_utxo is not None:  # a previous transaction that failed is refused already
        return True
    if owner.kind == SpendKind.P2PKH:
        f.refuse(
            "missing-utxo",
            f"input {inp.index} is a legacy (non-segwit) input: its signature commits to no amount, "
            "so its previous transaction (non_witness_utxo) is required",
        )
        return True
    return False


def warn_unproven_amounts(
    indexes: Sequence[int], utxos: Sequence[TransactionOutput | None], f: Findings
) -> None:
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


def amount_source(utxo: TransactionOutput | None, proven: bool, owner: Owner | None) -> AmountSource:
    if utxo is None:
        return AmountSource.UNKNOWN
    if proven:
        return AmountSource.PREVIOUS_TX
    if owner is not None and owner.kind == SpendKind.P2TR:
        return AmountSource.TAPROOT_SIGNATURE
    return AmountSource.CLAIMED
