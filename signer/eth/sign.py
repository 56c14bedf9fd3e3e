"""Signing Ethereum transactions and messages, with v encoded the way ERC-4527 wants per data type.

Keys are derived here from the BIP-32 seed at the request's path; they live only inside these
calls. The digest is signed with libsecp256k1 (signer.eth.ecdsa, which checks each signature by
recovering its signer); a transaction is then assembled from the reviewed fields, and the signed
bytes are decoded again and must carry exactly the unsigned payload that was reviewed; otherwise
nothing is returned. eth-account is not imported here: it costs more to import than signing takes,
and it stays the test suite's cross-check (byte-identical signatures).
"""

from __future__ import annotations

from dataclasses import dataclass

from signer.eth import rlpcodec
from signer.eth.ecdsa import sign_digest
from signer.eth.errors import EthError
from signer.eth.message import PersonalMessage
from signer.eth.tx import LEGACY, UnsignedTx, authorization_digest
from signer.eth.typed_data import TypedData
from signer.keccak import keccak256

DEFAULT_PATH = "m/44'/60'/0'/0/0"


def _normalise_path(path: str) -> str:
    text = path.strip()
    if not text.startswith("m"):
        text = "m/" + text.lstrip("/")
    return text


def private_key_at(seed: bytes, path: str) -> bytes:
    """The secp256k1 private key at ``path`` (BIP-32, embit)."""
    from embit.bip32 import HDKey

    try:
        secret: bytes = HDKey.from_seed(seed).derive(_normalise_path(path)).key.secret
        return secret
    except (ValueError, TypeError, AttributeError) as exc:
        raise EthError(f"cannot derive a key at {path!r}: {exc.__class__.__name__}") from None


def master_fingerprint(seed: bytes) -> int:
    from embit.bip32 import HDKey

    return int.from_bytes(HDKey.from_seed(seed).my_fingerprint, "big")


def address_of(private_key: bytes) -> bytes:
    from embit.ec import PrivateKey

    return address_of_public(PrivateKey(private_key).get_public_key().sec())


def address_of_public(sec: bytes) -> bytes:
    """The address of a public key (SEC, compressed or not): the last 20 bytes of its keccak."""
    from embit.ec import PublicKey

    pub = PublicKey.parse(sec)
    pub.compressed = False
    return keccak256(pub.sec()[1:])[-20:]


def address_at(seed: bytes, path: str) -> bytes:
    return address_of(private_key_at(seed, path))


@dataclass(frozen=True)
class SignedTx:
    raw: bytes  # ready for eth_sendRawTransaction
    r: int
    s: int
    v: int  # legacy: chainId*2+35+recid; typed: y parity

    @property
    def hash(self) -> bytes:
        return keccak256(self.raw)

    def erc4527_signature(self) -> bytes:
        """r || s || v, v as big-endian bytes (several bytes for EIP-155 on large chain ids)."""
        return _rsv(self.r, self.s, self.v)


def _rsv(r: int, s: int, v: int) -> bytes:
    return (
        r.to_bytes(32, "big") + s.to_bytes(32, "big") + v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    )


def _unsigned_part(tx: UnsignedTx, raw: bytes) -> bytes:
    """The unsigned payload inside a signed transaction (for the round-trip check)."""
    if tx.tx_type == LEGACY:
        fields = rlpcodec.decode(raw)
        assert isinstance(fields, list) and len(fields) == 9
        return rlpcodec.encode([*fields[:6], tx.chain_id, b"", b""])
    if raw[:1] != bytes([tx.tx_type]):
        raise EthError("signed transaction has the wrong type byte")
    fields = rlpcodec.decode(raw[1:])
    assert isinstance(fields, list)
    return bytes([tx.tx_type]) + rlpcodec.encode(fields[:-3])


def sign_transaction(tx: UnsignedTx, private_key: bytes) -> SignedTx:
    sig = sign_digest(tx.signing_hash(), private_key)
    if tx.tx_type == LEGACY:  # EIP-155: v = chain_id * 2 + 35 + recovery id, in place of (chain_id, 0, 0)
        v = tx.chain_id * 2 + 35 + sig.y_parity
        raw = rlpcodec.encode([*tx.rlp_fields()[:6], v, sig.r, sig.s])
    else:
        v = sig.y_parity
        raw = bytes([tx.tx_type]) + rlpcodec.encode([*tx.rlp_fields(), v, sig.r, sig.s])
    try:
        same = _unsigned_part(tx, raw) == tx.raw
    except (EthError, AssertionError, ValueError):
        same = False
    if not same:
        raise EthError(
            "internal check failed: the signed transaction differs from the reviewed one; nothing signed"
        )
    return SignedTx(raw, sig.r, sig.s, v)


def sign_typed_data(td: TypedData, private_key: bytes) -> bytes:
    """65-byte r || s || v with v = 27/28 (eth_signTypedData_v4)."""
    sig = sign_digest(td.digest(), private_key)
    return _rsv(sig.r, sig.s, 27 + sig.y_parity)


def sign_personal_message(msg: PersonalMessage, private_key: bytes) -> bytes:
    """65-byte r || s || v with v = 27/28 (personal_sign, EIP-191)."""
    sig = sign_digest(msg.digest(), private_key)
    return _rsv(sig.r, sig.s, 27 + sig.y_parity)


def sign_authorization(
    chain_id: int, delegate: bytes, nonce: int, private_key: bytes
) -> tuple[int, int, int]:
    """An EIP-7702 authorization tuple's (y_parity, r, s); used for self-made revocations."""
    if len(delegate) != 20:
        raise EthError(f"an EIP-7702 delegate address is 20 bytes, not {len(delegate)}")
    sig = sign_digest(authorization_digest(chain_id, bytes(delegate), nonce), private_key)
    return sig.y_parity, sig.r, sig.s
