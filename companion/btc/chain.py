"""Where a wallet learns about the chain: one small interface, one implementation per kind of node.

``--node`` names the source as a URL (read by ``node_url.parse_node_url``):

* ``cbf://HOST:PORT``: compact block filters (BIP-157/158) over P2P from one node the person trusts,
  through BDK's Kyoto client; the filters are matched locally, so the node learns nothing of the
  wallet's addresses. The node needs ``blockfilterindex=1`` and ``peerblockfilters=1``.
* ``bitcoind://USER:PASS@HOST:PORT``: Bitcoin Core's RPC, with a watch-only descriptor wallet in the
  node (the way Specter Desktop works): BDK has no RPC client, so the node tracks the wallet itself.
* ``electrum://HOST:PORT``, ``electrums://HOST:PORT`` (TLS): an Electrum server, with BDK's Electrum
  client. ``esplora+https://HOST[:PORT][/PATH]``: an Esplora HTTP API, with BDK's Esplora client
  (``esplora+http://`` only to this computer, for a server of one's own and for the tests). Both take
  ``?timeout=SECONDS`` (default 30): how long to wait for any one answer. The server learns the wallet's
  addresses.

Every source also broadcasts, through the same node or server the wallet syncs with (``broadcast``):
a wallet's transactions never go out through another party than the one it chose.

A sync returns a ``Status`` (height, confirmed and pending sats, last used receive index); the CLI
stores it, so ``btc balance`` answers without the node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from companion.btc.node_url import parse_node_url

if TYPE_CHECKING:
    from pathlib import Path

    from companion.btc.wallets import OpenWallet, Status, WalletRecord


class ChainSource(Protocol):
    def sync(self, record: WalletRecord, wallet: OpenWallet, folder: Path) -> Status:
        """Bring the wallet up to the node's tip; the balance and usage it then has."""
        ...

    def broadcast(self, record: WalletRecord, wallet: OpenWallet, folder: Path, tx: bytes) -> str:
        """Hand the finalized transaction ``tx`` to this source's node or server; its txid. A refusal is a
        CompanionError of one line naming who refused and why."""
        ...


def chain_source(url: str) -> ChainSource:
    node = parse_node_url(url)
    if node.scheme == "cbf":
        from companion.btc.cbf import CompactFilters

        return CompactFilters(node)
    if node.scheme.startswith("electrum"):
        from companion.btc.electrum import ElectrumServer

        return ElectrumServer(node)
    if node.scheme.startswith("esplora"):
        from companion.btc.esplora import EsploraServer

        return EsploraServer(node)
    from companion.btc.core_rpc import CoreWallet

    return CoreWallet(node)
