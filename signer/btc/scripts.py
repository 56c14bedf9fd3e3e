"""Output scripts for single keys and sorted multisig, built from raw key bytes, and the kinds of
script this signer spends."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from embit import ec
from embit.hashes import hash160

from signer.derivation import HARDENED, SINGLE_SIG_KIND


class SpendKind(StrEnum):
    """How a coin of ours is locked, and so how it is signed: the script types this signer spends."""

    P2PKH = "p2pkh"
    P2SH_P2WPKH = "p2sh-p2wpkh"
    P2WPKH = "p2wpkh"
    P2TR = "p2tr"
    P2WSH_MULTISIG = "p2wsh-multisig"
    P2SH_P2WSH_MULTISIG = "p2sh-p2wsh-multisig"
    P2SH_MULTISIG = "p2sh-multisig"


SINGLE_SIG_TYPES = (SpendKind.P2PKH, SpendKind.P2SH_P2WPKH, SpendKind.P2WPKH, SpendKind.P2TR)
# The one script type a BIP-44/49/84/86 wallet looks for at its purpose (hardened, as in a path)
SCRIPT_BY_PURPOSE = {purpose + HARDENED: SpendKind(kind) for purpose, kind in SINGLE_SIG_KIND.items()}


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def p2pkh(sec: bytes) -> bytes:
    return b"\x76\xa9\x14" + hash160(sec) + b"\x88\xac"


def p2wpkh(sec: bytes) -> bytes:
    return b"\x00\x14" + hash160(sec)


def p2sh(redeem: bytes) -> bytes:
    return b"\xa9\x14" + hash160(redeem) + b"\x87"


def p2wsh(witness_script: bytes) -> bytes:
    return b"\x00\x20" + sha256(witness_script)


def taproot_output_key(xonly: bytes, merkle_root: bytes = b"") -> bytes:
    """BIP-341 output key; BIP-86 key-path-only outputs use an empty merkle root."""
    tweaked: ec.PublicKey = ec.PublicKey.from_xonly(xonly).taproot_tweak(merkle_root)
    return tweaked.xonly()


def p2tr(xonly: bytes, merkle_root: bytes = b"") -> bytes:
    return b"\x51\x20" + taproot_output_key(xonly, merkle_root)


def single_sig_script(kind: str, sec: bytes) -> bytes:
    """scriptPubKey of a compressed public key ``sec`` for one of SINGLE_SIG_TYPES."""
    if kind == SpendKind.P2PKH:
        return p2pkh(sec)
    if kind == SpendKind.P2WPKH:
        return p2wpkh(sec)
    if kind == SpendKind.P2SH_P2WPKH:
        return p2sh(p2wpkh(sec))
    if kind == SpendKind.P2TR:
        return p2tr(sec[1:33])
    raise ValueError(f"not a single-sig script type: {kind}")


def sorted_multisig_script(m: int, pubkeys: list[bytes]) -> bytes:
    """OP_m <sorted compressed keys> OP_n OP_CHECKMULTISIG (BIP-67 sorting)."""
    keys = sorted(pubkeys)
    return bytes([0x50 + m]) + b"".join(b"\x21" + k for k in keys) + bytes([0x50 + len(keys), 0xAE])


def parse_multisig_script(script: bytes) -> tuple[int, list[bytes]] | None:
    """(m, keys) for a bare OP_m <33-byte keys> OP_n OP_CHECKMULTISIG script, else None."""
    if len(script) < 37 or script[-1] != 0xAE:
        return None
    m, n = script[0] - 0x50, script[-2] - 0x50
    if not (1 <= m <= n <= 16) or len(script) != 3 + 34 * n:
        return None
    keys = []
    for i in range(n):
        chunk = script[1 + 34 * i : 35 + 34 * i]
        if chunk[0] != 0x21 or chunk[1] not in (2, 3):
            return None
        keys.append(chunk[1:])
    return m, keys
