"""A real Bitcoin node for the companion's tests: companion.demo_node's ``bitcoind -regtest``.

``scripts/fetch-bitcoind.sh`` (run by the bootstrap) puts Bitcoin Knots' bitcoind in .tools/; when it
could not, the tests that need a node skip with the reason it wrote. The ``regtest_node`` fixture
(import ``regtest_node_fixture`` into a test module) gives one node per module; it is stopped, and its
process waited for, when the module's tests end, also when they fail.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from companion.demo_node import DemoNode, NodeError, NodeRPC, bitcoind_missing, free_ports

RegtestNode = DemoNode
RPC = NodeRPC
RPCError = NodeError

__all__ = ["RPC", "RPCError", "RegtestNode", "free_ports", "regtest_node_fixture"]


@pytest.fixture(scope="module", name="regtest_node")
def regtest_node_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoNode]:
    """A running ``bitcoind -regtest`` for the tests of one module; skips when there is no bitcoind."""
    missing = bitcoind_missing()
    if missing:
        pytest.skip(missing)
    datadir = tmp_path_factory.mktemp("bitcoind")
    try:
        with DemoNode(datadir) as node:
            yield node
    finally:
        shutil.rmtree(datadir, ignore_errors=True)
