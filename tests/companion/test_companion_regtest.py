"""The companion against a real node: Bitcoin Knots' bitcoind on regtest, through both chain sources.

One account of the test mnemonic is imported twice from the device's own exports: as ``filters``
(ur:crypto-account, synced over compact block filters with Kyoto) and as ``core`` (the JSON export,
synced through the node's RPC with a watch-only wallet there). The expected balances come from the
node's UTXO set (``scantxoutset`` of the device's descriptor), not from either wallet.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from companion_cli import Run, run, snapshot
from device_exports import account, json_export, ur_export
from regtest import RegtestNode, free_ports, regtest_node_fixture  # noqa: F401

COINBASE_MATURITY = 100


@pytest.fixture(scope="module")
def datadir(tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode) -> Path:
    """A data folder with both wallets imported, and the node's own wallet funded for payments."""
    folder = tmp_path_factory.mktemp("companion")
    exports = tmp_path_factory.mktemp("exports")
    (exports / "account.ur").write_text(ur_export())
    (exports / "account.json").write_text(json_export())
    regtest_node.mine(COINBASE_MATURITY + 1)  # the node's wallet gets one spendable coinbase
    from companion.cli import main  # module-scoped: no capsys here


    common = ["--network", "regtest", "--node"]
    assert main(["--datadir", str(folder), "btc", "import", "filters", str(exports / "account.ur"),
                 *common, regtest_node.cbf_url]) == 0  # fmt: skip
    assert main(["--datadir", str(folder), "btc", "import", "core", str(exports / "account.json"),
                 *common, regtest_node.rpc_url]) == 0  # fmt: skip
    return folder


def expected_balance(node: RegtestNode, pending_sats: int = 0) -> dict[str, int]:
    """The account's balance by the node's UTXO set: a coinbase is confirmed once the next block may
    spend it (100 confirmations), immature before; ``pending_sats`` is what the test sent unconfirmed."""
    descriptor = account().descriptor
    scan = node.rpc.call("scantxoutset", "start", [{"desc": descriptor, "range": 200}])
    tip = scan["height"]
    confirmed = immature = 0
    for utxo in scan["unspents"]:
        sats = int(Decimal(str(utxo["amount"])) * 100_000_000)
        if utxo["coinbase"] and tip - utxo["height"] + 1 < COINBASE_MATURITY:
            immature += sats
        else:
            confirmed += sats
    return {"confirmed": confirmed, "pending": immature + pending_sats}


def sync(capsys: pytest.CaptureFixture[str], datadir: Path, name: str) -> Run:
    result = run(capsys, datadir, "btc", "sync", name)
    assert result.status == 0, result.err
    return result


WALLETS = ("filters", "core")


def test_mined_coins_show_on_both_sources_with_immature_as_pending(
    regtest_node: RegtestNode, datadir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = {name: run(capsys, datadir, "btc", "address", name, "--json").json() for name in WALLETS}
    assert first["filters"] == first["core"] == {
        "address": account().address(0, 0), "index": 0, "path": "m/84h/1h/0h/0/0"
    }  # fmt: skip
    regtest_node.mine(COINBASE_MATURITY + 1, first["filters"]["address"])
    expected = expected_balance(regtest_node)
    assert expected["confirmed"] > 0 and expected["pending"] > 0  # both kinds of coinbase are there
    for name in WALLETS:
        assert f"to height {regtest_node.height()}:" in sync(capsys, datadir, name).out
        assert run(capsys, datadir, "btc", "balance", name, "--json").json() == expected, name
        # the first address is used now: the next one is handed out
        assert run(capsys, datadir, "btc", "address", name, "--json").json() == {
            "address": account().address(0, 1), "index": 1, "path": "m/84h/1h/0h/0/1"
        }  # fmt: skip


def test_a_payment_is_pending_until_mined(
    regtest_node: RegtestNode, datadir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in WALLETS:  # both at the tip, whatever ran before
        sync(capsys, datadir, name)
    address = run(capsys, datadir, "btc", "address", "filters", "--json").json()
    txid = regtest_node.send(address["address"], "1.25")
    outputs = regtest_node.raw_transaction(txid)["vout"]
    assert [o["value"] for o in outputs if o["scriptPubKey"].get("address") == address["address"]] == [1.25]
    # the node's wallet sees the payment in its mempool; compact block filters cover blocks only, so a
    # payment from someone else shows there once it is mined (documented in docs/companion.md)
    sync(capsys, datadir, "core")
    core = run(capsys, datadir, "btc", "balance", "core", "--json").json()
    assert core == expected_balance(regtest_node, pending_sats=125_000_000)
    sync(capsys, datadir, "filters")
    filters = run(capsys, datadir, "btc", "balance", "filters", "--json").json()
    assert filters == expected_balance(regtest_node)
    regtest_node.mine(1)
    for name in WALLETS:
        sync(capsys, datadir, name)
        balance = run(capsys, datadir, "btc", "balance", name, "--json").json()
        assert balance == expected_balance(regtest_node), name
        after = run(capsys, datadir, "btc", "address", name, "--json").json()
        assert after["index"] == address["index"] + 1


def test_an_unreachable_node_is_one_line_and_changes_nothing(
    datadir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "account.ur"
    export.write_text(ur_export())
    (port,) = free_ports(1)
    urls = {"gone-cbf": f"cbf://127.0.0.1:{port}", "gone-rpc": f"bitcoind://u:secret@127.0.0.1:{port}"}
    for name, url in urls.items():
        assert run(capsys, datadir, "btc", "import", name, str(export), "--network", "regtest",
                   "--node", url).status == 0  # fmt: skip
    before = snapshot(datadir)
    for name in urls:
        result = run(capsys, datadir, "btc", "sync", name)
        assert result.status == 1
        reason = f"cannot reach the node at 127.0.0.1:{port}: connection refused"
        assert result.err == f"airlock-companion: error: {reason}\n"
        assert "secret" not in result.err
    assert snapshot(datadir) == before


def test_a_node_of_another_network_or_wrong_password_is_refused(
    regtest_node: RegtestNode, datadir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test_export = tmp_path / "test.json"
    test_export.write_text(json_export(network="test"))
    assert run(capsys, datadir, "btc", "import", "testnet", str(test_export), "--network", "test",
               "--node", regtest_node.rpc_url).status == 0  # fmt: skip
    wrong_password = regtest_node.rpc_url.replace(":regtest-only@", ":not-the-password@")
    regtest_export = tmp_path / "regtest.ur"
    regtest_export.write_text(ur_export())
    assert run(capsys, datadir, "btc", "import", "badpass", str(regtest_export), "--network", "regtest",
               "--node", wrong_password).status == 0  # fmt: skip
    before = snapshot(datadir)
    wallets = regtest_node.rpc.call("listwallets")
    result = run(capsys, datadir, "btc", "sync", "testnet")
    assert result.status == 1
    assert result.err.endswith("runs regtest, the wallet testnet is test\n")
    result = run(capsys, datadir, "btc", "sync", "badpass")
    assert result.status == 1
    assert result.err.endswith("refused the RPC user or password\n") and "not-the-password" not in result.err
    assert snapshot(datadir) == before
    assert regtest_node.rpc.call("listwallets") == wallets  # nothing created in the node either
