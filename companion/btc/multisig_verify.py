"""Check a finalized multisig input (P2WSH, P2SH-P2WSH) against the coin it spends, before broadcast.

The witness must be what OP_CHECKMULTISIG takes and nothing more: an empty dummy (BIP-147), exactly
M signatures, and the witness script, which must hash to the coin's script (through the P2SH redeem
script for the nested form) and be a plain ``OP_M <keys> OP_N OP_CHECKMULTISIG``. The signatures must
verify, in the script's key order as the opcode walks them, over the BIP-143 sighash of the coin's
true amount (signer.btc.sign.SighashCache). companion.btc.verify sends these inputs here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from signer.btc.sign import SighashCache


def p2wsh_multisig(
    cache: SighashCache, index: int, amount: int, program: bytes, witness: list[bytes]
) -> bool:
    """Whether ``witness`` spends the P2WSH output of 32-byte ``program`` with M valid signatures."""
    from embit.transaction import TransactionError

    from signer.btc.scripts import parse_multisig_script, sha256

    if len(witness) < 3 or witness[0] != b"":
        return False
    script = witness[-1]
    if sha256(script) != program:
        return False
    parsed = parse_multisig_script(script)
    if parsed is None:
        return False
    m, keys = parsed
    signatures = witness[1:-1]
    if len(signatures) != m:
        return False
    position = 0
    for signature in signatures:  # OP_CHECKMULTISIG: each signature by a later key than the last
        if not signature:
            return False
        try:
            digest = cache.segwit_v0(index, script, amount, signature[-1])
        except TransactionError:  # an undefined sighash type: embit has no digest for it
            return False
        while position < len(keys) and not _ecdsa(keys[position], signature[:-1], digest):
            position += 1
        if position == len(keys):
            return False
        position += 1
    return True


def nested_program(script_sig_pushes: list[bytes] | None, script_hash: bytes) -> bytes | None:
    """The P2WSH program a P2SH-P2WSH input's scriptSig gives, when it hashes to ``script_hash``."""
    from embit.hashes import hash160

    if script_sig_pushes is None or len(script_sig_pushes) != 1:
        return None
    redeem = script_sig_pushes[0]
    if len(redeem) != 34 or redeem[:2] != b"\x00\x20" or hash160(redeem) != script_hash:
        return None
    return redeem[2:]


def _ecdsa(pub: bytes, der: bytes, digest: bytes) -> bool:
    from embit import ec

    try:
        return bool(ec.PublicKey.parse(pub).verify(ec.Signature.parse(der), digest))
    except (ValueError, IndexError, TypeError):
        return False
