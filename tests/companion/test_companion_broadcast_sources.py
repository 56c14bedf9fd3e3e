"""Broadcast goes out through the wallet's own chain source: its Electrum server, its Esplora server.

Each wallet (an account of the test mnemonic) is funded on regtest, builds a payment, has it signed by
Airlock's signer, broadcasts it, and sees it confirmed after the next block; the loopback server's log
shows it was the one that took the transaction. A broadcast the server refuses (the same transaction
again, once it is in a block) is one line, exit status 1, and changes nothing in the data folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from companion_cli import Run, run, snapshot
from conftest import ABANDON, INPUTS_DIR
from device_exports import account, ur_export
from electrum_server import ElectrumServer
from esplora_server import EsploraServer
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401

from companion.cli import main

SOURCES = {  # wallet name -> (account kind, what the loopback server logs for a broadcast)
    "electrum": ("btc-84", "blockchain.transaction.broadcast"),
    "esplora": ("btc-86", "POST /tx"),
}


@pytest.fixture(scope="module")
def servers(regtest_node: RegtestNode) -> Iterator[dict[str, ElectrumServer | EsploraServer]]:
    with ElectrumServer(regtest_node) as electrum, EsploraServer(regtest_node) as esplora:
        yield {"electrum": electrum, "esplora": esplora}


@pytest.fixture(scope="module")
def setup(
    tmp_path_factory: pytest.TempPathFactory,
    regtest_node: RegtestNode,
    servers: dict[str, ElectrumServer | EsploraServer],
) -> dict[str, Path]:
    """One wallet per server, each with a mature coinbase of its own; both synced."""
    folder = tmp_path_factory.mktemp("companion")
    files = tmp_path_factory.mktemp("files")
    words = files / INPUTS_DIR / "words.txt"
    words.parent.mkdir()
    words.write_text(ABANDON + "\n")
    for name, (kind, _) in SOURCES.items():
        (files / f"{name}.ur").write_text(ur_export(kind))
        assert main(["--datadir", str(folder), "btc", "import", name, str(files / f"{name}.ur"),
                     "--network", "regtest", "--node", servers[name].url]) == 0  # fmt: skip
        regtest_node.mine(1, account(kind).address(0, 0))
    regtest_node.mine(101)
    for name in SOURCES:
        assert main(["--datadir", str(folder), "btc", "sync", name]) == 0
    return {"datadir": folder, "files": files, "words": words}


def btc(capsys: pytest.CaptureFixture[str], setup: dict[str, Path], *args: str) -> Run:
    return run(capsys, setup["datadir"], "btc", *args)


def signed_payment(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Path], name: str, to: str, sats: int
) -> Path:
    """``btc send`` then ``airlock sign`` (the test mnemonic): the signed PSBT's file (base64)."""
    from signer.cli import main as airlock

    files = setup["files"]
    sent = btc(capsys, setup, "send", name, "--to", to, "--amount", str(sats), "--fee-rate", "2",
               "-o", str(files / f"{name}.psbt"))  # fmt: skip
    assert sent.status == 0, sent.err
    capsys.readouterr()
    status = airlock(["sign", str(files / f"{name}.psbt"), "--mnemonic-file", str(setup["words"]),
                      "--network", "regtest", "--format", "base64"])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 0, err
    signed = files / f"{name}-signed.txt"
    signed.write_text(out)
    return signed


@pytest.mark.parametrize("name", list(SOURCES))
def test_broadcast_goes_through_the_wallets_own_server_and_confirms(
    regtest_node: RegtestNode,
    servers: dict[str, ElectrumServer | EsploraServer],
    setup: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    server, logged = servers[name], SOURCES[name][1]
    to = regtest_node.miner()
    signed = signed_payment(capsys, setup, name, to, 12_345_678)
    server.calls.clear()
    result = btc(capsys, setup, "broadcast", name, str(signed), "--json")
    txid = result.json()["txid"]
    assert [call for call in server.calls if call == logged] == [logged]  # this server took it, once
    assert txid in regtest_node.rpc.call("getrawmempool")
    paid = [o["value"] for o in regtest_node.raw_transaction(txid)["vout"]
            if o["scriptPubKey"].get("address") == to]  # fmt: skip
    assert paid == [0.12345678]
    pending = btc(capsys, setup, "history", name, "--json").json()
    assert [row["height"] for row in pending if row["txid"] == txid] == [None]  # known at once

    regtest_node.mine(1)
    assert btc(capsys, setup, "sync", name).status == 0
    history = btc(capsys, setup, "history", name, "--json").json()
    assert [row["height"] for row in history if row["txid"] == txid] == [regtest_node.height()]

    # the same transaction again: the server's node refuses it (its coins are spent in a block)
    before = snapshot(setup["datadir"])
    server.calls.clear()
    again = btc(capsys, setup, "broadcast", name, str(signed))
    assert again.status == 1 and again.out == ""
    assert again.err.count("\n") == 1
    assert f"error: the {'Electrum' if name == 'electrum' else 'Esplora'} server at 127.0.0.1:" in again.err
    assert "refused the transaction: " in again.err and "Transaction outputs already in utxo set" in again.err
    assert '{"code"' not in again.err and "HttpResponse" not in again.err  # the server's words, unwrapped
    assert logged in server.calls
    assert snapshot(setup["datadir"]) == before
