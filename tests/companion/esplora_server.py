"""A small Esplora HTTP API on 127.0.0.1 for the tests, answering from the regtest node.

No Esplora (Blockstream's electrs with its HTTP API) can be installed on this machine, so the
companion's ``esplora+http(s)://`` source is tested against this one: the subset of Esplora's API
(Blockstream/esplora's API.md) that BDK's Esplora client calls, answered the way that document says,
from ``NodeIndex``. Transactions are in Esplora's format, less the ``*_asm`` fields (a text rendering
no client reads). ``calls`` records every request as ``METHOD /path`` with hashes shortened to ``:h``.

``Behaviour`` makes it misbehave for the failure tests: close the connection halfway through an
answer, answer with a page that is not the API's, or never answer at all; from the first request, or
from the first one whose ``METHOD /path`` starts with ``trigger`` (a failure in the middle of a scan).
"""

from __future__ import annotations

import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from electrum_server import Behaviour
from loopback_server import LoopbackServer
from node_index import IndexedTx, NodeIndex, sats
from regtest import RegtestNode, RPCError

PAGE = 25  # confirmed transactions a page
MEMPOOL_PAGE = 50
BLOCKS_PAGE = 10
HASH = r"([0-9a-fA-F]{64})"
TYPES = {  # Core's script types -> Esplora's
    "pubkey": "p2pk",
    "pubkeyhash": "p2pkh",
    "scripthash": "p2sh",
    "witness_v0_keyhash": "v0_p2wpkh",
    "witness_v0_scripthash": "v0_p2wsh",
    "witness_v1_taproot": "v1_p2tr",
    "nulldata": "op_return",
    "multisig": "multisig",
    "anchor": "anchor",
}


class NotFound(Exception):
    pass


class BadRequest(Exception):
    pass


