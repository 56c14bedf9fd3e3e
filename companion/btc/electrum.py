"""An Electrum server as a chain source (``electrum://HOST:PORT``, ``electrums://HOST:PORT`` with TLS).

BDK's own Electrum client does the talking; this checks the server is of the wallet's network (the
genesis hash its ``server.features`` gives) and turns the client's errors into one line naming the
server. ``electrums://`` checks the server's certificate against the system's authorities and the
host's name, as BDK's client does by default: a self-signed certificate is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from companion.btc.node_url import NodeURL, check_reachable
from companion.btc.server_sync import STOP_GAP, check_genesis, explain, refused, scan_or_sync
from companion.errors import CompanionError

if TYPE_CHECKING:
    from pathlib import Path

    from companion.btc.wallets import OpenWallet, Status, WalletRecord

BATCH_SIZE = 10  # scripts a request batch asks about


class ElectrumServer:
    def __init__(self, node: NodeURL) -> None:
        self.node = node
        self.tls = node.scheme == "electrums"
        self.name = f"the Electrum server at {node.where}"

    def sync(self, record: WalletRecord, wallet: OpenWallet, folder: Path) -> Status:
        check_reachable(self.node, timeout=self.node.timeout)
        client = self._call("the handshake", self._connect)
        features = self._call("the network check", client.server_features)
        check_genesis(str(features.genesis_hash), record.network, record.name, self.node.where)
        return scan_or_sync(
            wallet,
            lambda request: self._call("a full scan", client.full_scan, request, STOP_GAP, BATCH_SIZE, True),
            lambda request: self._call("a sync", client.sync, request, BATCH_SIZE, True),
        )

    def broadcast(self, record: WalletRecord, wallet: OpenWallet, folder: Path, tx: bytes) -> str:
        """``blockchain.transaction.broadcast``, to a server of the wallet's network only."""
        import bdkpython as bdk

        check_reachable(self.node, timeout=self.node.timeout)
        client = self._call("the handshake", self._connect)
        features = self._call("the network check", client.server_features)
        check_genesis(str(features.genesis_hash), record.network, record.name, self.node.where)
        try:
            return str(client.transaction_broadcast(bdk.Transaction(tx)))
        except Exception as exc:  # bdkpython's ElectrumError: the server's (its node's) refusal
            raise CompanionError(refused(self.name, "Electrum", exc, self.node.timeout, self.tls)) from None

    def _connect(self) -> Any:
        import bdkpython as bdk

        host = f"[{self.node.host}]" if ":" in self.node.host else self.node.host
        url = f"{'ssl' if self.tls else 'tcp'}://{host}:{self.node.port}"
        return bdk.ElectrumClient(url, None, self.node.timeout, 0, True)

    def _call(self, what: str, function: Any, *args: Any) -> Any:
        try:
            return function(*args)
        except CompanionError:
            raise
        except Exception as exc:  # bdkpython's ElectrumError and its kinds
            raise CompanionError(self._explain(what, exc)) from None

    def _explain(self, what: str, exc: Exception) -> str:
        return explain(self.name, "Electrum", what, exc, self.node.timeout, self.tls)
