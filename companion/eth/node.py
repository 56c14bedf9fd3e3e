"""The one place that talks to the person's Ethereum node (web3.py over HTTP(S)).

Every call has a timeout and every failure is one ``CompanionError`` line. The URL may carry
credentials (``https://user:key@host/...`` or a key in the path, as hosted nodes give them): messages
name the host only, never the whole URL. A node on another chain than the account's is refused before
anything is read from it.

Nodes lie and break: every answer is checked for its type and range here (a count that is negative,
a balance that is a list, a receipt of another transaction, logs outside the range or topics asked
for), so that what the callers get is what they asked for or one line; and the node's own error text
is shown with its hidden characters as codes (``signer.safe_text``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit

from companion.errors import CompanionError

TIMEOUT = 20.0  # seconds per request
MAX_LOGS = 10_000  # logs in one eth_getLogs answer: hosted nodes stop at this many too
BATCH_SIZE = 250  # requests per JSON-RPC batch: well under the 1,000 hosted nodes accept
T = TypeVar("T")


def _uint(value: Any, bits: int = 256) -> int:
    """A node's number as an int of at most ``bits`` bits; TypeError/ValueError for anything else."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a number was expected, not {type(value).__name__}")
    if not 0 <= value < 2**bits:
        raise ValueError(f"the number {str(value)[:40]} is out of range")
    return value


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
        return self._ask("give its chain id", lambda: _uint(self.w3.eth.chain_id, 64))

    def _latest(self) -> dict[str, Any]:
        block = self._ask("give its latest block", lambda: dict(self.w3.eth.get_block("latest")))
        self._ask(
            "give its latest block", lambda: (_uint(block["number"], 64), _uint(block["timestamp"], 64))
        )
        return block

    def latest_block(self) -> dict[str, Any]:
        block = self._latest()
        return {"number": int(block["number"]), "timestamp": int(block["timestamp"])}

    def get_logs(self, params: dict[str, Any]) -> list[Any]:
        """The logs of ``params``; refused when the node answers more than ``MAX_LOGS`` or any log
        outside the blocks, contracts or topics asked for (a node making up activity)."""
        found = self._ask("give the logs", lambda: list(self.w3.eth.get_logs(params)))  # type: ignore[arg-type]
        if len(found) > MAX_LOGS:
            raise CompanionError(
                f"the node at {self.host} gave {len(found)} logs for one range, more than {MAX_LOGS}: "
                "refused (a node's limit is about that)"
            )
        for log in found:
            if not self._ask("give the logs", lambda log=log: _log_matches(log, params)):  # type: ignore[misc]
                raise CompanionError(
                    f"the node at {self.host} gave a log that does not match the filter asked for: refused"
                )
        return found

    def call(self, to: str, data: bytes, block: int | str = "latest") -> bytes:
        tx = {"to": self.w3.to_checksum_address(to), "data": "0x" + data.hex()}
        return self._ask("answer a call", lambda: _bytes(self.w3.eth.call(tx, block)))  # type: ignore[arg-type]

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
            raise CompanionError(
                f"the node at {self.host} answered a batch with {_what(status, reply, self.url)}"
            )
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
            raise CompanionError(
                f"the node at {self.host} answered {method} with {_what(status, reply, self.url)}"
            )
        if reply.get("id") != 1:
            raise CompanionError(f"the node at {self.host} answered {method} with another request's id")
        return self._result(reply)

    def _result(self, item: dict[str, Any]) -> Any:
        error = item.get("error")
        if error is not None:
            if not isinstance(error, dict):
                return RpcError(None, _scrub(str(error), self.url)[:200])
            return RpcError(error.get("code"), _scrub(str(error.get("message") or "error"), self.url)[:200])
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
        return self._ask("give a balance", lambda: _uint(self.w3.eth.get_balance(checked, block)))  # type: ignore[arg-type]

    def pending_nonce(self, address: str) -> int:
        checked = self.w3.to_checksum_address(address)
        return self._ask(
            "give the nonce", lambda: _uint(self.w3.eth.get_transaction_count(checked, "pending"), 64)
        )

    def fee_suggestion(self) -> tuple[int, int]:
        """(max fee per gas, max priority fee per gas): twice the latest base fee plus the tip.

        Whether the fee is sane is the review's to say (``fee-high``, the device's limit per chain):
        the send refuses a suggestion far past it (``service.prepare_transaction``)."""
        block = self._latest()
        base = block.get("baseFeePerGas")
        if base is None:
            raise CompanionError(f"the node at {self.host} has no base fee: its chain predates EIP-1559")
        base = self._ask("give its latest block", lambda: _uint(base, 128))
        tip = self._ask("suggest a priority fee", lambda: _uint(self.w3.eth.max_priority_fee, 128))
        return 2 * base + tip, tip

    def estimate_gas(self, tx: dict[str, Any]) -> int:
        return self._ask("estimate the gas", lambda: _uint(self.w3.eth.estimate_gas(tx), 64))  # type: ignore[arg-type]

    def send_raw(self, raw: bytes) -> str:
        sent = self._ask("take the transaction", lambda: _bytes(self.w3.eth.send_raw_transaction(raw), 32))
        return "0x" + sent.hex()

    def transaction(self, tx_hash: str) -> dict[str, Any] | None:
        from web3.exceptions import TransactionNotFound

        try:
            found = dict(self.w3.eth.get_transaction(tx_hash))  # type: ignore[arg-type]
            if _hex_of(found.get("hash")) != tx_hash.lower():
                raise ValueError("it gave another transaction than the one asked for")
        except TransactionNotFound:
            return None
        except Exception as exc:
            raise CompanionError(
                f"the node at {self.host} failed to give a transaction: {_reason(exc, self.url)}"
            ) from None
        return found

    def receipt(self, tx_hash: str, timeout: float = 60.0) -> dict[str, Any] | None:
        """The receipt once mined (polled until ``timeout``), None when still not mined then."""
        from web3.exceptions import TransactionNotFound

        deadline = time.monotonic() + timeout
        while True:
            try:
                found = dict(self.w3.eth.get_transaction_receipt(tx_hash))  # type: ignore[arg-type]
                return _checked_receipt(found, tx_hash)
            except TransactionNotFound:
                pass
            except Exception as exc:
                raise CompanionError(
                    f"the node at {self.host} failed to give a receipt: {_reason(exc, self.url)}"
                ) from None
            if time.monotonic() >= deadline:
                return None
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


