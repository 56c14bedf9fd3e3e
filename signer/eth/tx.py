"""Unsigned Ethereum transactions: legacy EIP-155, EIP-2930 (type 1), EIP-1559 (type 2) and
EIP-7702 (type 4), decoded strictly from the exact bytes that will be hashed and signed.

``UnsignedTx.raw`` is always the canonical encoding of the decoded fields (decoding refuses any
other), so the review and the signature cover the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from signer.eth import rlpcodec
from signer.eth.ecdsa import SECP256K1_N, RecoverableSignature, recover_address
from signer.eth.errors import EthError, RlpError, TxFormatError
from signer.eth.primitives import checksum, parse_hex
from signer.keccak import keccak256

LEGACY, ACCESS_LIST, DYNAMIC_FEE, SET_CODE = 0, 1, 2, 4
TYPE_NAMES = {
    LEGACY: "legacy (EIP-155)",
    ACCESS_LIST: "EIP-2930",
    DYNAMIC_FEE: "EIP-1559",
    SET_CODE: "EIP-7702",
}
_FIELD_COUNTS = {ACCESS_LIST: 8, DYNAMIC_FEE: 9, SET_CODE: 10}
MAX_TX_BYTES = 128 * 1024  # the usual txpool limit
MAX_UINT64 = 2**64 - 1


class AlreadySignedError(TxFormatError):
    """The bytes are a signed transaction; the signer only takes unsigned ones."""


class NoReplayProtectionError(TxFormatError):
    """A legacy transaction without an EIP-155 chain id (valid on every chain)."""


@dataclass(frozen=True)
class AccessTuple:
    address: bytes
    storage_keys: tuple[bytes, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "address": checksum(self.address),
            "storage_keys": ["0x" + k.hex() for k in self.storage_keys],
        }


def authorization_digest(chain_id: int, address: bytes, nonce: int) -> bytes:
    """keccak256(0x05 || rlp([chain_id, address, nonce])): what an EIP-7702 authority signs."""
    return keccak256(b"\x05" + rlpcodec.encode([chain_id, address, nonce]))


@dataclass(frozen=True)
class Authorization:
    """One EIP-7702 authorization tuple: the authority lets ``address``'s code run as its account."""

    chain_id: int  # 0 = valid on every chain
    address: bytes  # the delegate; 0x00..00 clears a delegation
    nonce: int
    y_parity: int
    r: int
    s: int

    def digest(self) -> bytes:
        return authorization_digest(self.chain_id, self.address, self.nonce)

    @cached_property
    def authority(self) -> bytes | None:
        """The account that signed this tuple, or None when the signature is invalid (EIP-7702 skips it)."""
        if self.y_parity not in (0, 1) or not 0 < self.r < SECP256K1_N or not 0 < self.s <= SECP256K1_N // 2:
            return None
        return recover_address(self.digest(), RecoverableSignature(self.y_parity, self.r, self.s))

    @property
    def is_revocation(self) -> bool:
        return self.address == bytes(20)

    def rlp_fields(self) -> list[Any]:
        return [self.chain_id, self.address, self.nonce, self.y_parity, self.r, self.s]


@dataclass(frozen=True)
class UnsignedTx:
    tx_type: int
    chain_id: int
    nonce: int
    gas_limit: int
    to: bytes | None  # None: contract creation
    value: int
    data: bytes
    gas_price: int | None = None  # legacy and EIP-2930
    max_fee_per_gas: int | None = None  # EIP-1559 and EIP-7702
    max_priority_fee_per_gas: int | None = None
    access_list: tuple[AccessTuple, ...] = ()
    authorization_list: tuple[Authorization, ...] = ()
    raw: bytes = field(default=b"", compare=False)

    @property
    def type_name(self) -> str:
        return TYPE_NAMES[self.tx_type]

    @property
    def fee_per_gas(self) -> int:
        """The most paid per gas unit (gas price, or max fee per gas)."""
        return self.gas_price if self.gas_price is not None else int(self.max_fee_per_gas or 0)

    @property
    def max_fee(self) -> int:
        """The most the sender can pay in fees: gas limit x max fee per gas (wei)."""
        return self.gas_limit * self.fee_per_gas

    @property
    def is_contract_creation(self) -> bool:
        return self.to is None

    def signing_hash(self) -> bytes:
        return keccak256(self.raw)

    def rlp_fields(self) -> list[Any]:
        to = self.to if self.to is not None else b""
        access = [[a.address, list(a.storage_keys)] for a in self.access_list]
        if self.tx_type == LEGACY:
            return [
                self.nonce,
                self.gas_price,
                self.gas_limit,
                to,
                self.value,
                self.data,
                self.chain_id,
                0,
                0,
            ]
        if self.tx_type == ACCESS_LIST:
            return [
                self.chain_id,
                self.nonce,
                self.gas_price,
                self.gas_limit,
                to,
                self.value,
                self.data,
                access,
            ]
        fields = [
            self.chain_id,
            self.nonce,
            self.max_priority_fee_per_gas,
            self.max_fee_per_gas,
            self.gas_limit,
            to,
            self.value,
            self.data,
            access,
        ]
        if self.tx_type == SET_CODE:
            fields.append([a.rlp_fields() for a in self.authorization_list])
        return fields

    def encode(self) -> bytes:
        """The unsigned payload: rlp(...) for legacy, type || rlp(...) for typed transactions."""
        body = rlpcodec.encode(self.rlp_fields())
        return body if self.tx_type == LEGACY else bytes([self.tx_type]) + body

    def with_data(self, data: bytes) -> UnsignedTx:
        """The same transaction with other calldata (re-encoded, so ``raw`` stays exact)."""
        changed = replace(self, data=data)
        return replace(changed, raw=changed.encode())


