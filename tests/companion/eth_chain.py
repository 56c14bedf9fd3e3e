"""A real Ethereum chain for the companion's tests: anvil on 127.0.0.1 with chain id 1337, OpenZeppelin 5
tokens compiled offline by solc-js, and Permit2's real runtime code at its canonical address.

Chain id 1337 because Permit2's published runtime caches an EIP-712 domain for chain 31337 (anvil's
default) at another address: on 1337 it recomputes the right separator (checked below).

Setup transactions of the owner are sent by impersonating it (``anvil_impersonateAccount``): quick, and
beside the point; what the companion hands to the device is always signed by Airlock's own signer.
The tools come from ``make bootstrap`` (npm into ``.tools/``); without them the tests skip and say so.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / ".tools" / "node_modules"
ANVIL = Path(os.environ.get("AIRLOCK_ANVIL", MODULES / ".bin" / "anvil"))
CONTRACTS = Path(__file__).resolve().parent / "contracts"
PERMIT2_SOURCE = MODULES / "@uniswap/v4-periphery/lib/permit2/test/utils/DeployPermit2.sol"
PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3"
CHAIN_ID = 1337
# m/44'/60'/0'/0/i of the public test mnemonic "abandon ... about" (never fund it)
OWNER = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
OWNER_1 = "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0"
# anvil's first dev accounts (unlocked): spenders and counterparties in the tests
DEV = (
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
)


def missing_tools() -> str | None:
    """Why the chain cannot be built here, or None."""
    if not ANVIL.exists():
        return f"anvil not installed at {ANVIL}: run make bootstrap"
    if shutil.which("node") is None:
        return "node is not installed: run make bootstrap"
    for package in ("solc", "@openzeppelin/contracts"):
        if not (MODULES / package / "package.json").exists():
            return f"npm {package} is not in .tools/: run make bootstrap"
    if not PERMIT2_SOURCE.exists():
        return "npm @uniswap/v4-periphery (Permit2's runtime code) is not in .tools/: run make bootstrap"
    return None


requires_chain = pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))


def compiled() -> dict[str, Any]:
    """ABI and bytecode of the contracts in TestTokens.sol; compiled once per source, then cached."""
    digest = hashlib.sha256()
    for name in ("TestTokens.sol", "compile.js"):
        digest.update((CONTRACTS / name).read_bytes())
    for package in ("solc", "@openzeppelin/contracts"):
        digest.update((MODULES / package / "package.json").read_bytes())
    cache = ROOT / ".tools" / "eth-contracts" / f"{digest.hexdigest()[:16]}.json"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["node", str(CONTRACTS / "compile.js"), str(MODULES), str(cache)], check=True)
    data: dict[str, Any] = json.loads(cache.read_text())["contracts"]
    return data


def permit2_runtime() -> str:
    match = re.search(r'hex"([0-9a-fA-F]+)"', PERMIT2_SOURCE.read_text())
    if match is None:
        raise RuntimeError(f"no runtime code in {PERMIT2_SOURCE}")
    return "0x" + match.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EthChain:
    """One anvil process and a web3 connection to it; tokens are deployed by ``deploy_tokens``."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int) -> None:
        from web3 import Web3

        self.proc = proc
        self.url = f"http://127.0.0.1:{port}"
        self.w3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 30}))
        self.artifacts = compiled()

    # --- plumbing -------------------------------------------------------------------------------
    def rpc(self, method: str, *params: Any) -> Any:
        reply = self.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
        if "error" in reply:
            raise AssertionError(f"{method}: {reply['error']}")
        return reply["result"]

    def contract(self, name: str, address: str) -> Any:
        checked = self.w3.to_checksum_address(address)
        return self.w3.eth.contract(address=checked, abi=self.artifacts[name]["abi"])

    def wait(self, tx_hash: Any) -> Any:
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
        assert receipt["status"] == 1, f"transaction {tx_hash.hex()} reverted"
        return receipt

    def send(self, sender: str, fn: Any) -> Any:
        """``fn`` (a contract function call) sent from ``sender`` (a dev account or an impersonated one)."""
        return self.wait(fn.transact({"from": self.w3.to_checksum_address(sender)}))

    def impersonate(self, address: str) -> None:
        self.rpc("anvil_impersonateAccount", self.w3.to_checksum_address(address))

    def fund(self, address: str, wei: int) -> None:
        self.rpc("anvil_setBalance", self.w3.to_checksum_address(address), hex(wei))

    def increase_time(self, seconds: int) -> None:
        """Move the chain's clock and mine a block, so that the latest block's timestamp shows it."""
        self.rpc("evm_increaseTime", seconds)
        self.rpc("evm_mine")

    def latest_time(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    # --- contracts ------------------------------------------------------------------------------
    def deploy(self, name: str, *args: Any) -> str:
        art = self.artifacts[name]
        factory = self.w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
        receipt = self.wait(factory.constructor(*args).transact({"from": DEV[0]}))
        return str(receipt["contractAddress"])

    def install_permit2(self) -> None:
        self.rpc("anvil_setCode", PERMIT2, permit2_runtime())
        separator = self.w3.eth.call({"to": PERMIT2, "data": "0x3644e515"})  # DOMAIN_SEPARATOR()
        from eth_abi import encode
        from eth_utils import keccak

        expected = keccak(
            encode(
                ["bytes32", "bytes32", "uint256", "address"],
                [keccak(text="EIP712Domain(string name,uint256 chainId,address verifyingContract)"),
                 keccak(text="Permit2"), CHAIN_ID, PERMIT2],
            )
        )  # fmt: skip
        assert bytes(separator) == expected, "Permit2's domain separator is wrong: is anvil on chain 1337?"


def start_chain() -> EthChain:
    reason = missing_tools()
    if reason is not None:
        pytest.skip(reason)
    port = free_port()
    proc = subprocess.Popen(
        [str(ANVIL), "--host", "127.0.0.1", "--port", str(port), "--chain-id", str(CHAIN_ID), "--silent"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        chain = EthChain(proc, port)
        for _ in range(200):
            try:
                chain.rpc("eth_chainId")
                break
            except Exception:  # not listening yet
                if proc.poll() is not None:
                    raise RuntimeError("anvil exited at start") from None
                time.sleep(0.05)
        chain.install_permit2()
        for owner in (OWNER, OWNER_1):
            chain.fund(owner, 10**20)
            chain.impersonate(owner)
        return chain
    except BaseException:
        stop_chain(proc)
        raise


def stop_chain(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module", name="eth_chain")
def eth_chain_fixture() -> Iterator[EthChain]:
    """A fresh chain per test module (state from one module never leaks into another)."""
    chain = start_chain()
    try:
        yield chain
    finally:
        stop_chain(chain.proc)


class Tokens:
    """The usual set: an 18-decimal ERC-20 with permit, a 6-decimal one, an ERC-721 and an ERC-1155."""

    def __init__(self, chain: EthChain) -> None:
        self.chain = chain
        self.dai = chain.deploy("TestToken", "Test Dai", "tDAI", 18)
        self.usdc = chain.deploy("TestToken", "Test USD Coin", "tUSDC", 6)
        self.nft = chain.deploy("TestNFT", "Test Punks", "tPUNK")
        self.multi = chain.deploy("TestMultiToken")

    def erc20(self, address: str) -> Any:
        return self.chain.contract("TestToken", address)

    def mint(
        self, to: str, *, dai: int = 0, usdc: int = 0, nft_ids: tuple[int, ...] = (), multi: int = 0
    ) -> None:
        c = self.chain
        if dai:
            c.send(DEV[0], self.erc20(self.dai).functions.mint(to, dai))
        if usdc:
            c.send(DEV[0], self.erc20(self.usdc).functions.mint(to, usdc))
        for token_id in nft_ids:
            c.send(DEV[0], c.contract("TestNFT", self.nft).functions.mint(to, token_id))
        if multi:
            c.send(DEV[0], c.contract("TestMultiToken", self.multi).functions.mint(to, 1, multi))