class EsploraServer(LoopbackServer):
    """Start with ``start()``, stop with ``stop()`` (or use it as a context manager)."""

    def __init__(self, node: RegtestNode, behaviour: Behaviour = Behaviour.SERVE, trigger: str = "") -> None:
        self.node = node
        self.index = NodeIndex(node.rpc)
        self.behaviour = behaviour
        self.trigger = trigger
        self.triggered = False
        self.calls: list[str] = []
        self.errors: list[str] = []  # exceptions of the handlers
        super().__init__(_HTTPServer(("127.0.0.1", 0), _Handler))
        self.routes: list[tuple[re.Pattern[str], Any]] = [
            (re.compile(pattern), handler)
            for pattern, handler in (
                (r"/blocks/tip/height", self.tip_height),
                (r"/blocks/tip/hash", self.tip_hash),
                (r"/blocks(?:/(\d+))?", self.blocks),
                (r"/block-height/(\d+)", self.block_height),
                (rf"/block/{HASH}", self.block),
                (rf"/block/{HASH}/header", self.block_header),
                (rf"/block/{HASH}/status", self.block_status),
                (rf"/scripthash/{HASH}/txs", self.scripthash_txs),
                (rf"/scripthash/{HASH}/txs/chain(?:/{HASH})?", self.scripthash_chain),
                (rf"/scripthash/{HASH}/txs/mempool", self.scripthash_mempool),
                (rf"/scripthash/{HASH}/utxo", self.scripthash_utxo),
                (rf"/tx/{HASH}", self.tx),
                (rf"/tx/{HASH}/status", self.tx_status),
                (rf"/tx/{HASH}/hex", self.tx_hex),
                (rf"/tx/{HASH}/raw", self.tx_raw),
                (rf"/tx/{HASH}/merkle-proof", self.tx_merkle_proof),
                (r"/fee-estimates", self.fee_estimates),
            )
        ]

    @property
    def url(self) -> str:
        return f"esplora+http://127.0.0.1:{self.port}"

    # -- blocks -------------------------------------------------------------------------------------
    def tip_height(self) -> str:
        return str(self.index.tip.height)

    def tip_hash(self) -> str:
        return self.index.tip.hash

    def block_height(self, height: str) -> str:
        block = self.index.block_at(int(height))
        if block is None:
            raise NotFound("Block not found")
        return block.hash

    def _block(self, block_hash: str) -> Any:
        block = self.index.block_by_hash(block_hash.lower())
        if block is None:
            raise NotFound("Block not found")
        return block

    def block_header(self, block_hash: str) -> str:
        header: str = self._block(block_hash).header
        return header

    def block(self, block_hash: str) -> dict[str, Any]:
        info = self.node.rpc.call("getblockheader", self._block(block_hash).hash, True)
        stats = self.node.rpc.call("getblock", info["hash"], 1)
        return {
            "id": info["hash"],
            "height": info["height"],
            "version": info["version"],
            "timestamp": info["time"],
            "tx_count": info["nTx"],
            "size": stats["size"],
            "weight": stats["weight"],
            "merkle_root": info["merkleroot"],
            "previousblockhash": info.get("previousblockhash"),
            "mediantime": info["mediantime"],
            "nonce": info["nonce"],
            "bits": int(info["bits"], 16),
            "difficulty": info["difficulty"],
        }

    def blocks(self, start: str | None = None) -> list[dict[str, Any]]:
        """The 10 newest blocks from the tip, or from ``start`` down."""
        top = self.index.tip.height if start is None else min(int(start), self.index.tip.height)
        return [self.block(self.index.blocks[h].hash) for h in range(top, max(top - BLOCKS_PAGE, -1), -1)]

    def block_status(self, block_hash: str) -> dict[str, Any]:
        block = self.index.block_by_hash(block_hash.lower())
        if block is None:
            return {"in_best_chain": False}
        following = self.index.block_at(block.height + 1)
        next_best = following.hash if following else None
        return {"in_best_chain": True, "height": block.height, "next_best": next_best}

    # -- scripts ------------------------------------------------------------------------------------
    def scripthash_txs(self, sh: str) -> list[dict[str, Any]]:
        """Up to 50 mempool transactions, then the first page of confirmed ones, newest first."""
        return self.scripthash_mempool(sh) + self.scripthash_chain(sh)

    def scripthash_chain(self, sh: str, last_seen: str | None = None) -> list[dict[str, Any]]:
        newest_first = list(reversed(self.index.confirmed_history(_indexed(sh))))
        if last_seen is not None:
            txids = [tx.txid for tx in newest_first]
            if last_seen.lower() not in txids:
                return []
            newest_first = newest_first[txids.index(last_seen.lower()) + 1 :]
        return [self.tx_json(tx) for tx in newest_first[:PAGE]]

    def scripthash_mempool(self, sh: str) -> list[dict[str, Any]]:
        return [self.tx_json(tx) for tx in self.index.mempool_history(_indexed(sh))[:MEMPOOL_PAGE]]

    def scripthash_utxo(self, sh: str) -> list[dict[str, Any]]:
        return [
            {"txid": tx.txid, "vout": n, "status": self.status(tx), "value": value}
            for tx, n, value in self.index.unspent(_indexed(sh))
        ]

    # -- transactions -------------------------------------------------------------------------------
    def _tx(self, txid: str) -> IndexedTx:
        tx = self.index.transaction(txid.lower())
        if tx is None:
            raise NotFound("Transaction not found")
        return tx

    def tx(self, txid: str) -> dict[str, Any]:
        return self.tx_json(self._tx(txid))

    def tx_status(self, txid: str) -> dict[str, Any]:
        return self.status(self._tx(txid))

    def tx_hex(self, txid: str) -> str:
        return self._tx(txid).raw

    def tx_raw(self, txid: str) -> bytes:
        return bytes.fromhex(self._tx(txid).raw)

    def tx_merkle_proof(self, txid: str) -> dict[str, Any]:
        self.index.refresh()
        try:
            height, position, branch = self.index.merkle_branch(txid.lower())
        except KeyError:
            raise NotFound("Transaction not found") from None
        return {"block_height": height, "merkle": branch, "pos": position}

    def broadcast(self, body: bytes) -> str:
        try:
            txid: str = self.node.rpc.call("sendrawtransaction", body.decode().strip())
        except (RPCError, UnicodeDecodeError) as exc:
            raise BadRequest(f"sendrawtransaction RPC error: {exc}") from None
        return txid

    def fee_estimates(self) -> dict[str, float]:
        estimates = {}
        for target in (1, 2, 3, 4, 5, 6, 10, 20, 25, 144, 504, 1008):
            answer = self.node.rpc.call("estimatesmartfee", target)
            if "feerate" in answer:
                estimates[str(target)] = round(answer["feerate"] * 100_000, 3)  # BTC/kvB -> sat/vB
        return estimates

    def status(self, tx: IndexedTx) -> dict[str, Any]:
        if tx.height is None:
            return {"confirmed": False}
        return {"confirmed": True, "block_height": tx.height, "block_hash": tx.block_hash,
                "block_time": tx.block_time}  # fmt: skip

    def tx_json(self, tx: IndexedTx) -> dict[str, Any]:
        decoded = tx.decoded
        return {
            "txid": tx.txid,
            "version": decoded["version"],
            "locktime": decoded["locktime"],
            "vin": [_vin(vin) for vin in decoded["vin"]],
            "vout": [_output(out["scriptPubKey"], out["value"]) for out in decoded["vout"]],
            "size": decoded["size"],
            "weight": decoded["weight"],
            "fee": tx.fee,
            "status": self.status(tx),
        }


