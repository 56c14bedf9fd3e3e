"""The test chain itself: anvil on chain 1337, the compiled tokens, Permit2 in place, time travel."""

from __future__ import annotations

from eth_chain import DEV, OWNER, PERMIT2, EthChain, Tokens, eth_chain_fixture, requires_chain  # noqa: F401

pytestmark = requires_chain
APPROVAL = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925"


def test_tokens_deploy_and_openzeppelin_transfer_from_emits_no_approval(eth_chain: EthChain) -> None:
    """Why the scanner reads allowances by call: a spend lowers the allowance with no Approval log."""
    tokens = Tokens(eth_chain)
    tokens.mint(OWNER, dai=10**21)
    dai = tokens.erc20(tokens.dai)
    eth_chain.send(OWNER, dai.functions.approve(DEV[1], 5 * 10**18))
    receipt = eth_chain.send(DEV[1], dai.functions.transferFrom(OWNER, DEV[2], 2 * 10**18))
    assert dai.functions.allowance(OWNER, DEV[1]).call() == 3 * 10**18
    assert [log for log in receipt["logs"] if log["topics"][0].to_0x_hex() == APPROVAL] == []
    assert eth_chain.w3.eth.chain_id == 1337


def test_permit2_runs_and_time_moves(eth_chain: EthChain) -> None:
    assert len(eth_chain.w3.eth.get_code(PERMIT2)) > 9000
    before = eth_chain.latest_time()
    eth_chain.increase_time(31 * 86400)
    assert eth_chain.latest_time() >= before + 31 * 86400
