"""The Electrum and Esplora chain sources against loopback servers of ours over the regtest node.

No Electrum or Esplora server can be had here (electrs, Fulcrum and Esplora are packaged nowhere this
machine reaches; PyPI's electrumx is the BSV fork), so ``electrum_server.py`` and ``esplora_server.py``
speak the subset of each protocol BDK's clients call, from the regtest bitcoind. The wallets are the
device's own export of the test mnemonic; the expected balances come from the node's UTXO set
(``scantxoutset``), and must also equal what the ``bitcoind://`` source says.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from companion_cli import Run, run
from device_exports import account, json_export, ur_export
from electrum_server import ElectrumServer
from regtest import RegtestNode, free_ports, regtest_node_fixture  # noqa: F401
from test_companion_regtest import COINBASE_MATURITY, expected_balance


@pytest.fixture(scope="module")
def electrum(regtest_node: RegtestNode) -> Iterator[ElectrumServer]:
    with ElectrumServer(regtest_node) as server:
        yield server


@pytest.fixture(scope="module")
def datadir(tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode,
            electrum: ElectrumServer) -> Path:  # fmt: skip
    """Three wallets of one account: over Electrum, over Esplora, and through the node's RPC."""
    folder = tmp_path_factory.mktemp("companion")
    exports = tmp_path_factory.mktemp("exports")
    (exports / "account.ur").write_text(ur_export())
    (exports / "account.json").write_text(json_export())
    regtest_node.mine(COINBASE_MATURITY + 1)  # the node's wallet gets a spendable coinbase
    from companion.cli import main  # module-scoped: no capsys here

    for name, export, url in (
        ("electrum", "account.ur", electrum.url),
        ("core", "account.json", regtest_node.rpc_url),
    ):
        assert main(["--datadir", str(folder), "btc", "import", name, str(exports / export),
                     "--network", "regtest", "--node", url]) == 0  # fmt: skip
    return folder


def sync(capsys: pytest.CaptureFixture[str], datadir: Path, name: str) -> Run:
    result = run(capsys, datadir, "btc", "sync", name)
    assert result.status == 0, result.err
    return result


WALLETS = ("electrum", "core")


def test_mined_coins_show_over_electrum_as_the_node_has_them(
    regtest_node: RegtestNode, electrum: ElectrumServer, datadir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(capsys, datadir, "btc", "address", "electrum", "--json").json()
    assert first["address"] == account().address(0, 0)
    regtest_node.mine(COINBASE_MATURITY + 1, first["address"])
    expected = expected_balance(regtest_node)
    assert expected["confirmed"] > 0 and expected["pending"] > 0
    for name in WALLETS:
        assert f"to height {regtest_node.height()}:" in sync(capsys, datadir, name).out
        assert run(capsys, datadir, "btc", "balance", name, "--json").json() == expected, name
        assert run(capsys, datadir, "btc", "address", name, "--json").json()["index"] == 1, name
    print(sorted(set(electrum.calls)))
