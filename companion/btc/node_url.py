"""A wallet's ``--node`` URL read and checked (``parse_node_url``), and the quick check that something answers
at its address; the kinds of node behind each scheme are described in ``chain.py``.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from companion.errors import CompanionError

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
