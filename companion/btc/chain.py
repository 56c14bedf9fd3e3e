"""Where a wallet learns about the chain: one small interface, one implementation per kind of node.

``--node`` names the source as a URL:

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

import ipaddress
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from companion.errors import CompanionError

if TYPE_CHECKING:
    from pathlib import Path

    from companion.btc.wallets import OpenWallet, Status, WalletRecord

SCHEMES = {  # scheme -> the form the person is shown
    "cbf": "cbf://HOST:PORT",
    "bitcoind": "bitcoind://USER:PASS@HOST:PORT",
    "electrum": "electrum://HOST:PORT",
    "electrums": "electrums://HOST:PORT",
    "esplora+https": "esplora+https://HOST[:PORT][/PATH]",
    "esplora+http": "esplora+http://127.0.0.1:PORT[/PATH]",
}
SERVERS = ("electrum", "electrums", "esplora+https", "esplora+http")
DEFAULT_PORTS = {"esplora+https": 443, "esplora+http": 80}
SERVER_TIMEOUT = 30  # seconds for any one answer of an Electrum or Esplora server
MAX_TIMEOUT = 600


@dataclass(frozen=True, repr=False)
class NodeURL:
    scheme: str
    host: str
    port: int
    user: str = ""
    password: str = ""
    path: str = ""  # Esplora's API root, e.g. "/api"
    timeout: int = SERVER_TIMEOUT

    def __repr__(self) -> str:  # never the password
        return f"NodeURL({self.scheme}://{self.host}:{self.port})"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def parse_node_url(url: str) -> NodeURL:
    """A ``--node`` URL of one of ``SCHEMES``; CompanionError naming what is wrong."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise CompanionError("the node URL's port is not a number from 1 to 65535") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise CompanionError(f"the node URL must be one of {', '.join(SCHEMES.values())}")
    port = port if port is not None else DEFAULT_PORTS.get(scheme)
    if not parts.hostname or port is None or port == 0:
        raise CompanionError(f"the node URL needs a host and a port: {SCHEMES[scheme]}")
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    if scheme in SERVERS:
        return _server_url(scheme, parts.hostname, port, user or password, parts.path, parts.query,
                           parts.fragment)  # fmt: skip
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise CompanionError("the node URL takes only a host and a port")
    if scheme == "bitcoind" and not (user and password):
        raise CompanionError(
            "a bitcoind:// node needs its RPC user and password: bitcoind://USER:PASS@HOST:PORT"
        )
    if scheme == "cbf" and (user or password):
        raise CompanionError("a cbf:// node takes no user or password")
    return NodeURL(scheme, parts.hostname, port, user, password)


def _server_url(
    scheme: str, host: str, port: int, credentials: str, path: str, query: str, fragment: str
) -> NodeURL:
    """An Electrum or Esplora server: no credentials, a path for Esplora only, ``?timeout=SECONDS``."""
    if credentials:
        raise CompanionError(f"an {scheme}:// server takes no user or password")
    if fragment:
        raise CompanionError("the node URL takes no #fragment")
    if scheme.startswith("electrum") and path not in ("", "/"):
        raise CompanionError(f"an {scheme}:// server takes only a host and a port: {SCHEMES[scheme]}")
    if scheme == "esplora+http" and not _loopback(host):
        raise CompanionError(
            "esplora+http:// is only for a server on this computer (127.0.0.1, ::1, localhost): "
            "use esplora+https:// for any other"
        )
    timeout = SERVER_TIMEOUT
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key != "timeout":
            raise CompanionError(f"the node URL takes only ?timeout=SECONDS, not {key[:20]!r}")
        if not value.isdigit() or not 1 <= int(value) <= MAX_TIMEOUT:
            raise CompanionError(f"the node URL's timeout must be whole seconds from 1 to {MAX_TIMEOUT}")
        timeout = int(value)
    return NodeURL(scheme, host, port, path=path.rstrip("/"), timeout=timeout)


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
