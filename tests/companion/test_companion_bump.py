"""Fee bump (RBF) and CPFP end to end on regtest, over compact block filters and over the node's RPC.

The companion builds the replacement or the child, Airlock's signer signs it (test mnemonic), the
companion broadcasts it; the node's mempool and the next block show the result: the replacement
confirmed and the original gone, the child confirmed in the same block as its parent, at the package
rate asked. Refusals (too low a rate, confirmed, not the wallet's, not replaceable) are one line and
write nothing.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from pathlib import Path

import pytest
from companion_cli import Run, run, snapshot
from conftest import ABANDON, INPUTS_DIR
from device_exports import account, ur_export
from regtest import RegtestNode, RPCError, regtest_node_fixture  # noqa: F401

from companion.cli import main

KINDS = {"filters": "btc-84", "core": "btc-86"}  # wallet -> account of the test mnemonic


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode) -> dict[str, Path]:
    """Two wallets with two mature coinbases each: ``filters`` (compact block filters), ``core`` (RPC)."""
    folder = tmp_path_factory.mktemp("companion")
    files = tmp_path_factory.mktemp("files")
    words = files / INPUTS_DIR / "words.txt"
    words.parent.mkdir()
    words.write_text(ABANDON + "\n")
    urls = {"filters": regtest_node.cbf_url, "core": regtest_node.rpc_url}
    for name, kind in KINDS.items():
        (files / f"{name}.ur").write_text(ur_export(kind))
        assert main(["--datadir", str(folder), "btc", "import", name, str(files / f"{name}.ur"),
                     "--network", "regtest", "--node", urls[name]]) == 0  # fmt: skip
        regtest_node.mine(2, account(kind).address(0, 0))
    regtest_node.mine(101)
    for name in KINDS:
        assert main(["--datadir", str(folder), "btc", "sync", name]) == 0
    return {"datadir": folder, "files": files, "words": words, "node": regtest_node}  # type: ignore[dict-item]


def btc(capsys: pytest.CaptureFixture[str], setup: dict[str, Path], *args: str) -> Run:
    return run(capsys, setup["datadir"], "btc", *args)


def sign_and_broadcast(
    capsys: pytest.CaptureFixture[str], setup: dict[str, Path], name: str, psbt: Path
) -> str:
    """``airlock sign`` (the test mnemonic), then ``btc broadcast``: the txid."""
    from signer.cli import main as airlock

    capsys.readouterr()
    status = airlock(["sign", str(psbt), "--mnemonic-file", str(setup["words"]), "--network", "regtest",
                      "--format", "base64"])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 0, err
    signed = psbt.with_suffix(".signed")
    signed.write_text(out)
    txid: str = btc(capsys, setup, "broadcast", name, str(signed), "--json").json()["txid"]
    in_mempool(setup, txid)
    return txid


def in_mempool(setup: dict[str, Path], txid: str) -> None:
    """The node has ``txid`` in its mempool as soon as ``btc broadcast`` returns, over P2P too."""
    node: RegtestNode = setup["node"]  # type: ignore[assignment]
    assert txid in node.rpc.call("getrawmempool"), f"{txid} is not in the node's mempool"


def pay(capsys: pytest.CaptureFixture[str], setup: dict[str, Path], name: str, to: str, sats: int,
        rate: int) -> str:  # fmt: skip
    psbt = setup["files"] / f"{name}-pay-{to[-8:]}-{sats}.psbt"
    sent = btc(capsys, setup, "send", name, "--to", to, "--amount", str(sats), "--fee-rate", str(rate),
               "-o", str(psbt))  # fmt: skip
    assert sent.status == 0, sent.err
    return sign_and_broadcast(capsys, setup, name, psbt)


def package_rate(node: RegtestNode, txid: str) -> float:
    """sat/vB of ``txid`` with its unconfirmed ancestors, by the node's mempool."""
    entry = node.rpc.call("getmempoolentry", txid)
    return float(Decimal(str(entry["fees"]["ancestor"])) * 100_000_000 / entry["ancestorsize"])


