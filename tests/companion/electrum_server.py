"""A small Electrum server on 127.0.0.1 for the tests, answering from the regtest node.

No Electrum server (electrs, Fulcrum, ElectrumX for Bitcoin) can be installed on this machine, so the
companion's ``electrum://`` source is tested against this one: the subset of the Electrum protocol
(version 1.4; JSON-RPC 2.0, one JSON value a line over TCP, batches as JSON arrays too) that BDK's
Electrum client calls, answered the way the protocol's documentation says, from ``NodeIndex``.
``calls`` records every method asked, so a test can show what BDK used.

``Behaviour`` makes it misbehave for the failure tests: close the connection halfway through an
answer, answer with a line that is not JSON, or never answer at all; from the first request, or from
the first one whose method starts with ``trigger`` (a failure in the middle of a scan).
"""

from __future__ import annotations

import enum
import hashlib
import json
import socketserver
import ssl
import sys
from collections.abc import Callable
from typing import Any

from loopback_server import LoopbackServer
from node_index import NodeIndex, sats, scripthash
from regtest import RegtestNode, RPCError

PROTOCOL = "1.4"
SOFTWARE = "airlock-test-electrum 0.1"
MAX_HEADERS = 2016
# JSON-RPC 2.0's codes, and ElectrumX's for a request it cannot serve and an error of its daemon
PARSE_ERROR, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32601, -32602
BAD_REQUEST, DAEMON_ERROR = 1, 2


class Behaviour(enum.Enum):
    SERVE = "serve"
    CLOSE_MID_ANSWER = "close mid-answer"
    GARBAGE = "garbage"
    SILENT = "silent"


