"""The one place that talks to the person's Ethereum node (web3.py over HTTP(S)).

Every call has a timeout and every failure is one ``CompanionError`` line. The URL may carry
credentials (``https://user:key@host/...`` or a key in the path, as hosted nodes give them): messages
name the host only, never the whole URL. A node on another chain than the account's is refused before
anything is read from it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from companion.errors import CompanionError

TIMEOUT = 20.0  # seconds per request
T = TypeVar("T")


def node_host(url: str) -> str:
    """``host:port`` of an RPC URL: what a message may show of it."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "?"


def check_url(url: str) -> str:
    """An http(s) URL with a host; anything else refused (naming the host at most)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise CompanionError("the RPC URL cannot be read: give http(s)://HOST[:PORT][/PATH]") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CompanionError("the RPC URL must be http:// or https:// with a host (the node's JSON-RPC)")
    return url.strip()


class EthNode:
    """A JSON-RPC node; ``expected_chain_id``: refuse a node on another chain."""

    def __init__(self, url: str, expected_chain_id: int | None = None, timeout: float = TIMEOUT) -> None:
        from web3 import Web3

        self.url = check_url(url)
        self.host = node_host(self.url)
        self.w3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": timeout}))
        if expected_chain_id is not None:
            found = self.chain_id()
            if found != expected_chain_id:
                raise CompanionError(
                    f"the node at {self.host} is on chain {found}, not chain {expected_chain_id}"
                )

    def __repr__(self) -> str:
        return f"EthNode({self.host})"

    def _ask(self, what: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except CompanionError:
            raise
        except Exception as exc:  # requests' and web3's many error types: one line, host only
            raise CompanionError(
                f"the node at {self.host} failed to {what}: {_reason(exc, self.url)}"
            ) from None

    def chain_id(self) -> int:
        return int(self._ask("give its chain id", lambda: self.w3.eth.chain_id))

    def latest_block(self) -> dict[str, Any]:
        block = self._ask("give its latest block", lambda: self.w3.eth.get_block("latest"))
        return {"number": int(block["number"]), "timestamp": int(block["timestamp"])}

    def get_logs(self, params: dict[str, Any]) -> list[Any]:
        return list(self._ask("give the logs", lambda: self.w3.eth.get_logs(params)))  # type: ignore[arg-type]

    def call(self, to: str, data: bytes, block: int | str = "latest") -> bytes:
        tx = {"to": self.w3.to_checksum_address(to), "data": "0x" + data.hex()}
        return bytes(self._ask("answer a call", lambda: self.w3.eth.call(tx, block)))  # type: ignore[arg-type]

    def balance(self, address: str, block: int | str = "latest") -> int:
        checked = self.w3.to_checksum_address(address)
        return int(self._ask("give a balance", lambda: self.w3.eth.get_balance(checked, block)))  # type: ignore[arg-type]

    def pending_nonce(self, address: str) -> int:
        checked = self.w3.to_checksum_address(address)
        return int(self._ask("give the nonce", lambda: self.w3.eth.get_transaction_count(checked, "pending")))

    def fee_suggestion(self) -> tuple[int, int]:
        """(max fee per gas, max priority fee per gas): twice the latest base fee plus the tip."""
        block = self._ask("give its latest block", lambda: self.w3.eth.get_block("latest"))
        base = block.get("baseFeePerGas")
        if base is None:
            raise CompanionError(f"the node at {self.host} has no base fee: its chain predates EIP-1559")
        tip = int(self._ask("suggest a priority fee", lambda: self.w3.eth.max_priority_fee))
        return 2 * int(base) + tip, tip

    def estimate_gas(self, tx: dict[str, Any]) -> int:
        return int(self._ask("estimate the gas", lambda: self.w3.eth.estimate_gas(tx)))  # type: ignore[arg-type]

    def send_raw(self, raw: bytes) -> str:
        sent = self._ask("take the transaction", lambda: self.w3.eth.send_raw_transaction(raw))
        return "0x" + bytes(sent).hex()

    def transaction(self, tx_hash: str) -> dict[str, Any] | None:
        from web3.exceptions import TransactionNotFound

        try:
            found = self.w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return None
        except Exception as exc:
            raise CompanionError(
                f"the node at {self.host} failed to give a transaction: {_reason(exc, self.url)}"
            ) from None
        return dict(found)

    def receipt(self, tx_hash: str, timeout: float = 60.0) -> dict[str, Any] | None:
        """The receipt once mined (polled until ``timeout``), None when still not mined then."""
        from web3.exceptions import TransactionNotFound

        deadline = time.monotonic() + timeout
        while True:
            try:
                found = self.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
                return dict(found)
            except TransactionNotFound:
                pass
            except Exception as exc:
                raise CompanionError(
                    f"the node at {self.host} failed to give a receipt: {_reason(exc, self.url)}"
                ) from None
            if time.monotonic() >= deadline:
                return None
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


def _reason(exc: Exception, url: str) -> str:
    """The error's first line, the URL (credentials) cut out of it."""
    text = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    parts = urlsplit(url)
    for secret in (url, parts.path, parts.query, parts.password or "", parts.username or ""):
        if secret and len(secret) > 1:
            text = text.replace(secret, "…")
    if "Connection" in exc.__class__.__name__ or "connect" in text.lower():
        return "cannot connect (is the URL right and the node running?)"
    return text[:200]
