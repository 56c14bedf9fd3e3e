"""ERC-4527 Ethereum QR types: eth-sign-request (tag 401) and eth-signature (tag 402).

Tag numbers and key layout follow the Keystone SDK (``packages/ur-registry-eth``), which is
what MetaMask's QR keyring speaks; the derivation path is always written with tag 304.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar

from cbor2 import CBORTag

from signer.transport.errors import TransportError
from signer.transport.urtypes import _fields as f
from signer.transport.urtypes._base import RegistryType
from signer.transport.urtypes.keys import Keypath

REQUEST_ID_LEN = 16
ADDRESS_LEN = 20


class EthDataType(IntEnum):
    LEGACY_TRANSACTION = 1  # RLP of the EIP-155 signing list
    TYPED_DATA = 2  # UTF-8 JSON for eth_signTypedData_v4 (EIP-712)
    PERSONAL_MESSAGE = 3  # raw message bytes for personal_sign (EIP-191)
    TYPED_TRANSACTION = 4  # unhashed EIP-2718 ``type || rlp(fields)``


def _check_request_id(value: Any, what: str) -> None:
    if value is not None:
        f.check_bytes(value, f"{what} request id", (REQUEST_ID_LEN,))


def _request_id_from(item: Any, what: str) -> bytes | None:
    if item is None:
        return None
    value = f.untag(item, (f.UUID_TAG,), f"{what} request id")
    if not isinstance(value, bytes) or len(value) != REQUEST_ID_LEN:
        raise TransportError(f"{what}: request id must be a 16-byte UUID")
    return value


@dataclass(frozen=True)
class EthSignRequest(RegistryType):
    """What a watch-only wallet asks the signer to sign, and with which key."""

    sign_data: bytes
    data_type: EthDataType
    derivation_path: Keypath
    request_id: bytes | None = None
    chain_id: int | None = None
    address: bytes | None = None
    origin: str | None = None

    UR_TYPES: ClassVar[tuple[str, str]] = ("eth-sign-request", "eth-sign-request")
    TAGS: ClassVar[f.TagPair] = f.TagPair(401, 401)

    def __post_init__(self) -> None:
        what = "eth-sign-request"
        f.check_bytes(self.sign_data, f"{what} sign data")
        if not self.sign_data:
            raise TransportError(f"{what}: sign data is empty")
        if type(self.data_type) is not EthDataType:
            raise TransportError(f"{what}: data type must be an EthDataType")
        if not isinstance(self.derivation_path, Keypath) or not self.derivation_path.is_concrete:
            raise TransportError(f"{what}: derivation path must be a concrete keypath (no wildcards)")
        _check_request_id(self.request_id, what)
        if self.chain_id is not None:
            f.check_uint(self.chain_id, f"{what} chain id", f.UINT64_MAX, nonzero=True)
        if self.address is not None:
            f.check_bytes(self.address, f"{what} address", (ADDRESS_LEN,))
        f.check_optional_text(self.origin, f"{what} origin")

    @property
    def effective_chain_id(self) -> int:
        """Key 4 defaults to 1 (mainnet) when absent."""
        return 1 if self.chain_id is None else self.chain_id

    @property
    def request_uuid(self) -> uuid.UUID | None:
        return None if self.request_id is None else uuid.UUID(bytes=self.request_id)

    def to_item(self, legacy: bool = True) -> Any:
        m: dict[int, Any] = {}
        if self.request_id is not None:
            m[1] = CBORTag(f.UUID_TAG, self.request_id)
        m[2] = self.sign_data
        m[3] = int(self.data_type)
        if self.chain_id is not None:
            m[4] = self.chain_id
        m[5] = self.derivation_path.tagged(True)
        if self.address is not None:
            m[6] = self.address
        if self.origin is not None:
            m[7] = self.origin
        return m

    @classmethod
    def from_item(cls, item: Any) -> EthSignRequest:
        what = "eth-sign-request"
        m = f.expect_map(item, what, set(range(1, 8)))
        data_type = f.required(f.get_uint(m, 3, what), 3, what)
        if data_type not in EthDataType.__members__.values():
            raise TransportError(f"{what}: unknown data type {data_type}")
        return cls(
            sign_data=f.required(f.get_bytes(m, 2, what), 2, what),
            data_type=EthDataType(data_type),
            derivation_path=Keypath.from_tagged(f.required(f.get_any(m, 5, what), 5, what)),
            request_id=_request_id_from(f.get_any(m, 1, what), what),
            chain_id=f.get_uint(m, 4, what, f.UINT64_MAX),
            address=f.get_bytes(m, 6, what),
            origin=f.get_text(m, 7, what),
        )


@dataclass(frozen=True)
class EthSignature(RegistryType):
    """The signer's answer: ``r || s || v`` (v may be several bytes for EIP-155 legacy txs)."""

    signature: bytes
    request_id: bytes | None = None
    origin: str | None = None

    UR_TYPES: ClassVar[tuple[str, str]] = ("eth-signature", "eth-signature")
    TAGS: ClassVar[f.TagPair] = f.TagPair(402, 402)

    def __post_init__(self) -> None:
        what = "eth-signature"
        f.check_bytes(self.signature, f"{what} signature")
        if not 65 <= len(self.signature) <= 64 + 9:
            raise TransportError(f"{what}: signature must be r (32) || s (32) || v (1 to 9 bytes)")
        _check_request_id(self.request_id, what)
        f.check_optional_text(self.origin, f"{what} origin")

    def to_item(self, legacy: bool = True) -> Any:
        m: dict[int, Any] = {}
        if self.request_id is not None:
            m[1] = CBORTag(f.UUID_TAG, self.request_id)
        m[2] = self.signature
        if self.origin is not None:
            m[3] = self.origin
        return m

    @classmethod
    def from_item(cls, item: Any) -> EthSignature:
        what = "eth-signature"
        m = f.expect_map(item, what, {1, 2, 3})
        return cls(
            signature=f.required(f.get_bytes(m, 2, what), 2, what),
            request_id=_request_id_from(f.get_any(m, 1, what), what),
            origin=f.get_text(m, 3, what),
        )
