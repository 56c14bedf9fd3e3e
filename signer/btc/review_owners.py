"""Whose input is it: this seed's key re-derived at a standard single-sig script, or a registered
multisig wallet that re-derives the input's script exactly. A PSBT's claims alone prove nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from embit.transaction import TransactionOutput

from signer.btc.findings import Findings
from signer.btc.keys import BitcoinKeys
from signer.btc.multisig import MultisigWallet
from signer.btc.networks import format_path, script_type
from signer.btc.psbt import PsbtInput
from signer.btc.scripts import SpendKind, p2wpkh, parse_multisig_script, single_sig_script
from signer.review import Severity

# The ECDSA single-sig scripts an input at one of our keys may be locked with
ECDSA_SINGLE_SIG = (SpendKind.P2WPKH, SpendKind.P2SH_P2WPKH, SpendKind.P2PKH)


@dataclass
class Owner:
    """Our key behind an input (or an output): how it is locked, where the key is, which wallet."""

    kind: SpendKind
    path: tuple[int, ...]
    pubkey: bytes
    wallet: MultisigWallet | None = None
    branch_index: tuple[int, int] | None = None  # in the registered wallet


def input_owner(inp: PsbtInput, utxo: TransactionOutput, keys: BitcoinKeys, f: Findings) -> Owner | None:
    """Ours if the output it spends re-derives from our key (or a registered wallet) where it says."""
    spk = utxo.script_pubkey.data
    kind = script_type(spk)
    fp = keys.fingerprint
    if kind == "p2tr":
        return _taproot_owner(inp, spk, keys, f)
    if kind in ("p2wsh", "p2sh") and inp.witness_script is not None:
        return _multisig_owner(inp, spk, inp.witness_script, keys, f)
    if kind == "p2sh" and inp.redeem_script is not None and parse_multisig_script(inp.redeem_script):
        return _multisig_owner(inp, spk, inp.redeem_script, keys, f)  # legacy P2SH multisig
    for pub, origin in inp.bip32.items():
        if origin.fingerprint != fp:
            continue
        sec = keys.pubkey(origin.path)
        if sec != pub:
            _warn_derivation_mismatch(inp, origin.path, f)
            continue
        for stype in ECDSA_SINGLE_SIG:
            if single_sig_script(stype, sec) == spk:
                if stype == SpendKind.P2SH_P2WPKH and inp.redeem_script not in (None, p2wpkh(sec)):
                    continue
                return Owner(stype, origin.path, sec)
    return None


def owner_without_utxo(inp: PsbtInput, keys: BitcoinKeys, f: Findings) -> None:
    """An input that does not say what it spends is never ours to sign: refused if it names our seed."""
    claims = [o for o in inp.bip32.values() if o.fingerprint == keys.fingerprint]
    claims += [o for _, o in inp.tap_bip32.values() if o.fingerprint == keys.fingerprint]
    if claims:
        f.refuse(
            "missing-utxo",
            f"input {inp.index} names this seed but carries neither the previous transaction "
            "nor the spent output, so its amount cannot be known",
        )


def _taproot_owner(inp: PsbtInput, spk: bytes, keys: BitcoinKeys, f: Findings) -> Owner | None:
    """Ours if our key, tweaked as BIP-86 says (key path only, no script tree), is the output key."""
    for xonly, (leaves, origin) in inp.tap_bip32.items():
        if origin.fingerprint != keys.fingerprint:
            continue
        if leaves:
            f.warn(
                "taproot-script-path",
                Severity.WARN,
                f"input {inp.index}: taproot script-path spending is not supported; this input is not signed",
            )
            continue
        sec = keys.pubkey(origin.path)
        if sec[1:] != xonly:
            _warn_derivation_mismatch(inp, origin.path, f)
            continue
        if inp.tap_internal_key not in (None, xonly) or inp.tap_merkle_root is not None:
            continue
        if single_sig_script(SpendKind.P2TR, sec) == spk:
            return Owner(SpendKind.P2TR, origin.path, sec)
    return None


def _multisig_owner(
    inp: PsbtInput, spk: bytes, script: bytes, keys: BitcoinKeys, f: Findings
) -> Owner | None:
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
                return Owner(wallet.script_type.spend_kind, origin.path, pub, wallet, (branch, index))
    if parsed is not None:
        f.warn(
            "multisig-unregistered",
            Severity.WARN,
            f"input {inp.index} is a {parsed[0]}-of-{len(parsed[1])} "
            "multisig naming this seed, but it matches no registered wallet; register the wallet to sign it",
        )
    return None


def _warn_derivation_mismatch(inp: PsbtInput, path: tuple[int, ...], f: Findings) -> None:
    f.warn(
        "derivation-mismatch",
        Severity.WARN,
        f"input {inp.index}: the PSBT names our fingerprint at "
        f"{format_path(path)} with a key this seed does not derive there",
    )
