"""The node the approvals tests scan through: the companion's own ``EthNode`` on the test chain."""

from __future__ import annotations

from typing import Any

from eth_chain import CHAIN_ID, EthChain


def node_of(chain: EthChain) -> Any:
    try:
        from companion.eth.node import EthNode
    except ImportError:  # TEMPORARY until companion/eth lands
        return _Web3Node(chain.w3)
    return EthNode(chain.url, CHAIN_ID)


class _Web3Node:
    def __init__(self, w3: Any) -> None:
        self.w3 = w3

    def latest_block(self) -> dict[str, Any]:
        b = self.w3.eth.get_block("latest")
        return {"number": b["number"], "timestamp": b["timestamp"]}

    def get_logs(self, params: dict[str, Any]) -> list[Any]:
        return list(self.w3.eth.get_logs(params))

    def call(self, to: str, data: bytes, block: int | str = "latest") -> bytes:
        return bytes(self.w3.eth.call({"to": to, "data": data}, block))
