"""The one place that talks to the person's Ethereum node (web3.py over HTTP(S)).

Every call has a timeout and every failure is one ``CompanionError`` line. The URL may carry
credentials (``https://user:key@host/...`` or a key in the path, as hosted nodes give them): messages
name the host only, never the whole URL. A node on another chain than the account's is refused before
anything is read from it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit

from companion.errors import CompanionError

TIMEOUT = 20.0  # seconds per request
BATCH_SIZE = 250  # requests per JSON-RPC batch: well under the 1,000 hosted nodes accept
T = TypeVar("T")


class RpcError(Exception):
    """The node's error object for one request (a revert, an unknown block): the other requests of its
    batch are still good."""

    def __init__(self, code: Any, message: str) -> None:
        super().__init__(message)
        self.code = code


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
        self.timeout = timeout
        self.w3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": timeout}))
        self.batches = True  # until the node refuses one
        self._session: Any = None
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

    def batch(self, requests: Sequence[tuple[str, list[Any]]]) -> list[Any]:
        """The results of many JSON-RPC requests (method, params), in order, ``BATCH_SIZE`` to an HTTP
        request; a request the node answered with an error gets its ``RpcError`` in its place.

        A node that refuses batches (an error object or HTTP 4xx for a JSON array, as some providers do)
        is asked one request at a time from then on. A batch answer whose ids do not match the requests'
        one for one is refused whole: an answer is never given to another request than its own."""
        out: list[Any] = []
        for start in range(0, len(requests), BATCH_SIZE):
            part = requests[start : start + BATCH_SIZE]
            answered = self._batch(part) if self.batches and len(part) > 1 else None
            out.extend(answered if answered is not None else [self._single(m, p) for m, p in part])
        return out

    def _batch(self, part: Sequence[tuple[str, list[Any]]]) -> list[Any] | None:
        """The part's results, or None when the node refuses batches (then ``self.batches`` is False)."""
        payload = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(part)]
        status, reply = self._post(payload)
        if (400 <= status < 500 and status != 429) or isinstance(reply, dict):  # 429: too many, not refused
            self.batches = False
            return None
        if status != 200 or not isinstance(reply, list):
            raise CompanionError(f"the node at {self.host} answered a batch with {_what(status, reply)}")
        by_id: dict[int, Any] = {}
        for item in reply:
            ident = item.get("id") if isinstance(item, dict) else None
            if type(ident) is not int or not 0 <= ident < len(part) or ident in by_id:
                raise CompanionError(
                    f"the node at {self.host} answered a batch with an unknown or repeated id "
                    f"({str(ident)[:20]}): none of its answers is used"
                )
            by_id[ident] = item
        if len(by_id) != len(part):
            raise CompanionError(
                f"the node at {self.host} left {len(part) - len(by_id)} of {len(part)} requests of a batch "
                "unanswered: none of its answers is used"
            )
        return [self._result(by_id[i]) for i in range(len(part))]

    def _single(self, method: str, params: list[Any]) -> Any:
        status, reply = self._post({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        if not isinstance(reply, dict) or (status != 200 and "error" not in reply):
            raise CompanionError(f"the node at {self.host} answered {method} with {_what(status, reply)}")
        if reply.get("id") != 1:
            raise CompanionError(f"the node at {self.host} answered {method} with another request's id")
        return self._result(reply)

    def _result(self, item: dict[str, Any]) -> Any:
        error = item.get("error")
        if error is not None:
            if not isinstance(error, dict):
                return RpcError(None, str(error)[:200])
            return RpcError(error.get("code"), str(error.get("message") or "error")[:200])
        if "result" not in item:
            raise CompanionError(f"the node at {self.host} answered a request with neither result nor error")
        return item["result"]

    def _post(self, payload: Any) -> tuple[int, Any]:
        """(HTTP status, the JSON answer or None when it is not JSON)."""
        import requests

        if self._session is None:
            self._session = requests.Session()

        def post() -> tuple[int, Any]:
            answer = self._session.post(self.url, json=payload, timeout=self.timeout)
            try:
                return answer.status_code, answer.json()
            except ValueError:
                return answer.status_code, None

        return self._ask("answer", post)

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


def _what(status: int, reply: Any) -> str:
    if reply is None:
        return f"HTTP {status} and no JSON"
    return f"HTTP {status}: {json.dumps(reply)[:120]}"


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
