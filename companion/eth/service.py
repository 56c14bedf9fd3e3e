"""What the command line and the page do with Ethereum accounts: import, balances, history, send.

Every check runs before anything is written: a send is built, reviewed with the device's own review
code and refused (one line) when the device would refuse it, before its request is kept as pending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from companion.errors import CompanionError
from companion.eth.accounts import EthAccount, EthAccounts, check_name, first_addresses, read_export

if TYPE_CHECKING:
    from companion.eth.handover import SignRequest
    from companion.eth.node import EthNode
    from signer.eth.review import EthReview

TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
SELECTOR_TRANSFER = bytes.fromhex("a9059cbb")  # transfer(address,uint256)
SELECTOR_BALANCE_OF = bytes.fromhex("70a08231")  # balanceOf(address)
SELECTOR_SYMBOL = bytes.fromhex("95d89b41")  # symbol()
SELECTOR_DECIMALS = bytes.fromhex("313ce567")  # decimals()
LOG_CHUNK = 5_000  # blocks per eth_getLogs: hosted nodes refuse wide ranges
REORG_DEPTH = 12  # blocks: logs this deep are kept in the account's cache, newer ones read each time
CALL_GAS_MARGIN = 1.25  # a contract call's gas can move between the estimate and the block


def _node(account: EthAccount) -> EthNode:
    from companion.eth.node import EthNode

    return EthNode(account.rpc, account.chain_id)


def _address(text: str, what: str) -> str:
    from signer.eth.errors import EthError
    from signer.eth.primitives import checksum, parse_address

    if "." in text and not text.strip().lower().startswith("0x"):
        raise CompanionError(
            f"{what} {text.strip()[:60]!r} looks like an ENS name: names are not looked up "
            "(a node could answer any address); give the 0x address"
        )
    try:
        return checksum(parse_address(text, what))
    except EthError as exc:
        raise CompanionError(str(exc)) from None


# -- import ---------------------------------------------------------------------------------------


def import_account(
    accounts: EthAccounts, name: str, data: bytes, rpc: str, *, chain_id: int | None = None
) -> EthAccount:
    """A new account from the device's export, on the chain the node at ``rpc`` is on."""
    from companion.eth.node import EthNode

    check_name(name)
    if (accounts.folder(name) / "account.json").exists():
        raise CompanionError(f"an Ethereum account named {name} already exists")
    parsed = read_export(data)
    node = EthNode(rpc)
    found = node.chain_id()
    if chain_id is not None and chain_id != found:
        raise CompanionError(
            f"the node at {node.host} is on chain {found}, not chain {chain_id} (--chain-id)"
        )
    account = EthAccount(name, found, node.url, parsed.source, parsed.fingerprint, (), (), parsed.export)
    account = replace(account, addresses=first_addresses(account))
    accounts.create(account)
    return account


def reveal(accounts: EthAccounts, name: str, index: int) -> EthAccount:
    """``name`` with address ``index`` revealed and kept."""
    from companion.eth.accounts import with_address

    account = accounts.load(name)
    grown = with_address(account, index)
    if grown != account:
        accounts.save(grown)
    return grown


# -- tokens and balances --------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenBalance:
    """A token's balance; ``symbol``/``decimals`` None when the token no longer answers as an ERC-20 (a
    contract can change what it answers: the balance is still shown, in base units)."""

    token: str
    symbol: str | None
    decimals: int | None
    amount: int  # base units

    def to_json(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "symbol": self.symbol,
            "decimals": self.decimals,
            "amount": self.amount,
        }


@dataclass(frozen=True)
class Balances:
    address: str
    block: int
    eth: int  # wei
    symbol: str  # the chain's native currency
    tokens: tuple[TokenBalance, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "block": self.block,
            "eth": self.eth,
            "symbol": self.symbol,
            "tokens": [t.to_json() for t in self.tokens],
        }

    def to_text(self) -> str:
        from signer.eth.primitives import format_units

        lines = [f"{self.address} at block {self.block}", f"{format_units(self.eth, 18)} {self.symbol}"]
        lines += [
            f"{format_units(t.amount, t.decimals)} {t.symbol} ({t.token})"
            if t.symbol is not None and t.decimals is not None
            else f"{t.amount} base units of {t.token} (its symbol or decimals cannot be read)"
            for t in self.tokens
        ]
        return "\n".join(lines)


