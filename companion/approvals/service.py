"""What the command line and the page call: scan, plan a batch revoke, broadcast it, remind.

Every scan's result is stored in the account's ``approvals.sqlite``: ``last_scan`` and ``review`` read it
back without the node (the wallet list's badge, the top of the approvals page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from companion.approvals.model import Approval
from companion.approvals.reminders import Due, ToReview, due_now, to_review
from companion.approvals.revoke import RevokeCall, revoke_calls, revoke_transactions
from companion.approvals.scan import ScanResult, Unread, scan_owner
from companion.approvals.store import ApprovalStore
from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.eth.accounts import EthAccount, EthAccounts
    from companion.eth.handover import SignRequest
    from companion.eth.node import EthNode
    from companion.eth.pending import Broadcast
    from signer.eth.review import EthReview

GAS_MARGIN = 1.25  # over the node's estimate: a revoke's cost barely varies, a failed one wastes the fee
RECEIPT_TIMEOUT = 120.0


@dataclass(frozen=True)
class PreparedRevoke:
    """One revoking transaction handed to the device: the request, what it revokes, the device's review."""

    request: SignRequest
    call: RevokeCall
    review: EthReview

    @property
    def revokes(self) -> tuple[Approval, ...]:
        return self.call.approvals

    def to_json(self) -> dict[str, Any]:
        return {
            "request_id": self.request.request_hex,
            "nonce": self.request.tx.nonce,
            "to": self.call.to,
            "title": self.review.title,
            "revokes": [a.key for a in self.call.approvals],
            "ur_parts": self.request.ur_parts(),
        }


@dataclass(frozen=True)
class Followed:
    broadcast: Broadcast
    receipt: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {**self.broadcast.to_json(), **self.receipt}


@contextmanager
def _opened(
    accounts: EthAccounts, name: str, index: int
) -> Iterator[tuple[EthAccount, EthNode, ApprovalStore]]:
    from companion.eth.node import EthNode

    account = accounts.load(name)
    owner = account.address(index).address
    node = EthNode(account.rpc, account.chain_id)
    store = ApprovalStore(accounts.folder(name), owner, account.chain_id)
    try:
        yield account, node, store
    finally:
        store.close()


@contextmanager
def _store(accounts: EthAccounts, name: str, index: int) -> Iterator[ApprovalStore]:
    """The account's store alone: no node is contacted."""
    account = accounts.load(name)
    if not 0 <= index < len(account.addresses):
        raise CompanionError(f"the account {name} has addresses 0 to {len(account.addresses) - 1}")
    store = ApprovalStore(accounts.folder(name), account.address(index).address, account.chain_id)
    try:
        yield store
    finally:
        store.close()


def _scan_kept(node: EthNode, store: ApprovalStore, account: EthAccount, index: int,
               now: int | None = None, from_block: int | None = None) -> ScanResult:  # fmt: skip
    """A scan, stored as the account's last scan. ``from_block``: where the account's first scan starts
    (kept; later scans go on from where the last one stopped)."""
    result = scan_owner(node, store, account.address(index).address, account.chain_id, now=now,
                        start_block=from_block)  # fmt: skip
    store.put_last_scan(result.block, result.now, result.to_json())
    return result


def scan(
    accounts: EthAccounts, name: str, *, index: int = 0, now: int | None = None, from_block: int | None = None
) -> ScanResult:
    with _opened(accounts, name, index) as (account, node, store):
        return _scan_kept(node, store, account, index, now, from_block)


@dataclass(frozen=True)
class Review:
    """What the page and the wallet list show without the node: the last scan (None: never scanned, or
    stored by an older version) and its flagged approvals with their reminder times."""

    scan: ScanResult | None
    flagged: list[ToReview]


def last_scan(accounts: EthAccounts, name: str, *, index: int = 0) -> ScanResult | None:
    """The last scan stored (any scan: ``approvals scan``, ``remind``, ``watch``, the page), no network."""
    with _store(accounts, name, index) as store:
        return _stored_scan(store)


def review(accounts: EthAccounts, name: str, *, index: int = 0) -> Review:
    """The last scan and the reminder state of its flagged approvals, no network."""
    with _store(accounts, name, index) as store:
        found = _stored_scan(store)
        return Review(found, [] if found is None else to_review(store, found.approvals))


def _stored_scan(store: ApprovalStore) -> ScanResult | None:
    data = store.last_scan()
    if data is None:
        return None
    try:
        return ScanResult(
            approvals=[Approval.from_json(a) for a in data["approvals"]],
            now=int(data["now"]),
            block=int(data["block"]),
            checked_blocks=int(data["checked_blocks"]),
            unreadable=[
                Unread(str(u["kind"]), str(u["token"]), str(u["spender"]), str(u["reason"]))
                for u in data["unreadable"]
            ],
            skipped_logs=int(data["skipped_logs"]),
        )
    except (KeyError, TypeError, ValueError):  # another version's shape: as if never scanned
        return None


