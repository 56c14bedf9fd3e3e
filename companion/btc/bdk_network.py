"""The companion's network names as BDK's ``Network`` (wallets) and ``NetworkKind`` (descriptors)."""

from __future__ import annotations

from typing import Any


def bdk_network(network: str) -> Any:
    import bdkpython as bdk

    return {
        "main": bdk.Network.BITCOIN,
        "test": bdk.Network.TESTNET,
        "signet": bdk.Network.SIGNET,
        "regtest": bdk.Network.REGTEST,
    }[network]


def bdk_network_kind(network: str) -> Any:
    import bdkpython as bdk

    return bdk.NetworkKind.MAIN if network == "main" else bdk.NetworkKind.TEST
