"""Requests handed to the device and not yet broadcast, and the sends that were.

``eth/NAME/pending/REQUEST_ID.json``: each request handed over (``SignRequest.to_json``), kept until its
signature is broadcast; their nonces count when the next request's nonce is chosen, so two requests in
a row get consecutive nonces. ``eth/NAME/sent.json``: each transaction broadcast (hash, nonce, from,
to, value, token transfer, recipients, chain time), for the history and the lookalike check.

``broadcast_signatures`` reads and checks every signature first (known request, matching id, the
account's key); only when all pass does it send them, in nonce order. When the node refuses one after
others went out, ``PartlyBroadcast`` says which were sent.

Two companions may run on one data folder (the page and a script): ``account_lock`` serialises what
reads then writes an account's files (choosing a nonce and keeping the request; adding to
``sent.json``), so neither loses the other's request or send.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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


class PartlyBroadcast(CompanionError):
    """The node refused a transaction after others were sent: ``done`` holds those sent (and recorded);
    the refused one and those after it stay pending, to broadcast again or discard."""

    def __init__(self, message: str, done: list[Broadcast]) -> None:
        super().__init__(message)
        self.done = done


_REQUEST_FILE = re.compile(r"[0-9a-f]{32}\.json")


@contextmanager
def account_lock(accounts: EthAccounts, name: str) -> Iterator[None]:
    """Hold ``name``'s lock (an advisory ``flock`` of its folder: no file is written for it) while
    reading then writing its files; another companion on the same data folder waits for it."""
    import fcntl
    import os

    accounts.load(name)
    fd = os.open(accounts.folder(name), os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


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
    from signer.errors import AirlockError

    path = _folder(accounts, name) / f"{request_id.hex()}.json"
    try:
        request = SignRequest.from_json(json.loads(path.read_text()))
    except FileNotFoundError:
        raise CompanionError(
            f"no request {uuid.UUID(bytes=request_id)} is waiting for a signature in {name} "
            "(another account's, or already broadcast)"
        ) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, AirlockError) as exc:
        raise CompanionError(
            f"the pending request {path.name} of {name} is damaged ({exc.__class__.__name__}): "
            f"`eth discard {name} {uuid.UUID(bytes=request_id)}` forgets it"
        ) from None
    if request.request_id != request_id:
        raise CompanionError(
            f"the pending request {path.name} of {name} holds request {request.request_hex}: "
            f"edited by hand? `eth discard {name} {uuid.UUID(bytes=request_id)}` forgets it"
        )
    return request


def pending_requests(accounts: EthAccounts, name: str) -> list[SignRequest]:
    """Every request of ``name`` waiting for its signature, in nonce order."""
    folder = _folder(accounts, name)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        if not _REQUEST_FILE.fullmatch(path.name):
            raise CompanionError(
                f"{path} is not a pending request's file (named by its 16-byte id): move it away"
            )
        found.append(take(accounts, name, bytes.fromhex(path.stem)))
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
    found = data.get("sent") if isinstance(data, dict) else None
    if not isinstance(found, list) or not all(_sent_shape(entry) for entry in found):
        raise CompanionError(f"{name}'s list of sends ({path}) is damaged: edited by hand?")
    return list(found)


def _sent_shape(entry: Any) -> bool:
    """Whether a ``sent.json`` entry has what the history and the nonce checks read."""
    if not isinstance(entry, dict):
        return False
    if not isinstance(entry.get("hash"), str) or not re.fullmatch(r"0x[0-9a-f]{64}", entry["hash"]):
        return False
    nonce, value = entry.get("nonce"), entry.get("value", "0")
    return (
        isinstance(nonce, int)
        and not isinstance(nonce, bool)
        and nonce >= 0
        and isinstance(value, str)
        and value.isdigit()
        and isinstance(entry.get("from"), str)
        and isinstance(entry.get("recipients", []), list)
    )


def check_node_nonce(accounts: EthAccounts, name: str, node: EthNode, address: str, node_nonce: int) -> None:
    """Refuse a node whose next nonce of ``address`` is at or below one this account broadcast and the
    node itself still knows (mined or waiting): a nonce going backwards would make the device sign a
    second transaction for a nonce already used, or replace one still waiting. A send the node does not
    know (dropped) frees its nonce, as MetaMask counts only transactions it saw confirmed."""
    for entry in sends(accounts, name):
        if entry["from"] != address or entry["nonce"] < node_nonce:
            continue
        if node.transaction(entry["hash"]) is not None:
            raise CompanionError(
                f"the node at {node.host} says the next nonce of {address} is {node_nonce}, yet it knows "
                f"this account's transaction {entry['hash']} with nonce {entry['nonce']}: "
                "a node going backwards; nothing was written"
            )


def _record(accounts: EthAccounts, name: str, entries: Sequence[dict[str, Any]]) -> None:
    from signer.atomic_file import atomic_write

    with account_lock(accounts, name):
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
        try:
            tx_hash = node.send_raw(raw)
            if tx_hash.lower() != transaction_hash(raw):
                raise CompanionError(f"the node at {node.host} answered another transaction hash ({tx_hash})")
        except CompanionError as exc:
            if not done:
                raise
            sent = ", ".join(str(d.nonce) for d in done)
            raise PartlyBroadcast(f"{exc} (nonce {request.tx.nonce}; nonce {sent} sent before it, the rest "
                                  "not sent)", done) from None  # fmt: skip
        _record(accounts, name, [_sent_entry(request, tx_hash)])
        forget(accounts, name, request.request_id)
        done.append(Broadcast(tx_hash, request.tx.nonce, request.request_id))
    return done


def follow(node: EthNode, tx_hash: str, timeout: float) -> dict[str, Any]:
    """The receipt once mined: ``status`` (1 success, 0 reverted), ``block``, ``gas_used``; status and
    block are None when it was not mined within ``timeout`` seconds."""
    receipt = node.receipt(tx_hash, timeout)  # checked by the node: this hash's, with numbers
    if receipt is None:
        return {"hash": tx_hash, "status": None, "block": None, "gas_used": None}
    return {
        "hash": tx_hash,
        "status": int(receipt["status"]),
        "block": int(receipt["blockNumber"]),
        "gas_used": int(receipt["gasUsed"]),
    }
