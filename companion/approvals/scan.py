"""Scan an owner's token approvals: logs by the owner topic, then the current value of each pair by call.

Logs only say what was granted once: OpenZeppelin 5's ``transferFrom`` lowers an allowance without an
``Approval`` log, a token transfer clears an NFT approval silently, a Permit2 allowance expires. So the
logs only name candidate pairs (stored, with a high-water mark, so a rescan reads new blocks only) and
every candidate's value is read again by ``eth_call`` at each scan; a pair whose value is 0 / false /
expired is not listed.

Logs read (topic1 = owner for all): ``Approval`` (3 topics: ERC-20, 4: ERC-721 single token),
``ApprovalForAll`` (ERC-721 / ERC-1155, told apart by ERC-165), Permit2's ``Approval``, ``Permit`` and
``Lockdown`` (only from Permit2's address), and the owner's outgoing ``Transfer`` / ``TransferSingle`` /
``TransferBatch`` for 'last used'. A log of the wrong shape is skipped and counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from companion.approvals import chain_calls as cc
from companion.approvals.chain_calls import PERMIT2, Node, Unreadable
from companion.approvals.model import STALE_AFTER, Approval
from companion.approvals.store import ApprovalStore, Candidate
from companion.errors import CompanionError
from signer.keccak import keccak256

DEFAULT_CHUNK = 10_000
Step = tuple[list[tuple[str, list[Any]]], Callable[[list[Any]], None]]  # requests, and what takes the answers


def _topic(signature: str) -> bytes:
    return keccak256(signature.encode())


APPROVAL = _topic("Approval(address,address,uint256)")
APPROVAL_FOR_ALL = _topic("ApprovalForAll(address,address,bool)")
P2_APPROVAL = _topic("Approval(address,address,address,uint160,uint48)")
P2_PERMIT = _topic("Permit(address,address,address,uint160,uint48,uint48)")
P2_LOCKDOWN = _topic("Lockdown(address,address,address)")
TRANSFER = _topic("Transfer(address,address,uint256)")
TRANSFER_SINGLE = _topic("TransferSingle(address,address,address,uint256,uint256)")
TRANSFER_BATCH = _topic("TransferBatch(address,address,address,uint256[],uint256[])")
OWNER_TOPIC0 = (APPROVAL, APPROVAL_FOR_ALL, P2_APPROVAL, P2_PERMIT, P2_LOCKDOWN, TRANSFER)
RANGE_ERROR = re.compile(r"range|too (large|many|big)|limit|exceed|-32005|response size", re.IGNORECASE)
EOA_REASON = "not a contract: an approval to a plain account is how drainers take tokens"
DELEGATED_REASON = "a plain account (EIP-7702 delegated), not a contract: how drainers take tokens"


@dataclass(frozen=True)
class Unread:
    """A candidate whose current value could not be read (hostile or broken token)."""

    kind: str
    token: str
    spender: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "token": self.token, "spender": self.spender, "reason": self.reason}


@dataclass
class ScanResult:
    approvals: list[Approval]
    now: int  # the time the rules ran at (chain time, or --now)
    block: int  # the latest block read
    checked_blocks: int  # how many new blocks this scan read logs of
    unreadable: list[Unread] = field(default_factory=list)
    skipped_logs: int = 0  # logs of a shape no standard emits
    from_block: int = 0  # where the first scan of the account started

    def to_json(self) -> dict[str, Any]:
        return {
            "approvals": [a.to_json() for a in self.approvals],
            "now": self.now,
            "block": self.block,
            "checked_blocks": self.checked_blocks,
            "unreadable": [u.to_json() for u in self.unreadable],
            "skipped_logs": self.skipped_logs,
            "from_block": self.from_block,
        }


def _checksum(raw: bytes) -> str:
    from signer.eth.primitives import checksum

    return checksum(raw)


def _topic_address(topic: bytes) -> str | None:
    if len(topic) != 32 or any(topic[:12]):
        return None
    return _checksum(topic[12:])


def _is_transfer(log: Any) -> bool:
    return len(log["topics"]) in (3, 4) and _hexbytes(log["topics"][0]) == TRANSFER


def _address_bytes(text: str) -> bytes:
    raw = bytes.fromhex(text.removeprefix("0x"))
    if len(raw) != 20:
        raise CompanionError(f"the node gave {text[:50]!r} as an address")
    return raw


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        return False
    return text.startswith("0x")


def _said(answer: Any) -> str:
    """What the node answered instead, in a few words."""
    if isinstance(answer, Exception):
        return str(answer)[:120] or answer.__class__.__name__
    return "it does not know it" if answer is None else f"it answered {str(answer)[:60]!r}"


def _hexbytes(value: Any) -> bytes:
    if isinstance(value, str):
        return bytes.fromhex(value.removeprefix("0x"))
    return bytes(value)


class Scanner:
    """One scan of one owner on one chain. ``node`` is an ``EthNode`` (or anything with its methods)."""

    def __init__(
        self, node: Node, store: ApprovalStore, owner: str, chain_id: int, *, chunk: int = DEFAULT_CHUNK,
        start_block: int = 0, on_progress: Callable[[int, int], None] | None = None,
    ) -> None:  # fmt: skip
        self.node, self.store, self.owner, self.chain_id = node, store, owner, chain_id
        self.owner_topic = bytes(12) + bytes.fromhex(owner[2:])
        self.chunk, self.start_block, self.on_progress = chunk, start_block, on_progress
        self.max_chunk = chunk
        self.skipped = 0
        self._tx_ends: dict[bytes, tuple[str, ...]] = {}
        self._code: dict[str, bytes] = {}
        self._kind_all: dict[str, str] = {}

    # -- logs ----------------------------------------------------------------------------------
    def read_logs(self, latest: int) -> int:
        """Read the logs of blocks after the high-water mark up to ``latest``; returns the count read."""
        done = self.store.scanned_to()
        first = self.start_block if done is None else done + 1
        if first > latest:
            return 0
        start = first
        while start <= latest:
            end = min(latest, start + self.chunk - 1)
            try:
                logs = self._get_logs(start, end, [list(OWNER_TOPIC0), self.owner_topic])
                logs += self._get_logs(
                    start, end, [[TRANSFER_SINGLE, TRANSFER_BATCH], None, self.owner_topic]
                )
            except _RangeTooLarge:
                if self.chunk == 1:
                    raise CompanionError(f"the node refuses the logs of block {start} alone") from None
                self.chunk = max(1, self.chunk // 2)
                continue
            self._learn_tx_ends(logs)
            with self.store.transaction():
                if self.store.scanned_to() is None:  # kept with the first range read, not before
                    self.store.set_start_block(first)
                for log in sorted(logs, key=lambda x: (int(x["blockNumber"]), int(x.get("logIndex", 0)))):
                    self._take(log)
                self.store.set_scanned_to(end)
            if self.on_progress is not None:
                self.on_progress(end, latest)
            start = end + 1
            self.chunk = min(self.max_chunk, self.chunk * 2)  # a dense range halved it: grow back after
        return latest - first + 1

    def _get_logs(self, start: int, end: int, topics: list[Any]) -> list[Any]:
        def hexed(t: Any) -> Any:
            if t is None:
                return None
            if isinstance(t, list):
                return ["0x" + x.hex() for x in t]
            return "0x" + t.hex()

        params = {"fromBlock": hex(start), "toBlock": hex(end), "topics": [hexed(t) for t in topics]}
        try:
            return list(self.node.get_logs(params))
        except Exception as exc:
            if RANGE_ERROR.search(str(exc)) and start < end:
                raise _RangeTooLarge from None
            if isinstance(exc, CompanionError):
                raise
            raise CompanionError(f"the node cannot give the logs of blocks {start}-{end}: {exc}") from None

    def _take(self, log: Any) -> None:
        topics = [_hexbytes(t) for t in log["topics"]]
        data = _hexbytes(log["data"])
        token = _checksum(_hexbytes(log["address"]) if not isinstance(log["address"], str)
                          else bytes.fromhex(log["address"][2:]))  # fmt: skip
        block = int(log["blockNumber"])
        self._remember_time(log, block)
        if not topics:
            self.skipped += 1
            return
        t0, n = topics[0], len(topics)
        if t0 == APPROVAL and n == 3 and len(data) == 32:
            spender = _topic_address(topics[2])
            self._candidate("approval", token, spender, None, block)
        elif t0 == APPROVAL and n == 4 and not data:
            spender = _topic_address(topics[2])
            token_id = int.from_bytes(topics[3], "big")
            if spender is not None and spender != _checksum(bytes(20)):
                self._candidate("approval", token, spender, token_id, block)
        elif t0 == APPROVAL_FOR_ALL and n == 3 and len(data) == 32:
            self._candidate("all", token, _topic_address(topics[2]), None, block)
        elif t0 in (P2_APPROVAL, P2_PERMIT) and n == 4 and token == PERMIT2:
            inner = _topic_address(topics[2])
            if inner is None:
                self.skipped += 1
                return
            self._candidate("permit2", inner, _topic_address(topics[3]), None, block)
        elif t0 == P2_LOCKDOWN and n == 2 and len(data) == 64 and token == PERMIT2:
            inner, spender = _topic_address(data[:32]), _topic_address(data[32:])
            if inner is None:
                self.skipped += 1
                return
            self._candidate("permit2", inner, spender, None, None)
        elif t0 == TRANSFER and n in (3, 4):
            for sender in self._tx_ends_of(log):
                self.store.add_use(token, sender, block)
        elif t0 in (TRANSFER_SINGLE, TRANSFER_BATCH) and n == 4:
            operator = _topic_address(topics[1])
            if operator is not None:
                self.store.add_use(token, operator, block)
        else:
            self.skipped += 1

    def _candidate(self, source: str, token: str, spender: str | None, token_id: int | None,
                   block: int | None) -> None:  # fmt: skip
        if spender is None:
            self.skipped += 1
            return
        self.store.add_candidate(Candidate(source, token, spender, token_id, block))

    def _tx_ends_of(self, log: Any) -> tuple[str, ...]:
        """Who sent the transaction of a transfer and which contract it called: a spender that pulls the
        owner's tokens itself is ``from``; a router the owner calls (which uses its approval) is ``to``."""
        return self._tx_ends[_hexbytes(log["transactionHash"])]

    def _learn_tx_ends(self, logs: list[Any]) -> None:
        """The two ends of every transfer's transaction not known yet, in one batch."""
        wanted = {_hexbytes(log["transactionHash"]) for log in logs if _is_transfer(log)} - set(self._tx_ends)
        hashes = sorted(wanted)
        for tx_hash, tx in zip(hashes, self.node.batch([("eth_getTransactionByHash", ["0x" + h.hex()])
                                                        for h in hashes]), strict=True):  # fmt: skip
            if not isinstance(tx, dict) or not isinstance(tx.get("from"), str):
                raise CompanionError(f"the node cannot give transaction 0x{tx_hash.hex()}: {_said(tx)}")
            ends = [tx["from"]] + ([tx["to"]] if isinstance(tx.get("to"), str) else [])
            self._tx_ends[tx_hash] = tuple(_checksum(_address_bytes(e)) for e in ends)

    def _remember_time(self, log: Any, block: int) -> None:
        stamp = log.get("blockTimestamp") if hasattr(log, "get") else None
        if stamp is not None and self.store.block_time(block) is None:
            self.store.set_block_time(block, int(stamp, 16) if isinstance(stamp, str) else int(stamp))

    def _block_times_step(self, blocks: set[int]) -> Step:
        """Ask the times of ``blocks`` not stored yet; store them (they never change)."""
        wanted = sorted(b for b in blocks if self.store.block_time(b) is None)

        def take(found: list[Any]) -> None:
            for block, head in zip(wanted, found, strict=True):
                stamp = head.get("timestamp") if isinstance(head, dict) else None
                if not isinstance(stamp, str | int):
                    raise CompanionError(f"the node cannot give block {block}: {_said(head)}")
                self.store.set_block_time(block, int(stamp, 16) if isinstance(stamp, str) else stamp)

        return [("eth_getBlockByNumber", [hex(b), False]) for b in wanted], take

    def block_time(self, block: int) -> int:
        known = self.store.block_time(block)
        if known is None:
            self._together(self._block_times_step({block}))
            known = self.store.block_time(block)
        assert known is not None
        return known

    # -- current values ------------------------------------------------------------------------
    def evaluate(self, now: int) -> tuple[list[Approval], list[Unread]]:
        """Every candidate's current value (one batch of calls), then what the live ones need to be shown:
        block times, spender code and token names, each asked once (batched) and only when not known."""
        unread: list[Unread] = []
        uses = self.store.uses()
        candidates = self.store.candidates()
        permit2_use: dict[str, int] = {}
        for c in candidates:
            if c.source == "permit2" and (c.token, c.spender) in uses:
                permit2_use[c.token] = max(permit2_use.get(c.token, -1), uses[(c.token, c.spender)])
        kinds = self._kinds_step({c.token for c in candidates if c.source == "all"})
        asks = [self._value_ask(c) for c in candidates]
        replies: list[bytes | Unreadable] = []
        self._together(kinds, ([cc.request(a) for a in asks],
                               lambda found: replies.extend(map(cc.reply, asks, found))))  # fmt: skip
        kinds_of = [self._kind_of(c) for c in candidates]
        live = []
        for c, kind, reply in zip(candidates, kinds_of, replies, strict=True):
            try:
                value = self._current(c, kind, cc.answer(reply), now)
            except Unreadable as exc:
                unread.append(Unread(kind, c.token, c.spender, str(exc)))
                continue
            if value is None:
                continue
            used = uses.get((c.token, c.spender))
            if c.source == "approval" and c.spender == PERMIT2 and c.token in permit2_use:
                used = max(used or -1, permit2_use[c.token])
            live.append((c, kind, value, used))
        blocks = {b for c, _, _, used in live for b in (c.granted_block, used) if b is not None}
        self._together(
            self._block_times_step(blocks),
            self._code_step({c.spender for c, _, _, _ in live}),
            self._token_info_step({(c.token, kind) for c, kind, _, _ in live}),
        )
        found = [self._approval(c, kind, amount, expiration, used, now)
                 for c, kind, (amount, expiration), used in live]  # fmt: skip
        return found, unread

    def _together(self, *steps: Step) -> None:
        """Ask the requests of every step in one batch (as few HTTP requests as the node allows), then hand
        each step its own answers."""
        asked = [r for requests, _ in steps for r in requests]
        found = self.node.batch(asked) if asked else []
        at = 0
        for requests, take in steps:
            take(found[at : at + len(requests)])
            at += len(requests)

    def _kinds_step(self, tokens: set[str]) -> Step:
        """ERC-721 or ERC-1155 for the ApprovalForAll tokens not told apart yet (ERC-165)."""
        asks = [cc.supports_ask(t, cc.ERC1155_INTERFACE) for t in sorted(tokens - set(self._kind_all))]

        def take(found: list[Any]) -> None:
            for ask, result in zip(asks, found, strict=True):
                self._kind_all[ask.to] = "erc1155" if cc.supports(cc.reply(ask, result)) else "erc721"

        return [cc.request(a) for a in asks], take

    def _kind_of(self, c: Candidate) -> str:
        if c.source == "permit2":
            return "permit2"
        if c.source == "approval":
            return "erc20" if c.token_id is None else "erc721"
        return self._kind_all[c.token]

    def _value_ask(self, c: Candidate) -> cc.Ask:
        owner, token, spender = self.owner, c.token, c.spender
        if c.source == "approval" and c.token_id is None:  # ERC-20
            return cc.Ask(token, "allowance(address,address)", ("address", "address"), (owner, spender))
        if c.source == "approval":  # ERC-721 single token
            return cc.Ask(token, "getApproved(uint256)", ("uint256",), (c.token_id,))
        if c.source == "all":
            return cc.Ask(
                token, "isApprovedForAll(address,address)", ("address", "address"), (owner, spender)
            )
        return cc.Ask(PERMIT2, "allowance(address,address,address)", ("address", "address", "address"),
                      (owner, token, spender))  # fmt: skip

    def _current(
        self, c: Candidate, kind: str, reply: bytes, now: int
    ) -> tuple[int | None, int | None] | None:
        """(amount, expiration) of a live approval from its call's reply, None when there is none now."""
        if kind == "erc20":
            amount = cc.uint(reply, 256, "allowance")
            return (amount, None) if amount else None
        if c.source == "approval":  # ERC-721 single token
            return (None, None) if _checksum(cc.address(reply, "getApproved")) == c.spender else None
        if c.source == "all":
            return (None, None) if cc.boolean(reply, "isApprovedForAll") else None
        amount, expiration, _nonce = cc.words(reply, 3, "Permit2 allowance")
        if amount >> 160 or expiration >> 48:
            raise Unreadable("Permit2 allowance answered values wider than their types")
        if amount == 0 or expiration < now:
            return None
        return amount, expiration

    def _approval(self, c: Candidate, kind: str, amount: int | None, expiration: int | None,
                  used_block: int | None, now: int) -> Approval:  # fmt: skip
        from signer.eth.effects import allowance_is_unlimited

        token_raw, spender_raw = bytes.fromhex(c.token[2:]), bytes.fromhex(c.spender[2:])
        granted_at = None if c.granted_block is None else self.block_time(c.granted_block)
        last_used_at = None if used_block is None else self.block_time(used_block)
        if kind in ("erc20", "permit2"):
            unlimited = allowance_is_unlimited(self.chain_id, token_raw, amount)
        else:
            unlimited = c.source == "all"  # every ApprovalForAll: all of the collection, now and later
        latest = max([t for t in (granted_at, last_used_at) if t is not None], default=None)
        stale = latest is not None and now - latest >= STALE_AFTER
        tags = self._risk_tags(spender_raw)
        symbol, decimals = self._token_info(c.token, kind)
        return Approval(
            kind=kind, token=c.token, spender=c.spender, amount=amount, token_id=c.token_id,
            unlimited=unlimited, stale=stale, risky=bool(tags), granted_at=granted_at,
            last_used_at=last_used_at, spender_name=self._spender_name(spender_raw), risk_tags=tags,
            symbol=symbol, decimals=decimals,
            expiration=None if expiration in (None, 2**48 - 1) else expiration,
        )  # fmt: skip

    def _risk_tags(self, spender: bytes) -> tuple[str, ...]:
        from signer.risk.library import builtin_library

        tags = list(builtin_library().lookup(self.chain_id, spender))
        code = self._code_of(_checksum(spender))
        if not code:
            tags.append(EOA_REASON)
        elif code.startswith(b"\xef\x01\x00") and len(code) == 23:
            tags.append(DELEGATED_REASON)
        return tuple(tags)

    def _code_of(self, address: str) -> bytes:
        if address not in self._code:
            self._together(self._code_step({address}))
        return self._code[address]

    def _code_step(self, addresses: set[str]) -> Step:
        """Ask the code of the spenders not asked yet in this scan (code can change between scans: a
        contract deployed, an EIP-7702 delegation set, so it is not stored)."""
        wanted = sorted(addresses - set(self._code))

        def take(found: list[Any]) -> None:
            for address, code in zip(wanted, found, strict=True):
                if not isinstance(code, str) or not _is_hex(code):
                    raise CompanionError(f"the node cannot give the code of {address}: {_said(code)}")
                self._code[address] = bytes.fromhex(code[2:])

        return [("eth_getCode", [a, "latest"]) for a in wanted], take

    def _spender_name(self, spender: bytes) -> str | None:
        from signer.eth import registry

        if _checksum(spender) == PERMIT2:
            return "Permit2"
        known = registry.token(self.chain_id, spender)
        return f"{known.symbol} token contract" if known is not None else None

    def _token_info(self, token: str, kind: str) -> tuple[str | None, int | None]:
        from signer.eth import registry

        known = registry.token(self.chain_id, bytes.fromhex(token[2:]))
        if known is not None:
            return known.symbol, known.decimals
        cached = self.store.token_info(token)
        if cached is None:
            self._together(self._token_info_step({(token, kind)}))
            cached = self.store.token_info(token)
        assert cached is not None
        return cached

    def _token_info_step(self, tokens: set[tuple[str, str]]) -> Step:
        """Ask ``symbol()`` (and ``decimals()`` of fungible tokens) of the tokens neither listed nor
        stored; store them (a token's name is read once)."""
        from signer.eth import registry

        fungible: dict[str, bool] = {}
        for token, kind in tokens:
            fungible[token] = fungible.get(token, False) or kind in ("erc20", "permit2")
        wanted = sorted(t for t in fungible if registry.token(self.chain_id, bytes.fromhex(t[2:])) is None
                        and self.store.token_info(t) is None)  # fmt: skip
        asks = [cc.Ask(t, "symbol()") for t in wanted] + [
            cc.Ask(t, "decimals()") for t in wanted if fungible[t]
        ]

        def take(found: list[Any]) -> None:
            replies = [cc.reply(a, r) for a, r in zip(asks, found, strict=True)]
            places = iter(replies[len(wanted) :])
            for token, symbol in zip(wanted, replies, strict=False):
                decimals = cc.decimals(next(places)) if fungible[token] else None
                self.store.set_token_info(token, cc.symbol(symbol), decimals)

        return [cc.request(a) for a in asks], take


