"""An address index over the regtest node, for the loopback Electrum and Esplora servers of the tests.

Electrum and Esplora servers answer by script ("scripthash": the SHA-256 of the output script, its
bytes reversed, as hex); Bitcoin Core answers by block and transaction. This index reads every block
once (``getblock`` verbosity 3, which names the output each input spends), keeps each transaction
with its confirmation, and each script's history in chain order; the mempool is read fresh on every
question. A reorg (the indexed tip no longer on the node's chain) rebuilds it from the genesis block.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from regtest import RPC, RPCError

COIN = 100_000_000


def sats(btc: float) -> int:
    return round(btc * COIN)


def scripthash(script_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(script_hex)).digest()[::-1].hex()


@dataclass
class IndexedTx:
    """A transaction as Core decoded it (prevouts included), where it is confirmed, if it is."""

    txid: str
    decoded: dict[str, Any]
    height: int | None = None  # None: in the mempool
    block_hash: str | None = None
    block_time: int | None = None

    @property
    def raw(self) -> str:
        raw: str = self.decoded["hex"]
        return raw

    @property
    def fee(self) -> int:
        return sats(self.decoded.get("fee", 0.0))  # a coinbase has no fee

    def scripthashes(self) -> set[str]:
        """Every script it pays to or spends from."""
        hashes = {scripthash(out["scriptPubKey"]["hex"]) for out in self.decoded["vout"]}
        hashes |= {scripthash(vin["prevout"]["scriptPubKey"]["hex"]) for vin in self.decoded["vin"]
                   if "prevout" in vin}  # fmt: skip
        return hashes


@dataclass
class Block:
    height: int
    hash: str
    header: str
    time: int
    txids: list[str] = field(default_factory=list)


class NodeIndex:
    def __init__(self, rpc: RPC) -> None:
        self.rpc = rpc
        self._lock = threading.Lock()
        self.blocks: list[Block] = []
        self.txs: dict[str, IndexedTx] = {}
        self.history: dict[str, list[str]] = {}  # scripthash -> confirmed txids, oldest first

    # -- the chain ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        with self._lock:
            tip = int(self.rpc.call("getblockcount"))
            if self.blocks and self.rpc.call("getblockhash", self.blocks[-1].height) != self.blocks[-1].hash:
                self.blocks, self.txs, self.history = [], {}, {}  # reorg: start again
            for height in range(len(self.blocks), tip + 1):
                self._add_block(height)

    def _add_block(self, height: int) -> None:
        block_hash = self.rpc.call("getblockhash", height)
        block = self.rpc.call("getblock", block_hash, 3)
        header = self.rpc.call("getblockheader", block_hash, False)
        entry = Block(height, block_hash, header, int(block["time"]))
        for decoded in block["tx"]:
            tx = IndexedTx(decoded["txid"], decoded, height, block_hash, entry.time)
            self.txs[tx.txid] = tx
            entry.txids.append(tx.txid)
            for sh in tx.scripthashes():
                self.history.setdefault(sh, []).append(tx.txid)
        self.blocks.append(entry)

    @property
    def tip(self) -> Block:
        self.refresh()
        return self.blocks[-1]

    def block_at(self, height: int) -> Block | None:
        self.refresh()
        return self.blocks[height] if 0 <= height < len(self.blocks) else None

    def block_by_hash(self, block_hash: str) -> Block | None:
        self.refresh()
        return next((b for b in self.blocks if b.hash == block_hash), None)

    # -- transactions -------------------------------------------------------------------------------
    def mempool(self) -> list[IndexedTx]:
        """The node's mempool, decoded as blocks are: each input with the output it spends, and the fee."""
        txs = []
        for txid in self.rpc.call("getrawmempool"):
            try:
                decoded = self.rpc.call("getrawtransaction", txid, 1)
                decoded["fee"] = self.rpc.call("getmempoolentry", txid)["fees"]["base"]
                for vin in decoded["vin"]:
                    parent = self.rpc.call("getrawtransaction", vin["txid"], 1)
                    vin["prevout"] = parent["vout"][vin["vout"]]
            except RPCError:  # mined or evicted since the list was read
                continue
            txs.append(IndexedTx(txid, decoded))
        return txs

    def transaction(self, txid: str) -> IndexedTx | None:
        self.refresh()
        if txid in self.txs:
            return self.txs[txid]
        return next((tx for tx in self.mempool() if tx.txid == txid), None)

    def confirmed_history(self, sh: str) -> list[IndexedTx]:
        self.refresh()
        return [self.txs[txid] for txid in self.history.get(sh, [])]

    def mempool_history(self, sh: str) -> list[IndexedTx]:
        return [tx for tx in self.mempool() if sh in tx.scripthashes()]

    def unspent(self, sh: str) -> list[tuple[IndexedTx, int, int]]:
        """``(tx, output index, sats)`` of each output to the script that nothing spends, mempool included."""
        txs = self.confirmed_history(sh) + self.mempool_history(sh)
        spent = {(vin["txid"], vin["vout"]) for tx in txs for vin in tx.decoded["vin"] if "txid" in vin}
        return [
            (tx, out["n"], sats(out["value"]))
            for tx in txs
            for out in tx.decoded["vout"]
            if scripthash(out["scriptPubKey"]["hex"]) == sh and (tx.txid, out["n"]) not in spent
        ]

    def merkle_branch(self, txid: str) -> tuple[int, int, list[str]]:
        """``(height, position, branch)`` of a confirmed transaction: the hashes from its leaf to the root
        (hex as displayed, the way Electrum's ``blockchain.transaction.get_merkle`` gives them)."""
        tx = self.txs.get(txid)
        if tx is None or tx.height is None:
            raise KeyError(txid)
        txids = self.blocks[tx.height].txids
        position = txids.index(txid)
        level = [bytes.fromhex(t)[::-1] for t in txids]
        index, branch = position, []
        while len(level) > 1:
            if len(level) % 2:
                level.append(level[-1])
            branch.append(level[index ^ 1][::-1].hex())
            level = [_hash256(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
            index //= 2
        return tx.height, position, branch


def _hash256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()
