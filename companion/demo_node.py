"""A throw-away ``bitcoind -regtest`` for ``make demo``'s companion tour, ``make bench`` and the tests.

The bootstrap puts Bitcoin Knots' bitcoind in ``.tools/bin/`` (scripts/fetch-bitcoind.sh); when it
could not, :func:`bitcoind_missing` says why. The node listens on 127.0.0.1 only, on free ports, in a
temporary folder, serving compact block filters (BIP-157/158) to the companion's Kyoto client. Use it
as a context manager: the process is stopped and waited for on the way out, also on failure.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from companion.errors import CompanionError
from companion.local_server import wait_until_answering

TOOLS = Path(__file__).resolve().parents[1] / ".tools"
BITCOIND = TOOLS / "bin" / "bitcoind"
UNAVAILABLE = TOOLS / "bitcoin-knots.unavailable"
RPC_USER = "airlock"
RPC_PASSWORD = "regtest-only"
MINER_WALLET = "miner"
START_TIMEOUT = 60.0


def bitcoind_missing() -> str | None:
    """Why there is no bitcoind to run, or None when there is one."""
    override = os.environ.get("AIRLOCK_BITCOIND")
    if override:
        return None if Path(override).is_file() else f"AIRLOCK_BITCOIND={override} does not exist"
    if BITCOIND.is_file():
        return None
    if UNAVAILABLE.is_file():
        return f"no bitcoind: {UNAVAILABLE.read_text().strip()}"
    return "no bitcoind in .tools/bin: run `scripts/fetch-bitcoind.sh`"


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


class NodeError(CompanionError):
    """The node refused a call (``code`` is Core's error code) or did not start (one line)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class NodeRPC:
    """JSON-RPC to the regtest node: ``rpc.call(method, ...)``, or ``rpc(method, ...)`` alike."""

    def __init__(self, port: int, user: str = RPC_USER, password: str = RPC_PASSWORD) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self._auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def call(self, method: str, *params: Any, wallet: str | None = None, timeout: float = 120) -> Any:
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
                raise NodeError(f"bitcoind answered {method} with HTTP {exc.code}") from None
        if reply.get("error"):
            error = reply["error"]
            raise NodeError(
                f"bitcoind refused {method}: {error['message']} (code {error['code']})", error["code"]
            )
        return reply["result"]

    __call__ = call


class DemoNode:
    """One regtest node: ``rpc`` calls, ``mine``, the companion's ``cbf_url`` and ``rpc_url``."""

    def __init__(self, datadir: Path | None = None) -> None:
        self._own_dir = datadir is None
        self.datadir = Path(tempfile.mkdtemp(prefix="airlock-regtest-")) if datadir is None else datadir
        self.rpc_port, self.p2p_port = free_ports(2)
        self.rpc = NodeRPC(self.rpc_port)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def rpc_url(self) -> str:
        return f"bitcoind://{RPC_USER}:{RPC_PASSWORD}@127.0.0.1:{self.rpc_port}"

    @property
    def cbf_url(self) -> str:
        return f"cbf://127.0.0.1:{self.p2p_port}"

    def start(self) -> DemoNode:
        missing = bitcoind_missing()
        if missing:
            raise NodeError(missing)
        binary = os.environ.get("AIRLOCK_BITCOIND") or str(BITCOIND)
        self.datadir.mkdir(parents=True, exist_ok=True)
        args = [
            binary, "-regtest", f"-datadir={self.datadir}", "-server=1", "-listen=1",
            f"-bind=127.0.0.1:{self.p2p_port}", f"-rpcport={self.rpc_port}", "-rpcbind=127.0.0.1",
            "-rpcallowip=127.0.0.1", f"-rpcuser={RPC_USER}", f"-rpcpassword={RPC_PASSWORD}",
            "-blockfilterindex=1", "-peerblockfilters=1", "-txindex=1", "-fallbackfee=0.0002",
            "-dnsseed=0", "-fixedseeds=0", "-discover=0", "-listenonion=0", "-upnp=0", "-natpmp=0",
            "-printtoconsole=0", "-debuglogfile=debug.log", "-maxmempool=300", "-rpcworkqueue=64",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wait_until_answering(
            self.process, "bitcoind", probe=lambda: self.rpc("getblockchaininfo", timeout=5),
            not_ready=(OSError, NodeError),  # not listening yet / still warming up
            error=NodeError, timeout=START_TIMEOUT,
        )  # fmt: skip
        return self

    def stop(self) -> None:
        """Stop the node and wait for its process; remove its folder when it made it."""
        if self.process is not None and self.process.poll() is None:
            try:
                self.rpc("stop", timeout=10)
                self.process.wait(timeout=30)
            except (OSError, NodeError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        if self._own_dir:
            shutil.rmtree(self.datadir, ignore_errors=True)

    def __enter__(self) -> DemoNode:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what the tour, the bench and the tests do with it ----------------------------------------
    def miner(self) -> str:
        """An address of the node's own wallet (created on first use), to mine to and pay from."""
        if MINER_WALLET not in self.rpc("listwallets"):
            self.rpc("createwallet", MINER_WALLET)
        address: str = self.rpc("getnewaddress", wallet=MINER_WALLET)
        return address

    def mine(self, blocks: int, address: str | None = None) -> list[str]:
        """Mine ``blocks`` and wait until the block filter index (and txindex) reach them: a compact block
        filter client asking before the index has caught up is refused by the node (seen under load)."""
        hashes: list[str] = self.rpc("generatetoaddress", blocks, address or self.miner())
        self.wait_for_indexes(self.height())
        return hashes

    def wait_for_indexes(self, height: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            indexes: dict[str, Any] = self.rpc("getindexinfo")
            if all(int(info.get("best_block_height", -1)) >= height for info in indexes.values()):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the node's indexes did not reach height {height} in {timeout:.0f} s")
            time.sleep(0.02)

    def height(self) -> int:
        height: int = self.rpc("getblockcount")
        return height

    def send(self, address: str, btc: str) -> str:
        """Pay ``btc`` (a decimal string) from the node's wallet to ``address``; the txid."""
        txid: str = self.rpc("sendtoaddress", address, btc, wallet=MINER_WALLET)
        return txid

    def raw_transaction(self, txid: str) -> dict[str, Any]:
        tx: dict[str, Any] = self.rpc("getrawtransaction", txid, True)
        return tx