class _RangeTooLarge(Exception):
    pass


def scan_owner(node: Node, store: ApprovalStore, owner: str, chain_id: int, *, now: int | None = None,
               chunk: int = DEFAULT_CHUNK, start_block: int | None = None) -> ScanResult:  # fmt: skip
    """Read new logs, then every candidate's current value; the rules run at ``now`` (default: the
    latest block's timestamp, the chain's clock). ``start_block``: where the first scan starts (kept for
    the rescans; default 0); an earlier one than a past scan started at is refused (its blocks were not
    read: a fresh store is needed), a later one changes nothing."""
    try:
        head = node.latest_block()
    except CompanionError:
        raise
    except Exception as exc:
        raise CompanionError(f"the node does not answer: {exc}") from None
    latest, chain_now = int(head["number"]), int(head["timestamp"])
    began = store.start_block()
    if start_block is not None:
        if start_block < 0 or start_block > latest:
            raise CompanionError(f"block {start_block} is not on the chain: its latest block is {latest}")
        if began is not None and start_block < began:
            raise CompanionError(
                f"this account's approvals were scanned from block {began} on, not {start_block}: to read "
                f"from block {start_block}, delete {store.path} and scan again"
            )
    first = began if began is not None else start_block or 0
    scanner = Scanner(node, store, owner, chain_id, chunk=chunk, start_block=first)
    checked = scanner.read_logs(latest)
    at = chain_now if now is None else now
    with store.transaction():
        found, unread = scanner.evaluate(at)
    found.sort(key=lambda a: (not a.flagged, a.kind, a.token, a.spender, a.token_id or 0))
    return ScanResult(found, at, latest, checked, unread, scanner.skipped, first)
