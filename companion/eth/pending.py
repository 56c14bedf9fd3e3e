"""Requests handed to the device and not yet broadcast, and the sends that were.

``eth/NAME/pending/REQUEST_ID.json``: each request handed over (``SignRequest.to_json``), kept until its
signature is broadcast; their nonces count when the next request's nonce is chosen, so two requests in
a row get consecutive nonces. ``eth/NAME/sent.json``: each transaction broadcast (hash, nonce, from,
to, value, token transfer, recipients, chain time), for the history and the lookalike check.

``broadcast_signatures`` reads and checks every signature first (known request, matching id, the
account's key); only when all pass does it send them, in nonce order.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from companion.errors import CompanionError
from companion.eth.accounts import EthAccounts, dumps
from companion.eth.handover import SignRequest, read_signature, signed_raw, transaction_hash

if TYPE_CHECKING:
    from companion.eth.node import EthNode
    from signer.risk.history import AddressHistory


@dataclass(frozen=True)
class Broadcast:
    tx_hash: str
    nonce: int
    request_id: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "hash": self.tx_hash,
            "nonce": self.nonce,
            "request_id": str(uuid.UUID(bytes=self.request_id)),
        }


def _folder(accounts: EthAccounts, name: str) -> Any:
    accounts.load(name)  # the account must exist
    return accounts.folder(name) / "pending"


def remember(accounts: EthAccounts, name: str, request: SignRequest) -> None:
    from signer.atomic_file import atomic_write

    folder = _folder(accounts, name)
    folder.mkdir(mode=0o700, exist_ok=True)
    atomic_write(folder / f"{request.request_id.hex()}.json", dumps(request.to_json()))


def forget(accounts: EthAccounts, name: str, request_id: bytes) -> None:
    (_folder(accounts, name) / f"{request_id.hex()}.json").unlink(missing_ok=True)


def take(accounts: EthAccounts, name: str, request_id: bytes) -> SignRequest:
    """The request handed over with ``request_id`` (it stays pending until broadcast)."""
    path = _folder(accounts, name) / f"{request_id.hex()}.json"
    try:
        return SignRequest.from_json(json.loads(path.read_text()))
    except FileNotFoundError:
        raise CompanionError(
            f"no request {uuid.UUID(bytes=request_id)} is waiting for a signature in {name} "
            "(another account's, or already broadcast)"
        ) from None
    except (OSError, ValueError, KeyError) as exc:
        raise CompanionError(f"the pending request {path.name} cannot be read: {exc}") from None


def pending_requests(accounts: EthAccounts, name: str) -> list[SignRequest]:
    """Every request of ``name`` waiting for its signature, in nonce order."""
    folder = _folder(accounts, name)
    if not folder.is_dir():
        return []
    found = [take(accounts, name, bytes.fromhex(p.stem)) for p in sorted(folder.glob("*.json"))]
    return sorted(found, key=lambda r: (r.tx.nonce, r.request_hex))


def next_nonce(accounts: EthAccounts, name: str, address: str, node_nonce: int) -> int:
    """The node's pending count, past every nonce this account's pending requests already took."""
    taken = {r.tx.nonce for r in pending_requests(accounts, name) if r.address == address}
    nonce = node_nonce
    while nonce in taken:
        nonce += 1
    return nonce


# -- what was sent --------------------------------------------------------------------------------


def sends(accounts: EthAccounts, name: str) -> list[dict[str, Any]]:
    """The account's broadcast transactions, oldest first."""
    path = accounts.folder(name) / "sent.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise CompanionError(f"{name}'s list of sends cannot be read: {exc}") from None
    return list(data.get("sent", []))


def _record(accounts: EthAccounts, name: str, entries: Sequence[dict[str, Any]]) -> None:
    from signer.atomic_file import atomic_write

    known = sends(accounts, name)
    atomic_write(accounts.folder(name) / "sent.json", dumps({"sent": [*known, *entries]}))


def recipient_history(accounts: EthAccounts, name: str) -> AddressHistory:
    """The addresses this account sent to (the device's "lookalike of a past recipient" input)."""
    from signer.risk.history import AddressHistory

    history = AddressHistory()
    for entry in sends(accounts, name):
        for address in entry.get("recipients", []):
            history.add(str(address))
    return history


def _sent_entry(request: SignRequest, tx_hash: str) -> dict[str, Any]:
    from signer.chains.ethereum_review import review_transaction
    from signer.eth.primitives import checksum

    tx = request.tx
    review = review_transaction(tx)
    return {
        "hash": tx_hash,
        "nonce": tx.nonce,
        "from": request.address,
        "to": checksum(tx.to) if tx.to is not None else None,
        "value": str(tx.value),
        "data": "0x" + tx.data.hex(),
        "recipients": [checksum(a) for a in review.recipients()],
        "title": review.title,
        "request_id": request.request_id.hex(),
        "time": int(time.time()),
    }


def broadcast_signatures(
    accounts: EthAccounts, name: str, signature_groups: Sequence[Sequence[str]]
) -> list[Broadcast]:
    """Each group: the texts of one eth-signature. All are checked first, then sent in nonce order."""
    from companion.eth.node import EthNode

    account = accounts.load(name)
    ready: list[tuple[SignRequest, bytes]] = []
    for texts in signature_groups:
        signature = read_signature(texts)
        if signature.request_id is None:
            raise CompanionError("the eth-signature names no request id: it cannot be matched to a request")
        request = take(accounts, name, signature.request_id)
        ready.append((request, signed_raw(request, signature)))
    if not ready:
        raise CompanionError("no signature given")
    ids = [r.request_id for r, _ in ready]
    if len(set(ids)) != len(ids):
        raise CompanionError("the same request's signature is given twice")
    ready.sort(key=lambda pair: pair[0].tx.nonce)
    node = EthNode(account.rpc, account.chain_id)
    done: list[Broadcast] = []
    for request, raw in ready:
        tx_hash = node.send_raw(raw)
        if tx_hash.lower() != transaction_hash(raw):
            raise CompanionError(f"the node at {node.host} answered another transaction hash ({tx_hash})")
        _record(accounts, name, [_sent_entry(request, tx_hash)])
        forget(accounts, name, request.request_id)
        done.append(Broadcast(tx_hash, request.tx.nonce, request.request_id))
    return done


def follow(node: EthNode, tx_hash: str, timeout: float) -> dict[str, Any]:
    """The receipt once mined: ``status`` (1 success, 0 reverted), ``block``, ``gas_used``; status and
    block are None when it was not mined within ``timeout`` seconds."""
    receipt = node.receipt(tx_hash, timeout)
    if receipt is None:
        return {"hash": tx_hash, "status": None, "block": None, "gas_used": None}
    return {
        "hash": tx_hash,
        "status": int(receipt["status"]),
        "block": int(receipt["blockNumber"]),
        "gas_used": int(receipt["gasUsed"]),
    }