# -- decoding -----------------------------------------------------------------------------------


def _bytes(item: rlpcodec.Item, name: str) -> bytes:
    if not isinstance(item, bytes):
        raise TxFormatError(f"{name} must be a byte string, not a list")
    return item


def _list(item: rlpcodec.Item, name: str) -> list[rlpcodec.Item]:
    if not isinstance(item, list):
        raise TxFormatError(f"{name} must be a list, not a byte string")
    return item


def _uint(item: rlpcodec.Item, name: str, max_value: int = 2**256 - 1) -> int:
    raw = _bytes(item, name)
    if len(raw) > 32:
        raise TxFormatError(f"{name} is {len(raw)} bytes; integers are at most 32 bytes")
    if raw[:1] == b"\x00":
        raise TxFormatError(f"{name} has leading zero bytes (non-canonical integer)")
    value = int.from_bytes(raw, "big")
    if value > max_value:
        raise TxFormatError(f"{name} {value} is larger than the maximum {max_value}")
    return value


def _to(item: rlpcodec.Item, *, allow_creation: bool) -> bytes | None:
    raw = _bytes(item, "recipient (to)")
    if raw == b"":
        if not allow_creation:
            raise TxFormatError("an EIP-7702 transaction must have a recipient (it cannot create a contract)")
        return None
    if len(raw) != 20:
        raise TxFormatError(f"recipient (to) must be 20 bytes or empty, got {len(raw)}")
    return raw


def _chain_id(item: rlpcodec.Item) -> int:
    value = _uint(item, "chain id", MAX_UINT64)
    if value == 0:
        raise TxFormatError("chain id 0 is not valid for a transaction")
    return value


def _access_list(item: rlpcodec.Item) -> tuple[AccessTuple, ...]:
    out = []
    for i, entry in enumerate(_list(item, "access list")):
        pair = _list(entry, f"access list entry {i}")
        if len(pair) != 2:
            raise TxFormatError(f"access list entry {i} must be [address, storage keys]")
        address = _bytes(pair[0], f"access list entry {i} address")
        if len(address) != 20:
            raise TxFormatError(f"access list entry {i} address must be 20 bytes")
        keys = []
        for j, key in enumerate(_list(pair[1], f"access list entry {i} storage keys")):
            raw = _bytes(key, f"access list entry {i} storage key {j}")
            if len(raw) != 32:
                raise TxFormatError(f"access list entry {i} storage key {j} must be 32 bytes")
            keys.append(raw)
        out.append(AccessTuple(address, tuple(keys)))
    return tuple(out)


def _authorizations(item: rlpcodec.Item) -> tuple[Authorization, ...]:
    entries = _list(item, "authorization list")
    if not entries:
        raise TxFormatError("an EIP-7702 transaction must carry at least one authorization")
    out = []
    for i, entry in enumerate(entries):
        f = _list(entry, f"authorization {i}")
        if len(f) != 6:
            raise TxFormatError(
                f"authorization {i} must have 6 fields [chain_id, address, nonce, y_parity, r, s]"
            )
        address = _bytes(f[1], f"authorization {i} address")
        if len(address) != 20:
            raise TxFormatError(f"authorization {i} address must be 20 bytes")
        out.append(
            Authorization(
                chain_id=_uint(f[0], f"authorization {i} chain id"),
                address=address,
                nonce=_uint(f[2], f"authorization {i} nonce", MAX_UINT64 - 1),
                y_parity=_uint(f[3], f"authorization {i} y_parity", 255),
                r=_uint(f[4], f"authorization {i} r"),
                s=_uint(f[5], f"authorization {i} s"),
            )
        )
    return tuple(out)