def _bytes(value: Any, size: int | None = None) -> bytes:
    if not isinstance(value, bytes | bytearray):
        raise TypeError(f"bytes were expected, not {type(value).__name__}")
    if size is not None and len(value) != size:
        raise ValueError(f"{size} bytes were expected, not {len(value)}")
    return bytes(value)


def _hex_of(value: Any) -> str:
    """A hash or topic as lower-case 0x hex text (web3 gives HexBytes, a raw answer may be text)."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return str(value).lower()


def _checked_receipt(receipt: dict[str, Any], tx_hash: str) -> dict[str, Any]:
    """``receipt`` when it is the receipt of ``tx_hash`` with a status, block and gas that are numbers."""
    if _hex_of(receipt.get("transactionHash")) != tx_hash.lower():
        raise ValueError("it gave the receipt of another transaction")
    if receipt.get("status") not in (0, 1):
        raise ValueError("its receipt has no status 0 or 1")
    _uint(receipt.get("blockNumber"), 64)
    _uint(receipt.get("gasUsed"), 64)
    return receipt


def _log_matches(log: Any, params: dict[str, Any]) -> bool:
    """Whether ``log`` is one ``params`` (fromBlock, toBlock, address, topics) asks for."""
    block = _uint(log["blockNumber"], 64)
    _uint(log["logIndex"], 64)
    first, last = params.get("fromBlock"), params.get("toBlock")
    if (isinstance(first, int) and block < first) or (isinstance(last, int) and block > last):
        return False
    wanted = params.get("address")
    if wanted is not None:
        allowed = {str(a).lower() for a in (wanted if isinstance(wanted, list) else [wanted])}
        if str(log["address"]).lower() not in allowed:
            return False
    topics = [_hex_of(t) for t in log["topics"]]
    for i, want in enumerate(params.get("topics") or []):
        if want is None:
            continue
        options = {_hex_of(w) for w in (want if isinstance(want, list) else [want])}
        if i >= len(topics) or topics[i] not in options:
            return False
    return True


def _what(status: int, reply: Any, url: str) -> str:
    if reply is None:
        return f"HTTP {status} and no JSON"
    return f"HTTP {status}: {_scrub(json.dumps(reply), url)[:120]}"


def _reason(exc: Exception, url: str) -> str:
    """The error's first line, the URL (credentials) cut out of it, hidden characters as codes (the
    text is the node's: it may carry terminal escapes)."""
    from signer.safe_text import visible

    text = _scrub(str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__, url)
    if "Connection" in exc.__class__.__name__ or "connect" in text.lower():
        return "cannot connect (is the URL right and the node running?)"
    return visible(text[:200], keep="")


def _scrub(text: str, url: str) -> str:
    """``text`` (the node's) with the URL and its credentials cut out: hosted nodes put the key in a path
    segment (/v3/KEY) or the query, and a node may echo it alone."""
    parts = urlsplit(url)
    pieces = [*parts.path.split("/"), *(v for kv in parts.query.split("&") for v in kv.split("="))]
    secrets = [url, parts.path, parts.query, parts.password or "", parts.username or ""]
    secrets += [piece for piece in pieces if len(piece) >= 6]
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and len(secret) > 1:
            text = text.replace(secret, "…")
    return text
