"""The companion with a wallet of 1,000 transactions, on a regtest node: sync and ``btc send`` times.

Setup (not timed): a regtest bitcoind, its own wallet fanned out into 1,000 coins, then 1,000
payments (one transaction each) to the first 20 receive addresses of the test mnemonic's BIP-84
account, mined 250 to a block. The same account is imported twice, once over compact block filters
(``cbf://``, BDK's Kyoto client) and once over Core's RPC (``bitcoind://``, a watch-only wallet in
the node), and each is timed for its first sync (from nothing) and a later sync (one block and one
payment more). ``btc send`` is timed end to end (coins, BDK's TxBuilder, the device's review from
public keys, the PSBT file), best of three.

Anchors, the same work by Bitcoin Core on the same node and coins:
* sync: ``scantxoutset`` over the account's two descriptors (a UTXO-set scan: it finds the coins, not
  the history, so it does less than a sync; a ratio above 1 is what history and BDK cost);
* send: ``walletcreatefundedpsbt`` in the companion's watch-only wallet in the node (coin selection
  and an unsigned PSBT, no review, no file).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.report import Table

TRANSACTIONS = 1000
PER_BLOCK = 250
ADDRESSES = 20  # within every backend's lookahead, so one sync finds all of them
BATCH = 100
MNEMONIC = " ".join(["abandon"] * 11 + ["about"])


def _batch(node: Any, calls: list[tuple[str, list[Any]]], wallet: str) -> list[Any]:
    """JSON-RPC batches of ``BATCH`` calls: 1,000 payments in ten HTTP requests."""
    import base64
    import json
    import urllib.request

    from companion.demo_node import RPC_PASSWORD, RPC_USER

    auth = "Basic " + base64.b64encode(f"{RPC_USER}:{RPC_PASSWORD}".encode()).decode()
    results: list[Any] = []
    for start in range(0, len(calls), BATCH):
        body = [
            {"jsonrpc": "1.0", "id": i, "method": m, "params": p}
            for i, (m, p) in enumerate(calls[start : start + BATCH])
        ]
        request = urllib.request.Request(
            f"http://127.0.0.1:{node.rpc_port}/wallet/{wallet}",
            json.dumps(body).encode(),
            {"Authorization": auth, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            replies = sorted(json.loads(response.read()), key=lambda r: r["id"])
        for reply in replies:
            if reply.get("error"):
                raise RuntimeError(f"bitcoind: {reply['error']['message']}")
            results.append(reply["result"])
    return results


def _fund(node: Any, addresses: list[str]) -> None:
    """1,000 transactions paying ``addresses`` in turn, mined ``PER_BLOCK`` to a block."""
    from companion.demo_node import MINER_WALLET

    node.mine(200)  # 100 mature coinbases of 50 BTC
    own = _batch(node, [("getnewaddress", [])] * TRANSACTIONS, MINER_WALLET)
    node.rpc("sendmany", "", {a: 0.1 for a in own}, wallet=MINER_WALLET)
    node.mine(1)
    for start in range(0, TRANSACTIONS, PER_BLOCK):
        calls = [
            ("sendtoaddress", [addresses[i % len(addresses)], f"{0.001 + i * 1e-8:.8f}"])
            for i in range(start, start + PER_BLOCK)
        ]
        _batch(node, calls, MINER_WALLET)
        node.mine(1)


def _companion(datadir: Path, *argv: str) -> None:
    from companion.cli import main

    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = main(["--datadir", str(datadir), *argv])
    if status != 0:
        raise RuntimeError(f"airlock-companion {' '.join(argv)}: {err.getvalue().strip()}")


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    return min(_seconds(fn) for _ in range(repeat))


def _history_size(datadir: Path, name: str) -> int:
    from companion.btc.activity import history
    from companion.btc.wallets import Wallets

    wallets = Wallets(datadir)
    return len(history(wallets.load(name), wallets.folder(name)))


def measure(node: Any, work: Path) -> Table:
    from companion.btc.core_rpc import core_wallet_name
    from companion.btc.wallets import Wallets
    from signer.commands.account import account_ur
    from signer.keys.accounts import AccountSpec, derive_btc_account
    from signer.keys.bip39 import mnemonic_to_seed

    seed = mnemonic_to_seed(MNEMONIC)
    spec = AccountSpec.parse("btc-84", "regtest")
    account = derive_btc_account(seed, spec)
    export = work / "account.ur"
    export.write_text(account_ur(seed, spec).upper() + "\n")
    addresses = [account.address(0, i) for i in range(ADDRESSES)]
    started = time.perf_counter()
    _fund(node, addresses)
    print(f"   setup: {TRANSACTIONS} payments in {TRANSACTIONS // PER_BLOCK} blocks, "
          f"{time.perf_counter() - started:.1f} s (not timed below)", flush=True)  # fmt: skip

    datadir = work / "companion"
    for name, url in (("cbf", node.cbf_url), ("core", node.rpc_url)):
        _companion(datadir, "btc", "import", name, str(export), "--network", "regtest", "--node", url)
    first = {name: _seconds(partial(_companion, datadir, "btc", "sync", name)) for name in ("cbf", "core")}
    found = {name: _history_size(datadir, name) for name in ("cbf", "core")}

    miner = node.miner()
    node.rpc("sendtoaddress", addresses[0], 0.002, wallet="miner")
    node.mine(1)
    later = {name: _seconds(partial(_companion, datadir, "btc", "sync", name)) for name in ("cbf", "core")}

    descriptors = [{"desc": d, "range": 100} for d in _descriptors(Wallets(datadir), "core")]
    scan = _best(lambda: node.rpc("scantxoutset", "start", descriptors))
    _check(node, datadir, descriptors, TRANSACTIONS + 1)

    counter = iter(range(1000))

    def send(name: str) -> None:
        out = work / f"{name}-{next(counter)}.psbt"
        _companion(datadir, "btc", "send", name, "--to", miner, "--amount", "50000", "--fee-rate", "2",
                   "-o", str(out))  # fmt: skip

    sends = {name: _best(partial(send, name)) for name in ("cbf", "core")}
    core_wallet = core_wallet_name(Wallets(datadir).load("core"))
    options = {"fee_rate": 2, "includeWatching": True}
    funded = _best(
        partial(node.rpc, "walletcreatefundedpsbt", [], {miner: 0.0005}, 0, options, True, wallet=core_wallet)
    )

    table = Table(
        f"companion, a wallet of {found['cbf']} transactions (cbf) / {found['core']} (bitcoind), regtest"
    )
    for name, label in (("cbf", "cbf://"), ("core", "bitcoind://")):
        table.add(f"first sync, {label}", first[name], scan, "s", "node's scantxoutset, same descriptors")
        table.add(f"later sync (+1 block), {label}", later[name], scan, "s", "node's scantxoutset")
    for name, label in (("cbf", "cbf://"), ("core", "bitcoind://")):
        table.add(f"btc send (PSBT, review, file), {label}", sends[name], funded, "s",
                  "node's walletcreatefundedpsbt, same coins")  # fmt: skip
    return table


def _check(node: Any, datadir: Path, descriptors: list[dict[str, Any]], transactions: int) -> None:
    """Figures of a wrong sync mean nothing: both wallets must hold every payment and the node's coins."""
    from decimal import Decimal

    from companion.btc.service import balance
    from companion.btc.wallets import Wallets

    utxo_set = node.rpc("scantxoutset", "start", descriptors)
    expected = int(Decimal(str(utxo_set["total_amount"])) * 100_000_000)
    for name in ("cbf", "core"):
        status = balance(Wallets(datadir), name)
        seen = _history_size(datadir, name)
        if status.confirmed + status.pending != expected or seen != transactions:
            raise RuntimeError(
                f"the {name} wallet saw {seen} transactions and {status.confirmed + status.pending} sats; "
                f"the node has {transactions} and {expected} sats"
            )


def _descriptors(wallets: Any, name: str) -> list[str]:
    record = wallets.load(name)
    return [record.descriptor, record.change_descriptor]


def run() -> None:
    from companion.demo_node import DemoNode, bitcoind_missing

    missing = bitcoind_missing()
    if missing:
        print(f"   skipped: {missing}")
        return
    try:
        import bdkpython  # noqa: F401
    except ImportError:
        print("   skipped: bdkpython is not installed (make bootstrap)")
        return
    with tempfile.TemporaryDirectory(prefix="airlock-bench-") as tmp, DemoNode(Path(tmp) / "node") as node:
        measure(node, Path(tmp)).print()


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    run()


if __name__ == "__main__":
    main()
