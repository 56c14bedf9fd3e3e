"""Signing with eth-account (lazily imported), with v encoded the way ERC-4527 wants per data type.

Keys are derived here from the BIP-32 seed at the request's path; they live only inside these
calls. A transaction is signed by eth-account from the decoded fields, then the signed bytes are
decoded again and must carry exactly the unsigned payload that was reviewed; otherwise nothing is
returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from signer.eth import rlpcodec
from signer.eth.errors import EthError
from signer.eth.message import PersonalMessage
from signer.eth.primitives import checksum, keccak256
from signer.eth.tx import LEGACY, UnsignedTx
from signer.eth.typed_data import TypedData

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


def _eth_account_dict(tx: UnsignedTx) -> dict[str, Any]:
    d: dict[str, Any] = {
        "chainId": tx.chain_id,
        "nonce": tx.nonce,
        "gas": tx.gas_limit,
        "value": tx.value,
        "data": tx.data,
    }
    if tx.to is not None:
        d["to"] = checksum(tx.to)
    if tx.tx_type == LEGACY:
        d["gasPrice"] = tx.gas_price
        return d
    d["type"] = tx.tx_type
    d["accessList"] = [
        {"address": checksum(a.address), "storageKeys": ["0x" + k.hex() for k in a.storage_keys]}
        for a in tx.access_list
    ]
    if tx.gas_price is not None:
        d["gasPrice"] = tx.gas_price
    else:
        d["maxFeePerGas"] = tx.max_fee_per_gas
        d["maxPriorityFeePerGas"] = tx.max_priority_fee_per_gas
    if tx.authorization_list:
        d["authorizationList"] = [
            {
                "chainId": a.chain_id,
                "address": checksum(a.address),
                "nonce": a.nonce,
                "yParity": a.y_parity,
                "r": a.r,
                "s": a.s,
            }
            for a in tx.authorization_list
        ]
    return d


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
    from eth_account import Account

    try:
        signed = Account.sign_transaction(_eth_account_dict(tx), private_key)
    except Exception as exc:  # eth-account raises TypeError/ValueError/ValidationError...
        detail = str(exc)
        if private_key.hex() in detail.lower():  # never let key material into a message
            detail = ""
        raise EthError(
            f"eth-account refused the transaction: {exc.__class__.__name__} {detail}".strip()
        ) from None
    raw = bytes(signed.raw_transaction)
    try:
        same = _unsigned_part(tx, raw) == tx.raw
    except (EthError, AssertionError, ValueError):
        same = False
    if not same:
        raise EthError(
            "internal check failed: the signed transaction differs from the reviewed one; nothing signed"
        )
    return SignedTx(raw, int(signed.r), int(signed.s), int(signed.v))


def sign_typed_data(td: TypedData, private_key: bytes) -> bytes:
    """65-byte r || s || v with v = 27/28 (eth_signTypedData_v4)."""
    from eth_account import Account

    signed = Account.sign_message(td.signable(), private_key)
    if bytes(signed.message_hash) != td.digest():
        raise EthError("internal check failed: EIP-712 digest mismatch; nothing signed")
    return _rsv(int(signed.r), int(signed.s), int(signed.v))


def sign_personal_message(msg: PersonalMessage, private_key: bytes) -> bytes:
    """65-byte r || s || v with v = 27/28 (personal_sign, EIP-191)."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    signed = Account.sign_message(encode_defunct(primitive=msg.data), private_key)
    if bytes(signed.message_hash) != msg.digest():
        raise EthError("internal check failed: EIP-191 digest mismatch; nothing signed")
    return _rsv(int(signed.r), int(signed.s), int(signed.v))


def sign_authorization(
    chain_id: int, delegate: bytes, nonce: int, private_key: bytes
) -> tuple[int, int, int]:
    """An EIP-7702 authorization tuple's (y_parity, r, s); used for self-made revocations."""
    from eth_account import Account

    signed = Account.sign_authorization(
        {"chainId": chain_id, "address": checksum(delegate), "nonce": nonce}, private_key
    )
    return int(signed.y_parity), int(signed.r), int(signed.s)