def _indexed(sh: str) -> str:
    """Esplora's scripthash is the script's SHA-256 in byte order; the index keys by Electrum's, reversed."""
    return bytes.fromhex(sh)[::-1].hex()


def _vin(vin: dict[str, Any]) -> dict[str, Any]:
    if "coinbase" in vin:
        return {"txid": "00" * 32, "vout": 0xFFFFFFFF, "prevout": None, "scriptsig": vin["coinbase"],
                "witness": vin.get("txinwitness", []), "is_coinbase": True,
                "sequence": vin["sequence"]}  # fmt: skip
    prevout = vin["prevout"]
    return {
        "txid": vin["txid"],
        "vout": vin["vout"],
        "prevout": _output(prevout["scriptPubKey"], prevout["value"]),
        "scriptsig": vin["scriptSig"]["hex"],
        "witness": vin.get("txinwitness", []),
        "is_coinbase": False,
        "sequence": vin["sequence"],
    }


def _output(script: dict[str, Any], btc: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "scriptpubkey": script["hex"],
        "scriptpubkey_type": TYPES.get(script.get("type", ""), "unknown"),
        "value": sats(btc),
    }
    if "address" in script:
        out["scriptpubkey_address"] = script["address"]
    return out


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: EsploraServer

    def handle_error(self, request: object, client_address: object) -> None:
        """A client gone mid-answer (the TLS test's, the timeout tests'): kept, not printed on stderr,
        which the tests read as the companion's."""
        self.app.errors.append(repr(sys.exc_info()[1]))


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the tests read ``calls``
        pass

    def do_GET(self) -> None:
        app = self.server.app
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        app.calls.append("GET " + re.sub(HASH, ":h", path))
        if self._misbehave("GET " + path):
            return
        for pattern, handler in app.routes:
            match = pattern.fullmatch(path)
            if match:
                try:
                    self._reply(200, handler(*[g for g in match.groups() if g is not None]))
                except NotFound as exc:
                    self._reply(404, str(exc))
                return
        self._reply(404, "Not found")

    def do_POST(self) -> None:
        app = self.server.app
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        app.calls.append("POST " + self.path)
        if self._misbehave("POST " + self.path):
            return
        if self.path.rstrip("/") != "/tx":
            self._reply(404, "Not found")
            return
        try:
            self._reply(200, app.broadcast(body))
        except BadRequest as exc:
            self._reply(400, str(exc))

    def _misbehave(self, request: str) -> bool:
        app = self.server.app
        if not app.triggered and request.startswith(app.trigger):
            app.triggered = app.behaviour is not Behaviour.SERVE
        behaviour = app.behaviour if app.triggered else Behaviour.SERVE
        if behaviour is Behaviour.SILENT:
            self.server.app.stopping.wait()
            self.close_connection = True
            return True
        if behaviour is Behaviour.GARBAGE:
            self._reply(200, "<html><body>this is not an Esplora server</body></html>")
            return True
        return False

    def _reply(self, status: int, body: Any) -> None:
        if isinstance(body, bytes):
            data, kind = body, "application/octet-stream"
        elif isinstance(body, str):
            data, kind = body.encode(), "text/plain"
        else:
            data, kind = json.dumps(body).encode(), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.server.app.triggered and self.server.app.behaviour is Behaviour.CLOSE_MID_ANSWER:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)


__all__ = ["EsploraServer"]
