"""Broadcast over compact block filters (``cbf://``): ``btc broadcast`` returns once the node has the
transaction, so it is in the node's mempool the moment the command ends, every time.

Kyoto's ``broadcast`` resolves when the node asks for the transaction, with the ``tx`` message only
queued; the client used to be shut down right then and the message was sometimes never sent (about one
broadcast in five here). Several broadcasts in a row, each checked at once, catch that.
"""

from __future__ import annotations

import base64
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from companion_cli import run
from conftest import ABANDON, INPUTS_DIR
from device_exports import account, ur_export
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401

from companion.cli import main

PAYMENTS = 6


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode) -> dict[str, Path]:
    """A ``cbf://`` wallet of the test mnemonic with one mature coinbase per payment, synced."""
    folder = tmp_path_factory.mktemp("companion")
    files = tmp_path_factory.mktemp("files")
    words = files / INPUTS_DIR / "words.txt"
    words.parent.mkdir()
    words.write_text(ABANDON + "\n")
    (files / "wallet.ur").write_text(ur_export("btc-84"))
    assert main(["--datadir", str(folder), "btc", "import", "filters", str(files / "wallet.ur"),
                 "--network", "regtest", "--node", regtest_node.cbf_url]) == 0  # fmt: skip
    regtest_node.mine(PAYMENTS, account("btc-84").address(0, 0))
    regtest_node.mine(101)
    assert main(["--datadir", str(folder), "btc", "sync", "filters"]) == 0
    return {"datadir": folder, "files": files, "words": words}


def signed_payment(capsys: pytest.CaptureFixture[str], setup: dict[str, Path], to: str, n: int) -> Path:
    from signer.cli import main as airlock

    psbt = setup["files"] / f"pay-{n}.psbt"
    sent = run(capsys, setup["datadir"], "btc", "send", "filters", "--to", to, "--amount", "150000",
               "--fee-rate", "2", "-o", str(psbt))  # fmt: skip
    assert sent.status == 0, sent.err
    capsys.readouterr()
    status = airlock(["sign", str(psbt), "--mnemonic-file", str(setup["words"]), "--network", "regtest",
                      "--format", "base64"])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 0, err
    signed = psbt.with_suffix(".signed")
    signed.write_text(out)
    return signed


def test_each_broadcast_is_in_the_nodes_mempool_when_the_command_returns(
    regtest_node: RegtestNode, setup: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    to = regtest_node.miner()
    for n in range(PAYMENTS):
        signed = signed_payment(capsys, setup, to, n)
        result = run(capsys, setup["datadir"], "btc", "broadcast", "filters", str(signed), "--json")
        txid = result.json()["txid"]
        assert txid in regtest_node.rpc.call("getrawmempool"), f"payment {n}: {txid} is not in the mempool"
    regtest_node.mine(1)
    assert regtest_node.rpc.call("getrawmempool") == []


@pytest.fixture
def silent_peer() -> Iterator[int]:
    """A loopback port that takes connections and never says a word: a peer that never asks for the
    transaction."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


def test_a_node_that_never_asks_for_the_transaction_is_one_line_and_nothing_claimed(
    regtest_node: RegtestNode, setup: dict[str, Path], capsys: pytest.CaptureFixture[str], silent_peer: int
) -> None:
    from companion.btc.broadcast import prepare
    from companion.btc.cbf import CompactFilters
    from companion.btc.node_url import parse_node_url
    from companion.btc.wallets import Wallets, open_bdk
    from companion.errors import CompanionError

    signed = signed_payment(capsys, setup, regtest_node.miner(), PAYMENTS)
    wallets = Wallets(setup["datadir"])
    record, folder = wallets.load("filters"), wallets.folder("filters")
    wallet = open_bdk(record, folder)
    try:
        ready = prepare(record, wallet, folder, [base64.b64decode(signed.read_text())])
        silent = CompactFilters(parse_node_url(f"cbf://127.0.0.1:{silent_peer}"), timeout=3)
        with pytest.raises(CompanionError) as refused:
            silent.broadcast(record, wallet, folder, ready.tx)
    finally:
        wallet.close()
    assert str(refused.value) == (
        f"the node at 127.0.0.1:{silent_peer} did not ask for the transaction within 3 s; nothing was sent"
    )
    assert ready.txid not in regtest_node.rpc.call("getrawmempool")