def _legacy(fields: list[rlpcodec.Item]) -> dict[str, Any]:
    if len(fields) == 6:
        raise NoReplayProtectionError(
            "legacy transaction without an EIP-155 chain id: it could be replayed on every "
            "chain, so it is not signed"
        )
    if len(fields) != 9:
        raise TxFormatError(
            f"a legacy unsigned transaction has 9 fields (EIP-155), this one has {len(fields)}"
        )
    if _bytes(fields[7], "EIP-155 r") != b"" or _bytes(fields[8], "EIP-155 s") != b"":
        raise AlreadySignedError(
            "this legacy transaction is already signed (r and s are set); send the unsigned one"
        )
    return {
        "nonce": _uint(fields[0], "nonce", MAX_UINT64 - 1),
        "gas_price": _uint(fields[1], "gas price"),
        "gas_limit": _uint(fields[2], "gas limit", MAX_UINT64),
        "to": _to(fields[3], allow_creation=True),
        "value": _uint(fields[4], "value"),
        "data": _bytes(fields[5], "data"),
        "chain_id": _chain_id(fields[6]),
    }


def _typed(tx_type: int, fields: list[rlpcodec.Item]) -> dict[str, Any]:
    expected = _FIELD_COUNTS[tx_type]
    if len(fields) == expected + 3:
        raise AlreadySignedError(
            f"this {TYPE_NAMES[tx_type]} transaction is already signed; send the unsigned one"
        )
    if len(fields) != expected:
        raise TxFormatError(
            f"an unsigned {TYPE_NAMES[tx_type]} transaction has {expected} fields, this one has {len(fields)}"
        )
    out: dict[str, Any] = {
        "chain_id": _chain_id(fields[0]),
        "nonce": _uint(fields[1], "nonce", MAX_UINT64 - 1),
    }
    if tx_type == ACCESS_LIST:
        out["gas_price"] = _uint(fields[2], "gas price")
        rest = fields[3:]
    else:
        out["max_priority_fee_per_gas"] = _uint(fields[2], "max priority fee per gas")
        out["max_fee_per_gas"] = _uint(fields[3], "max fee per gas")
        if out["max_priority_fee_per_gas"] > out["max_fee_per_gas"]:
            raise TxFormatError(
                "max priority fee per gas is larger than max fee per gas (invalid under EIP-1559)"
            )
        rest = fields[4:]
    out["gas_limit"] = _uint(rest[0], "gas limit", MAX_UINT64)
    out["to"] = _to(rest[1], allow_creation=tx_type != SET_CODE)
    out["value"] = _uint(rest[2], "value")
    out["data"] = _bytes(rest[3], "data")
    out["access_list"] = _access_list(rest[4])
    if tx_type == SET_CODE:
        out["authorization_list"] = _authorizations(rest[5])
    return out


def parse_unsigned_tx(data: bytes) -> UnsignedTx:
    """Decode the unsigned payload a wallet asks to sign (ERC-4527 data types 1 and 4, or raw)."""
    data = bytes(data)
    if not data:
        raise TxFormatError("empty transaction")
    if len(data) > MAX_TX_BYTES:
        raise TxFormatError(f"transaction is {len(data)} bytes, more than the {MAX_TX_BYTES} a node accepts")
    first = data[0]
    try:
        if first >= 0xC0:
            tx_type, body = LEGACY, rlpcodec.decode(data)
        elif first in _FIELD_COUNTS:
            tx_type, body = first, rlpcodec.decode(data[1:])
        elif first == 3:
            raise TxFormatError("blob transactions (type 3, EIP-4844) are not supported")
        elif first < 0x80:
            raise TxFormatError(f"unknown transaction type 0x{first:02x}")
        else:
            raise TxFormatError("not a transaction: the bytes are an RLP string, not a list")
    except RlpError as exc:
        raise TxFormatError(f"transaction is not valid RLP: {exc}") from exc
    fields = _list(body, "transaction")
    values = _legacy(fields) if tx_type == LEGACY else _typed(tx_type, fields)
    tx = UnsignedTx(tx_type=tx_type, raw=data, **values)
    if tx.encode() != data:  # unreachable given the strict decoders; kept as the invariant's guard
        raise TxFormatError("transaction encoding is not canonical")
    return tx


def parse_unsigned_tx_hex(text: str) -> UnsignedTx:
    try:
        raw = parse_hex(text, "transaction", max_bytes=MAX_TX_BYTES)
    except EthError as exc:
        raise TxFormatError(str(exc)) from exc
    return parse_unsigned_tx(raw)


def looks_like_tx(data: bytes) -> bool:
    """True when the bytes decode as an unsigned or signed transaction (used to spot blind signing)."""
    try:
        parse_unsigned_tx(data)
        return True
    except (AlreadySignedError, NoReplayProtectionError):
        return True
    except TxFormatError:
        return False
