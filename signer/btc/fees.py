"""Virtual-size estimate of the finished transaction, from what the PSBT tells about each input.

Signatures are counted at their largest common size (72 bytes DER+sighash for ECDSA, 64/65 for
Schnorr), so the fee rate shown is never higher than the real one by more than a few bytes' worth.
"""

from __future__ import annotations

from dataclasses import dataclass

from signer.btc.networks import script_type
from signer.btc.psbt import Psbt, PsbtInput
from signer.btc.scripts import parse_multisig_script
from signer.btc.wire import compact_bytes
from signer.derivation import ScriptKind

ECDSA_SIG = 72
P2WPKH_PROGRAM = b"\x00\x14" + bytes(20)  # the shape of a P2SH-P2WPKH redeem script (its length matters)
SCHNORR_SIG = 64


@dataclass(frozen=True)
class SizeEstimate:
    vsize: int
    weight: int
    exact: bool  # False when some input's spending script had to be guessed


def _witness_len(items: list[int]) -> int:
    return len(compact_bytes(len(items))) + sum(len(compact_bytes(n)) + n for n in items)


def _input_sizes(
    inp: PsbtInput, spk: bytes | None, sighash: int | None, proven_kind: str | None
) -> tuple[int, int, bool]:
    """(scriptSig length, witness length or 0 for none, known) for one input. ``proven_kind`` is the
    script type the review re-derived for our input (it needs no PSBT_IN_REDEEM_SCRIPT to know it)."""
    if inp.final_scriptsig is not None or inp.final_scriptwitness is not None:
        wit = inp.final_scriptwitness
        return (len(inp.final_scriptsig or b""), _witness_len([len(x) for x in wit]) if wit else 0, True)
    kind = script_type(spk) if spk is not None else "unknown"
    redeem = inp.redeem_script
    if kind == ScriptKind.P2SH and redeem is None and proven_kind == ScriptKind.P2SH_P2WPKH:
        redeem = P2WPKH_PROGRAM
    if kind == ScriptKind.P2SH and redeem is not None:
        inner = script_type(redeem)
        push = len(redeem) + (1 if len(redeem) < 76 else 2)
        if inner == ScriptKind.P2WPKH:
            return push, _witness_len([ECDSA_SIG, 33]), True
        if inner == ScriptKind.P2WSH and inp.witness_script is not None:
            return push, *_multisig_witness(inp.witness_script)
        parsed = parse_multisig_script(redeem)
        if inner == ScriptKind.UNKNOWN and parsed is not None:  # legacy P2SH multisig: OP_0 <sigs> <redeem>
            return 1 + parsed[0] * (1 + ECDSA_SIG) + push, 0, True
    if kind == ScriptKind.P2PKH:
        return 1 + ECDSA_SIG + 1 + 33, 0, True
    if kind == ScriptKind.P2WPKH:
        return 0, _witness_len([ECDSA_SIG, 33]), True
    if kind == ScriptKind.P2TR:
        sig = SCHNORR_SIG + (0 if sighash in (None, 0) else 1)
        return 0, _witness_len([sig]), inp.tap_merkle_root is None
    if kind == ScriptKind.P2WSH and inp.witness_script is not None:
        return 0, *_multisig_witness(inp.witness_script)
    # unknown: assume a P2WPKH spend, and say the estimate is not exact
    return 0, _witness_len([ECDSA_SIG, 33]), False


def _multisig_witness(ws: bytes) -> tuple[int, bool]:
    parsed = parse_multisig_script(ws)
    if parsed is None:
        return _witness_len([ECDSA_SIG, len(ws)]), False
    m, _ = parsed
    return _witness_len([0] + [ECDSA_SIG] * m + [len(ws)]), True


def estimate_size(
    psbt: Psbt,
    spks: list[bytes | None],
    sighashes: list[int | None],
    proven_kinds: list[str | None] | None = None,
) -> SizeEstimate:
    base = 4 + len(compact_bytes(len(psbt.inputs))) + len(compact_bytes(len(psbt.outputs))) + 4
    witness = 0
    any_witness = False
    exact = True
    kinds = proven_kinds if proven_kinds is not None else [None] * len(psbt.inputs)
    for inp, spk, sighash, proven in zip(psbt.inputs, spks, sighashes, kinds, strict=True):
        script_sig, wit, known = _input_sizes(inp, spk, sighash, proven)
        exact = exact and known
        base += 32 + 4 + 4 + len(compact_bytes(script_sig)) + script_sig
        if wit:
            any_witness = True
            witness += wit
        else:
            witness += 1  # empty witness stack marker, counted only if the tx is segwit
    for o in psbt.outputs:
        base += 8 + len(compact_bytes(len(o.script))) + len(o.script)
    weight = base * 4 + (2 + witness if any_witness else 0)
    return SizeEstimate((weight + 3) // 4, weight, exact)
