"""An Esplora HTTP API as a chain source (``esplora+https://HOST[:PORT][/PATH]``).

BDK's own Esplora client does the talking; this checks the server is of the wallet's network (the
hash of its block 0) and turns the client's errors into one line naming the server. ``esplora+http://``
(no TLS) is accepted for a server on this computer only (``node_url.parse_node_url`` refuses any other).
BDK's client takes no timeout of its own: its HTTP library (minreq) reads ``MINREQ_TIMEOUT`` from the
environment, so the sync sets it, for its own duration, to the URL's ``?timeout=``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from companion.btc.node_url import NodeURL, check_reachable
from companion.btc.server_sync import STOP_GAP, check_genesis, explain, refused, scan_or_sync
from companion.errors import CompanionError

if TYPE_CHECKING:
    from pathlib import Path

    from companion.btc.wallets import OpenWallet, Status, WalletRecord

PARALLEL_REQUESTS = 4


class EsploraServer:
    def __init__(self, node: NodeURL) -> None:
        self.node = node
        self.tls = node.scheme == "esplora+https"
        self.name = f"the Esplora server at {node.where}"

    @property
    def api_url(self) -> str:
        host = f"[{self.node.host}]" if ":" in self.node.host else self.node.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.node.port}{self.node.path}"

    def sync(self, record: WalletRecord, wallet: OpenWallet, folder: Path) -> Status:
        import bdkpython as bdk

        check_reachable(self.node, timeout=self.node.timeout)
        with _minreq_timeout(self.node.timeout):
            client = bdk.EsploraClient(self.api_url)
            genesis = self._call("the network check", client.get_block_hash, 0)
            check_genesis(str(genesis), record.network, record.name, self.node.where)
            scan, sync = client.full_scan, client.sync
            return scan_or_sync(
                wallet,
                lambda request: self._call("a full scan", scan, request, STOP_GAP, PARALLEL_REQUESTS),
                lambda request: self._call("a sync", sync, request, PARALLEL_REQUESTS),
            )

    def broadcast(self, record: WalletRecord, wallet: OpenWallet, folder: Path, tx: bytes) -> str:
        """``POST /tx``, to a server of the wallet's network only."""
        import bdkpython as bdk

        check_reachable(self.node, timeout=self.node.timeout)
        transaction = bdk.Transaction(tx)
        with _minreq_timeout(self.node.timeout):
            client = bdk.EsploraClient(self.api_url)
            genesis = self._call("the network check", client.get_block_hash, 0)
            check_genesis(str(genesis), record.network, record.name, self.node.where)
            try:
                client.broadcast(transaction)
            except Exception as exc:  # bdkpython's EsploraError: the server's (its node's) refusal
                why = refused(self.name, "Esplora", exc, self.node.timeout, self.tls)
                raise CompanionError(why) from None
        return str(transaction.compute_txid())

    def _call(self, what: str, function: Any, *args: Any) -> Any:
        try:
            return function(*args)
        except Exception as exc:  # bdkpython's EsploraError and its kinds
            raise CompanionError(self._explain(what, exc)) from None

    def _explain(self, what: str, exc: Exception) -> str:
        return explain(self.name, "Esplora", what, exc, self.node.timeout, self.tls)


@contextlib.contextmanager
def _minreq_timeout(seconds: int) -> Iterator[None]:
    before = os.environ.get("MINREQ_TIMEOUT")
    os.environ["MINREQ_TIMEOUT"] = str(seconds)
    try:
        yield
    finally:
        if before is None:
            del os.environ["MINREQ_TIMEOUT"]
        else:
            os.environ["MINREQ_TIMEOUT"] = before
