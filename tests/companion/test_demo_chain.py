"""companion.demo_chain, the anvil that make demo, the bench and the tests share: it starts on chain 1337
with the tokens deployable, and its process is stopped on the way out, also when the work inside fails."""

from __future__ import annotations

import pytest
from eth_chain import requires_chain

from companion.demo_chain import CHAIN_ID, DEV, ChainError, DemoChain

pytestmark = requires_chain


def test_the_chain_runs_the_tokens_and_stops_when_the_work_inside_fails() -> None:
    chain = DemoChain()
    with pytest.raises(RuntimeError, match="the demo failed here"), chain:
        assert int(chain.rpc("eth_chainId"), 16) == CHAIN_ID
        token = chain.contract("TestToken", chain.deploy("TestToken", "Test Dai", "tDAI", 18))
        chain.send(DEV[0], token.functions.mint(DEV[1], 5))
        assert token.functions.balanceOf(DEV[1]).call() == 5
        raise RuntimeError("the demo failed here")
    assert chain.process is not None and chain.process.poll() is not None  # stopped and waited for
    with pytest.raises(ChainError, match="anvil did not answer eth_chainId"):
        chain.rpc("eth_chainId")


def test_a_refused_call_is_one_line() -> None:
    with DemoChain() as chain, pytest.raises(ChainError, match="anvil refused evm_nothing") as caught:
        chain.rpc("evm_nothing")
    assert "\n" not in str(caught.value)
