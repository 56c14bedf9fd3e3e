"""A throw-away Ethereum chain for ``make demo``'s Ethereum leg, ``make bench`` and the tests.

anvil on 127.0.0.1 (a free port) with chain id 1337, and the tokens of ``contracts/TestTokens.sol``
(OpenZeppelin 5's ERC-20, ERC-721 and ERC-1155, each with an open mint) compiled offline by solc-js
and cached in ``.tools/eth-contracts/``. The bootstrap puts anvil, solc and @openzeppelin/contracts in
``.tools/`` with npm; when something is missing :func:`chain_missing` says what.

Chain id 1337 rather than anvil's 31337: Permit2's published runtime (which the tests place on it)
caches an EIP-712 domain for 31337 at another address; on 1337 it recomputes the right one.

Use it as a context manager: the process is stopped and waited for on the way out, also on failure.
Setup transactions of an account the demo does not sign for are sent by impersonating it
(``anvil_impersonateAccount``); what the companion hands to the device is always signed by Airlock.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

from companion.errors import CompanionError
from companion.local_server import wait_until_answering

TOOLS = Path(__file__).resolve().parents[1] / ".tools"
MODULES = TOOLS / "node_modules"
CONTRACTS = Path(__file__).resolve().parent / "contracts"
CACHE = TOOLS / "eth-contracts"
CHAIN_ID = 1337
START_TIMEOUT = 30.0
# anvil's first dev accounts (unlocked, funded): the deployer, spenders and counterparties
DEV = (
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
)
NPM_PACKAGES = ("solc", "@openzeppelin/contracts")


def anvil_path() -> Path:
    return Path(os.environ.get("AIRLOCK_ANVIL") or MODULES / ".bin" / "anvil")


def chain_missing() -> str | None:
    """Why there is no chain to run here (with what brings it), or None."""
    if not anvil_path().exists():
        return f"anvil is not installed at {anvil_path()}: run `make bootstrap` (npm puts it in .tools/)"
    if shutil.which("node") is None:
        return "node is not installed: run `make bootstrap` (as root it installs npm with apt-get)"
    for package in NPM_PACKAGES:
        if not (MODULES / package / "package.json").exists():
            return f"npm {package} is not in .tools/: run `make bootstrap`"
    return None


def compiled() -> dict[str, Any]:
    """ABI and bytecode of TestToken, TestNFT and TestMultiToken; compiled once per source, then cached."""
    digest = hashlib.sha256()
    for name in ("TestTokens.sol", "compile.js"):
        digest.update((CONTRACTS / name).read_bytes())
    for package in NPM_PACKAGES:
        digest.update((MODULES / package / "package.json").read_bytes())
    cache = CACHE / f"{digest.hexdigest()[:16]}.json"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["node", str(CONTRACTS / "compile.js"), str(MODULES), str(cache)],
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode != 0:
            raise ChainError(f"solc-js could not compile the tokens: {(done.stderr.strip() or '?')[:300]}")
    data: dict[str, Any] = json.loads(cache.read_text())["contracts"]
    return data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChainError(CompanionError):
    """anvil did not start, refused a call, or a setup transaction reverted (one line)."""


class DemoChain:
    """One anvil process and a web3 connection to it: ``rpc``, ``deploy``, ``send``, ``increase_time``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._w3: Any = None
        self._artifacts: dict[str, Any] | None = None

    # --- the process ------------------------------------------------------------------------------
    def start(self) -> DemoChain:
        missing = chain_missing()
        if missing:
            raise ChainError(missing)
        args = [str(anvil_path()), "--host", "127.0.0.1", "--port", str(self.port),
                "--chain-id", str(CHAIN_ID), "--silent"]  # fmt: skip
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wait_until_answering(
            self.process, "anvil", probe=lambda: self.rpc("eth_chainId"),
            not_ready=(OSError, ChainError, ValueError),  # not listening yet
            error=ChainError, timeout=START_TIMEOUT,
        )  # fmt: skip
        return self

    def stop(self) -> None:
        """Stop anvil and wait for its process."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()

    def __enter__(self) -> DemoChain:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- plumbing ---------------------------------------------------------------------------------
    @property
    def w3(self) -> Any:
        if self._w3 is None:
            from web3 import Web3

            self._w3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 30}))
        return self._w3

    @property
    def artifacts(self) -> dict[str, Any]:
        if self._artifacts is None:
            self._artifacts = compiled()
        return self._artifacts

    def rpc(self, method: str, *params: Any) -> Any:
        try:
            reply = self.w3.provider.make_request(method, list(params))
        except Exception as exc:  # web3 wraps the connection's errors in its own types
            raise ChainError(f"anvil did not answer {method}: {type(exc).__name__}") from None
        if "error" in reply:
            raise ChainError(f"anvil refused {method}: {reply['error']}")
        return reply["result"]

    def checksum(self, address: str) -> str:
        return str(self.w3.to_checksum_address(address))

    def contract(self, name: str, address: str) -> Any:
        return self.w3.eth.contract(address=self.checksum(address), abi=self.artifacts[name]["abi"])

    def wait(self, tx_hash: Any) -> Any:
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
        if receipt["status"] != 1:
            raise ChainError(f"transaction {tx_hash.hex()} reverted")
        return receipt

    def send(self, sender: str, fn: Any) -> Any:
        """``fn`` (a contract function call) sent from ``sender`` (a dev account or an impersonated one)."""
        return self.wait(fn.transact({"from": self.checksum(sender)}))

    def impersonate(self, address: str) -> None:
        self.rpc("anvil_impersonateAccount", self.checksum(address))

    def fund(self, address: str, wei: int) -> None:
        self.rpc("anvil_setBalance", self.checksum(address), hex(wei))

    def increase_time(self, seconds: int) -> None:
        """Move the chain's clock and mine a block, so that the latest block's timestamp shows it."""
        self.rpc("evm_increaseTime", seconds)
        self.rpc("evm_mine")

    def latest_time(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    # --- contracts --------------------------------------------------------------------------------
    def deploy(self, name: str, *args: Any) -> str:
        art = self.artifacts[name]
        factory = self.w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
        receipt = self.wait(factory.constructor(*args).transact({"from": DEV[0]}))
        return str(receipt["contractAddress"])