def select(approvals: Sequence[Approval], *, keys: Sequence[str] = (), spenders: Sequence[str] = (),
           all_flagged: bool = False) -> list[Approval]:  # fmt: skip
    """The approvals named by key or spender, or every flagged one; naming one that is not there is an
    error (nothing is handed over for a half-understood selection)."""
    from signer.eth.errors import EthError
    from signer.eth.primitives import checksum, parse_address

    chosen: dict[str, Approval] = {}
    if all_flagged:
        chosen.update((a.key, a) for a in approvals if a.flagged)
    by_key = {a.key: a for a in approvals}
    for key in keys:
        if key not in by_key:
            raise CompanionError(f"no current approval {key} (run `approvals scan` for the list)")
        chosen[key] = by_key[key]
    for text in spenders:
        try:
            spender = checksum(parse_address(text, "spender"))
        except EthError as exc:
            raise CompanionError(str(exc)) from None
        found = [a for a in approvals if a.spender == spender]
        if not found:
            raise CompanionError(f"no current approval to {spender}")
        chosen.update((a.key, a) for a in found)
    if not chosen:
        raise CompanionError(
            "nothing to revoke: no approval is flagged" if all_flagged else "nothing to revoke"
        )
    return [a for a in approvals if a.key in chosen]


def plan_revoke(
    accounts: EthAccounts, name: str, keys: Sequence[str] | None = None, *, all_flagged: bool = False,
    spenders: Sequence[str] = (), index: int = 0,
) -> list[PreparedRevoke]:  # fmt: skip
    """The revoking transactions, in nonce order (Permit2 pairs folded into one lockdown), each built as
    a device request, reviewed by the signer's code and remembered as pending."""
    from companion.eth.handover import build_request, review_request
    from companion.eth.pending import next_nonce, remember

    with _opened(accounts, name, index) as (account, node, store):
        owner = account.address(index).address
        if account.fingerprint is None:
            raise CompanionError(
                f"{name} is a bare address (watch only): it cannot revoke; import the device's export "
                "(crypto-hdkey or crypto-account) to revoke from it"
            )
        found = scan_owner(node, store, owner, account.chain_id)
        chosen = select(found.approvals, keys=keys or (), spenders=spenders, all_flagged=all_flagged)
        store.put_last_scan(found.block, found.now, found.to_json())  # a refused selection changes nothing
        calls = revoke_calls(chosen)

        def gas(call: RevokeCall) -> int:
            estimate = node.estimate_gas({"from": owner, "to": call.to, "data": "0x" + call.data.hex()})
            return int(estimate * GAS_MARGIN)

        first = next_nonce(accounts, name, owner, node.pending_nonce(owner))
        txs = revoke_transactions(calls, chain_id=account.chain_id, first_nonce=first,
                                  fees=node.fee_suggestion(), gas=gas)  # fmt: skip
        prepared = []
        for call, tx in zip(calls, txs, strict=True):
            request = build_request(account, index, tx)
            prepared.append(PreparedRevoke(request, call, review_request(request, account)))
        for item in prepared:  # only once every one is built: a failure above leaves nothing pending
            remember(accounts, name, item.request)
        return prepared


def broadcast_revokes(
    accounts: EthAccounts, name: str, signature_groups: Sequence[Sequence[str]], *,
    timeout: float = RECEIPT_TIMEOUT,
) -> list[Followed]:  # fmt: skip
    """Every signature checked first, then sent in nonce order, then each followed to its receipt."""
    from companion.eth.node import EthNode
    from companion.eth.pending import broadcast_signatures, follow

    account = accounts.load(name)
    sent = broadcast_signatures(accounts, name, signature_groups)
    node = EthNode(account.rpc, account.chain_id)
    return [Followed(b, follow(node, b.tx_hash, timeout)) for b in sent]


def remind(
    accounts: EthAccounts, name: str, *, now: int | None = None, clock: Callable[[], int] | None = None,
    index: int = 0,
) -> list[Due]:  # fmt: skip
    """A fresh scan, then what is due: at ``now``, else ``clock()``, else the chain's clock."""
    at = now if now is not None else clock() if clock is not None else None
    with _opened(accounts, name, index) as (account, node, store):
        found = _scan_kept(node, store, account, index, at)
        return due_now(store, found.approvals, found.now)