def _decode_text(raw: bytes) -> str | None:
    """An ABI ``string`` or a ``bytes32`` (old tokens) of up to 32 characters, safe to show (bytes that
    are no UTF-8 and hidden characters as codes, ``signer.safe_text``); None otherwise."""
    from signer.errors import AirlockError
    from signer.eth.abi import decode_args
    from signer.safe_text import visible

    data: bytes | None = None
    try:
        (value,), _ = decode_args(["bytes"], raw)  # a string's layout, its bytes not yet UTF-8
        data = bytes(value)
    except AirlockError:
        if len(raw) == 32:
            data = raw.rstrip(b"\0")
    if data is None:
        return None
    text = data.decode("utf-8", "surrogateescape")
    if not text.strip() or len(text) > 32:
        return None
    return visible(text, keep="")


def token_info(node: EthNode, token: str) -> tuple[str, int]:
    """(symbol, decimals) of an ERC-20 by call; CompanionError when it does not answer as one."""
    try:
        symbol = _decode_text(node.call(token, SELECTOR_SYMBOL))
        raw = node.call(token, SELECTOR_DECIMALS)
    except CompanionError:
        symbol, raw = None, b""
    decimals = int.from_bytes(raw, "big") if len(raw) == 32 else -1
    if symbol is None or not 0 <= decimals <= 36:
        raise CompanionError(f"{token} does not answer as an ERC-20 token (symbol, decimals) on this chain")
    return symbol, decimals


def known_tokens(account: EthAccount) -> list[tuple[str, str | None, int | None]]:
    """(token, symbol, decimals) of the chain's token list, then the person's own (read by call)."""
    from signer.eth import registry
    from signer.eth.primitives import checksum

    found: dict[str, tuple[str, str | None, int | None]] = {}
    for t in registry.tokens_on(account.chain_id):
        found[checksum(t.address)] = (checksum(t.address), t.symbol, t.decimals)
    for token in account.tokens:
        found.setdefault(token, (token, None, None))
    return list(found.values())


def add_token(accounts: EthAccounts, name: str, token: str) -> EthAccount:
    account = accounts.load(name)
    address = _address(token, "the token")
    token_info(_node(account), address)
    if address in account.tokens:
        return account
    grown = replace(account, tokens=(*account.tokens, address))
    accounts.save(grown)
    return grown


def balances(accounts: EthAccounts, name: str, index: int = 0) -> Balances:
    from signer.eth import registry
    from signer.eth.abi import encode_args

    account = accounts.load(name)
    owner = account.address(index).address
    node = _node(account)
    block = node.latest_block()["number"]
    eth = node.balance(owner, block)
    held = []
    for token, symbol, decimals in known_tokens(account):
        try:
            raw = node.call(token, SELECTOR_BALANCE_OF + encode_args(["address"], [owner]), block)
        except CompanionError:
            continue  # a listed token not deployed on this node's chain (a fork, a test chain)
        if len(raw) != 32:
            continue
        amount = int.from_bytes(raw, "big")
        if symbol is None or decimals is None:
            try:
                symbol, decimals = token_info(node, token)
            except CompanionError:  # one hostile or broken token does not hide the other balances
                symbol, decimals = None, None
        held.append(TokenBalance(token, symbol, decimals, amount))
    return Balances(owner, block, eth, registry.chain(account.chain_id).symbol, tuple(held))


