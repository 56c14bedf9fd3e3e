"""A real Ethereum chain for the companion's tests: companion.demo_chain's anvil (chain id 1337, the tokens
compiled offline by solc-js), plus Permit2's real runtime code at its canonical address (test-only).

Setup transactions of the owner are sent by impersonating it (``anvil_impersonateAccount``): quick, and
beside the point; what the companion hands to the device is always signed by Airlock's own signer.
The tools come from ``make bootstrap`` (npm into ``.tools/``); without them the tests skip and say so.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from companion.demo_chain import CHAIN_ID, DEV, MODULES, DemoChain, chain_missing

PERMIT2_SOURCE = MODULES / "@uniswap/v4-periphery/lib/permit2/test/utils/DeployPermit2.sol"
PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3"
# m/44'/60'/0'/0/i of the public test mnemonic "abandon ... about" (never fund it)
OWNER = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
OWNER_1 = "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0"

__all__ = ["CHAIN_ID", "DEV", "OWNER", "OWNER_1", "PERMIT2", "EthChain", "Tokens", "eth_chain_fixture",
           "requires_chain", "start_chain", "stop_chain"]  # fmt: skip


def missing_tools() -> str | None:
    """Why the chain cannot be built here, or None."""
    reason = chain_missing()
    if reason is None and not PERMIT2_SOURCE.exists():
        return "npm @uniswap/v4-periphery (Permit2's runtime code) is not in .tools/: run make bootstrap"
    return reason


requires_chain = pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))


def permit2_runtime() -> str:
    match = re.search(r'hex"([0-9a-fA-F]+)"', PERMIT2_SOURCE.read_text())
    if match is None:
        raise RuntimeError(f"no runtime code in {PERMIT2_SOURCE}")
    return "0x" + match.group(1)


class EthChain(DemoChain):
    """The demo's chain with Permit2 installed and the test owners funded and impersonated."""

    @property
    def proc(self) -> subprocess.Popen[bytes]:
        assert self.process is not None, "the chain is not started"
        return self.process

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
    chain = EthChain()
    try:
        chain.start()
        chain.install_permit2()
        for owner in (OWNER, OWNER_1):
            chain.fund(owner, 10**20)
            chain.impersonate(owner)
    except BaseException:
        chain.stop()
        raise
    return chain


def stop_chain(proc: subprocess.Popen[bytes]) -> None:
    """Stop the anvil process ``proc`` (a chain's ``proc``) and wait for it."""
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
        chain.stop()


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
