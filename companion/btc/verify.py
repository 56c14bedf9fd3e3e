"""Check every input of a finalized single-sig transaction against the coin it spends, before broadcast.

The finalizer puts signatures where they belong; it does not prove them. This does, for the script
kinds the companion's wallets have (P2WPKH, P2TR key path, P2SH-P2WPKH, P2PKH; P2WSH and P2SH-P2WSH
sorted multisig in companion.btc.multisig_verify): the key hashes to the
coin's script and the signature verifies over the signer's own sighash (signer.btc.sign.SighashCache,
BIP-143 / BIP-341 / legacy) of the coin's true amount and script. Any other script is refused rather
than sent unchecked. The node's own checks come after this, never instead of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from companion.errors import CompanionError

if TYPE_CHECKING:
    from embit.transaction import Transaction

SIGHASH_ALL = 1
SIGHASH_DEFAULT = 0


def verify_inputs(unsigned_psbt: bytes, final_tx: bytes, prevouts: list[tuple[int, bytes]]) -> None:
    """CompanionError naming the first input whose signature does not prove it may spend its coin."""
    from embit.transaction import Transaction, TransactionError

    from signer.btc.legacy_sighash import SingleWithoutOutput
    from signer.btc.psbt import parse_psbt
    from signer.btc.sign import SighashCache

    tx = Transaction.parse(final_tx)
    if len(tx.vin) != len(prevouts):
        raise CompanionError("the transaction's inputs do not match the coins it spends")
    cache = SighashCache(parse_psbt(unsigned_psbt), tuple(prevouts))
    for index, (amount, script) in enumerate(prevouts):
        try:
            verifies = _verifies(cache, tx, index, amount, script)
        except (TransactionError, SingleWithoutOutput):  # a sighash type no digest exists for
            verifies = False
        if not verifies:
            raise CompanionError(
                f"input {index}'s signature does not verify (signed by another key, or damaged): "
                "nothing was broadcast"
            )


def _verifies(cache: object, tx: Transaction, index: int, amount: int, script: bytes) -> bool:
    from signer.btc.sign import SighashCache

    assert isinstance(cache, SighashCache)
    vin = tx.vin[index]
    witness = [bytes(item) for item in vin.witness.items]
    script_sig = vin.script_sig.data
    if len(script) == 22 and script[:2] == b"\x00\x14":
        return not script_sig and _p2wpkh(cache, index, amount, script[2:], witness)
    if len(script) == 34 and script[:2] == b"\x51\x20":
        return not script_sig and _p2tr(cache, index, script[2:], witness)
    if len(script) == 34 and script[:2] == b"\x00\x20":
        from companion.btc.multisig_verify import p2wsh_multisig

        return not script_sig and p2wsh_multisig(cache, index, amount, script[2:], witness)
    if len(script) == 23 and script[:2] == b"\xa9\x14" and script[-1] == 0x87 and len(script_sig) == 35:
        from companion.btc.multisig_verify import nested_program, p2wsh_multisig

        program = nested_program(_pushes(script_sig), script[2:22])
        return program is not None and p2wsh_multisig(cache, index, amount, program, witness)
    if len(script) == 23 and script[:2] == b"\xa9\x14" and script[-1] == 0x87:
        redeem = _pushes(script_sig)
        if redeem is None or len(redeem) != 1 or len(redeem[0]) != 22 or redeem[0][:2] != b"\x00\x14":
            return False
        return _hash160(redeem[0]) == script[2:22] and _p2wpkh(cache, index, amount, redeem[0][2:], witness)
    if len(script) == 25 and script[:3] == b"\x76\xa9\x14" and script[-2:] == b"\x88\xac":
        pushes = _pushes(script_sig)
        if witness or pushes is None or len(pushes) != 2:
            return False
        sig, pub = pushes
        if _hash160(pub) != script[3:23] or not sig:
            return False
        return _ecdsa(pub, sig[:-1], cache.legacy(index, script, sig[-1]))
    raise CompanionError(f"input {index} spends a script this wallet cannot check: nothing was broadcast")


def _p2wpkh(cache: object, index: int, amount: int, key_hash: bytes, witness: list[bytes]) -> bool:
    from signer.btc.sign import SighashCache

    assert isinstance(cache, SighashCache)
    if len(witness) != 2 or not witness[0] or _hash160(witness[1]) != key_hash:
        return False
    sig, pub = witness
    script_code = b"\x76\xa9\x14" + key_hash + b"\x88\xac"
    return _ecdsa(pub, sig[:-1], cache.segwit_v0(index, script_code, amount, sig[-1]))


def _p2tr(cache: object, index: int, output_key: bytes, witness: list[bytes]) -> bool:
    from embit import ec

    from signer.btc.errors import BtcRefusal
    from signer.btc.sign import SighashCache

    assert isinstance(cache, SighashCache)
    if len(witness) != 1 or len(witness[0]) not in (64, 65):
        return False  # a script path or an annex: not what these wallets make
    sig = witness[0]
    sighash = sig[64] if len(sig) == 65 else SIGHASH_DEFAULT
    if len(sig) == 65 and sighash == SIGHASH_DEFAULT:
        return False  # BIP-341: an explicit 0x00 byte is invalid
    try:
        digest = cache.taproot(index, sighash)
        return bool(ec.PublicKey.from_xonly(output_key).schnorr_verify(ec.SchnorrSig(sig[:64]), digest))
    except (BtcRefusal, ValueError):
        return False


def _ecdsa(pub: bytes, der: bytes, digest: bytes) -> bool:
    from embit import ec

    try:
        return bool(ec.PublicKey.parse(pub).verify(ec.Signature.parse(der), digest))
    except (ValueError, IndexError, TypeError):
        return False


def _hash160(data: bytes) -> bytes:
    from embit.hashes import hash160

    result: bytes = hash160(data)
    return result


def _pushes(script: bytes) -> list[bytes] | None:
    """The data pushes of a push-only script (None when it holds anything else)."""
    out, i = [], 0
    while i < len(script):
        op = script[i]
        i += 1
        if 1 <= op <= 75:
            size = op
        elif op == 76 and i < len(script):
            size, i = script[i], i + 1
        elif op == 77 and i + 1 < len(script):
            size, i = int.from_bytes(script[i : i + 2], "little"), i + 2
        else:
            return None
        if i + size > len(script):
            return None
        out.append(script[i : i + size])
        i += size
    return out
