"""secp256k1 ECDSA as Ethereum uses it: a 32-byte digest signed with a recovery id, and recovery.

Both run on embit's libsecp256k1 bindings (the library Bitcoin Core uses; embit falls back to its
pure-Python twin where the shared library cannot load). libsecp256k1 signs with RFC 6979 nonces and
a low s, as eth-account and ethers do, so the signatures are byte-identical to theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from signer.eth.errors import EthError
from signer.keccak import keccak256

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True)
class RecoverableSignature:
    y_parity: int  # the recovery id (0 or 1 for the signatures libsecp256k1 makes)
    r: int
    s: int

    def __post_init__(self) -> None:
        if self.y_parity not in (0, 1):
            raise EthError(f"recovery id must be 0 or 1, not {self.y_parity}")


def sign_digest(digest: bytes, private_key: bytes) -> RecoverableSignature:
    """Sign a 32-byte digest; the signature is checked by recovering the signer before it is returned."""
    from embit.util import secp256k1

    if len(digest) != 32:
        raise EthError(f"a digest to sign is 32 bytes, not {len(digest)}")
    try:
        raw = secp256k1.ecdsa_sign_recoverable(bytes(digest), bytes(private_key))
        compact, recid = secp256k1.ecdsa_recoverable_signature_serialize_compact(raw)
    except ValueError:  # embit's messages name no key material, but say nothing of it either
        raise EthError("the private key cannot sign (out of range)") from None
    r, s = int.from_bytes(compact[:32], "big"), int.from_bytes(compact[32:], "big")
    sig = RecoverableSignature(recid, r, s)
    if not (0 < sig.r < SECP256K1_N and 0 < sig.s <= SECP256K1_N // 2):
        raise EthError("internal check failed: the signature is out of range; nothing signed")
    if recover_address(digest, sig) != address_of_private(private_key):
        raise EthError("internal check failed: the signature does not verify; nothing signed")
    return sig


def recover_public(digest: bytes, sig: RecoverableSignature) -> bytes | None:
    """The 64-byte uncompressed public key (x || y) that made ``sig`` over ``digest``, or None."""
    from embit.util import secp256k1

    if len(digest) != 32 or not (0 < sig.r < SECP256K1_N and 0 < sig.s < SECP256K1_N):
        return None
    compact = sig.r.to_bytes(32, "big") + sig.s.to_bytes(32, "big")
    try:
        parsed = secp256k1.ecdsa_recoverable_signature_parse_compact(compact, sig.y_parity)
        pub = secp256k1.ecdsa_recover(parsed, bytes(digest))
        sec: bytes = secp256k1.ec_pubkey_serialize(pub, secp256k1.EC_UNCOMPRESSED)
    except ValueError:
        return None
    return sec[1:]


def recover_address(digest: bytes, sig: RecoverableSignature) -> bytes | None:
    """The 20-byte address that made ``sig`` over ``digest``, or None when no key did."""
    pub = recover_public(digest, sig)
    return None if pub is None else keccak256(pub)[-20:]


def address_of_private(private_key: bytes) -> bytes:
    """The address of a private key: the last 20 bytes of the keccak of its public key (x || y)."""
    from embit.util import secp256k1

    try:
        pub = secp256k1.ec_pubkey_create(bytes(private_key))
    except ValueError:
        raise EthError("the private key is out of range") from None
    sec: bytes = secp256k1.ec_pubkey_serialize(pub, secp256k1.EC_UNCOMPRESSED)
    return keccak256(sec[1:])[-20:]
