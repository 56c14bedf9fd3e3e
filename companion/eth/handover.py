"""The device handover, as MetaMask's QR keyring does it (ERC-4527, Keystone's layout).

Out: an ``eth-sign-request`` with data type 4 (the unhashed ``type || rlp(fields)`` of an EIP-1559
transaction), the full key path with the seed's master fingerprint, the chain id, the sending address,
a 16-byte request id (a random UUID) and the origin; as UR text parts (fountain parts when long), and as
the animated QR frames the signer's own encoder draws.
In: the device's ``eth-signature`` (UR parts), matched to its request by request id. The sender is
recovered from the transaction's digest and the signature, and must be the request's address; only
then is the signed transaction put together. Everything is the signer's code: UR, fountain, RLP, ECDSA.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.eth.accounts import EthAccount
    from signer.eth.review import EthReview
    from signer.eth.tx import UnsignedTx
    from signer.risk.history import AddressHistory
    from signer.transport.urtypes import EthSignature, EthSignRequest

ORIGIN = "airlock-companion"
MAX_FRAGMENT = 400  # bytes of CBOR per UR part in REQUEST.txt (the QR frames are sized separately)


@dataclass(frozen=True)
class SignRequest:
    request_id: bytes  # 16 random bytes (uuid4)
    tx: UnsignedTx
    path: str  # m/44'/60'/0'/0/0
    fingerprint: int  # the seed's master fingerprint
    address: str  # EIP-55: the key at ``path``
    chain_id: int

    @property
    def request_hex(self) -> str:
        return self.request_id.hex()

    def registry_object(self) -> EthSignRequest:
        from signer.eth.primitives import parse_address
        from signer.transport.urtypes import EthDataType, EthSignRequest, Keypath

        return EthSignRequest(
            sign_data=self.tx.raw or self.tx.encode(),
            data_type=EthDataType.TYPED_TRANSACTION,
            derivation_path=Keypath.from_path_string(self.path, self.fingerprint),
            request_id=self.request_id,
            chain_id=self.chain_id,
            address=parse_address(self.address),
            origin=ORIGIN,
        )

    def ur(self) -> Any:
        from signer.transport.urtypes import to_ur

        return to_ur(self.registry_object())

    def ur_parts(self, max_fragment: int | None = None) -> list[str]:
        """The UR text: one part when it fits ``max_fragment`` bytes, else the fountain's pure parts."""
        from signer.transport.ur import UREncoder

        encoder = UREncoder(self.ur(), max_fragment or MAX_FRAGMENT)
        return [encoder.next_part() for _ in range(encoder.seq_len)]

    def to_json(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id.hex(),
            "tx": "0x" + (self.tx.raw or self.tx.encode()).hex(),
            "path": self.path,
            "fingerprint": f"{self.fingerprint:08x}",
            "address": self.address,
            "chain_id": self.chain_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignRequest:
        from signer.eth.tx import parse_unsigned_tx_hex

        request_id = bytes.fromhex(str(data["request_id"]))
        if len(request_id) != 16:
            raise ValueError("a request id is 16 bytes")
        return cls(
            request_id=request_id,
            tx=parse_unsigned_tx_hex(str(data["tx"])),
            path=str(data["path"]),
            fingerprint=int(str(data["fingerprint"]), 16),
            address=str(data["address"]),
            chain_id=int(data["chain_id"]),
        )


def build_request(account: EthAccount, index: int, tx: UnsignedTx) -> SignRequest:
    """The request for ``tx`` from ``account``'s address ``index``; a bare address cannot hand over."""
    if account.fingerprint is None:
        raise CompanionError(
            f"{account.name} is a bare address (watch only): it cannot send; import the device's "
            "export (crypto-hdkey or crypto-account) to send from it"
        )
    if tx.chain_id != account.chain_id:
        raise CompanionError(
            f"the transaction is for chain {tx.chain_id}, {account.name} is on chain {account.chain_id}"
        )
    where = account.address(index)
    return SignRequest(
        uuid.uuid4().bytes, tx, where.path, account.fingerprint, where.address, account.chain_id
    )


def read_signature(texts: Sequence[str]) -> EthSignature:
    """The ``eth-signature`` in ``texts`` (its UR parts, any order), put together by the signer's decoder."""
    from signer.errors import AirlockError
    from signer.transport.ur import URDecoder
    from signer.transport.urtypes import EthSignature, decode_ur

    lines = [t.strip() for t in texts if t.strip()]
    if not lines:
        raise CompanionError("no signature given: give the eth-signature the device shows (UR text or QR)")
    decoder = URDecoder()
    try:
        for line in lines:
            if line[:3].lower() != "ur:":
                raise CompanionError(f"not a UR text: {line[:40]!r}… (the device shows ur:eth-signature)")
            decoder.receive(line)
        if not decoder.is_complete:
            raise CompanionError(
                f"the eth-signature is incomplete ({decoder.received_parts} part(s) read): give every part"
            )
        ur = decoder.result
        if ur.type != "eth-signature":
            raise CompanionError(f"a ur:{ur.type} is not an eth-signature")
        found = decode_ur(ur)
    except AirlockError as exc:
        raise CompanionError(f"the eth-signature cannot be read: {exc}") from None
    assert isinstance(found, EthSignature)
    return found


def signed_raw(request: SignRequest, signature: EthSignature) -> bytes:
    """The signed transaction, once the signature is checked: its request id is ``request``'s, and the
    key that made it over the transaction's digest is ``request.address``'s."""
    from signer.eth import rlpcodec
    from signer.eth.ecdsa import SECP256K1_N, RecoverableSignature, recover_address
    from signer.eth.primitives import checksum

    if signature.request_id is None:
        raise CompanionError("the eth-signature names no request id: it cannot be matched to a request")
    if signature.request_id != request.request_id:
        raise CompanionError(
            f"the eth-signature answers request {uuid.UUID(bytes=signature.request_id)}, "
            f"not {uuid.UUID(bytes=request.request_id)}"
        )
    sig = signature.signature
    if len(sig) != 65 or sig[64] not in (0, 1):
        raise CompanionError("the eth-signature is not r || s || y-parity (65 bytes, parity 0 or 1)")
    r, s, v = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]
    if not (0 < r < SECP256K1_N and 0 < s <= SECP256K1_N // 2):
        raise CompanionError("the eth-signature is out of range (r, s): it is not a valid signature")
    tx = request.tx
    signer = recover_address(tx.signing_hash(), RecoverableSignature(v, r, s))
    if signer is None or checksum(signer) != request.address:
        raise CompanionError(
            f"the eth-signature was not made by {request.address} over this transaction "
            "(another seed, another account, or altered)"
        )
    return bytes([tx.tx_type]) + rlpcodec.encode([*tx.rlp_fields(), v, r, s])


def transaction_hash(raw: bytes) -> str:
    from signer.keccak import keccak256

    return "0x" + keccak256(raw).hex()


def review_request(
    request: SignRequest, account: EthAccount, history: AddressHistory | None = None
) -> EthReview:
    """The review the device will show for ``request``: the signer's decoder and rules, with the
    account's watch-only keys (the same wrong-seed and address checks) and its past recipients."""
    from companion.eth.accounts import watch_only_eth_keys
    from signer.chains.ethereum_review import review_request as signer_review
    from signer.chains.ethereum_review import risk_context
    from signer.errors import AirlockError
    from signer.eth.request import parse_eth_sign_request
    from signer.risk.history import HISTORY_KEY

    record = None if history is None else {HISTORY_KEY: history.to_json()}
    try:
        parsed = parse_eth_sign_request(request.registry_object())
        return signer_review(parsed, watch_only_eth_keys(account), risk_context(record))
    except AirlockError as exc:
        raise CompanionError(f"the device could not review this request: {exc}") from None


def device_review(
    account: EthAccount, tx: UnsignedTx, history: AddressHistory | None = None, *, index: int = 0
) -> EthReview:
    """What the device will show for ``tx`` sent from ``account``'s address ``index``."""
    return review_request(build_request(account, index, tx), account, history)