def refused(capsys: pytest.CaptureFixture[str], setup: dict[str, Path], tmp_path: Path, *args: str) -> str:
    """The command fails with one line and writes nothing: its error line."""
    before = snapshot(setup["datadir"])
    out = tmp_path / "refused.psbt"
    result = btc(capsys, setup, *args, "-o", str(out), "--qr-dir", str(tmp_path / "frames"))
    assert result.status == 1 and result.out == "", result.out
    assert result.err.count("\n") == 1 and result.err.startswith("airlock-companion: error: ")
    assert snapshot(setup["datadir"]) == before
    assert not out.exists() and not (tmp_path / "frames").exists()
    return result.err


@pytest.mark.parametrize("name", list(KINDS))
def test_bump_replaces_the_transaction_and_the_replacement_confirms(
    regtest_node: RegtestNode, setup: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path,
    name: str,
) -> None:  # fmt: skip
    to = regtest_node.miner()
    original = pay(capsys, setup, name, to, 30_000_000, 2)
    assert original in regtest_node.rpc.call("getrawmempool")
    if name == "core":
        assert btc(capsys, setup, "sync", name).status == 0  # the node's wallet follows by itself

    for rate in ("1", "2"):
        err = refused(capsys, setup, tmp_path, "bump", name, original, "--fee-rate", rate)
        assert f"the fee rate {rate} sat/vB is too low: {original} pays 2." in err
        assert "relays a replacement only when it pays at least 1 sat/vB more" in err

    bumped = setup["files"] / f"{name}-bumped.psbt"
    result = btc(capsys, setup, "bump", name, original, "--fee-rate", "12", "-o", str(bumped))
    assert result.status == 0, result.err
    assert result.out.startswith("The device will show:\n")
    assert f"SEND    0.30000000 BTC {to}\n" in result.out  # the same payment, in full
    assert "(12.0 sat/vB" in result.out and "RBF on" in result.out
    replacement = sign_and_broadcast(capsys, setup, name, bumped)
    assert replacement != original
    mempool = regtest_node.rpc.call("getrawmempool")
    assert replacement in mempool and original not in mempool
    entry = regtest_node.rpc.call("getmempoolentry", replacement)
    assert Decimal(str(entry["fees"]["base"])) * 100_000_000 * 4 >= 12 * entry["weight"]  # 12 sat/vB

    regtest_node.mine(1)
    assert regtest_node.raw_transaction(replacement)["confirmations"] == 1
    with pytest.raises(RPCError, match="No such mempool or blockchain transaction"):
        regtest_node.raw_transaction(original)
    assert btc(capsys, setup, "sync", name).status == 0
    history = {row["txid"]: row["height"] for row in btc(capsys, setup, "history", name, "--json").json()}
    assert history.get(replacement) == regtest_node.height() and original not in history

    err = refused(capsys, setup, tmp_path, "bump", name, replacement, "--fee-rate", "20")
    assert f"{replacement} is already confirmed (in block {regtest_node.height()})" in err


@pytest.mark.parametrize("name", list(KINDS))
def test_cpfp_child_confirms_its_parent_in_one_block_at_the_package_rate(
    regtest_node: RegtestNode, setup: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path,
    name: str,
) -> None:  # fmt: skip
    parent = pay(capsys, setup, name, regtest_node.miner(), 20_000_000, 1)
    if name == "core":
        assert btc(capsys, setup, "sync", name).status == 0
    err = refused(capsys, setup, tmp_path, "cpfp", name, parent, "--fee-rate", "1")
    assert f"{parent} already pays 1." in err and "would not speed it up" in err

    child_psbt = setup["files"] / f"{name}-child.psbt"
    result = btc(capsys, setup, "cpfp", name, parent, "--fee-rate", "15", "-o", str(child_psbt), "--json")
    review = result.json()["review"]
    assert [o["is_change"] for o in review["outputs"]] == [True]  # back to the wallet, proven
    child = sign_and_broadcast(capsys, setup, name, child_psbt)
    tx = regtest_node.raw_transaction(child)
    assert {vin["txid"] for vin in tx["vin"]} == {parent}
    assert 15 <= package_rate(regtest_node, child) < 15.5  # the package reaches the rate, no more

    (block,) = regtest_node.mine(1)
    assert regtest_node.raw_transaction(parent)["blockhash"] == block
    assert regtest_node.raw_transaction(child)["blockhash"] == block
    if name == "filters":  # before its next sync, the wallet knows only that the child spent the output
        err = refused(capsys, setup, tmp_path, "cpfp", name, parent, "--fee-rate", "20")
        assert f"{parent} has no unspent output of this wallet: there is nothing for a child to spend" in err
    assert btc(capsys, setup, "sync", name).status == 0
    err = refused(capsys, setup, tmp_path, "cpfp", name, parent, "--fee-rate", "20")
    assert f"{parent} is already confirmed (in block {regtest_node.height()})" in err


