"""``btc utxos`` tells a coin the wallet mined (coinbase) and whether it may be spent yet.

Consensus lets a coinbase output be spent only in a block 100 above its own. Both chain sources give
each coin ``coinbase``, ``spendable_from_height`` and ``immature`` (the next block may not spend it
yet), in the text too, so neither the page nor a script offers a coin no node would take. Core's own
wallet waits one block more (101 confirmations); the companion follows consensus, as BDK does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from companion_cli import run
from device_exports import account, ur_export
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401

from companion.cli import main

KINDS = {"filters": "btc-84", "core": "btc-86"}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode) -> dict[str, object]:
    """Each wallet: one coinbase old enough to spend, one just mined, and one payment from the node (not
    a coinbase)."""
    folder = tmp_path_factory.mktemp("companion")
    files = tmp_path_factory.mktemp("files")
    urls = {"filters": regtest_node.cbf_url, "core": regtest_node.rpc_url}
    for name, kind in KINDS.items():
        (files / f"{name}.ur").write_text(ur_export(kind))
        assert main(["--datadir", str(folder), "btc", "import", name, str(files / f"{name}.ur"),
                     "--network", "regtest", "--node", urls[name]]) == 0  # fmt: skip
    regtest_node.mine(101)  # the node's own wallet gets a coin to pay with
    heights = {}
    for name, kind in KINDS.items():
        regtest_node.mine(1, account(kind).address(0, 0))
        heights[name] = regtest_node.height()
    regtest_node.mine(100 - len(KINDS))  # both coinbases old enough to spend by the end...
    heights["filters-old"], heights["core-old"] = heights["filters"], heights["core"]
    for name, kind in KINDS.items():
        regtest_node.mine(1, account(kind).address(0, 1))  # ...and each wallet mines a new one
        heights[name] = regtest_node.height()
        regtest_node.send(account(kind).address(0, 2), "0.5")
    regtest_node.mine(1)
    for name in KINDS:
        assert main(["--datadir", str(folder), "btc", "sync", name]) == 0
    return {"datadir": folder, "heights": heights, "tip": regtest_node.height()}


@pytest.mark.parametrize("name", list(KINDS))
def test_utxos_show_coinbase_maturity_in_json_and_text(
    setup: dict[str, object], capsys: pytest.CaptureFixture[str], name: str
) -> None:
    datadir, heights, tip = setup["datadir"], setup["heights"], setup["tip"]
    assert isinstance(datadir, Path) and isinstance(heights, dict) and isinstance(tip, int)
    addresses = [account(KINDS[name]).address(0, i) for i in range(3)]
    coins = {c["address"]: c for c in run(capsys, datadir, "btc", "utxos", name, "--json").json()}
    assert set(coins) == set(addresses)
    old, new, paid = (coins[a] for a in addresses)
    old_height, new_height = heights[f"{name}-old"], heights[name]
    assert old["height"] == old_height and new["height"] == new_height
    assert tip + 1 >= old_height + 100  # the next block may spend the old coinbase
    assert (old["coinbase"], old["spendable_from_height"], old["immature"]) == (True, old_height + 100, False)
    assert (new["coinbase"], new["spendable_from_height"], new["immature"]) == (True, new_height + 100, True)
    assert (paid["coinbase"], paid["spendable_from_height"], paid["immature"]) == (False, None, False)

    text = run(capsys, datadir, "btc", "utxos", name).out.splitlines()
    immature = [line for line in text if "newly mined" in line]
    assert len(immature) == 1 and immature[0].startswith(f"{new['txid']}:{new['vout']} ")
    assert f"newly mined: spendable from block {new_height + 100}" in immature[0]