class ProtocolError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class ElectrumServer(LoopbackServer):
    """Start with ``start()``, stop with ``stop()`` (or use it as a context manager)."""

    def __init__(self, node: RegtestNode, behaviour: Behaviour = Behaviour.SERVE, trigger: str = "",
                 tls: ssl.SSLContext | None = None) -> None:  # fmt: skip
        self.node = node
        self.tls = tls
        self.index = NodeIndex(node.rpc)
        self.behaviour = behaviour
        self.trigger = trigger
        self.triggered = False
        self.calls: list[str] = []
        self.errors: list[str] = []  # exceptions of the handlers
        super().__init__(_TCPServer(("127.0.0.1", 0), _Handler))
        self.methods: dict[str, Callable[..., Any]] = {
            "server.version": self.server_version,
            "server.features": self.server_features,
            "server.ping": lambda: None,
            "server.banner": lambda: "Airlock's loopback test server",
            "server.donation_address": lambda: "",
            "server.peers.subscribe": lambda: [],
            "blockchain.headers.subscribe": self.headers_subscribe,
            "blockchain.block.header": self.block_header,
            "blockchain.block.headers": self.block_headers,
            "blockchain.estimatefee": self.estimatefee,
            "blockchain.relayfee": self.relayfee,
            "blockchain.scripthash.get_balance": self.get_balance,
            "blockchain.scripthash.get_history": self.get_history,
            "blockchain.scripthash.get_mempool": self.get_mempool,
            "blockchain.scripthash.listunspent": self.listunspent,
            "blockchain.scripthash.subscribe": self.subscribe,
            "blockchain.transaction.get": self.transaction_get,
            "blockchain.transaction.get_merkle": self.get_merkle,
            "blockchain.transaction.broadcast": self.broadcast,
        }

    @property
    def url(self) -> str:
        return f"{'electrums' if self.tls else 'electrum'}://127.0.0.1:{self.port}"

    # -- JSON-RPC -----------------------------------------------------------------------------------
    def answer(self, request: Any) -> dict[str, Any]:
        request_id = request.get("id") if isinstance(request, dict) else None
        try:
            if not isinstance(request, dict) or not isinstance(request.get("method"), str):
                raise ProtocolError(-32600, "invalid request")
            method = request["method"]
            self.calls.append(method)
            params = request.get("params", [])
            handler = self.methods.get(method)
            if handler is None:
                raise ProtocolError(METHOD_NOT_FOUND, f"unknown method \"{method}\"")
            if not isinstance(params, list):
                raise ProtocolError(INVALID_PARAMS, "params must be a list")
            try:
                result = handler(*params)
            except TypeError as exc:
                raise ProtocolError(INVALID_PARAMS, f"invalid params for {method}: {exc}") from None
            return {"jsonrpc": "2.0", "result": result, "id": request_id}
        except ProtocolError as exc:
            return {"jsonrpc": "2.0", "error": {"code": exc.code, "message": str(exc)}, "id": request_id}

    # -- server.* -----------------------------------------------------------------------------------
    def server_version(self, client_name: str = "", protocol_version: Any = PROTOCOL) -> list[str]:
        versions = protocol_version if isinstance(protocol_version, list) else [protocol_version]
        if not versions or str(versions[0]) > PROTOCOL or str(versions[-1]) < PROTOCOL:
            raise ProtocolError(BAD_REQUEST, f"unsupported protocol version: {protocol_version}")
        return [SOFTWARE, PROTOCOL]

    def server_features(self) -> dict[str, Any]:
        return {
            "genesis_hash": self.node.rpc.call("getblockhash", 0),
            "hosts": {"127.0.0.1": {"tcp_port": self.port, "ssl_port": None}},
            "protocol_max": PROTOCOL,
            "protocol_min": PROTOCOL,
            "pruning": None,
            "server_version": SOFTWARE,
            "hash_function": "sha256",
        }

    # -- blockchain.block.*, headers, fees ------------------------------------------------------------
    def headers_subscribe(self) -> dict[str, Any]:
        tip = self.index.tip
        return {"height": tip.height, "hex": tip.header}

    def block_header(self, height: int, cp_height: int = 0) -> str:
        if cp_height:
            raise ProtocolError(BAD_REQUEST, "checkpoint proofs are not served here")
        block = self.index.block_at(_int(height))
        if block is None:
            raise ProtocolError(BAD_REQUEST, f"height {height} out of range")
        return block.header

    def block_headers(self, start_height: int, count: int, cp_height: int = 0) -> dict[str, Any]:
        if cp_height:
            raise ProtocolError(BAD_REQUEST, "checkpoint proofs are not served here")
        start, count = _int(start_height), min(_int(count), MAX_HEADERS)
        headers = []
        for height in range(start, start + count):
            block = self.index.block_at(height)
            if block is None:
                break
            headers.append(block.header)
        return {"count": len(headers), "hex": "".join(headers), "max": MAX_HEADERS}

    def estimatefee(self, number: int, mode: str | None = None) -> float:
        estimate = self.node.rpc.call("estimatesmartfee", _int(number))
        return float(estimate["feerate"]) if "feerate" in estimate else -1  # BTC/kvB; -1: no estimate

    def relayfee(self) -> float:
        return float(self.node.rpc.call("getnetworkinfo")["relayfee"])

    # -- blockchain.scripthash.* --------------------------------------------------------------------
    def get_history(self, sh: str) -> list[dict[str, Any]]:
        sh = _scripthash(sh)
        rows: list[dict[str, Any]] = [
            {"height": tx.height, "tx_hash": tx.txid} for tx in self.index.confirmed_history(sh)
        ]
        return rows + self.get_mempool(sh)

    def get_mempool(self, sh: str) -> list[dict[str, Any]]:
        sh = _scripthash(sh)
        confirmed = self.index.txs
        rows = []
        for tx in self.index.mempool_history(sh):
            # height 0: every input confirmed; -1: it spends an unconfirmed output
            parents_confirmed = all(vin.get("txid") in confirmed for vin in tx.decoded["vin"])
            rows.append({"height": 0 if parents_confirmed else -1, "tx_hash": tx.txid, "fee": tx.fee})
        return sorted(rows, key=lambda row: (-row["height"], row["tx_hash"]))

    def get_balance(self, sh: str) -> dict[str, int]:
        unspent = self.index.unspent(_scripthash(sh))
        confirmed = sum(value for tx, _, value in unspent if tx.height is not None)
        return {"confirmed": confirmed, "unconfirmed": sum(value for _, _, value in unspent) - confirmed}

    def listunspent(self, sh: str) -> list[dict[str, Any]]:
        return [
            {"height": tx.height or 0, "tx_pos": n, "tx_hash": tx.txid, "value": value}
            for tx, n, value in self.index.unspent(_scripthash(sh))
        ]

    def subscribe(self, sh: str) -> str | None:
        """The script's status: SHA-256 of ``tx_hash:height:`` for each entry of its history, or null."""
        history = self.get_history(sh)
        if not history:
            return None
        text = "".join(f"{row['tx_hash']}:{row['height']}:" for row in history)
        return hashlib.sha256(text.encode()).hexdigest()

    # -- blockchain.transaction.* -------------------------------------------------------------------
    def transaction_get(self, tx_hash: str, verbose: bool = False) -> Any:
        if verbose:
            raise ProtocolError(BAD_REQUEST, "verbose transactions are not served here")
        tx = self.index.transaction(_hex32(tx_hash))
        if tx is None:
            raise ProtocolError(DAEMON_ERROR, "No such mempool or blockchain transaction.")
        return tx.raw

    def get_merkle(self, tx_hash: str, height: int) -> dict[str, Any]:
        self.index.refresh()
        try:
            block_height, position, branch = self.index.merkle_branch(_hex32(tx_hash))
        except KeyError:
            raise ProtocolError(BAD_REQUEST, f"tx {tx_hash} not in block at height {height}") from None
        if block_height != _int(height):
            raise ProtocolError(BAD_REQUEST, f"tx {tx_hash} not in block at height {height}")
        return {"block_height": block_height, "merkle": branch, "pos": position}

    def broadcast(self, raw_tx: str) -> str:
        try:
            txid: str = self.node.rpc.call("sendrawtransaction", raw_tx)
        except RPCError as exc:
            raise ProtocolError(BAD_REQUEST, f"the transaction was rejected: {exc}") from None
        return txid


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: ElectrumServer

    def handle_error(self, request: object, client_address: object) -> None:
        """A client gone mid-answer (the TLS test's, the timeout tests'): kept, not printed on stderr,
        which the tests read as the companion's."""
        self.app.errors.append(repr(sys.exc_info()[1]))


