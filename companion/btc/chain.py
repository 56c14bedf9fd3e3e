"""Where a wallet learns about the chain: one small interface, one implementation per kind of node.

``--node`` names the source as a URL:

* ``cbf://HOST:PORT``: compact block filters (BIP-157/158) over P2P from one node the person trusts,
  through BDK's Kyoto client; the filters are matched locally, so the node learns nothing of the
  wallet's addresses. The node needs ``blockfilterindex=1`` and ``peerblockfilters=1``.
* ``bitcoind://USER:PASS@HOST:PORT``: Bitcoin Core's RPC, with a watch-only descriptor wallet in the
  node (the way Specter Desktop works): BDK has no RPC client, so the node tracks the wallet itself.

A sync returns a ``Status`` (height, confirmed and pending sats, last used receive index); the CLI
stores it, so ``btc balance`` answers without the node.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit

from companion.errors import CompanionError

if TYPE_CHECKING:
    from pathlib import Path

    from companion.btc.wallets import OpenWallet, Status, WalletRecord

LATER = {"electrum", "electrums", "esplora+https", "esplora+http"}


@dataclass(frozen=True, repr=False)
class NodeURL:
    scheme: str
    host: str
    port: int
    user: str = ""
    password: str = ""

    def __repr__(self) -> str:  # never the password
        return f"NodeURL({self.scheme}://{self.host}:{self.port})"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def parse_node_url(url: str) -> NodeURL:
    """``cbf://HOST:PORT`` or ``bitcoind://USER:PASS@HOST:PORT``; CompanionError naming what is wrong."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise CompanionError("the node URL's port is not a number from 1 to 65535") from None
    scheme = parts.scheme.lower()
    if scheme in LATER:
        raise CompanionError(f"{scheme}:// nodes are not supported yet: use cbf:// or bitcoind://")
    if scheme not in ("cbf", "bitcoind"):
        raise CompanionError("the node URL must be cbf://HOST:PORT or bitcoind://USER:PASS@HOST:PORT")
    if not parts.hostname or port is None or port == 0:
        raise CompanionError(f"the node URL needs a host and a port: {scheme}://HOST:PORT")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise CompanionError("the node URL takes only a host and a port")
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    if scheme == "bitcoind" and not (user and password):
        raise CompanionError(
            "a bitcoind:// node needs its RPC user and password: bitcoind://USER:PASS@HOST:PORT"
        )
    if scheme == "cbf" and (user or password):
        raise CompanionError("a cbf:// node takes no user or password")
    return NodeURL(scheme, parts.hostname, port, user, password)


def check_reachable(node: NodeURL, timeout: float = 5.0) -> None:
    """Fail fast, with the reason, when nothing answers at the node's address."""
    try:
        with socket.create_connection((node.host, node.port), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise CompanionError(f"cannot reach the node at {node.where}: {reason.lower()}") from None


class ChainSource(Protocol):
    def sync(self, record: WalletRecord, wallet: OpenWallet, folder: Path) -> Status:
        """Bring the wallet up to the node's tip; the balance and usage it then has."""
        ...


def chain_source(url: str) -> ChainSource:
    node = parse_node_url(url)
    if node.scheme == "cbf":
        from companion.btc.cbf import CompactFilters

        return CompactFilters(node)
    from companion.btc.core_rpc import CoreWallet

    return CoreWallet(node)