def test_cpfp_speeds_up_a_payment_received(
    regtest_node: RegtestNode, setup: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Someone pays the ``core`` wallet at 1 sat/vB: the wallet cannot replace it, but its child can pull
    it into the next block; the parent's fee is the node's mempool figure (the wallet never saw its
    inputs)."""
    address = account(KINDS["core"]).address(0, 7)
    incoming = regtest_node.rpc.call("sendtoaddress", address, "0.1", "", "", False, True, None, "unset",
                                     None, 1, wallet="miner")  # fmt: skip
    assert btc(capsys, setup, "sync", "core").status == 0
    err = refused(capsys, setup, tmp_path, "bump", "core", incoming, "--fee-rate", "10")
    assert "spends a coin that is not this wallet's (input 0): only who sent it can replace it" in err
    assert f"use `btc cpfp core {incoming}`" in err

    child_psbt = setup["files"] / "incoming-child.psbt"
    assert btc(capsys, setup, "cpfp", "core", incoming, "--fee-rate", "8", "-o", str(child_psbt)).status == 0
    child = sign_and_broadcast(capsys, setup, "core", child_psbt)
    assert 8 <= package_rate(regtest_node, child) < 8.5
    (block,) = regtest_node.mine(1)
    assert regtest_node.raw_transaction(incoming)["blockhash"] == block
    assert regtest_node.raw_transaction(child)["blockhash"] == block


def not_replaceable_payment(setup: dict[str, Path], to: str) -> Path:
    """An unsigned payment of the ``filters`` wallet that does not signal RBF (sequence 0xfffffffe), as
    another wallet of the same account could have made it."""
    import bdkpython as bdk

    from companion.btc.wallets import Wallets, open_bdk

    wallets = Wallets(setup["datadir"])
    opened = open_bdk(wallets.load("filters"), wallets.folder("filters"))
    script = bdk.Address(to, bdk.Network.REGTEST).script_pubkey()
    psbt = (
        bdk.TxBuilder()
        .add_recipient(script, bdk.Amount.from_sat(1_000_000))
        .fee_rate(bdk.FeeRate.from_sat_per_vb(2))
        .set_exact_sequence(0xFFFFFFFE)
        .finish(opened.wallet)
    )
    opened.persist()
    path = setup["files"] / "final.psbt"
    path.write_bytes(base64.b64decode(psbt.serialize()))
    return path


def test_bump_and_cpfp_refusals(
    regtest_node: RegtestNode, setup: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    final = sign_and_broadcast(capsys, setup, "filters", not_replaceable_payment(setup, regtest_node.miner()))
    assert all(vin["sequence"] == 0xFFFFFFFE for vin in regtest_node.raw_transaction(final)["vin"])
    err = refused(capsys, setup, tmp_path, "bump", "filters", final, "--fee-rate", "10")
    assert f"{final} did not signal replace-by-fee (BIP-125) when it was sent: it cannot be replaced" in err

    unknown = "ab" * 32
    cases: list[tuple[list[str], str]] = [
        (["bump", "filters", unknown], f"{unknown} is not a transaction of the wallet filters"),
        (["cpfp", "core", unknown], f"{unknown} is not a transaction of the wallet core"),
        (["bump", "filters", "xyz"], "a transaction id is 64 hex digits, not 'xyz'"),
        (["cpfp", "nosuch", unknown], "no wallet named nosuch"),
        (["bump", "filters", final, "--fee-rate", "0"], "the fee rate 0 sat/vB is out of bounds"),
    ]
    for args, message in cases:
        rate = [] if "--fee-rate" in args else ["--fee-rate", "10"]
        assert message in refused(capsys, setup, tmp_path, *args, *rate), args
    regtest_node.mine(1)
