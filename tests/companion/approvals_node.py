"""The node the approvals tests scan through: the companion's own ``EthNode`` on the test chain."""

from __future__ import annotations

from typing import Any

from eth_chain import CHAIN_ID, EthChain


def node_of(chain: EthChain) -> Any:
    from companion.eth.node import EthNode

    return EthNode(chain.url, CHAIN_ID)