class _Handler(socketserver.StreamRequestHandler):
    server: _TCPServer

    def setup(self) -> None:
        if self.server.app.tls is not None:  # electrums://: TLS first, in this connection's thread
            self.request = self.server.app.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def handle(self) -> None:
        app = self.server.app
        while not app.stopping.is_set():
            line = self.rfile.readline()
            if not line:
                return
            try:
                request = json.loads(line)
            except ValueError:
                reply: Any = {"jsonrpc": "2.0", "error": {"code": PARSE_ERROR, "message": "parse error"},
                              "id": None}  # fmt: skip
                request = None
            methods = [r.get("method") for r in (request if isinstance(request, list) else [request])
                       if isinstance(r, dict)]  # fmt: skip
            if not app.triggered and any(str(m).startswith(app.trigger) for m in methods):
                app.triggered = app.behaviour is not Behaviour.SERVE
            if app.triggered and app.behaviour is Behaviour.SILENT:
                app.stopping.wait()
                return
            if app.triggered and app.behaviour is Behaviour.GARBAGE:
                self.wfile.write(b"<html>this is not an Electrum server</html>\n")
                continue
            if isinstance(request, list):
                reply = [app.answer(one) for one in request]
            elif request is not None:
                reply = app.answer(request)
            data = json.dumps(reply).encode() + b"\n"
            if app.triggered and app.behaviour is Behaviour.CLOSE_MID_ANSWER:
                self.wfile.write(data[: len(data) // 2])
                return
            self.wfile.write(data)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(INVALID_PARAMS, f"{value!r} is not an integer")
    return value


def _hex32(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 64:
        raise ProtocolError(INVALID_PARAMS, f"{value!r} is not a 32-byte hash")
    try:
        bytes.fromhex(value)
    except ValueError:
        raise ProtocolError(INVALID_PARAMS, f"{value!r} is not a 32-byte hash") from None
    return value.lower()


def _scripthash(value: Any) -> str:
    return _hex32(value)


__all__ = ["Behaviour", "ElectrumServer", "sats", "scripthash"]
