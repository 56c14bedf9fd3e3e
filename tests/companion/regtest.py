"""A real Bitcoin node for the companion's tests: Bitcoin Knots' ``bitcoind -regtest`` from .tools/.

``scripts/fetch-bitcoind.sh`` (run by the bootstrap) puts it there; when it could not, the tests that
need a node skip with the reason it wrote. The node listens on 127.0.0.1 only, on free ports, in a
temporary data folder, with compact block filters served to peers (BIP-157/158) for the Kyoto client.
The ``regtest_node`` fixture (import ``regtest_node_fixture`` into a test module) gives one node per
module; it is stopped, and its process waited for, when the module's tests end, also when they fail.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TOOLS = Path(__file__).resolve().parents[2] / ".tools"
BITCOIND = TOOLS / "bin" / "bitcoind"
UNAVAILABLE = TOOLS / "bitcoin-knots.unavailable"
RPC_USER = "airlock"
RPC_PASSWORD = "regtest-only"
MINER_WALLET = "miner"


def bitcoind_missing() -> str | None:
    """Why there is no bitcoind to run, or None when there is one."""
    override = os.environ.get("AIRLOCK_BITCOIND")
    if override:
        return None if Path(override).is_file() else f"AIRLOCK_BITCOIND={override} does not exist"
    if BITCOIND.is_file():
        return None
    if UNAVAILABLE.is_file():
        return f"no bitcoind: {UNAVAILABLE.read_text().strip()}"
    return "no bitcoind in .tools/bin: run `make bootstrap` (scripts/fetch-bitcoind.sh)"


def free_ports(count: int) -> list[int]:
    """Ports free on 127.0.0.1 right now (held open together, so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class RPCError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{message} (code {code})")
        self.code = code


class RPC:
    """A tiny JSON-RPC client for Bitcoin Core's RPC over urllib."""

    def __init__(self, port: int, user: str = RPC_USER, password: str = RPC_PASSWORD) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self._auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def call(self, method: str, *params: Any, wallet: str | None = None, timeout: float = 60) -> Any:
        url = self.url + (f"/wallet/{wallet}" if wallet is not None else "")
        body = json.dumps({"jsonrpc": "1.0", "id": method, "method": method, "params": list(params)})
        request = urllib.request.Request(
            url, body.encode(), {"Authorization": self._auth, "Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                reply = json.loads(response.read())
        except urllib.error.HTTPError as exc:  # Core answers RPC errors with HTTP 500 and a JSON body
            reply = json.loads(exc.read() or b"{}")
            if not reply.get("error"):
                raise
        if reply.get("error"):
            raise RPCError(reply["error"]["code"], reply["error"]["message"])
        return reply["result"]


class RegtestNode:
    """One ``bitcoind -regtest`` process and what the tests do with it."""

    def __init__(self, datadir: Path) -> None:
        self.datadir = datadir
        self.rpc_port, self.p2p_port = free_ports(2)
        self.rpc = RPC(self.rpc_port)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def rpc_url(self) -> str:
        """The companion's ``--node`` URL for the Core RPC backend."""
        return f"bitcoind://{RPC_USER}:{RPC_PASSWORD}@127.0.0.1:{self.rpc_port}"

    @property
    def cbf_url(self) -> str:
        """The companion's ``--node`` URL for the compact block filter backend."""
        return f"cbf://127.0.0.1:{self.p2p_port}"

    def start(self) -> None:
        binary = os.environ.get("AIRLOCK_BITCOIND") or str(BITCOIND)
        self.datadir.mkdir(parents=True, exist_ok=True)
        args = [
            binary, "-regtest", f"-datadir={self.datadir}", "-server=1", "-listen=1",
            f"-bind=127.0.0.1:{self.p2p_port}", f"-rpcport={self.rpc_port}", "-rpcbind=127.0.0.1",
            "-rpcallowip=127.0.0.1", f"-rpcuser={RPC_USER}", f"-rpcpassword={RPC_PASSWORD}",
            "-blockfilterindex=1", "-peerblockfilters=1", "-txindex=1", "-fallbackfee=0.0002",
            "-dnsseed=0", "-fixedseeds=0", "-discover=0", "-listenonion=0", "-upnp=0", "-natpmp=0",
            "-printtoconsole=0", "-debuglogfile=debug.log",
        ]  # fmt: skip
        # stdin/stdout detached: the node is its own process (no shell in between), stopped below
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"bitcoind exited with {self.process.returncode}: {err.strip()[-500:]}")
            try:
                self.rpc.call("getblockchaininfo", timeout=5)
                break
            except (OSError, RPCError):  # not listening yet / still warming up (code -28)
                if time.monotonic() > deadline:
                    raise RuntimeError("bitcoind did not answer RPC within 60 s") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.rpc.call("stop", timeout=10)
            self.process.wait(timeout=30)
        except (OSError, RPCError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()

    # -- what the tests do with the node ---------------------------------------------------------
    def miner(self) -> str:
        """An address of the node's own wallet (created on first use), to mine and send from."""
        if MINER_WALLET not in self.rpc.call("listwallets"):
            self.rpc.call("createwallet", MINER_WALLET)
        address: str = self.rpc.call("getnewaddress", wallet=MINER_WALLET)
        return address

    def mine(self, blocks: int, address: str | None = None) -> list[str]:
        hashes: list[str] = self.rpc.call("generatetoaddress", blocks, address or self.miner())
        return hashes

    def send(self, address: str, btc: str) -> str:
        """Pay ``btc`` (a decimal string) from the node's wallet to ``address``; returns the txid."""
        txid: str = self.rpc.call("sendtoaddress", address, btc, wallet=MINER_WALLET)
        return txid

    def raw_transaction(self, txid: str) -> dict[str, Any]:
        tx: dict[str, Any] = self.rpc.call("getrawtransaction", txid, True)
        return tx

    def height(self) -> int:
        height: int = self.rpc.call("getblockcount")
        return height


def start_node(datadir: Path) -> RegtestNode:
    node = RegtestNode(datadir)
    try:
        node.start()
    except BaseException:
        node.stop()
        raise
    return node


@pytest.fixture(scope="module", name="regtest_node")
def regtest_node_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegtestNode]:
    """A running ``bitcoind -regtest`` for the tests of one module; skips when there is no bitcoind."""
    missing = bitcoind_missing()
    if missing:
        pytest.skip(missing)
    datadir = tmp_path_factory.mktemp("bitcoind")
    node = start_node(datadir)
    try:
        yield node
    finally:
        node.stop()
        shutil.rmtree(datadir, ignore_errors=True)
