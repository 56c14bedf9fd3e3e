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
from electrum_server import Behaviour, ElectrumServer
from esplora_server import EsploraServer
from regtest import RegtestNode, free_ports, regtest_node_fixture  # noqa: F401
from test_companion_regtest import COINBASE_MATURITY, expected_balance


@pytest.fixture(scope="module")
def electrum(regtest_node: RegtestNode) -> Iterator[ElectrumServer]:
    with ElectrumServer(regtest_node) as server:
        yield server


@pytest.fixture(scope="module")
def esplora(regtest_node: RegtestNode) -> Iterator[EsploraServer]:
    with EsploraServer(regtest_node) as server:
        yield server


@pytest.fixture(scope="module")
def datadir(tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode, electrum: ElectrumServer,
            esplora: EsploraServer) -> Path:  # fmt: skip
    """Three wallets of one account: over Electrum, over Esplora, and through the node's RPC."""
    folder = tmp_path_factory.mktemp("companion")
    exports = tmp_path_factory.mktemp("exports")
    (exports / "account.ur").write_text(ur_export())
    (exports / "account.json").write_text(json_export())
    regtest_node.mine(COINBASE_MATURITY + 1)  # the node's wallet gets a spendable coinbase
    from companion.cli import main  # module-scoped: no capsys here

    for name, export, url in (
        ("electrum", "account.ur", electrum.url),
        ("esplora", "account.ur", esplora.url),
        ("core", "account.json", regtest_node.rpc_url),
    ):
        assert main(["--datadir", str(folder), "btc", "import", name, str(exports / export),
                     "--network", "regtest", "--node", url]) == 0  # fmt: skip
    return folder


def sync(capsys: pytest.CaptureFixture[str], datadir: Path, name: str) -> Run:
    result = run(capsys, datadir, "btc", "sync", name)
    assert result.status == 0, result.err
    return result


def balance(capsys: pytest.CaptureFixture[str], datadir: Path, name: str) -> dict[str, int]:
    answer: dict[str, int] = run(capsys, datadir, "btc", "balance", name, "--json").json()
    return answer


WALLETS = ("electrum", "esplora", "core")


def test_mined_coins_show_over_electrum_and_esplora_as_the_node_has_them(
    regtest_node: RegtestNode, electrum: ElectrumServer, esplora: EsploraServer, datadir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    first = {name: run(capsys, datadir, "btc", "address", name, "--json").json() for name in WALLETS}
    assert first["electrum"] == first["esplora"] == first["core"] == {
        "address": account().address(0, 0), "index": 0, "path": "m/84h/1h/0h/0/0"
    }  # fmt: skip
    regtest_node.mine(COINBASE_MATURITY + 1, first["electrum"]["address"])
    expected = expected_balance(regtest_node)
    assert expected["confirmed"] > 0 and expected["pending"] > 0  # spendable and maturing coinbases
    for name in WALLETS:
        assert f"to height {regtest_node.height()}:" in sync(capsys, datadir, name).out
        assert balance(capsys, datadir, name) == expected, name
        assert run(capsys, datadir, "btc", "address", name, "--json").json()["index"] == 1, name
    # what BDK's clients asked: a full scan (scripts, then their transactions and blocks)
    assert {"server.features", "blockchain.scripthash.get_history", "blockchain.transaction.get",
            "blockchain.transaction.get_merkle", "blockchain.block.header"} <= set(electrum.calls)  # fmt: skip
    assert {"GET /block-height/0", "GET /scripthash/:h/txs"} <= set(esplora.calls)


def test_later_syncs_see_payments_pending_then_confirmed_like_the_node(
    regtest_node: RegtestNode, datadir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in WALLETS:
        sync(capsys, datadir, name)
    address = run(capsys, datadir, "btc", "address", "electrum", "--json").json()
    regtest_node.send(address["address"], "1.25")
    # an address past the ones the companion handed out, as another wallet of the account would give
    beyond = account().address(0, address["index"] + 7)
    regtest_node.send(beyond, "0.5")
    pending = expected_balance(regtest_node, pending_sats=175_000_000)
    for name in WALLETS:  # unlike compact block filters, both servers see the mempool
        sync(capsys, datadir, name)
        assert balance(capsys, datadir, name) == pending, name
    regtest_node.mine(1)
    for name in WALLETS:
        sync(capsys, datadir, name)
        assert balance(capsys, datadir, name) == expected_balance(regtest_node), name
        after = run(capsys, datadir, "btc", "address", name, "--json").json()
        assert after["index"] == address["index"] + 8, name