# -- history --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    kind: str  # send (this account's own) | token-in | token-out | nft-in | nft-out
    tx_hash: str
    block: int | None  # None: an own send not seen mined (yet)
    token: str | None  # the contract, for token and NFT transfers
    counterparty: str | None  # who sent it, or to whom
    amount: int | None  # base units (tokens), wei (own sends)
    token_id: int | None = None  # an NFT
    title: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "hash": self.tx_hash,
            "block": self.block,
            "token": self.token,
            "counterparty": self.counterparty,
            "amount": self.amount,
            "token_id": self.token_id,
            "title": self.title,
        }


def _topic(address: str) -> str:
    return "0x" + "00" * 12 + address[2:].lower()


def transfer_logs(node: EthNode, address: str, first: int, last: int) -> list[Any]:
    """Transfer logs of any contract with ``address`` as sender (topic 1) or recipient (topic 2)."""
    found: list[Any] = []
    start = first
    while start <= last:
        end = min(last, start + LOG_CHUNK - 1)
        for topics in ([TRANSFER_TOPIC, _topic(address)], [TRANSFER_TOPIC, None, _topic(address)]):
            found += node.get_logs({"fromBlock": start, "toBlock": end, "topics": topics})
        start = end + 1
    return found


def _hex(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return value.to_0x_hex() if hasattr(value, "to_0x_hex") else str(value)


def _plain(log: Any) -> dict[str, Any]:
    """A node's log as stored in the account's cache: hex text and integers only."""
    return {
        "address": str(log["address"]),
        "topics": [_hex(t) for t in log["topics"]],
        "data": _hex(log["data"]),
        "hash": _hex(log["transactionHash"]),
        "block": int(log["blockNumber"]),
        "index": int(log["logIndex"]),
    }


def _log_activity(log: dict[str, Any], address: str) -> Activity | None:
    from signer.eth.primitives import checksum

    topics = [bytes.fromhex(str(t)[2:]) for t in log["topics"]]
    if len(topics) not in (3, 4) or any(len(t) != 32 for t in topics):
        return None
    sender, recipient = checksum(topics[1][-20:]), checksum(topics[2][-20:])
    outgoing = sender == address
    nft = len(topics) == 4
    data = bytes.fromhex(str(log["data"])[2:])
    if not nft and len(data) != 32:
        return None
    direction = "out" if outgoing else "in"
    return Activity(
        kind=f"{'nft' if nft else 'token'}-{direction}",
        tx_hash=str(log["hash"]),
        block=int(log["block"]),
        token=checksum(bytes.fromhex(str(log["address"])[2:])),
        counterparty=recipient if outgoing else sender,
        amount=None if nft else int.from_bytes(data, "big"),
        token_id=int.from_bytes(topics[3], "big") if nft else None,
    )


def cached_transfer_logs(accounts: EthAccounts, name: str, node: EthNode, owner: str, last: int) -> list[Any]:
    """The Transfer logs of ``owner`` up to block ``last``: the settled ones (``REORG_DEPTH`` blocks
    deep) from the account's cache, scanned on from its high-water mark; the newest read afresh."""
    import json

    from companion.eth.accounts import dumps
    from signer.atomic_file import atomic_write

    path = accounts.folder(name) / "transfers.json"
    try:
        cache = json.loads(path.read_text())
    except FileNotFoundError:
        cache = {}
    except (OSError, ValueError):
        cache = {}  # a damaged cache is only a cache: scan again
    if not isinstance(cache, dict):
        cache = {}
    entry = _cache_entry(cache.get(owner))
    scanned = int(entry["scanned_to"]) if entry else -1
    logs: list[Any] = list(entry["logs"]) if entry else []
    settled = last - REORG_DEPTH
    if settled > scanned:
        logs += [_plain(log) for log in transfer_logs(node, owner, scanned + 1, settled)]
        cache[owner] = {"scanned_to": settled, "logs": logs}
        atomic_write(path, dumps(cache))
        scanned = settled
    fresh = [_plain(log) for log in transfer_logs(node, owner, scanned + 1, last)]
    return logs + fresh


def _cache_entry(entry: Any) -> dict[str, Any] | None:
    """A cached owner's entry when every log in it has the shape ``_plain`` writes; None (scan
    again) when the cache was damaged or edited."""
    try:
        if not isinstance(entry, dict) or not isinstance(entry["scanned_to"], int):
            return None
        for log in entry["logs"]:
            ok = (
                isinstance(log, dict)
                and all(isinstance(log.get(k), str) for k in ("address", "data", "hash"))
                and isinstance(log.get("topics"), list)
                and all(isinstance(t, str) for t in log["topics"])
                and isinstance(log.get("block"), int)
                and isinstance(log.get("index"), int)
            )
            if not ok:
                return None
            bytes.fromhex(log["data"][2:])
            for t in log["topics"]:
                bytes.fromhex(t[2:])
    except (KeyError, TypeError, ValueError):
        return None
    return entry


def history(accounts: EthAccounts, name: str, index: int = 0) -> list[Activity]:
    """Token transfers in and out (the node's logs) and the account's own sends, newest first."""
    from companion.eth.pending import sends

    account = accounts.load(name)
    owner = account.address(index).address
    node = _node(account)
    last = node.latest_block()["number"]
    seen: dict[tuple[str, int], Activity] = {}
    for log in cached_transfer_logs(accounts, name, node, owner, last):
        found = _log_activity(log, owner)
        if found is not None:
            seen[(found.tx_hash, int(log["index"]))] = found
    out = list(seen.values())
    for sent in sends(accounts, name):
        if sent.get("from") != owner:
            continue
        receipt = node.receipt(str(sent["hash"]), 0)
        out.append(
            Activity(
                "send",
                str(sent["hash"]),
                None if receipt is None else int(receipt["blockNumber"]),
                None,
                sent.get("to"),
                int(sent.get("value", 0)),
                title=str(sent.get("title", "")),
            )
        )
    pending_last = last + 1
    return sorted(out, key=lambda a: (-(a.block if a.block is not None else pending_last), a.kind))


# -- send -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    request: SignRequest
    review: EthReview
    waiting: int = 0  # requests of this address handed over before and not yet broadcast (lower nonces)

    def to_json(self) -> dict[str, Any]:
        import uuid

        tx = self.request.tx
        return {
            "request_id": str(uuid.UUID(bytes=self.request.request_id)),
            "from": self.request.address,
            "path": self.request.path,
            "nonce": tx.nonce,
            "gas_limit": tx.gas_limit,
            "max_fee_per_gas": tx.max_fee_per_gas,
            "max_priority_fee_per_gas": tx.max_priority_fee_per_gas,
            "review": self.review.to_json(),
            "waiting": self.waiting,
        }


def unsigned_transaction(
    account: EthAccount, node: EthNode, *, sender: str, nonce: int, to: str, value: int, data: bytes
) -> Any:
    """An EIP-1559 transaction with the node's fee suggestion and gas estimate."""
    from signer.eth.errors import EthError
    from signer.eth.primitives import parse_address
    from signer.eth.tx import DYNAMIC_FEE, UnsignedTx

    max_fee, tip = node.fee_suggestion()
    call = {"from": sender, "to": to, "value": value, "data": "0x" + data.hex()}
    gas = node.estimate_gas(call)
    if data:
        gas = int(gas * CALL_GAS_MARGIN)
    try:
        tx = UnsignedTx(
            DYNAMIC_FEE, account.chain_id, nonce, gas, parse_address(to), value, data, None, max_fee, tip
        )
        return replace(tx, raw=tx.encode())
    except EthError as exc:
        raise CompanionError(f"cannot build the transaction: {exc}") from None


def prepare_transaction(
    accounts: EthAccounts,
    name: str,
    *,
    to: str,
    value: int,
    data: bytes = b"",
    index: int = 0,
    before_remember: Callable[[Prepared], None] | None = None,
) -> Prepared:
    """Any call from ``name``'s address ``index``: built, reviewed as the device will, then remembered
    as pending (``before_remember`` writes the handover first; if it fails, nothing is remembered)."""
    from companion.eth.handover import build_request, review_request
    from companion.eth.pending import account_lock, check_node_nonce, next_nonce, recipient_history, remember

    account = accounts.load(name)
    if account.watch_only:
        raise CompanionError(
            f"{name} is a bare address (watch only): it cannot send; import the device's export "
            "(crypto-hdkey or crypto-account) to send from it"
        )
    to = _address(to, "the recipient")
    if not 0 <= value < 2**256:
        raise CompanionError("the value is a number of wei, 0 or more and less than 2**256")
    sender = account.address(index).address
    node = _node(account)
    with account_lock(accounts, name):  # another companion on this folder picks its nonce after us
        node_nonce = node.pending_nonce(sender)
        check_node_nonce(accounts, name, node, sender, node_nonce)
        nonce = next_nonce(accounts, name, sender, node_nonce)
        tx = unsigned_transaction(account, node, sender=sender, nonce=nonce, to=to, value=value, data=data)
        held = node.balance(sender, "pending")
        if held < tx.value + tx.max_fee:
            raise CompanionError(
                f"{sender} holds {held} wei: not enough for {tx.value} wei "
                f"and a fee of up to {tx.max_fee} wei"
            )
        if node.chain_id() != account.chain_id:  # what was read came from the account's chain
            raise CompanionError(f"the node at {node.host} changed chains while answering: refused")
        request = build_request(account, index, tx)
        review = review_request(request, account, recipient_history(accounts, name))
        if review.refusals:
            first = review.refusals[0]
            raise CompanionError(f"the device would refuse this ({first.code}): {first.message}")
        _refuse_absurd_fee(node, tx)
        prepared = Prepared(request, review, nonce - node_nonce)
        if before_remember is not None:
            before_remember(prepared)
        remember(accounts, name, request)
    return prepared


def _refuse_absurd_fee(node: EthNode, tx: Any) -> None:
    """The fee comes from the node, and the person types none: a most-fee where the device's own
    ``fee-high`` rule turns to danger (``FEE_DANGER_FACTOR`` times the chain's limit in
    ``signer/eth/chains.json``) is a broken or lying node, refused before any handover. Above the limit
    but below that (a fee spike) the request is made and the review's warning printed with it, as the
    device shows it; a fee high only for the value sent is also only the review's warning."""
    from signer.eth import registry
    from signer.eth.effects import format_amount
    from signer.risk.rules import FEE_DANGER_FACTOR

    chain = registry.chain(tx.chain_id)
    ceiling = FEE_DANGER_FACTOR * chain.fee_cap
    if tx.max_fee > ceiling:
        raise CompanionError(
            f"refused: the fee can reach {format_amount(tx.chain_id, None, tx.max_fee)}, {FEE_DANGER_FACTOR} "
            f"times past the device's limit of {format_amount(tx.chain_id, None, chain.fee_cap)} on "
            f"{chain.name}: the node at {node.host} suggests {tx.max_fee_per_gas} wei per gas (a broken "
            "or lying node)"
        )


def prepare_send(
    accounts: EthAccounts,
    name: str,
    *,
    to: str,
    value: int,
    token: str | None = None,
    index: int = 0,
    before_remember: Callable[[Prepared], None] | None = None,
) -> Prepared:
    """ETH (``value`` wei to ``to``) or an ERC-20 (``value`` base units of ``token`` to ``to``)."""
    from signer.eth.abi import encode_args

    if token is None:
        return prepare_transaction(
            accounts, name, to=to, value=value, index=index, before_remember=before_remember
        )
    contract = _address(token, "the token")
    recipient = _address(to, "the recipient")
    if value <= 0:
        raise CompanionError("a token amount is a number of base units, more than 0")
    if value >= 2**256:
        raise CompanionError("the token amount is larger than a uint256")
    data = SELECTOR_TRANSFER + encode_args(["address", "uint256"], [recipient, value])
    return prepare_transaction(
        accounts, name, to=contract, value=0, data=data, index=index, before_remember=before_remember
    )
